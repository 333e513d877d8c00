//! The READY, STATUS and RESTARTS columns of a pod, computed exactly as
//! kubectl's `printPod` computes them, plus the `-o wide` columns and a coarse
//! health class for colouring and sorting. It serves the TUI; the simulator's
//! Table responses come from its own printer (`ktriage_sim::printers`), which
//! the client is tested against. It reads a `Pod` and returns plain
//! values; it must not do I/O, read the clock or sanitise text for display
//! (the strings here carry cluster text: pass them through `SafeText`).

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    Container, ContainerStateTerminated, ContainerStatus, Pod, PodCondition,
};

use super::duration::age;
use super::safe_text::SafeText;

/// What kubectl prints for a missing wide column value.
const NONE_PLACEHOLDER: &str = "<none>";

/// The pod columns of `kubectl get pods`, before any formatting of time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodSummary {
    /// Containers counted as ready: running and ready app containers plus
    /// started and ready native sidecars.
    pub ready: u32,
    /// App containers plus native sidecars (init containers with
    /// `restartPolicy: Always`).
    pub total: u32,
    /// The STATUS column, such as `Running`, `CrashLoopBackOff`, `Init:0/1`.
    pub status: String,
    /// The number in the RESTARTS column.
    pub restarts: u32,
    /// When the newest counted restart happened (the latest
    /// `lastState.terminated.finishedAt` among the counted containers).
    pub last_restart: Option<Timestamp>,
}

impl PodSummary {
    /// The READY column: `1/2`.
    pub fn ready_column(&self) -> String {
        format!("{}/{}", self.ready, self.total)
    }

    /// The RESTARTS column: `5 (2m ago)` when there were restarts with a known
    /// time, otherwise the bare count (`0`).
    pub fn restarts_column(&self, now: Timestamp) -> String {
        match self.last_restart {
            Some(moment) if self.restarts != 0 => {
                format!("{} ({} ago)", self.restarts, age(moment, now))
            }
            _ => self.restarts.to_string(),
        }
    }

    /// The STATUS column made safe for the screen.
    pub fn status_text(&self) -> SafeText {
        SafeText::from_untrusted(&self.status)
    }

    /// The coarse health class of this row; see [`is_healthy`].
    pub fn health(&self) -> Health {
        is_healthy(self)
    }
}

/// A coarse classification of a pod row, for colour and sorting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Health {
    /// Running with every counted container ready.
    Healthy,
    /// On its way somewhere: pending, creating, initialising, terminating, or
    /// running with some containers not ready yet.
    Progressing,
    /// Broken: crash loops, failed pulls, failed or evicted pods, errors.
    Failing,
    /// Finished successfully.
    Completed,
}

/// Classifies a summary by its STATUS column and readiness.
///
/// Statuses that kubectl shows while a pod is on its way (`Pending`,
/// `ContainerCreating`, `PodInitializing`, `Init:N/M`, `Terminating`,
/// `NotReady`, `SchedulingGated`) are progressing; `Completed` and
/// `Succeeded` are completed; `Running` is healthy when all counted containers
/// are ready. Every other status is a waiting or termination reason, a failed
/// phase or a kubelet rejection (`Evicted`, `OutOfcpu`, ...), so it is failing.
pub fn is_healthy(summary: &PodSummary) -> Health {
    match summary.status.as_str() {
        "Running" if summary.ready >= summary.total => Health::Healthy,
        "Running" => Health::Progressing,
        "Completed" | "Succeeded" => Health::Completed,
        "" | "Pending" | "ContainerCreating" | "PodInitializing" | "Terminating" | "NotReady"
        | "SchedulingGated" => Health::Progressing,
        other if is_init_progress(other) => Health::Progressing,
        _ => Health::Failing,
    }
}

/// True for `Init:N/M`, the status of a pod still running its init containers.
fn is_init_progress(status: &str) -> bool {
    let Some(progress) = status.strip_prefix("Init:") else {
        return false;
    };
    let Some((done, total)) = progress.split_once('/') else {
        return false;
    };
    let all_digits =
        |text: &str| !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    all_digits(done) && all_digits(total)
}

