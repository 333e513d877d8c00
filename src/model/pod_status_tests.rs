//! Unit tests of the kubectl pod columns, one rule at a time, on small pods
//! written inline. Real cluster objects are tested in `tests/units/model_fixtures.rs`.

use serde_json::{Value, json};

use super::*;

fn pod(value: Value) -> Pod {
    match serde_json::from_value(value) {
        Ok(pod) => pod,
        Err(error) => panic!("test pod does not deserialise: {error}"),
    }
}

fn timestamp(text: &str) -> Timestamp {
    match text.parse() {
        Ok(moment) => moment,
        Err(error) => panic!("bad timestamp {text}: {error}"),
    }
}

fn containers(names: &[&str]) -> Value {
    Value::Array(
        names
            .iter()
            .map(|name| json!({"name": name, "image": "busybox"}))
            .collect(),
    )
}

fn running(name: &str, ready: bool, restarts: i32) -> Value {
    json!({"name": name, "ready": ready, "restartCount": restarts, "image": "", "imageID": "",
           "state": {"running": {"startedAt": "2024-01-01T00:00:00Z"}}})
}

fn waiting(name: &str, reason: &str, restarts: i32) -> Value {
    json!({"name": name, "ready": false, "restartCount": restarts, "image": "", "imageID": "",
           "state": {"waiting": {"reason": reason}}})
}

fn terminated(name: &str, terminated: Value) -> Value {
    json!({"name": name, "ready": false, "restartCount": 0, "image": "", "imageID": "",
           "state": {"terminated": terminated}})
}

fn condition(kind: &str, status: &str) -> Value {
    json!({"type": kind, "status": status})
}

#[test]
fn pod_without_status_shows_empty_phase() {
    let summary = summarize(&pod(
        json!({"spec": {"containers": containers(&["a", "b"])}}),
    ));
    assert_eq!(summary.status, "");
    assert_eq!(summary.ready_column(), "0/2");
    assert_eq!(summary.restarts, 0);
    assert_eq!(summary.health(), Health::Progressing);
}

#[test]
fn status_reason_overrides_phase() {
    let summary = summarize(&pod(json!({
        "spec": {"containers": containers(&["a"])},
        "status": {"phase": "Failed", "reason": "Evicted"}
    })));
    assert_eq!(summary.status, "Evicted");
    assert_eq!(summary.health(), Health::Failing);
}

