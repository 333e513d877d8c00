//! Detection on pods that real clusters produced (`tests/fixtures/pods/`,
//! see `tests/fixtures/SOURCES.md`): what each pod's status shows on first
//! sight, the kubelet's own sequence of one crash-looping pod, and owners
//! and revisions read from real labels.

use std::path::Path;

use k8s_openapi::api::core::v1::Pod;
use ktriage::model::restart::detector::Detector;
use ktriage::model::restart::exit::describe_exit;
use ktriage::model::restart::snapshot::snapshots;
use ktriage::model::restart::{ContainerKind, Observation, Source};
use serde_json::Value;

use super::{CLUSTER, at};

fn load_pods(name: &str) -> Vec<Pod> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pods")
        .join(name);
    let text = std::fs::read_to_string(path).expect("the fixture exists");
    let mut document: Value = if name.ends_with(".json") {
        serde_json::from_str(&text).expect("JSON")
    } else {
        serde_saphyr::from_str(&text).expect("YAML")
    };
    match document.get_mut("items").map(Value::take) {
        Some(items) => serde_json::from_value(items).expect("pods"),
        None => vec![serde_json::from_value(document).expect("a pod")],
    }
}

/// Each observation of a first look at every pod of a fixture:
/// `pod/container T <number> <exit>` or `pod/container G <missed>`.
fn first_look(name: &str) -> Vec<String> {
    let mut detector = Detector::new();
    let now = at("2024-06-01T12:00:00Z");
    let mut lines = Vec::new();
    for pod in load_pods(name) {
        for snapshot in snapshots(&pod, CLUSTER) {
            for observation in detector.observe(&snapshot, now) {
                let line = match observation {
                    Observation::Termination(termination) => {
                        assert_eq!(termination.source, Source::PodStatus);
                        format!(
                            "{}/{} T{} {}",
                            termination.pod,
                            termination.container,
                            termination.restart_count,
                            describe_exit(termination.exit_code, &termination.reason)
                        )
                    }
                    Observation::Gap(gap) => {
                        assert!(gap.before <= now);
                        format!("{}/{} G{}", gap.pod, gap.container, gap.missed)
                    }
                };
                lines.push(line);
            }
        }
    }
    lines
}

#[test]
fn first_sight_of_real_pods_reads_their_terminations_and_gaps() {
    let expected: &[(&str, &[&str])] = &[
        // A back-off: restartCount 3, lastState is instance 3 itself.
        (
            "crashloopbackoff-error-exit1.yaml",
            &["my-pod/main T3 Error (exit 1)", "my-pod/main G3"],
        ),
        (
            "error-terminated-exit1-restart2.yaml",
            &[
                "my-pod/main T1 Error (exit 1)",
                "my-pod/main T2 Error (exit 1)",
                "my-pod/main G1",
            ],
        ),
        (
            "failed-error-exit1-restartnever.yaml",
            &["my-pod/main T0 Error (exit 1)"],
        ),
        (
            "init-crashloopbackoff-restart7527-openshift.json",
            &[
                "vsystem-867f4b77cc-pqcns/vsystem-hana-init T7527 Error (exit 1)",
                "vsystem-867f4b77cc-pqcns/vsystem-hana-init G7527",
            ],
        ),
        (
            "multi-container-7-sidecars-prometheus-openshift.json",
            &["prometheus-k8s-0/prometheus T0 Error (exit 2)"],
        ),
        (
            "podlist-oomkilled-exit137-job-minikube.json",
            &["oom-kill-job3-gbb89/memory-eater T0 OOMKilled"],
        ),
        (
            "failed-starterror-exit128-eks-fargate.yaml",
            &["run-migrations-jn647/migrations T0 StartError (exit 128)"],
        ),
        (
            "succeeded-completed-exit0.yaml",
            &["my-pod/main T0 Completed"],
        ),
        // The completed init container did its work; the sidecar runs.
        ("running-native-sidecar-initcontainer-kind.json", &[]),
        ("imagepullbackoff.yaml", &[]),
        ("running-healthy-minikube-docker.json", &[]),
    ];
    for (name, lines) in expected {
        assert_eq!(first_look(name), *lines, "{name}");
    }
}

