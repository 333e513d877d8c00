//! What a follower needs to know of a pod: its containers in the API's
//! order, and for one container the instance running now and the last one
//! that ended.

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

use crate::protocol::logs::ContainerKind;

/// The parts of a container's status a follower needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Instance {
    pub(super) id: Option<String>,
    pub(super) running: bool,
    pub(super) terminated: Option<Ended>,
    pub(super) waiting: Option<String>,
    pub(super) last: Option<Ended>,
    pub(super) restarts: i32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Ended {
    pub(super) id: Option<String>,
    pub(super) exit_code: i32,
    pub(super) reason: Option<String>,
}

impl Ended {
    pub(super) fn describe(&self) -> String {
        match &self.reason {
            Some(reason) => format!("exit {} {reason}", self.exit_code),
            None => format!("exit {}", self.exit_code),
        }
    }
}

fn find_status<'a>(pod: &'a Pod, container: &str) -> Option<&'a ContainerStatus> {
    let status = pod.status.as_ref()?;
    [
        status.init_container_statuses.as_deref(),
        status.container_statuses.as_deref(),
        status.ephemeral_container_statuses.as_deref(),
    ]
    .into_iter()
    .flatten()
    .flatten()
    .find(|s| s.name == container)
}

pub(super) fn instance(pod: &Pod, container: &str) -> Instance {
    let Some(status) = find_status(pod, container) else {
        return Instance::default();
    };
    let state = status.state.as_ref();
    let terminated = state.and_then(|s| s.terminated.as_ref()).map(|t| Ended {
        id: t.container_id.clone(),
        exit_code: t.exit_code,
        reason: t.reason.clone(),
    });
    let waiting = state
        .and_then(|s| s.waiting.as_ref())
        .map(|w| match (&w.reason, &w.message) {
            (Some(reason), Some(message)) => format!("{reason}: {message}"),
            (Some(reason), None) => reason.clone(),
            (None, _) => "waiting".to_string(),
        });
    let last = status
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .map(|t| Ended {
            id: t.container_id.clone(),
            exit_code: t.exit_code,
            reason: t.reason.clone(),
        });
    // A container waiting to restart has no current instance; its
    // `containerID` still names the last one, which is what `lastState` says.
    let id = if terminated.is_some() || state.is_some_and(|s| s.running.is_some()) {
        status.container_id.clone().filter(|id| !id.is_empty())
    } else {
        None
    };
    Instance {
        id,
        running: state.is_some_and(|s| s.running.is_some()),
        terminated,
        waiting,
        last,
        restarts: status.restart_count,
    }
}

/// Every container of a pod in the API's order: init, regular, ephemeral.
pub(super) fn containers(pod: &Pod) -> Vec<(String, ContainerKind)> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    let mut all: Vec<(String, ContainerKind)> = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| (c.name.clone(), ContainerKind::Init))
        .collect();
    all.extend(
        spec.containers
            .iter()
            .map(|c| (c.name.clone(), ContainerKind::Regular)),
    );
    all.extend(
        spec.ephemeral_containers
            .iter()
            .flatten()
            .map(|c| (c.name.clone(), ContainerKind::Ephemeral)),
    );
    all
}

pub(super) fn pod_name(pod: &Pod) -> String {
    pod.metadata.name.clone().unwrap_or_default()
}
