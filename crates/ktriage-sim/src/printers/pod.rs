//! The row `kubectl get pods` prints for a pod, as kubernetes' `printPod`
//! (`pkg/printers/internalversion/printers.go`, release 1.33, the version
//! this simulator reports) computes it on the server: NAME, READY, STATUS,
//! RESTARTS, AGE and the `-o wide` columns IP, NODE, NOMINATED NODE and
//! READINESS GATES.
//!
//! It reads the pod as JSON, the way it travels, so that partial objects
//! (no kind, missing status, missing times) print as the server would print
//! them. It must not read the clock, change the pod, or share code with the
//! client whose printer it checks.
//!
//! The rules, in the order printPod applies them:
//!
//! 1. STATUS starts as `status.phase`, replaced by `status.reason` when that
//!    is set, and by `SchedulingGated` when a `PodScheduled` condition has
//!    that reason.
//! 2. Init containers, in status order. Each adds its restarts and may carry
//!    the newest `lastState.terminated.finishedAt`. One that ended with exit
//!    code 0 is passed over. A started native sidecar (an init container
//!    with `restartPolicy: Always`) counts in READY when ready and is passed
//!    over. The first other one sets STATUS to `Init:<terminated reason>`
//!    (or `Init:Signal:N` / `Init:ExitCode:N` without a reason),
//!    `Init:<waiting reason>` (unless it is `PodInitializing`), or else
//!    `Init:<index>/<init containers in spec>`, and the pod is initializing.
//! 3. Unless initializing with an `Initialized` condition that is not True,
//!    RESTARTS starts again from the sidecars' restarts alone, and the
//!    containers are read from last to first, so the first one's state
//!    wins: a waiting reason, a terminated reason (or `Signal:N` /
//!    `ExitCode:N`), or, if ready and running, one more READY. `Completed`
//!    with a ready running container becomes `Running` when the pod's
//!    `Ready` condition is True, else `NotReady`. (Kubernetes 1.35 also
//!    turns a `Completed` beside a failed container into that failure; 1.33
//!    does not.)
//! 4. With a `deletionTimestamp`, STATUS is `Unknown` when `status.reason` is
//!    `NodeLost`, else `Terminating` unless the phase is Succeeded or Failed.
//! 5. READY is ready/(containers + native sidecars). RESTARTS is the count,
//!    with `(<age> ago)` of the newest finish when the count is not zero and
//!    a finish is known.

use jiff::Timestamp;
use serde_json::Value;

use super::age::since;

/// What a wide column without a value shows.
const NONE: &str = "<none>";

/// Go's zero time, 0001-01-01T00:00:00Z, in Unix seconds.
const GO_ZERO_TIME: i64 = -62_135_596_800;

/// The Table row condition of a pod that has finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    Succeeded,
    Failed,
}

impl Completion {
    /// The row condition the server attaches to the pod's Table row.
    pub fn condition(self) -> Value {
        let (reason, message) = match self {
            Completion::Succeeded => ("Succeeded", "The pod has completed successfully."),
            Completion::Failed => ("Failed", "The pod failed."),
        };
        serde_json::json!({"type": "Completed", "status": "True", "reason": reason, "message": message})
    }
}

/// One pod's cells, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodRow {
    pub name: String,
    pub ready: String,
    pub status: String,
    pub restarts: String,
    pub age: String,
    pub ip: String,
    pub node: String,
    pub nominated_node: String,
    pub readiness_gates: String,
    /// Set for pods in phase Succeeded or Failed.
    pub completion: Option<Completion>,
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

