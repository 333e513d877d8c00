//! The pod model against objects that real clusters produced
//! (`tests/fixtures/pods/`, see `tests/fixtures/SOURCES.md`): each pod's READY,
//! STATUS, RESTARTS and AGE columns must read exactly as kubectl prints them.

use std::path::Path;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use ktriage::model::duration::age;
use ktriage::model::pod_status::{Health, PodSummary, is_healthy, summarize, wide_columns};
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn read_value(name: &str) -> Result<Value, Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pods");
    let text = std::fs::read_to_string(path.join(name))?;
    if name.ends_with(".json") {
        Ok(serde_json::from_str(&text)?)
    } else {
        Ok(serde_saphyr::from_str(&text)?)
    }
}

/// The pods of a fixture: its `items` for a PodList or List, else the pod.
fn load_pods(name: &str) -> Result<Vec<Pod>, Box<dyn std::error::Error>> {
    let mut document = read_value(name)?;
    match document.get_mut("items").map(Value::take) {
        Some(items) => Ok(serde_json::from_value(items)?),
        None => Ok(vec![serde_json::from_value(document)?]),
    }
}

fn load_pod(name: &str) -> Result<Pod, Box<dyn std::error::Error>> {
    let mut pods = load_pods(name)?;
    match (pods.pop(), pods.is_empty()) {
        (Some(pod), true) => Ok(pod),
        _ => Err(format!("{name} does not hold exactly one pod").into()),
    }
}

fn at(text: &str) -> Result<Timestamp, jiff::Error> {
    text.parse()
}

/// NAME, READY, STATUS and RESTARTS as `kubectl get pods` prints them at `now`.
fn columns(pod: &Pod, now: Timestamp) -> (String, String, String, String) {
    let summary = summarize(pod);
    (
        pod.metadata.name.clone().unwrap_or_default(),
        summary.ready_column(),
        summary.status.clone(),
        summary.restarts_column(now),
    )
}

fn row(name: &str, ready: &str, status: &str, restarts: &str) -> (String, String, String, String) {
    (name.into(), ready.into(), status.into(), restarts.into())
}

fn summary_of(name: &str) -> Result<PodSummary, Box<dyn std::error::Error>> {
    Ok(summarize(&load_pod(name)?))
}

#[test]
fn crash_loop_back_off() -> TestResult {
    let summary = summary_of("crashloopbackoff-error-exit1.yaml")?;
    assert_eq!(summary.status, "CrashLoopBackOff");
    assert_eq!(summary.ready_column(), "0/1");
    assert_eq!(summary.restarts, 3);
    assert_eq!(summary.last_restart, Some(at("2018-12-02T09:20:25Z")?));
    assert_eq!(
        summary.restarts_column(at("2018-12-02T09:22:25Z")?),
        "3 (2m ago)"
    );
    assert_eq!(is_healthy(&summary), Health::Failing);
    Ok(())
}

#[test]
fn image_pull_back_off() -> TestResult {
    let summary = summary_of("imagepullbackoff.yaml")?;
    assert_eq!(
        (
            summary.status.as_str(),
            summary.ready_column(),
            summary.restarts
        ),
        ("ImagePullBackOff", String::from("0/1"), 0)
    );
    assert_eq!(summary.health(), Health::Failing);
    Ok(())
}

#[test]
fn init_container_in_crash_loop() -> TestResult {
    let summary = summary_of("init-crashloopbackoff-restart7527-openshift.json")?;
    assert_eq!(summary.status, "Init:CrashLoopBackOff");
    assert_eq!(summary.ready_column(), "0/2");
    assert_eq!(summary.restarts, 7527);
    assert_eq!(
        summary.restarts_column(at("2024-04-27T10:00:00Z")?),
        "7527 (5m36s ago)"
    );
    assert_eq!(summary.health(), Health::Failing);
    Ok(())
}

#[test]
fn init_container_waiting_to_start() -> TestResult {
    let summary = summary_of("pending-init-podinitializing-openshift.json")?;
    assert_eq!(summary.status, "Init:0/1");
    assert_eq!(summary.ready_column(), "0/2");
    assert_eq!(summary.restarts, 0);
    assert_eq!(summary.health(), Health::Progressing);
    Ok(())
}

