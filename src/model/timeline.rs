//! A restart timeline as the history view shows it: one pod's, one
//! container's or one workload's terminations, newest first, with the gaps
//! where restarts were counted but not seen, the revision each pod belonged
//! to, the events around each termination and whether its last lines were
//! kept. Built by `history/` from the store; every text in it is already
//! `SafeText`. Pure data: no I/O.

use jiff::{SignedDuration, Timestamp};

use super::restart::TerminationKey;
use super::safe_text::SafeText;

/// Whose timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineScope {
    Pod {
        namespace: String,
        pod: String,
    },
    Container {
        namespace: String,
        pod: String,
        container: String,
    },
    /// A Deployment, StatefulSet, DaemonSet or Job: every pod it ever had.
    Workload {
        namespace: String,
        kind: String,
        name: String,
    },
}

impl TimelineScope {
    /// `pod shop/web-1`, `container shop/web-1 app`, `deployment shop/web`.
    pub fn title(&self) -> String {
        match self {
            TimelineScope::Pod { namespace, pod } => format!("pod {namespace}/{pod}"),
            TimelineScope::Container {
                namespace,
                pod,
                container,
            } => format!("container {namespace}/{pod} {container}"),
            TimelineScope::Workload {
                namespace,
                kind,
                name,
            } => format!("{} {namespace}/{name}", kind.to_lowercase()),
        }
    }

    /// Whether rows name their pod (a workload spans several).
    pub fn several_pods(&self) -> bool {
        matches!(self, TimelineScope::Workload { .. })
    }
}

/// Whether a termination's last lines are in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastLines {
    /// Kept: this many lines.
    Kept(usize),
    /// Not kept, and why (`forbidden: get pods/log`).
    Missing(SafeText),
}

/// One termination.
#[derive(Debug, Clone, PartialEq)]
pub struct RestartEntry {
    /// The store's key of the termination, to read its last lines.
    pub key: TerminationKey,
    pub started: Option<Timestamp>,
    pub finished: Option<Timestamp>,
    pub pod: SafeText,
    pub container: SafeText,
    /// `1`, `137 SIGKILL (OOM?)`, `137 OOMKilled`.
    pub exit: SafeText,
    pub reason: SafeText,
    pub message: SafeText,
    /// The container's restart count after this termination.
    pub restart_count: u32,
    /// `observed`, `pod status`, `events`, `prometheus`.
    pub source: SafeText,
    /// The events around it: `BackOff ×12 Back-off restarting failed container`.
    pub events: Vec<SafeText>,
    pub last_lines: LastLines,
}

impl RestartEntry {
    /// How long the instance ran, when both ends are known.
    pub fn ran_for(&self) -> Option<SignedDuration> {
        let (started, finished) = (self.started?, self.finished?);
        Some(finished.duration_since(started)).filter(|d| !d.is_negative())
    }
}

/// Restarts counted by the kubelet that no one saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapEntry {
    pub pod: SafeText,
    pub container: SafeText,
    pub missed: u32,
    pub after: Option<Timestamp>,
    pub before: Timestamp,
}

/// A row of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub enum TimelineEntry {
    Restart(Box<RestartEntry>),
    Gap(GapEntry),
    /// The rows below (older) belong to this revision (a ReplicaSet, for
    /// a Deployment's timeline).
    Revision {
        name: SafeText,
    },
}

/// Everything the history view shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub scope: TimelineScope,
    /// `14 restarts in 6h: 9 OOMKilled, 5 Error (exit 1); crash-looping since 10:42`.
    pub summary: SafeText,
    /// Newest first.
    pub entries: Vec<TimelineEntry>,
    /// Something the engineer should know about the record (it starts late,
    /// the store could not be written).
    pub notice: Option<SafeText>,
}

impl Timeline {
    /// The number of terminations listed.
    pub fn restarts(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| matches!(e, TimelineEntry::Restart(_)))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(started: &str, finished: &str) -> RestartEntry {
        RestartEntry {
            key: TerminationKey {
                cluster: "c".into(),
                pod_uid: "u".into(),
                container: "app".into(),
                record_key: "containerd://1".into(),
            },
            started: started.parse().ok(),
            finished: finished.parse().ok(),
            pod: "web-1".into(),
            container: "app".into(),
            exit: "1".into(),
            reason: "Error".into(),
            message: SafeText::default(),
            restart_count: 3,
            source: "observed".into(),
            events: Vec::new(),
            last_lines: LastLines::Kept(20),
        }
    }

    #[test]
    fn ran_for_needs_both_ends_in_order() {
        let ran = entry("2024-06-01T12:00:00Z", "2024-06-01T12:00:42Z").ran_for();
        assert_eq!(ran, Some(SignedDuration::from_secs(42)));
        assert_eq!(entry("", "2024-06-01T12:00:42Z").ran_for(), None);
        assert_eq!(
            entry("2024-06-01T12:01:00Z", "2024-06-01T12:00:42Z").ran_for(),
            None
        );
    }

    #[test]
    fn titles_name_the_scope() {
        let workload = TimelineScope::Workload {
            namespace: "shop".into(),
            kind: "Deployment".into(),
            name: "cart".into(),
        };
        assert_eq!(workload.title(), "deployment shop/cart");
        assert!(workload.several_pods());
        let container = TimelineScope::Container {
            namespace: "shop".into(),
            pod: "web-1".into(),
            container: "app".into(),
        };
        assert_eq!(container.title(), "container shop/web-1 app");
        assert!(!container.several_pods());
    }
}