fn items(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn number(value: &Value) -> i64 {
    value.as_i64().unwrap_or_default()
}

fn flag(value: &Value) -> bool {
    value.as_bool().unwrap_or_default()
}

/// A time, or `None` when absent, unreadable, or Go's zero time (which
/// `metav1.Time.IsZero` treats as no time at all).
fn time(value: &Value) -> Option<Timestamp> {
    let time: Timestamp = value.as_str()?.parse().ok()?;
    (time.as_second() != GO_ZERO_TIME).then_some(time)
}

fn newest(current: Option<Timestamp>, candidate: Option<Timestamp>) -> Option<Timestamp> {
    match (current, candidate) {
        (Some(current), Some(candidate)) => Some(current.max(candidate)),
        (current, candidate) => current.or(candidate),
    }
}

/// `Signal:N` when a signal ended the container, else `ExitCode:N`.
fn exit_text(terminated: &Value) -> String {
    match number(&terminated["signal"]) {
        0 => format!("ExitCode:{}", number(&terminated["exitCode"])),
        signal => format!("Signal:{signal}"),
    }
}

/// Whether the init container of this name (the last one, as a Go map keyed
/// by name keeps) restarts always, which makes it a native sidecar.
fn is_sidecar(init_specs: &[Value], name: &str) -> bool {
    init_specs
        .iter()
        .rev()
        .find(|spec| text(&spec["name"]) == name)
        .is_some_and(|spec| text(&spec["restartPolicy"]) == "Always")
}

/// `isPodInitializedConditionTrue`: the first `Initialized` condition decides.
fn initialized(conditions: &[Value]) -> bool {
    conditions
        .iter()
        .find(|c| text(&c["type"]) == "Initialized")
        .is_some_and(|c| text(&c["status"]) == "True")
}

/// `hasPodReadyCondition`: any `Ready` condition that is True.
fn pod_ready(conditions: &[Value]) -> bool {
    conditions
        .iter()
        .any(|c| text(&c["type"]) == "Ready" && text(&c["status"]) == "True")
}

/// Restart counts and the newest finish behind them.
#[derive(Default, Clone, Copy)]
struct Restarts {
    count: i64,
    newest_finish: Option<Timestamp>,
}

impl Restarts {
    fn add(&mut self, status: &Value) {
        self.count += number(&status["restartCount"]);
        let finished = time(&status["lastState"]["terminated"]["finishedAt"]);
        self.newest_finish = newest(self.newest_finish, finished);
    }

    fn column(self, now: Timestamp) -> String {
        match self.newest_finish {
            Some(finish) if self.count != 0 => {
                format!("{} ({} ago)", self.count, since(Some(finish), now))
            }
            _ => self.count.to_string(),
        }
    }
}

/// The row printPod prints for `pod` at `now`.
pub fn print_pod(pod: &Value, now: Timestamp) -> PodRow {
    let metadata = &pod["metadata"];
    let spec = &pod["spec"];
    let status = &pod["status"];
    let conditions = items(&status["conditions"]);
    let phase = text(&status["phase"]);

    let mut reason = match text(&status["reason"]) {
        "" => phase.to_string(),
        reason => reason.to_string(),
    };
    if conditions
        .iter()
        .any(|c| text(&c["type"]) == "PodScheduled" && text(&c["reason"]) == "SchedulingGated")
    {
        reason = "SchedulingGated".to_string();
    }

    let init_specs = items(&spec["initContainers"]);
    let sidecars = init_specs
        .iter()
        .filter(|c| text(&c["restartPolicy"]) == "Always")
        .count();
    let total = items(&spec["containers"]).len() + sidecars;
    let mut ready = 0;
    let mut restarts = Restarts::default();
    let mut sidecar_restarts = Restarts::default();

    let mut initializing = false;
    for (index, container) in items(&status["initContainerStatuses"]).iter().enumerate() {
        restarts.add(container);
        let sidecar = is_sidecar(init_specs, text(&container["name"]));
        if sidecar {
            sidecar_restarts.add(container);
        }
        let terminated = &container["state"]["terminated"];
        let waiting_reason = text(&container["state"]["waiting"]["reason"]);
        if terminated.is_object() && number(&terminated["exitCode"]) == 0 {
            continue;
        }
        if sidecar && flag(&container["started"]) {
            if flag(&container["ready"]) {
                ready += 1;
            }
            continue;
        }
        reason = if terminated.is_object() {
            match text(&terminated["reason"]) {
                "" => format!("Init:{}", exit_text(terminated)),
                reason => format!("Init:{reason}"),
            }
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{index}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }

    if !initializing || initialized(conditions) {
        restarts = sidecar_restarts;
        let mut has_running = false;
        for container in items(&status["containerStatuses"]).iter().rev() {
            restarts.add(container);
            let state = &container["state"];
            let waiting_reason = text(&state["waiting"]["reason"]);
            let terminated = &state["terminated"];
            if state["waiting"].is_object() && !waiting_reason.is_empty() {
                reason = waiting_reason.to_string();
            } else if terminated.is_object() {
                reason = match text(&terminated["reason"]) {
                    "" => exit_text(terminated),
                    reason => reason.to_string(),
                };
            } else if flag(&container["ready"]) && state["running"].is_object() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if pod_ready(conditions) {
                "Running"
            } else {
                "NotReady"
            }
            .to_string();
        }
    }

    if !metadata["deletionTimestamp"].is_null() {
        if text(&status["reason"]) == "NodeLost" {
            reason = "Unknown".to_string();
        } else if !matches!(phase, "Succeeded" | "Failed") {
            reason = "Terminating".to_string();
        }
    }

    PodRow {
        name: text(&metadata["name"]).to_string(),
        ready: format!("{ready}/{total}"),
        status: reason,
        restarts: restarts.column(now),
        age: since(time(&metadata["creationTimestamp"]), now),
        ip: pod_ip(status),
        node: or_none(text(&spec["nodeName"])),
        nominated_node: or_none(text(&status["nominatedNodeName"])),
        readiness_gates: readiness_gates(spec, conditions),
        completion: match phase {
            "Succeeded" => Some(Completion::Succeeded),
            "Failed" => Some(Completion::Failed),
            _ => None,
        },
    }
}

fn or_none(value: &str) -> String {
    if value.is_empty() { NONE } else { value }.to_string()
}

/// The IP the server prints: printPod reads the first of the internal
/// object's `podIPs`, and converting from v1 puts `status.podIP` there when
/// it is set (it wins over a `podIPs` that disagrees).
fn pod_ip(status: &Value) -> String {
    let single = text(&status["podIP"]);
    let first = items(&status["podIPs"])
        .first()
        .map_or("", |ip| text(&ip["ip"]));
    or_none(if single.is_empty() { first } else { single })
}

/// `<true>/<gates>` over `spec.readinessGates`; a gate is true when the first
/// condition of its type is True.
fn readiness_gates(spec: &Value, conditions: &[Value]) -> String {
    let gates = items(&spec["readinessGates"]);
    if gates.is_empty() {
        return NONE.to_string();
    }
    let met = gates
        .iter()
        .filter(|gate| {
            conditions
                .iter()
                .find(|c| text(&c["type"]) == text(&gate["conditionType"]))
                .is_some_and(|c| text(&c["status"]) == "True")
        })
        .count();
    format!("{met}/{}", gates.len())
}

#[cfg(test)]
#[path = "pod_tests.rs"]
mod tests;
