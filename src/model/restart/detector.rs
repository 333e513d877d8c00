//! Detection of terminations and gaps from successive snapshots of a
//! container. The API keeps one previous termination per container
//! (`lastState`) and a best-effort `restartCount`; the detector remembers,
//! per pod uid and container, how many instances had ended when it last
//! looked and the terminations it already reported, and turns each new
//! snapshot into the terminations not reported yet and a `Gap` for
//! restarts counted but not seen. Pure: the caller passes the time, and
//! seeds the detector from the store.
//!
//! The kubelet's `restartCount` N is the number of the latest instance
//! (0 for the first). The rules:
//! - a `state.terminated` or `lastState.terminated` whose record key
//!   (container ID, or `restart:N` when there is none) was not reported is
//!   a termination. `state.terminated` ended instance N; `lastState` ended
//!   instance N when it is the latest instance (the container waits in a
//!   back-off and its status names that container), else N-1. The source
//!   is `Observed` when the detector had seen the container before,
//!   `PodStatus` on first sight. An init container that completed (exit 0,
//!   current state) did its work: it is not reported.
//! - E instances have ended: N, plus one when the latest is dead. Those
//!   numbered from the E known before (0 on first sight) up to E that
//!   have no reported termination are a gap of that many, after the time
//!   the container was last seen (on first sight, the pod's creation;
//!   after a seed, the time the records reach) and before now, or before
//!   the start of the earliest instance whose end was just read. An empty
//!   `lastState` (`{}`) reports nothing, so its restarts become a gap.
//! - fewer ended instances than known before (the kubelet lost its count)
//!   start the numbering over and report no gap.
//! - `seed` gives the ended instances and the reported keys from the
//!   store, so a restarted ktriage does not call what it recorded a gap.

use std::collections::{HashMap, VecDeque};

use jiff::Timestamp;

use super::snapshot::{ContainerSnapshot, Terminated};
use super::{ContainerKind, Gap, Known, Observation, Source, Termination, record_key};

/// How many reported terminations a container remembers: the status shows
/// at most two, so older keys can come back only from a stale status.
const REMEMBERED: usize = 16;

/// One container's state in the detector.
#[derive(Debug, Clone, Default)]
struct Tracker {
    /// How many instances had ended when last seen (or seeded).
    ended: u32,
    /// Reported terminations: record key and instance number.
    reported: VecDeque<(String, u32)>,
    /// When the container was last seen; None before the first snapshot.
    last_seen: Option<Timestamp>,
    /// For a seeded tracker not seen yet: the time the records reach.
    seeded_until: Option<Timestamp>,
}

impl Tracker {
    fn has(&self, key: &str) -> bool {
        self.reported.iter().any(|(reported, _)| reported == key)
    }

    fn remember(&mut self, key: String, number: u32) {
        if self.reported.len() == REMEMBERED {
            self.reported.pop_front();
        }
        self.reported.push_back((key, number));
    }

    /// The kubelet's count went down: the reported terminations keep their
    /// keys (a stale status may show them again) but no longer account for
    /// instances of the new numbering, which has `ended` ended instances.
    fn restart_numbering(&mut self, ended: u32) {
        for (_, number) in &mut self.reported {
            *number = u32::MAX;
        }
        self.ended = ended;
    }

    /// The instances in `from..to` with a reported termination.
    fn reported_between(&self, from: u32, to: u32) -> u32 {
        let mut counts: Vec<u32> = self
            .reported
            .iter()
            .map(|(_, number)| *number)
            .filter(|number| (from..to).contains(number))
            .collect();
        counts.sort_unstable();
        counts.dedup();
        u32::try_from(counts.len()).unwrap_or(u32::MAX)
    }
}

/// Remembers what was reported for each container and turns snapshots into
/// observations.
#[derive(Debug, Clone, Default)]
pub struct Detector {
    /// Pod uid, then container name.
    pods: HashMap<String, HashMap<String, Tracker>>,
}

impl Detector {
    pub fn new() -> Detector {
        Detector::default()
    }

    /// Whether the detector holds anything about `pod_uid` (seeded or seen).
    pub fn knows_pod(&self, pod_uid: &str) -> bool {
        self.pods.contains_key(pod_uid)
    }