#[test]
fn scheduling_gated_condition_wins_over_phase() {
    let summary = summarize(&pod(json!({
        "spec": {"containers": containers(&["a"])},
        "status": {"phase": "Pending", "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}
    })));
    assert_eq!(summary.status, "SchedulingGated");
    assert_eq!(summary.health(), Health::Progressing);
}

#[test]
fn failed_init_container_without_reason_shows_signal_or_exit_code() {
    let with_signal = pod(json!({
        "spec": {"initContainers": containers(&["init"]), "containers": containers(&["a"])},
        "status": {"phase": "Pending", "initContainerStatuses": [
            terminated("init", json!({"exitCode": 137, "signal": 9}))]}
    }));
    assert_eq!(summarize(&with_signal).status, "Init:Signal:9");
    let with_code = pod(json!({
        "spec": {"initContainers": containers(&["init"]), "containers": containers(&["a"])},
        "status": {"phase": "Pending", "initContainerStatuses": [
            terminated("init", json!({"exitCode": 2}))]}
    }));
    assert_eq!(summarize(&with_code).status, "Init:ExitCode:2");
    let with_reason = pod(json!({
        "spec": {"initContainers": containers(&["init"]), "containers": containers(&["a"])},
        "status": {"phase": "Pending", "initContainerStatuses": [
            terminated("init", json!({"exitCode": 1, "reason": "Error"}))]}
    }));
    let summary = summarize(&with_reason);
    assert_eq!(summary.status, "Init:Error");
    assert_eq!(summary.health(), Health::Failing);
}

#[test]
fn init_progress_counts_finished_init_containers() {
    let summary = summarize(&pod(json!({
        "spec": {"initContainers": containers(&["one", "two", "three"]),
                 "containers": containers(&["a"])},
        "status": {"phase": "Pending", "initContainerStatuses": [
            terminated("one", json!({"exitCode": 0, "reason": "Completed"})),
            running("two", false, 0),
            waiting("three", "PodInitializing", 0)]}
    })));
    assert_eq!(summary.status, "Init:1/3");
    assert_eq!(summary.health(), Health::Progressing);
}

#[test]
fn init_restarts_count_while_initializing_and_app_restarts_do_not() {
    let mut init = waiting("init", "CrashLoopBackOff", 4);
    init["lastState"] =
        json!({"terminated": {"exitCode": 1, "finishedAt": "2024-01-01T00:10:00Z"}});
    let summary = summarize(&pod(json!({
        "spec": {"initContainers": containers(&["init"]), "containers": containers(&["a"])},
        "status": {"phase": "Pending",
                   "initContainerStatuses": [init],
                   "containerStatuses": [waiting("a", "PodInitializing", 9)]}
    })));
    assert_eq!(summary.status, "Init:CrashLoopBackOff");
    assert_eq!(summary.restarts, 4);
    assert_eq!(
        summary.restarts_column(timestamp("2024-01-01T00:12:00Z")),
        "4 (2m ago)"
    );
}

#[test]
fn started_sidecars_count_in_ready_and_total() {
    let mut sidecar = running("proxy", true, 2);
    sidecar["started"] = json!(true);
    sidecar["lastState"] =
        json!({"terminated": {"exitCode": 1, "finishedAt": "2024-01-01T00:05:00Z"}});
    let mut init_specs = containers(&["setup", "proxy"]);
    init_specs[1]["restartPolicy"] = json!("Always");
    let summary = summarize(&pod(json!({
        "spec": {"initContainers": init_specs, "containers": containers(&["app"])},
        "status": {"phase": "Running",
                   "conditions": [condition("Initialized", "True"), condition("Ready", "True")],
                   "initContainerStatuses": [
                       terminated("setup", json!({"exitCode": 0, "reason": "Completed"})),
                       sidecar],
                   "containerStatuses": [running("app", true, 1)]}
    })));
    assert_eq!(summary.status, "Running");
    assert_eq!(summary.ready_column(), "2/2");
    assert_eq!(summary.restarts, 3);
    assert_eq!(
        summary.last_restart,
        Some(timestamp("2024-01-01T00:05:00Z"))
    );
    assert_eq!(summary.health(), Health::Healthy);
}

#[test]
fn unstarted_sidecar_holds_initialization() {
    let mut init_specs = containers(&["proxy"]);
    init_specs[0]["restartPolicy"] = json!("Always");
    let summary = summarize(&pod(json!({
        "spec": {"initContainers": init_specs, "containers": containers(&["app"])},
        "status": {"phase": "Pending",
                   "initContainerStatuses": [waiting("proxy", "PodInitializing", 0)],
                   "containerStatuses": [waiting("app", "PodInitializing", 0)]}
    })));
    assert_eq!(summary.status, "Init:0/1");
    assert_eq!(summary.ready_column(), "0/2");
}

#[test]
fn crashing_sidecar_after_initialization_keeps_its_init_status() {
    let mut init_specs = containers(&["proxy"]);
    init_specs[0]["restartPolicy"] = json!("Always");
    let summary = summarize(&pod(json!({
        "spec": {"initContainers": init_specs, "containers": containers(&["app"])},
        "status": {"phase": "Running",
                   "conditions": [condition("Initialized", "True")],
                   "initContainerStatuses": [waiting("proxy", "CrashLoopBackOff", 5)],
                   "containerStatuses": [running("app", true, 1)]}
    })));
    assert_eq!(summary.status, "Init:CrashLoopBackOff");
    assert_eq!(summary.ready_column(), "1/2");
    assert_eq!(summary.restarts, 6);
}

#[test]
fn first_container_state_wins() {
    let summary = summarize(&pod(json!({
        "spec": {"containers": containers(&["a", "b", "c"])},
        "status": {"phase": "Running", "containerStatuses": [
            waiting("a", "CrashLoopBackOff", 3),
            terminated("b", json!({"exitCode": 1, "reason": "Error"})),
            running("c", true, 0)]}
    })));
    assert_eq!(summary.status, "CrashLoopBackOff");
    assert_eq!(summary.ready_column(), "1/3");
    assert_eq!(summary.restarts, 3);
    assert_eq!(
        summary.restarts_column(timestamp("2024-01-01T00:00:00Z")),
        "3"
    );
}

#[test]
fn app_termination_without_reason_shows_signal_or_exit_code() {
    let signal = pod(json!({
        "spec": {"containers": containers(&["a"])},
        "status": {"phase": "Running", "containerStatuses": [
            terminated("a", json!({"exitCode": 143, "signal": 15}))]}
    }));
    assert_eq!(summarize(&signal).status, "Signal:15");
    let code = pod(json!({
        "spec": {"containers": containers(&["a"])},
        "status": {"phase": "Running", "containerStatuses": [
            terminated("a", json!({"exitCode": 3}))]}
    }));
    assert_eq!(summarize(&code).status, "ExitCode:3");
}

#[test]
fn completed_with_a_running_container_becomes_running_or_not_ready() {
    let status = |ready_condition: &str| {
        json!({"phase": "Running",
               "conditions": [condition("Ready", ready_condition)],
               "containerStatuses": [
                   terminated("job", json!({"exitCode": 0, "reason": "Completed"})),
                   running("server", true, 0)]})
    };
    let ready = summarize(&pod(json!({
        "spec": {"containers": containers(&["job", "server"])}, "status": status("True")})));
    assert_eq!(ready.status, "Running");
    assert_eq!(ready.ready_column(), "1/2");
    assert_eq!(ready.health(), Health::Progressing);
    let not_ready = summarize(&pod(json!({
        "spec": {"containers": containers(&["job", "server"])}, "status": status("False")})));
    assert_eq!(not_ready.status, "NotReady");
}

#[test]
fn deletion_timestamp_rules() {
    let deleted = |phase: &str, reason: Option<&str>| {
        let mut status = json!({"phase": phase});
        if let Some(reason) = reason {
            status["reason"] = json!(reason);
        }
        summarize(&pod(json!({
            "metadata": {"name": "p", "deletionTimestamp": "2024-01-01T00:00:00Z"},
            "spec": {"containers": containers(&["a"])},
            "status": status
        })))
        .status
    };
    assert_eq!(deleted("Running", None), "Terminating");
    assert_eq!(deleted("Running", Some("NodeLost")), "Unknown");
    assert_eq!(deleted("Succeeded", None), "Succeeded");
    assert_eq!(deleted("Failed", Some("Evicted")), "Evicted");
    assert_eq!(deleted("Failed", Some("NodeLost")), "Unknown");
}

#[test]
fn restarts_without_a_known_time_show_the_bare_count() {
    let summary = PodSummary {
        ready: 1,
        total: 1,
        status: String::from("Running"),
        restarts: 5,
        last_restart: None,
    };
    assert_eq!(
        summary.restarts_column(timestamp("2024-01-01T00:00:00Z")),
        "5"
    );
}

#[test]
fn wide_columns_fall_back_to_none() {
    let columns = wide_columns(&pod(json!({"spec": {"containers": containers(&["a"])}})));
    assert_eq!(
        columns,
        (
            String::from("<none>"),
            String::from("<none>"),
            String::from("<none>"),
            String::from("<none>")
        )
    );
}

#[test]
fn wide_columns_read_ip_node_nomination_and_gates() {
    let columns = wide_columns(&pod(json!({
        "spec": {"containers": containers(&["a"]), "nodeName": "node-1",
                 "readinessGates": [{"conditionType": "example.com/lb"},
                                    {"conditionType": "example.com/dns"}]},
        "status": {"podIPs": [{"ip": "10.0.0.7"}, {"ip": "fd00::7"}],
                   "nominatedNodeName": "node-2",
                   "conditions": [condition("example.com/lb", "True"),
                                  condition("example.com/dns", "False")]}
    })));
    assert_eq!(columns.0, "10.0.0.7");
    assert_eq!(columns.1, "node-1");
    assert_eq!(columns.2, "node-2");
    assert_eq!(columns.3, "1/2");
    let legacy_ip = wide_columns(&pod(json!({
        "spec": {"containers": containers(&["a"])}, "status": {"podIP": "172.17.0.9"}})));
    assert_eq!(legacy_ip.0, "172.17.0.9");
}

#[test]
fn health_classes() {
    let health = |status: &str, ready: u32, total: u32| {
        is_healthy(&PodSummary {
            ready,
            total,
            status: status.to_owned(),
            restarts: 0,
            last_restart: None,
        })
    };
    assert_eq!(health("Running", 2, 2), Health::Healthy);
    assert_eq!(health("Running", 1, 2), Health::Progressing);
    assert_eq!(health("Completed", 0, 1), Health::Completed);
    assert_eq!(health("Succeeded", 0, 1), Health::Completed);
    for progressing in [
        "Pending",
        "ContainerCreating",
        "PodInitializing",
        "Init:0/1",
        "Init:12/13",
        "Terminating",
        "NotReady",
    ] {
        assert_eq!(
            health(progressing, 0, 1),
            Health::Progressing,
            "{progressing}"
        );
    }
    for failing in [
        "CrashLoopBackOff",
        "Error",
        "OOMKilled",
        "ImagePullBackOff",
        "ErrImagePull",
        "Init:Error",
        "Init:CrashLoopBackOff",
        "Init:ExitCode:1",
        "Init:Signal:9",
        "Init:1/x",
        "Evicted",
        "Failed",
        "Unknown",
        "CreateContainerConfigError",
        "RunContainerError",
        "ContainerCannotRun",
        "Signal:9",
        "ExitCode:1",
        "OutOfcpu",
    ] {
        assert_eq!(health(failing, 0, 1), Health::Failing, "{failing}");
    }
}
