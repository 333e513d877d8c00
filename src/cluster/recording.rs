//! Recording what the pod watch sees: every pod the watch reports is handed
//! to the history's recorder as container snapshots (the recorder's
//! detector finds the terminations and the gaps), and the last lines of each
//! instance that ended lately are read once (`previous=true` for the
//! instance before the current one), at most `LAST_LINES` lines and
//! `LAST_LINES_LIMIT` bytes, and kept with its record; a refusal is kept as
//! the reason. Never draws, never imports app/, never blocks the watch: the
//! recorder takes owned commands and the reads run on their own tasks.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::Pod;
use kube::Client;
use kube::api::{Api, LogParams};
use tokio::sync::Semaphore;

use crate::history::{LAST_LINES_LIMIT, Recorder};
use crate::model::restart::snapshot::{ContainerSnapshot, snapshots};
use crate::model::restart::{LastLines, TerminationKey, record_key};

/// Lines read from the end of an instance that ended.
pub const LAST_LINES: i64 = 200;
/// Only instances that ended this recently are read (a pod seen for the
/// first time may have ended long ago; its lines are likely gone).
const RECENT: SignedDuration = SignedDuration::from_mins(10);
/// Reads of last lines at once.
const READS: usize = 2;

/// What one pod watch records.
pub struct PodRecording {
    recorder: Arc<Recorder>,
    cluster: String,
    client: Client,
    /// Per pod uid and container: the instance whose lines were read.
    read: HashMap<(String, String), String>,
    reads: Arc<Semaphore>,
}

/// Which instance's lines to read: the one in `state.terminated` (still
/// the current one) or the one in `lastState` (the one before it).
fn ended(snapshot: &ContainerSnapshot) -> Option<(&str, bool, Option<Timestamp>)> {
    if let Some(current) = &snapshot.current {
        return Some((&current.container_id, false, current.finished));
    }
    let last = snapshot.last.as_ref()?;
    Some((&last.container_id, true, last.finished))
}

impl PodRecording {
    pub fn new(recorder: Arc<Recorder>, cluster: String, client: Client) -> PodRecording {
        PodRecording {
            recorder,
            cluster,
            client,
            read: HashMap::new(),
            reads: Arc::new(Semaphore::new(READS)),
        }
    }

    /// A pod as the watch reported it.
    pub fn saw(&mut self, pod: &Pod) {
        let now = Timestamp::now();
        let found = snapshots(pod, &self.cluster);
        for snapshot in &found {
            self.read_lines(snapshot, now);
        }
        if let Err(error) = self.recorder.observe(found, now) {
            tracing::warn!(%error, "a pod's containers were not recorded");
        }
    }

    fn read_lines(&mut self, snapshot: &ContainerSnapshot, now: Timestamp) {
        let Some((container_id, previous, finished)) = ended(snapshot) else {
            return;
        };
        let recent = finished.is_some_and(|at| now.duration_since(at) <= RECENT);
        let slot = (snapshot.pod_uid.clone(), snapshot.container.clone());
        if container_id.is_empty()
            || !recent
            || self.read.get(&slot).is_some_and(|id| id == container_id)
        {
            return;
        }
        self.read.insert(slot, container_id.to_string());
        let key = TerminationKey {
            cluster: self.cluster.clone(),
            pod_uid: snapshot.pod_uid.clone(),
            container: snapshot.container.clone(),
            record_key: record_key(container_id, snapshot.restart_count),
        };
        let api: Api<Pod> = Api::namespaced(self.client.clone(), &snapshot.namespace);
        let (pod, container) = (snapshot.pod.clone(), snapshot.container.clone());
        let (recorder, reads) = (self.recorder.clone(), self.reads.clone());
        tokio::spawn(async move {
            let Ok(_permit) = reads.acquire().await else {
                return;
            };
            let params = LogParams {
                container: Some(container),
                previous,
                tail_lines: Some(LAST_LINES),
                limit_bytes: i64::try_from(LAST_LINES_LIMIT).ok(),
                ..LogParams::default()
            };
            let lines = match api.logs(&pod, &params).await {
                Ok(text) => {
                    let count = u32::try_from(text.lines().count()).unwrap_or(u32::MAX);
                    let cut = text.len() >= LAST_LINES_LIMIT || i64::from(count) >= LAST_LINES;
                    LastLines::Captured {
                        text,
                        lines: count,
                        cut,
                    }
                }
                Err(kube::Error::Api(status)) if status.code == 403 => LastLines::Missing {
                    reason: "forbidden: get pods/log".to_string(),
                },
                Err(error) => LastLines::Missing {
                    reason: crate::cluster::watch::describe_client_error(&error),
                },
            };
            if let Err(error) = recorder.attach_last_lines(key, lines) {
                tracing::warn!(%error, "the last lines of an instance were not kept");
            }
        });
    }
}