#[test]
fn native_sidecar_counts_as_a_container() -> TestResult {
    let pod = load_pod("running-native-sidecar-initcontainer-kind.json")?;
    let summary = summarize(&pod);
    assert_eq!(summary.status, "Running");
    assert_eq!(summary.ready_column(), "2/2");
    assert_eq!(summary.restarts_column(at("2024-08-25T00:00:00Z")?), "0");
    assert_eq!(summary.health(), Health::Healthy);
    let (ip, node, nominated, gates) = wide_columns(&pod);
    assert_eq!(
        (
            ip.as_str(),
            node.as_str(),
            nominated.as_str(),
            gates.as_str()
        ),
        ("10.244.0.8", "kind-control-plane", "<none>", "<none>")
    );
    Ok(())
}

#[test]
fn deletion_timestamp_shows_terminating() -> TestResult {
    let summary = summary_of("terminating-deletiontimestamp-pending.yaml")?;
    assert_eq!(summary.status, "Terminating");
    assert_eq!(summary.ready_column(), "0/1");
    assert_eq!(summary.restarts, 0);
    assert_eq!(summary.health(), Health::Progressing);
    Ok(())
}

#[test]
fn out_of_memory_kill() -> TestResult {
    let summary = summary_of("podlist-oomkilled-exit137-job-minikube.json")?;
    assert_eq!(summary.status, "OOMKilled");
    assert_eq!(summary.ready_column(), "0/1");
    assert_eq!(summary.restarts, 0);
    assert_eq!(summary.health(), Health::Failing);
    Ok(())
}

#[test]
fn seven_containers_with_one_restart() -> TestResult {
    let summary = summary_of("multi-container-7-sidecars-prometheus-openshift.json")?;
    assert_eq!(summary.status, "Running");
    assert_eq!(summary.ready_column(), "7/7");
    assert_eq!(summary.restarts, 1);
    assert_eq!(
        summary.restarts_column(at("2021-07-08T16:15:21Z")?),
        "1 (24h ago)"
    );
    assert_eq!(summary.health(), Health::Healthy);
    Ok(())
}

#[test]
fn mixed_list_reads_as_kubectl_prints_it() -> TestResult {
    let now = at("2021-06-18T10:00:00Z")?;
    let pods = load_pods("list-mixed-states-microservices-demo.yaml")?;
    let rows: Vec<_> = pods.iter().map(|pod| columns(pod, now)).collect();
    let expected = vec![
        row("adservice-f787c8dcd-tb6x2", "0/1", "Pending", "0"),
        row(
            "cartservice-67b89ffc69-s5qp8",
            "0/1",
            "CrashLoopBackOff",
            "896 (48d ago)",
        ),
        row("currencyservice-68887d98fd-gc9cn", "0/1", "Pending", "0"),
        row(
            "emailservice-5f8fc7dbb4-5lqdb",
            "1/1",
            "Running",
            "3 (51d ago)",
        ),
        row("frontend-5c4745dfdb-6k8wf", "0/1", "OutOfcpu", "0"),
        row("frontend-5c4745dfdb-qz7fg", "0/1", "Preempting", "0"),
        // The fixture holds this pod twice; the second copy has no reason.
        row("frontend-5c4745dfdb-6k8wf", "0/1", "Failed", "0"),
        row("loadgenerator-86f46dcb88-62vzw", "0/1", "Pending", "0"),
        row("paymentservice-6658569876-d6r72", "1/1", "Running", "0"),
        row(
            "recommendationservice-78965f984b-z9x79",
            "1/1",
            "Running",
            "1 (51d ago)",
        ),
        row("shippingservice-6998959488-tvhph", "1/1", "Running", "0"),
        row("pod-init-container", "0/1", "Init:1/2", "0"),
        row("pod-init-container-2", "0/1", "Completed", "0"),
    ];
    assert_eq!(rows, expected);

    let ages: Vec<String> = pods
        .iter()
        .filter_map(|pod| pod.metadata.creation_timestamp.as_ref())
        .map(|created| age(created.0, now))
        .collect();
    assert_eq!(ages.len(), 13);
    assert!(ages[..11].iter().all(|text| text == "51d"), "{ages:?}");
    assert_eq!(ages[11..], ["62m", "33m"]);

    let health: Vec<Health> = pods.iter().map(|pod| summarize(pod).health()).collect();
    use Health::{Completed, Failing, Healthy, Progressing};
    assert_eq!(
        health,
        [
            Progressing,
            Failing,
            Progressing,
            Healthy,
            Failing,
            Failing,
            Failing,
            Progressing,
            Healthy,
            Healthy,
            Healthy,
            Progressing,
            Completed,
        ]
    );

    let unscheduled = wide_columns(&pods[0]);
    assert_eq!(
        (unscheduled.0.as_str(), unscheduled.1.as_str()),
        ("<none>", "<none>")
    );
    Ok(())
}

