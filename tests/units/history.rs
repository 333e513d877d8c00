//! The restart history on real SQLite files in temporary directories: the
//! file's permissions and its recovery from damage, two writers at once,
//! retention, the timeline and summary queries, the recorder's thread, and
//! detection on pods and events that real clusters produced.

mod concurrent;
mod detection;
mod events;
mod files;
mod last_lines;
mod queries;
mod recorder;
mod retention;

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use ktriage::history::Store;
use ktriage::model::restart::{ContainerKind, Observation, Owner, Source, Termination};

/// The cluster id the records use.
pub const CLUSTER: &str = "5e1f0c0ffee5e1f0c0ffee5e1f0c0ffe";

pub fn at(text: &str) -> Timestamp {
    text.parse().expect("a timestamp")
}

/// `history.db` in a new temporary directory, kept alive by the guard.
pub fn history_path() -> (tempfile::TempDir, PathBuf) {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("history.db");
    (directory, path)
}

/// Open a store that must be sound.
pub fn open(path: &Path) -> Store {
    let opened = Store::open(path).expect("the history opens");
    assert_eq!(
        opened.moved_aside, None,
        "a sound history is not moved aside"
    );
    opened.store
}

/// A pod of the Deployment `web` at `revision` (its ReplicaSet's hash).
#[derive(Debug, Clone)]
pub struct PodRef {
    pub name: String,
    pub uid: String,
    pub owner: Option<Owner>,
}

pub fn web_pod(revision: &str, suffix: &str) -> PodRef {
    let replica_set = format!("web-{revision}");
    PodRef {
        name: format!("{replica_set}-{suffix}"),
        uid: format!("uid-{revision}-{suffix}"),
        owner: Some(Owner {
            kind: ktriage::model::restart::OwnerKind::ReplicaSet,
            name: replica_set.clone(),
            workload: "web".into(),
            revision: Some(replica_set),
        }),
    }
}

/// Instance `number` of container `app` of `pod`, ended at `finished`
/// after running a minute.
pub fn termination(
    pod: &PodRef,
    number: u32,
    finished: Timestamp,
    exit_code: i32,
    reason: &str,
) -> Termination {
    Termination {
        cluster: CLUSTER.into(),
        namespace: "shop".into(),
        pod: pod.name.clone(),
        pod_uid: pod.uid.clone(),
        owner: pod.owner.clone(),
        container: "app".into(),
        container_kind: ContainerKind::Regular,
        container_id: format!("containerd://{}-{number}", pod.uid),
        started: Some(finished - SignedDuration::from_mins(1)),
        finished: Some(finished),
        exit_code,
        signal: None,
        reason: reason.into(),
        message: format!("instance {number} ended"),
        restart_count: number,
        source: Source::Observed,
    }
}

/// `count` distinct terminations over ten pods, a minute apart from
/// `start`.
pub fn many_terminations(count: u32, start: Timestamp) -> Vec<Observation> {
    let pods: Vec<PodRef> = (0..10)
        .map(|index| web_pod("7d4b9c", &format!("p{index}")))
        .collect();
    (0..count)
        .map(|index| {
            let pod = &pods[(index % 10) as usize];
            let finished = start + SignedDuration::from_mins(i64::from(index));
            Observation::Termination(termination(pod, index / 10, finished, 1, "Error"))
        })
        .collect()
}