/// Restarts counted so far and the newest restart time among them.
#[derive(Debug, Clone, Copy, Default)]
struct RestartTally {
    count: u32,
    latest: Option<Timestamp>,
}

impl RestartTally {
    fn record(&mut self, container: &ContainerStatus) {
        let restarts = u32::try_from(container.restart_count).unwrap_or(0);
        self.count = self.count.saturating_add(restarts);
        let finished = container
            .last_state
            .as_ref()
            .and_then(|state| state.terminated.as_ref())
            .and_then(|terminated| terminated.finished_at.as_ref())
            .map(|time| time.0);
        if finished > self.latest {
            self.latest = finished;
        }
    }
}

/// Computes the READY, STATUS and RESTARTS columns of `pod` as kubectl does.
///
/// The rules, in order: the phase (or `status.reason` when set, or
/// `SchedulingGated`) is the starting status; the first init container that
/// has not finished decides an `Init:` status; once initialised, app
/// containers are read from last to first so the first container's state
/// wins; `Completed` with a container still running becomes `Running` or
/// `NotReady`; a deletion timestamp turns a non-terminal pod into
/// `Terminating` (or `Unknown` when the node was lost).
pub fn summarize(pod: &Pod) -> PodSummary {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let app_container_count = spec.map_or(0, |spec| spec.containers.len());
    let init_specs: &[Container] = spec
        .and_then(|spec| spec.init_containers.as_deref())
        .unwrap_or_default();
    let conditions: &[PodCondition] = status
        .and_then(|status| status.conditions.as_deref())
        .unwrap_or_default();
    let init_statuses: &[ContainerStatus] = status
        .and_then(|status| status.init_container_statuses.as_deref())
        .unwrap_or_default();
    let app_statuses: &[ContainerStatus] = status
        .and_then(|status| status.container_statuses.as_deref())
        .unwrap_or_default();
    let phase = status
        .and_then(|status| status.phase.as_deref())
        .unwrap_or_default();
    let pod_reason = status
        .and_then(|status| status.reason.as_deref())
        .unwrap_or_default();

    let mut reason = if pod_reason.is_empty() {
        phase.to_owned()
    } else {
        pod_reason.to_owned()
    };
    if conditions.iter().any(|condition| {
        condition.type_ == "PodScheduled" && condition.reason.as_deref() == Some("SchedulingGated")
    }) {
        reason = String::from("SchedulingGated");
    }

    let sidecar_count = init_specs
        .iter()
        .filter(|container| is_sidecar(Some(container)))
        .count();
    let total = count_to_u32(app_container_count.saturating_add(sidecar_count));
    let mut ready: u32 = 0;

    let mut all_init_restarts = RestartTally::default();
    let mut sidecar_restarts = RestartTally::default();
    let mut initializing = false;
    for (index, container) in init_statuses.iter().enumerate() {
        all_init_restarts.record(container);
        let sidecar = is_sidecar(init_specs.iter().find(|spec| spec.name == container.name));
        if sidecar {
            sidecar_restarts.record(container);
        }
        let state = container.state.as_ref();
        let terminated = state.and_then(|state| state.terminated.as_ref());
        let waiting_reason = state
            .and_then(|state| state.waiting.as_ref())
            .and_then(|waiting| waiting.reason.as_deref())
            .unwrap_or_default();
        if terminated.is_some_and(|terminated| terminated.exit_code == 0) {
            continue;
        }
        if sidecar && container.started == Some(true) {
            if container.ready {
                ready += 1;
            }
            continue;
        }
        reason = if let Some(terminated) = terminated {
            format!("Init:{}", termination_reason(terminated))
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{index}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }

    let mut restarts = all_init_restarts;
    if !initializing || initialized_condition_true(conditions) {
        restarts = sidecar_restarts;
        let mut has_running = false;
        for container in app_statuses.iter().rev() {
            restarts.record(container);
            let state = container.state.as_ref();
            let terminated = state.and_then(|state| state.terminated.as_ref());
            let waiting_reason = state
                .and_then(|state| state.waiting.as_ref())
                .and_then(|waiting| waiting.reason.as_deref())
                .unwrap_or_default();
            let running = state.is_some_and(|state| state.running.is_some());
            if !waiting_reason.is_empty() {
                reason = waiting_reason.to_owned();
            } else if let Some(terminated) = terminated {
                reason = termination_reason(terminated);
            } else if container.ready && running {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if ready_condition_true(conditions) {
                String::from("Running")
            } else {
                String::from("NotReady")
            };
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        if pod_reason == "NodeLost" {
            reason = String::from("Unknown");
        } else if phase != "Failed" && phase != "Succeeded" {
            reason = String::from("Terminating");
        }
    }

    PodSummary {
        ready,
        total,
        status: reason,
        restarts: restarts.count,
        last_restart: restarts.latest,
    }
}

/// The `-o wide` columns: IP, NODE, NOMINATED NODE and READINESS GATES, with
/// `<none>` for empty values.
///
/// The IP is `status.podIP`, falling back to the first of `status.podIPs`:
/// the API server converts a pod that way before printing, so old pods that
/// only have `podIP` still show it.
pub fn wide_columns(pod: &Pod) -> (String, String, String, String) {
    let status = pod.status.as_ref();
    let spec = pod.spec.as_ref();
    let pod_ip = status
        .and_then(|status| status.pod_ip.as_deref())
        .filter(|ip| !ip.is_empty())
        .or_else(|| {
            status
                .and_then(|status| status.pod_ips.as_deref())
                .and_then(|ips| ips.first())
                .map(|ip| ip.ip.as_str())
        });
    let node = spec.and_then(|spec| spec.node_name.as_deref());
    let nominated = status.and_then(|status| status.nominated_node_name.as_deref());

    let gates = spec
        .and_then(|spec| spec.readiness_gates.as_deref())
        .unwrap_or_default();
    let readiness_gates = if gates.is_empty() {
        NONE_PLACEHOLDER.to_owned()
    } else {
        let conditions: &[PodCondition] = status
            .and_then(|status| status.conditions.as_deref())
            .unwrap_or_default();
        let passed = gates
            .iter()
            .filter(|gate| {
                conditions
                    .iter()
                    .find(|condition| condition.type_ == gate.condition_type)
                    .is_some_and(|condition| condition.status == "True")
            })
            .count();
        format!("{passed}/{}", gates.len())
    };

    (
        or_none(pod_ip),
        or_none(node),
        or_none(nominated),
        readiness_gates,
    )
}

fn or_none(value: Option<&str>) -> String {
    match value {
        Some(text) if !text.is_empty() => text.to_owned(),
        _ => NONE_PLACEHOLDER.to_owned(),
    }
}

/// A native sidecar: an init container that restarts like an app container.
fn is_sidecar(init_container: Option<&Container>) -> bool {
    init_container.is_some_and(|container| container.restart_policy.as_deref() == Some("Always"))
}

/// `reason`, else `Signal:N`, else `ExitCode:N`.
fn termination_reason(terminated: &ContainerStateTerminated) -> String {
    match terminated.reason.as_deref() {
        Some(reason) if !reason.is_empty() => reason.to_owned(),
        _ => match terminated.signal {
            Some(signal) if signal != 0 => format!("Signal:{signal}"),
            _ => format!("ExitCode:{}", terminated.exit_code),
        },
    }
}

/// The first `Initialized` condition decides.
fn initialized_condition_true(conditions: &[PodCondition]) -> bool {
    conditions
        .iter()
        .find(|condition| condition.type_ == "Initialized")
        .is_some_and(|condition| condition.status == "True")
}

/// Any `Ready` condition that is `True`.
fn ready_condition_true(conditions: &[PodCondition]) -> bool {
    conditions
        .iter()
        .any(|condition| condition.type_ == "Ready" && condition.status == "True")
}

fn count_to_u32(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
#[path = "pod_status_tests.rs"]
mod tests;