    /// Start a container from what the store recorded: the instances its
    /// records account for and its latest record keys. An empty
    /// `known` leaves the container unknown, so that its first snapshot is
    /// read as a first sight.
    pub fn seed(&mut self, pod_uid: &str, container: &str, known: Known) {
        if known.is_empty() {
            return;
        }
        let mut tracker = Tracker {
            ended: known.ended,
            seeded_until: known.until,
            ..Tracker::default()
        };
        for (key, number) in known.recorded {
            tracker.remember(key, number);
        }
        self.pods
            .entry(pod_uid.to_string())
            .or_default()
            .insert(container.to_string(), tracker);
    }

    /// Forget a pod that is gone.
    pub fn forget(&mut self, pod_uid: &str) {
        self.pods.remove(pod_uid);
    }

    /// The terminations and the gap a snapshot taken at `now` shows.
    pub fn observe(&mut self, snapshot: &ContainerSnapshot, now: Timestamp) -> Vec<Observation> {
        let tracker = self
            .pods
            .entry(snapshot.pod_uid.clone())
            .or_default()
            .entry(snapshot.container.clone())
            .or_default();
        let seen_before = tracker.last_seen.is_some();
        let source = if seen_before {
            Source::Observed
        } else {
            Source::PodStatus
        };
        let after = tracker
            .last_seen
            .or(tracker.seeded_until)
            .or(snapshot.pod_created);
        let count = snapshot.restart_count;
        let ended = snapshot.ended();
        if ended < tracker.ended {
            tracker.restart_numbering(ended);
        }
        // The number of each terminated instance the status shows. A last
        // state beside a newer instance numbered 0 (the kubelet lost its
        // count) has no number in the new numbering.
        let current = snapshot
            .current
            .as_ref()
            .map(|terminated| (terminated, Some(count)));
        let last = snapshot.last.as_ref().map(|terminated| {
            let number = if snapshot.last_is_latest() {
                Some(count)
            } else {
                count.checked_sub(1)
            };
            (terminated, number)
        });
        let mut found = Vec::new();
        let mut gap_before = now;
        let states = [(last, false), (current, true)];
        for ((terminated, number), is_current) in states
            .into_iter()
            .filter_map(|(state, is_current)| Some((state?, is_current)))
        {
            let restart_count = number.unwrap_or(0);
            let key = record_key(&terminated.container_id, restart_count);
            if tracker.has(&key) {
                continue;
            }
            tracker.remember(key, number.unwrap_or(u32::MAX));
            // It accounts for its instance without being reported.
            let completed_init =
                is_current && snapshot.kind == ContainerKind::Init && terminated.exit_code == 0;
            if completed_init {
                continue;
            }
            // The missed instances are numbered below those read now, so
            // they ended before these started.
            if number.is_some_and(|number| (tracker.ended..ended).contains(&number))
                && let Some(started) = terminated.started
            {
                gap_before = gap_before.min(started);
            }
            found.push(Observation::Termination(termination(
                snapshot,
                terminated,
                restart_count,
                source,
            )));
        }
        let missed =
            (ended - tracker.ended).saturating_sub(tracker.reported_between(tracker.ended, ended));
        if missed > 0 {
            let before = match after {
                Some(after) if gap_before < after => now,
                _ => gap_before,
            };
            found.push(Observation::Gap(Gap {
                cluster: snapshot.cluster.clone(),
                namespace: snapshot.namespace.clone(),
                pod: snapshot.pod.clone(),
                pod_uid: snapshot.pod_uid.clone(),
                owner: snapshot.owner.clone(),
                container: snapshot.container.clone(),
                missed,
                after,
                before,
                ended,
            }));
        }
        tracker.ended = ended;
        tracker.last_seen = Some(now);
        tracker.seeded_until = None;
        found
    }
}

fn termination(
    snapshot: &ContainerSnapshot,
    terminated: &Terminated,
    restart_count: u32,
    source: Source,
) -> Termination {
    Termination {
        cluster: snapshot.cluster.clone(),
        namespace: snapshot.namespace.clone(),
        pod: snapshot.pod.clone(),
        pod_uid: snapshot.pod_uid.clone(),
        owner: snapshot.owner.clone(),
        container: snapshot.container.clone(),
        container_kind: snapshot.kind,
        container_id: terminated.container_id.clone(),
        started: terminated.started,
        finished: terminated.finished,
        exit_code: terminated.exit_code,
        signal: terminated.signal,
        reason: terminated.reason.clone(),
        message: terminated.message.clone(),
        restart_count,
        source,
    }
}

#[cfg(test)]
#[path = "detector_tests.rs"]
mod tests;
