//! Restart history as plain records: a container's `Termination`, a `Gap`
//! of restarts that were counted but not seen, a pod's `PodEventRecord`, and
//! the pure reading of pods into them (`snapshot`, `detector`). It owns the
//! rules of what counts as a new termination and what as a gap, the names
//! of exit codes (`exit`), the owner and revision of a pod (`owner`), the
//! id of a cluster (`cluster_id`), and the shapes the history answers with
//! (`timeline`, `summary`). It does no I/O and holds no clock: callers pass
//! `now`. The store that keeps these records is `crate::history`, which this
//! module does not know.
//!
//! The strings here are plain `String`s, not `SafeText`: they are data,
//! stored and compared byte for byte (a container ID, a reason). A screen
//! turns them into `SafeText` when it shows them.

pub mod cluster_id;
pub mod detector;
pub mod event;
pub mod exit;
pub mod owner;
pub mod snapshot;
pub mod summary;
pub mod timeline;

use jiff::Timestamp;

pub use owner::{Owner, OwnerKind};

/// What kind of container a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainerKind {
    /// An init container that runs to completion before the others.
    Init,
    /// An init container with `restartPolicy: Always`: it keeps running
    /// beside the regular containers.
    Sidecar,
    Regular,
    Ephemeral,
}

impl ContainerKind {
    /// The name the store keeps.
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerKind::Init => "init",
            ContainerKind::Sidecar => "sidecar",
            ContainerKind::Regular => "regular",
            ContainerKind::Ephemeral => "ephemeral",
        }
    }

    /// The kind named `name` by `as_str`.
    pub fn from_name(name: &str) -> Option<ContainerKind> {
        [
            ContainerKind::Init,
            ContainerKind::Sidecar,
            ContainerKind::Regular,
            ContainerKind::Ephemeral,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

/// Where a termination was learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Seen ending while ktriage watched the container.
    Observed,
    /// Read from the pod's status the first time ktriage saw the container:
    /// it ended before ktriage looked.
    PodStatus,
    /// Rebuilt from the cluster's events.
    Events,
    /// Rebuilt from Prometheus' kube-state-metrics series.
    Prometheus,
}

impl Source {
    /// The name the store keeps.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Observed => "observed",
            Source::PodStatus => "pod-status",
            Source::Events => "events",
            Source::Prometheus => "prometheus",
        }
    }

    /// The source named `name` by `as_str`.
    pub fn from_name(name: &str) -> Option<Source> {
        [
            Source::Observed,
            Source::PodStatus,
            Source::Events,
            Source::Prometheus,
        ]
        .into_iter()
        .find(|source| source.as_str() == name)
    }
}

/// One end of one container instance, as the kubelet reported it in
/// `state.terminated` or `lastState.terminated`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Termination {
    /// The cluster's id (`cluster_id::cluster_id`), not a context name.
    pub cluster: String,
    pub namespace: String,
    pub pod: String,
    pub pod_uid: String,
    pub owner: Option<Owner>,
    pub container: String,
    pub container_kind: ContainerKind,
    /// The runtime's id (`containerd://…`); empty when the kubelet gave none.
    pub container_id: String,
    pub started: Option<Timestamp>,
    pub finished: Option<Timestamp>,
    pub exit_code: i32,
    pub signal: Option<i32>,
    pub reason: String,
    pub message: String,
    /// The number of the instance that ended here: how many times the
    /// container had restarted when it started, 0 for the first run. The
    /// kubelet's `restartCount` is the number of the container's latest
    /// instance, so this is the count itself for `state.terminated` and for
    /// a `lastState` that is the latest instance (in a back-off), one less
    /// for a `lastState` beside a newer instance. It is only as good as the
    /// kubelet's count, which a node restart may reset.
    pub restart_count: u32,
    pub source: Source,
}

impl Termination {
    /// What makes this termination unique within its pod and container:
    /// the container ID, or, when the kubelet gave none, `restart:N` from
    /// `restart_count` (the same instance is read with the same N from
    /// `state.terminated` and later from `lastState.terminated`).
    pub fn record_key(&self) -> String {
        record_key(&self.container_id, self.restart_count)
    }

    /// The key a later record about this termination (its last lines) uses.
    pub fn key(&self) -> TerminationKey {
        TerminationKey {
            cluster: self.cluster.clone(),
            pod_uid: self.pod_uid.clone(),
            container: self.container.clone(),
            record_key: self.record_key(),
        }
    }

    /// Where the termination sits on a timeline: when it finished, else
    /// when the instance started.
    pub fn at(&self) -> Option<Timestamp> {
        self.finished.or(self.started)
    }

    /// The revision (ReplicaSet, ControllerRevision) the pod ran.
    pub fn revision(&self) -> Option<&str> {
        self.owner
            .as_ref()
            .and_then(|owner| owner.revision.as_deref())
    }
}

/// The key of a termination: see `Termination::record_key`.
pub fn record_key(container_id: &str, restart_count: u32) -> String {
    if container_id.is_empty() {
        format!("restart:{restart_count}")
    } else {
        container_id.to_string()
    }
}

/// Names one termination across the program and the store.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TerminationKey {
    pub cluster: String,
    pub pod_uid: String,
    pub container: String,
    /// `Termination::record_key`.
    pub record_key: String,
}

/// Restarts the kubelet counted that ktriage did not see end (it was not
/// running, or a container restarted twice between two looks, or the
/// kubelet kept no `lastState`). The history never invents rows for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub cluster: String,
    pub namespace: String,
    pub pod: String,
    pub pod_uid: String,
    pub owner: Option<Owner>,
    pub container: String,
    pub missed: u32,
    /// The missed restarts happened after this time (when the container
    /// was last seen, or the pod was created), if it is known.
    pub after: Option<Timestamp>,
    /// … and before this one.
    pub before: Timestamp,
    /// How many instances of the container had ended when the gap was
    /// found (`restartCount`, plus one when the latest instance is dead):
    /// with the pod and the container it makes the gap unique.
    pub ended: u32,
}

/// One core/v1 Event about a pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodEventRecord {
    pub cluster: String,
    pub namespace: String,
    pub pod: String,
    pub pod_uid: String,
    /// From `involvedObject.fieldPath`, `spec.containers{name}`.
    pub container: Option<String>,
    pub reason: String,
    pub message: String,
    /// `Normal` or `Warning`.
    pub type_: String,
    pub first: Timestamp,
    pub last: Timestamp,
    pub count: u32,
}

/// What the detector reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observation {
    Termination(Termination),
    Gap(Gap),
}

/// The last lines a terminated container wrote, or why there are none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastLines {
    Captured {
        text: String,
        /// How many lines `text` holds.
        lines: u32,
        /// Whether older lines were cut to keep the text under its limit.
        cut: bool,
    },
    /// Why the lines could not be read, e.g. `forbidden: get pods/log`.
    Missing { reason: String },
}

/// What the history knows about one container, to seed the detector after
/// ktriage restarts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    /// The instances numbered below this are accounted for, by a
    /// termination or a gap.
    pub ended: u32,
    /// The latest terminations: their record keys and restart counts.
    pub recorded: Vec<(String, u32)>,
    /// The time the records reach: the newest termination's end or gap's
    /// upper bound.
    pub until: Option<Timestamp>,
}

impl Known {
    /// Whether the history holds nothing about the container.
    pub fn is_empty(&self) -> bool {
        self.ended == 0 && self.recorded.is_empty()
    }
}
