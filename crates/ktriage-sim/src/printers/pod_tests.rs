//! printPod's rules one at a time, on small pods written for each rule. The
//! recorded pods of real clusters are checked in `tests/conformance/printer.rs`.

use serde_json::{Value, json};

use super::*;

fn now() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().expect("a time")
}

fn pod(status: Value) -> Value {
    json!({
        "metadata": {"name": "web-1", "creationTimestamp": "2025-12-31T22:00:00Z"},
        "spec": {"containers": [{"name": "app"}]},
        "status": status,
    })
}

fn terminated(fields: Value) -> Value {
    json!({"name": "app", "ready": false, "restartCount": 0, "state": {"terminated": fields}})
}

#[test]
fn a_scheduling_gate_overrides_the_phase() {
    let row = print_pod(
        &pod(json!({"phase": "Pending", "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]})),
        now(),
    );
    assert_eq!(row.status, "SchedulingGated");
    // Two hours is still under three hours of minutes.
    assert_eq!(row.age, "120m");
}

#[test]
fn a_terminated_container_without_a_reason_shows_its_signal_or_exit_code() {
    let signal = print_pod(
        &pod(json!({"phase": "Running", "containerStatuses": [
            terminated(json!({"exitCode": 137, "signal": 9}))]})),
        now(),
    );
    assert_eq!(signal.status, "Signal:9");
    let code = print_pod(
        &pod(json!({"phase": "Running", "containerStatuses": [
            terminated(json!({"exitCode": 2}))]})),
        now(),
    );
    assert_eq!(code.status, "ExitCode:2");
}

#[test]
fn a_failed_init_container_without_a_reason_shows_its_signal_or_exit_code() {
    let mut with_init = pod(json!({"phase": "Pending", "initContainerStatuses": [
        {"name": "setup", "restartCount": 0, "state": {"terminated": {"exitCode": 1, "signal": 15}}}]}));
    with_init["spec"]["initContainers"] = json!([{"name": "setup"}]);
    assert_eq!(print_pod(&with_init, now()).status, "Init:Signal:15");
    with_init["status"]["initContainerStatuses"][0]["state"]["terminated"] = json!({"exitCode": 3});
    assert_eq!(print_pod(&with_init, now()).status, "Init:ExitCode:3");
}

/// Kubernetes 1.35 reports the error here instead; 1.33, which this
/// simulator reports, lets the first container's `Completed` stand.
#[test]
fn the_first_container_state_wins_because_containers_are_read_backwards() {
    let row = print_pod(
        &pod(json!({"phase": "Failed", "containerStatuses": [
            terminated(json!({"exitCode": 0, "reason": "Completed"})),
            terminated(json!({"exitCode": 1, "reason": "Error"}))]})),
        now(),
    );
    assert_eq!(row.status, "Completed");
}

#[test]
fn completed_beside_a_running_container_is_running_or_not_ready_by_the_ready_condition() {
    let statuses = json!([
        terminated(json!({"exitCode": 0, "reason": "Completed"})),
        {"name": "sidecar", "ready": true, "restartCount": 0, "state": {"running": {}}},
    ]);
    let mut row = pod(json!({"phase": "Running", "containerStatuses": statuses,
        "conditions": [{"type": "Ready", "status": "False"}]}));
    row["spec"]["containers"] = json!([{"name": "app"}, {"name": "sidecar"}]);
    let not_ready = print_pod(&row, now());
    assert_eq!(
        (not_ready.ready.as_str(), not_ready.status.as_str()),
        ("1/2", "NotReady")
    );
    row["status"]["conditions"] = json!([{"type": "Ready", "status": "True"}]);
    assert_eq!(print_pod(&row, now()).status, "Running");
}

#[test]
fn a_running_container_that_is_not_ready_leaves_the_phase() {
    let row = print_pod(
        &pod(json!({"phase": "Running", "containerStatuses": [
            {"name": "app", "ready": false, "restartCount": 0, "state": {"running": {}}}],
            "conditions": [{"type": "Ready", "status": "False"}]})),
        now(),
    );
    assert_eq!(
        (row.ready.as_str(), row.status.as_str()),
        ("0/1", "Running")
    );
}

#[test]
fn deletion_shows_terminating_unless_finished_and_unknown_when_the_node_is_lost() {
    let mut deleted = pod(json!({"phase": "Running"}));
    deleted["metadata"]["deletionTimestamp"] = json!("2025-12-31T23:59:00Z");
    assert_eq!(print_pod(&deleted, now()).status, "Terminating");
    deleted["status"]["reason"] = json!("NodeLost");
    assert_eq!(print_pod(&deleted, now()).status, "Unknown");
    deleted["status"] = json!({"phase": "Succeeded"});
    let finished = print_pod(&deleted, now());
    assert_eq!(finished.status, "Succeeded");
    assert_eq!(finished.completion, Some(Completion::Succeeded));
}

#[test]
fn sidecar_restarts_count_once_the_pod_is_initialized_and_init_restarts_before() {
    let mut row = pod(json!({
        "phase": "Running",
        "conditions": [{"type": "Initialized", "status": "True"}],
        "initContainerStatuses": [
            {"name": "setup", "restartCount": 4, "state": {"terminated": {"exitCode": 0}},
             "lastState": {"terminated": {"finishedAt": "2025-12-31T23:00:00Z"}}},
            {"name": "proxy", "restartCount": 2, "started": true, "ready": true, "state": {"running": {}},
             "lastState": {"terminated": {"finishedAt": "2025-12-31T23:50:00Z"}}}],
        "containerStatuses": [
            {"name": "app", "ready": true, "restartCount": 1, "state": {"running": {}},
             "lastState": {"terminated": {"finishedAt": "2025-12-31T23:30:00Z"}}}],
    }));
    row["spec"]["initContainers"] =
        json!([{"name": "setup"}, {"name": "proxy", "restartPolicy": "Always"}]);
    let printed = print_pod(&row, now());
    assert_eq!(printed.ready, "2/2");
    assert_eq!(printed.status, "Running");
    assert_eq!(printed.restarts, "3 (10m ago)");

    // A sidecar that has not started holds initialization: the restarts of
    // the init containers read so far count, the regular containers' do not.
    row["status"]["conditions"] = json!([{"type": "Initialized", "status": "False"}]);
    row["status"]["initContainerStatuses"][1]["started"] = json!(false);
    let initializing = print_pod(&row, now());
    assert_eq!(initializing.status, "Init:1/2");
    assert_eq!(initializing.restarts, "6 (10m ago)");
    assert_eq!(initializing.ready, "0/2");

    // The first init container still running stops the reading there.
    row["status"]["initContainerStatuses"][0]["state"] = json!({"running": {}});
    let first = print_pod(&row, now());
    assert_eq!(first.status, "Init:0/2");
    assert_eq!(first.restarts, "4 (60m ago)");
}

#[test]
fn restarts_without_a_known_finish_print_the_count_alone() {
    let row = print_pod(
        &pod(json!({"phase": "Running", "containerStatuses": [
            {"name": "app", "ready": true, "restartCount": 7, "state": {"running": {}}, "lastState": {}}]})),
        now(),
    );
    assert_eq!(row.restarts, "7");
    assert_eq!(row.status, "Running");
}

#[test]
fn wide_columns_follow_the_server() {
    let mut row = pod(json!({
        "phase": "Running", "podIP": "10.0.0.9", "podIPs": [{"ip": "10.0.0.7"}],
        "nominatedNodeName": "node-2",
        "conditions": [{"type": "example.com/lb", "status": "True"},
                       {"type": "example.com/dns", "status": "False"},
                       {"type": "example.com/dns", "status": "True"}],
    }));
    row["spec"]["nodeName"] = json!("node-1");
    row["spec"]["readinessGates"] = json!([
        {"conditionType": "example.com/lb"}, {"conditionType": "example.com/dns"},
        {"conditionType": "example.com/absent"}]);
    let printed = print_pod(&row, now());
    assert_eq!(printed.ip, "10.0.0.9");
    assert_eq!(printed.node, "node-1");
    assert_eq!(printed.nominated_node, "node-2");
    assert_eq!(printed.readiness_gates, "1/3");

    let bare = print_pod(&json!({"metadata": {"name": "x"}}), now());
    assert_eq!(
        (
            bare.ip.as_str(),
            bare.node.as_str(),
            bare.nominated_node.as_str()
        ),
        ("<none>", "<none>", "<none>")
    );
    assert_eq!(
        (bare.readiness_gates.as_str(), bare.age.as_str()),
        ("<none>", "<unknown>")
    );
    assert_eq!((bare.ready.as_str(), bare.status.as_str()), ("0/0", ""));

    let only_list = print_pod(
        &pod(json!({"podIPs": [{"ip": "fd00::1"}, {"ip": "10.0.0.1"}]})),
        now(),
    );
    assert_eq!(only_list.ip, "fd00::1");
}
