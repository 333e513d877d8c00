//! What the detector needs of a pod, one `ContainerSnapshot` per container
//! status (init, regular and ephemeral): the pod's identity and owner, the
//! container's restart count, and the terminations its status shows, at
//! most one in `state.terminated` and one in `lastState.terminated`. A
//! projection of a `k8s_openapi` Pod; pure.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStateTerminated, ContainerStatus, Pod,
};

use super::{ContainerKind, Owner};

/// One terminated state as the kubelet reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terminated {
    /// Empty when the kubelet gave none.
    pub container_id: String,
    pub started: Option<Timestamp>,
    pub finished: Option<Timestamp>,
    pub exit_code: i32,
    pub signal: Option<i32>,
    pub reason: String,
    pub message: String,
}

impl Terminated {
    fn from_state(state: Option<&ContainerState>) -> Option<Terminated> {
        let terminated: &ContainerStateTerminated = state?.terminated.as_ref()?;
        Some(Terminated {
            container_id: terminated.container_id.clone().unwrap_or_default(),
            started: terminated.started_at.as_ref().map(|time| time.0),
            finished: terminated.finished_at.as_ref().map(|time| time.0),
            exit_code: terminated.exit_code,
            signal: terminated.signal,
            reason: terminated.reason.clone().unwrap_or_default(),
            message: terminated.message.clone().unwrap_or_default(),
        })
    }
}

/// One container of one pod at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerSnapshot {
    pub cluster: String,
    pub namespace: String,
    pub pod: String,
    pub pod_uid: String,
    /// The pod's `creationTimestamp`: no restart is older.
    pub pod_created: Option<Timestamp>,
    pub owner: Option<Owner>,
    pub container: String,
    pub kind: ContainerKind,
    pub restart_count: u32,
    /// The id of the container's latest instance (empty before the first
    /// is made): a `lastState` with this id is the latest instance.
    pub container_id: String,
    /// Whether the latest instance is running.
    pub running: bool,
    /// `state.terminated`: the instance that ended and was not restarted
    /// (yet).
    pub current: Option<Terminated>,
    /// `lastState.terminated`: the instance before the current one.
    pub last: Option<Terminated>,
}

impl ContainerSnapshot {
    /// Whether `lastState` holds the latest instance: the container waits
    /// (in a back-off) and no newer instance was made since. Then the
    /// kubelet's count is that instance's number, not the next one's.
    pub fn last_is_latest(&self) -> bool {
        let Some(last) = &self.last else {
            return false;
        };
        self.current.is_none()
            && !self.running
            && (self.container_id == last.container_id || self.container_id.is_empty())
    }

    /// How many instances of the container have ended: its restart count,
    /// plus one when the latest instance is dead.
    pub fn ended(&self) -> u32 {
        let dead = self.current.is_some() || self.last_is_latest();
        self.restart_count.saturating_add(u32::from(dead))
    }
}

/// The kind of an init container: a sidecar when its `restartPolicy` is
/// `Always` in the pod's spec.
fn init_kind(name: &str, specs: &[Container]) -> ContainerKind {
    let sidecar = specs
        .iter()
        .any(|spec| spec.name == name && spec.restart_policy.as_deref() == Some("Always"));
    if sidecar {
        ContainerKind::Sidecar
    } else {
        ContainerKind::Init
    }
}

/// The snapshots of every container status of `pod`, in the order init,
/// regular, ephemeral, for the cluster whose id is `cluster`. A pod without
/// a uid gives none: its records could not be told from another pod's.
pub fn snapshots(pod: &Pod, cluster: &str) -> Vec<ContainerSnapshot> {
    let metadata = &pod.metadata;
    let Some(pod_uid) = metadata.uid.as_deref().filter(|uid| !uid.is_empty()) else {
        return Vec::new();
    };
    let Some(status) = pod.status.as_ref() else {
        return Vec::new();
    };
    let init_specs = pod
        .spec
        .as_ref()
        .and_then(|spec| spec.init_containers.as_deref())
        .unwrap_or_default();
    let owner = Owner::of(pod);
    let make = |status: &ContainerStatus, kind: ContainerKind| ContainerSnapshot {
        cluster: cluster.to_string(),
        namespace: metadata.namespace.clone().unwrap_or_default(),
        pod: metadata.name.clone().unwrap_or_default(),
        pod_uid: pod_uid.to_string(),
        pod_created: metadata.creation_timestamp.as_ref().map(|time| time.0),
        owner: owner.clone(),
        container: status.name.clone(),
        kind,
        restart_count: u32::try_from(status.restart_count).unwrap_or(0),
        container_id: status.container_id.clone().unwrap_or_default(),
        running: status
            .state
            .as_ref()
            .is_some_and(|state| state.running.is_some()),
        current: Terminated::from_state(status.state.as_ref()),
        last: Terminated::from_state(status.last_state.as_ref()),
    };
    let init = status.init_container_statuses.iter().flatten();
    let regular = status.container_statuses.iter().flatten();
    let ephemeral = status.ephemeral_container_statuses.iter().flatten();
    init.map(|status| make(status, init_kind(&status.name, init_specs)))
        .chain(regular.map(|status| make(status, ContainerKind::Regular)))
        .chain(ephemeral.map(|status| make(status, ContainerKind::Ephemeral)))
        .collect()
}