#[test]
fn a_sigkill_that_is_not_an_oom_and_restarts_lost_to_a_reboot_read_as_such() {
    let mixed = first_look("list-mixed-states-microservices-demo.yaml");
    assert!(
        mixed.contains(&"recommendationservice-78965f984b-z9x79/server T0 SIGKILL (OOM?)".into()),
        "{mixed:#?}"
    );
    assert!(
        mixed
            .contains(&"cartservice-67b89ffc69-s5qp8/server T896 Error (SIGSEGV, exit 139)".into())
    );
    assert!(mixed.contains(&"cartservice-67b89ffc69-s5qp8/server G896".into()));
    // After node reboots the kubelet reports `Unknown`, exit 255.
    let k3d = first_look("podlist-k3d-kube-system-restarts-after-node-reboot.json");
    assert!(
        k3d.contains(&"traefik-7cd4fcff68-9blj6/traefik T95 Unknown (exit 255)".into()),
        "{k3d:#?}"
    );
    assert!(k3d.contains(&"traefik-7cd4fcff68-9blj6/traefik G95".into()));
    assert!(k3d.contains(&"helm-install-traefik-2fxbg/helm T1 Completed".into()));
}

#[test]
fn the_kubelets_sequence_of_one_pod_is_read_without_a_false_gap() {
    // The same pod (uid 63674389-…) at 09:19:56, its instance 2 just
    // terminated, then at 09:20:25 backing off after instance 3.
    let mut detector = Detector::new();
    let mut read = |name: &str, now: &str| -> Vec<String> {
        let pod = load_pods(name).remove(0);
        snapshots(&pod, CLUSTER)
            .iter()
            .flat_map(|snapshot| detector.observe(snapshot, at(now)))
            .map(|observation| match observation {
                Observation::Termination(termination) => {
                    format!("T{} {:?}", termination.restart_count, termination.source)
                }
                Observation::Gap(gap) => format!("G{} {:?}", gap.missed, gap.before),
            })
            .collect()
    };
    assert_eq!(
        read(
            "error-terminated-exit1-restart2.yaml",
            "2018-12-02T09:19:57Z"
        ),
        ["T1 PodStatus", "T2 PodStatus", "G1 2018-12-02T09:19:41Z"]
    );
    assert_eq!(
        read("crashloopbackoff-error-exit1.yaml", "2018-12-02T09:20:30Z"),
        ["T3 Observed"]
    );
}

#[test]
fn owners_and_revisions_come_from_real_labels() {
    let snapshot = |name: &str| snapshots(&load_pods(name).remove(0), CLUSTER).remove(0);
    let deployment = snapshot("init-crashloopbackoff-restart7527-openshift.json");
    let owner = deployment.owner.expect("a ReplicaSet owns it");
    assert_eq!(
        (
            owner.workload.as_str(),
            owner.revision.as_deref(),
            owner.workload_kind()
        ),
        ("vsystem", Some("vsystem-867f4b77cc"), "Deployment")
    );
    assert_eq!(deployment.kind, ContainerKind::Init);
    let stateful = snapshot("multi-container-7-sidecars-prometheus-openshift.json");
    let owner = stateful.owner.expect("a StatefulSet owns it");
    assert_eq!(
        (owner.workload.as_str(), owner.revision.as_deref()),
        ("prometheus-k8s", Some("prometheus-k8s-5cfb75fb9f"))
    );
    let job = snapshot("podlist-oomkilled-exit137-job-minikube.json");
    assert_eq!(job.owner.expect("a Job owns it").workload, "oom-kill-job3");
    let sidecar = snapshots(
        &load_pods("running-native-sidecar-initcontainer-kind.json").remove(0),
        CLUSTER,
    );
    let kinds: Vec<(&str, ContainerKind)> = sidecar
        .iter()
        .map(|snapshot| (snapshot.container.as_str(), snapshot.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("init", ContainerKind::Init),
            ("sidecar", ContainerKind::Sidecar),
            ("sleep", ContainerKind::Regular),
        ]
    );
    let every_field = snapshots(
        &load_pods("schema-complete-pod-all-fields-synthetic.json").remove(0),
        CLUSTER,
    );
    assert_eq!(
        every_field
            .iter()
            .map(|snapshot| snapshot.kind)
            .collect::<Vec<_>>(),
        [
            ContainerKind::Init,
            ContainerKind::Regular,
            ContainerKind::Ephemeral
        ]
    );
}