#[test]
fn single_pod_fixtures() -> TestResult {
    let now = at("2025-01-01T00:00:00Z")?;
    let cases = [
        (
            "cronjob-pod-failed-error-exit3-openshift.json",
            "0/1",
            "Error",
            "0",
        ),
        (
            "error-terminated-exit1-restart2.yaml",
            "0/1",
            "Error",
            "2 (6y31d ago)",
        ),
        ("failed-error-exit1-restartnever.yaml", "0/1", "Error", "0"),
        (
            "failed-starterror-exit128-eks-fargate.yaml",
            "0/1",
            "StartError",
            "0",
        ),
        (
            "podlist-containercreating-failedmount.json",
            "0/1",
            "ContainerCreating",
            "0",
        ),
        (
            "podlist-crashloop-containercannotrun-127.json",
            "0/1",
            "CrashLoopBackOff",
            "4 (539d ago)",
        ),
        (
            "podlist-errimagepull-minikube.json",
            "0/1",
            "ErrImagePull",
            "0",
        ),
        (
            "podlist-init-runcontainererror-exit127.json",
            "0/1",
            "Init:RunContainerError",
            "1 (539d ago)",
        ),
        (
            "podlist-pending-unschedulable-insufficient-gpu.json",
            "0/1",
            "Pending",
            "0",
        ),
        (
            "running-healthy-minikube-docker.json",
            "1/1",
            "Running",
            "0",
        ),
        ("running-readiness-not-ready.yaml", "0/1", "Running", "0"),
        (
            "running-with-managedfields-gke-daemonset.yaml",
            "1/1",
            "Running",
            "0",
        ),
        ("succeeded-completed-exit0.yaml", "0/1", "Completed", "0"),
    ];
    for (file, ready, status, restarts) in cases {
        let pod = load_pod(file)?;
        let (_, actual_ready, actual_status, actual_restarts) = columns(&pod, now);
        assert_eq!(
            (
                actual_ready.as_str(),
                actual_status.as_str(),
                actual_restarts.as_str()
            ),
            (ready, status, restarts),
            "{file}"
        );
    }
    assert_eq!(
        summary_of("running-readiness-not-ready.yaml")?.health(),
        Health::Progressing
    );
    assert_eq!(
        summary_of("succeeded-completed-exit0.yaml")?.health(),
        Health::Completed
    );
    Ok(())
}

#[test]
fn kube_system_after_node_reboots() -> TestResult {
    let now = at("2022-12-21T10:00:00Z")?;
    let pods = load_pods("podlist-k3d-kube-system-restarts-after-node-reboot.json")?;
    let rows: Vec<_> = pods.iter().map(|pod| columns(pod, now)).collect();
    let expected = vec![
        row("helm-install-traefik-crd-q2ndn", "0/1", "Completed", "0"),
        row("helm-install-traefik-2fxbg", "0/1", "Completed", "1"),
        row("traefik-7cd4fcff68-9blj6", "1/1", "Running", "96 (17m ago)"),
        row("coredns-b96499967-tncf4", "1/1", "Running", "96 (17m ago)"),
        row(
            "local-path-provisioner-7b7dc8d6f5-45btl",
            "1/1",
            "Running",
            "189 (16m ago)",
        ),
        row(
            "metrics-server-668d979685-wttxd",
            "1/1",
            "Running",
            "182 (16m ago)",
        ),
        row(
            "svclb-traefik-8ea5448e-d2m74",
            "2/2",
            "Running",
            "192 (17m ago)",
        ),
    ];
    assert_eq!(rows, expected);
    Ok(())
}

#[test]
fn schema_complete_pod_is_tolerated() -> TestResult {
    let pod = load_pod("schema-complete-pod-all-fields-synthetic.json")?;
    let summary = summarize(&pod);
    assert_eq!(summary.status, "Terminating");
    assert_eq!(summary.ready_column(), "0/1");
    assert_eq!(
        summary.restarts_column(at("2025-01-01T00:00:00Z")?),
        "5 (19y ago)"
    );
    assert_eq!(
        wide_columns(&pod),
        (
            String::from("podIPValue"),
            String::from("nodeNameValue"),
            String::from("nominatedNodeNameValue"),
            String::from("0/1")
        )
    );
    Ok(())
}
