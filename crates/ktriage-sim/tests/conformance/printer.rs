//! The simulator's pod printer against pods recorded from real clusters: for
//! every pod in `tests/fixtures/pods/` (single pods and lists, JSON and YAML,
//! some without kind or apiVersion), READY, STATUS and RESTARTS are what a
//! real API server prints.
//!
//! The expected values were worked out by hand, from the rules of printPod
//! (kubernetes 1.33 `pkg/printers/internalversion/printers.go`) applied to
//! each fixture, and from `duration.HumanDuration` for the `(… ago)` part,
//! read at the fixed clock `NOW`. They are not computed by any printer.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use ktriage_sim::printers::print_pod;
use serde_json::Value;

/// The clock every RESTARTS `(… ago)` is read at.
const NOW: &str = "2026-01-01T00:00:00Z";

/// One pod as `kubectl get pods` shows it, and why, where that is not plain.
struct Expected {
    pod: &'static str,
    ready: &'static str,
    status: &'static str,
    restarts: &'static str,
    why: &'static str,
}

const fn pod(
    pod: &'static str,
    ready: &'static str,
    status: &'static str,
    restarts: &'static str,
    why: &'static str,
) -> Expected {
    Expected {
        pod,
        ready,
        status,
        restarts,
        why,
    }
}

/// Every fixture file and its pods, in item order for lists.
/// Ages: 7y31d is from 2018-12-02, 4y246d..4y249d from 2021-04/07, 3y11d
/// from 2022-12-21, 2y174d from 2023-07-11, 613d from 2024-04-27 (under two
/// years, days only), 20y from 2006 (eight years and more, years only).
#[rustfmt::skip]
const EXPECTED: &[(&str, &[Expected])] = &[
    ("crashloopbackoff-error-exit1.yaml", &[
        pod("my-pod", "0/1", "CrashLoopBackOff", "3 (7y31d ago)",
            "waiting reason wins; ago from lastState.terminated.finishedAt 2018-12-02T09:20:25Z"),
    ]),
    ("cronjob-pod-failed-error-exit3-openshift.json", &[
        pod("auditlog-retention-28566720-t22qj", "0/1", "Error", "0",
            "terminated reason replaces phase Failed"),
    ]),
    ("error-terminated-exit1-restart2.yaml", &[
        pod("my-pod", "0/1", "Error", "2 (7y31d ago)",
            "ago from lastState (09:19:41), not from the current state's finish"),
    ]),
    ("failed-error-exit1-restartnever.yaml", &[
        pod("my-pod", "0/1", "Error", "0", ""),
    ]),
    ("failed-starterror-exit128-eks-fargate.yaml", &[
        pod("run-migrations-jn647", "0/1", "StartError", "0",
            "terminated reason StartError, not ExitCode:128"),
    ]),
    ("imagepullbackoff.yaml", &[
        pod("guestbook-ui-errimagepullbackoff-66cfffb669-45w2j", "0/1", "ImagePullBackOff", "0", ""),
    ]),
    ("init-crashloopbackoff-restart7527-openshift.json", &[
        pod("vsystem-867f4b77cc-pqcns", "0/2", "Init:CrashLoopBackOff", "7527 (613d ago)",
            "initializing and Initialized False: init restarts count, containers are not read"),
    ]),
    ("list-mixed-states-microservices-demo.yaml", &[
        pod("adservice-f787c8dcd-tb6x2", "0/1", "Pending", "0",
            "Unschedulable is a condition reason, not SchedulingGated: the phase stays"),
        pod("cartservice-67b89ffc69-s5qp8", "0/1", "CrashLoopBackOff", "896 (4y246d ago)", ""),
        pod("currencyservice-68887d98fd-gc9cn", "0/1", "Pending", "0",
            "no container statuses: READY counts spec containers"),
        pod("emailservice-5f8fc7dbb4-5lqdb", "1/1", "Running", "3 (4y249d ago)", ""),
        pod("frontend-5c4745dfdb-6k8wf", "0/1", "OutOfcpu", "0", "status.reason replaces phase Failed"),
        pod("frontend-5c4745dfdb-qz7fg", "0/1", "Preempting", "0", "status.reason replaces phase Failed"),
        pod("frontend-5c4745dfdb-6k8wf", "0/1", "Failed", "0",
            "the second, edited copy has no status.reason: the phase shows"),
        pod("loadgenerator-86f46dcb88-62vzw", "0/1", "Pending", "0", ""),
        pod("paymentservice-6658569876-d6r72", "1/1", "Running", "0", ""),
        pod("recommendationservice-78965f984b-z9x79", "1/1", "Running", "1 (4y249d ago)", ""),
        pod("shippingservice-6998959488-tvhph", "1/1", "Running", "0", ""),
        pod("pod-init-container", "0/1", "Init:1/2", "0",
            "first init exited 0 and is passed over; the second is running: index 1 of 2"),
        pod("pod-init-container-2", "0/1", "Completed", "0",
            "all init containers exited 0; the container's Completed replaces Succeeded"),
    ]),
    ("multi-container-7-sidecars-prometheus-openshift.json", &[
        pod("prometheus-k8s-0", "7/7", "Running", "1 (4y178d ago)",
            "seven regular containers (not native sidecars), all ready and running"),
    ]),
    ("pending-init-podinitializing-openshift.json", &[
        pod("data-hub-flow-agent-1a3a7e88888b7fe0630189-qcwhm-547b57cc5fvmg8", "0/2", "Init:0/1", "0",
            "an init container waiting on PodInitializing gives Init:<index>/<count>"),
    ]),
    ("podlist-containercreating-failedmount.json", &[
        pod("troubleshoot-copyfromhost-4m79m-psdjm", "0/1", "ContainerCreating", "0", ""),
    ]),
    ("podlist-crashloop-containercannotrun-127.json", &[
        pod("init-demo", "0/1", "CrashLoopBackOff", "4 (2y174d ago)", ""),
    ]),
    ("podlist-errimagepull-minikube.json", &[
        pod("no-image-deployment-849c4c4958-rxqmt", "0/1", "ErrImagePull", "0", ""),
    ]),
    ("podlist-init-runcontainererror-exit127.json", &[
        pod("init-demo2", "0/1", "Init:RunContainerError", "1 (2y174d ago)",
            "init waiting reason; the init container's restart counts while initializing"),
    ]),
    ("podlist-k3d-kube-system-restarts-after-node-reboot.json", &[
        pod("helm-install-traefik-crd-q2ndn", "0/1", "Completed", "0", ""),
        pod("helm-install-traefik-2fxbg", "0/1", "Completed", "1",
            "lastState is empty: no finish to tell the age of, the count alone"),
        pod("traefik-7cd4fcff68-9blj6", "1/1", "Running", "96 (3y11d ago)", ""),
        pod("coredns-b96499967-tncf4", "1/1", "Running", "96 (3y11d ago)", ""),
        pod("local-path-provisioner-7b7dc8d6f5-45btl", "1/1", "Running", "189 (3y11d ago)", ""),
        pod("metrics-server-668d979685-wttxd", "1/1", "Running", "182 (3y11d ago)", ""),
        pod("svclb-traefik-8ea5448e-d2m74", "2/2", "Running", "192 (3y11d ago)",
            "restarts are summed over both containers (96 + 96)"),
    ]),
    ("podlist-oomkilled-exit137-job-minikube.json", &[
        pod("oom-kill-job3-gbb89", "0/1", "OOMKilled", "0", ""),
    ]),
    ("podlist-pending-unschedulable-insufficient-gpu.json", &[
        pod("pending-pod-resources-5fddcf7688-djjfc", "0/1", "Pending", "0", ""),
    ]),
    ("running-healthy-minikube-docker.json", &[
        pod("nginx", "1/1", "Running", "0", ""),
    ]),
    ("running-native-sidecar-initcontainer-kind.json", &[
        pod("sleep", "2/2", "Running", "0",
            "the restartPolicy Always init container counts in the total and, started and ready, in READY"),
    ]),
    ("running-readiness-not-ready.yaml", &[
        pod("never-ready", "0/1", "Running", "0",
            "running but not ready: not counted, and NotReady needs a Completed container"),
    ]),
    ("running-with-managedfields-gke-daemonset.yaml", &[
        pod("container-watcher-s667m", "1/1", "Running", "0", ""),
    ]),
    ("schema-complete-pod-all-fields-synthetic.json", &[
        pod("nameValue", "0/1", "Terminating", "5 (20y ago)",
            "init terminated with exit 1 gives Init:reasonValue, then deletionTimestamp with a non-terminal phase gives Terminating; restartPolicyValue is no sidecar"),
    ]),
    ("succeeded-completed-exit0.yaml", &[
        pod("my-pod", "0/1", "Completed", "0", ""),
    ]),
    ("terminating-deletiontimestamp-pending.yaml", &[
        pod("image-pull-backoff", "0/1", "Terminating", "0",
            "waiting PodInitializing (a regular container's reason), then deletionTimestamp on Pending"),
    ]),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pods")
}

/// The pods of one fixture file: the file itself, or its `items`.
fn pods_in(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("the fixture reads");
    let document: Value = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).expect("the JSON fixture parses")
    } else {
        serde_saphyr::from_str(&text).expect("the YAML fixture parses")
    };
    match document.get("items").and_then(Value::as_array) {
        Some(items) => items.clone(),
        None => vec![document],
    }
}

fn fixture_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(fixtures())
        .expect("the fixture directory reads")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".json") || name.ends_with(".yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_fixture_pod_prints_as_a_real_api_server_prints_it() {
    let now: Timestamp = NOW.parse().expect("the clock parses");
    let mut failures = Vec::new();
    let mut checked = 0;
    let files = fixture_files();
    let listed: Vec<&str> = EXPECTED.iter().map(|(file, _)| *file).collect();
    assert_eq!(
        files, listed,
        "the table lists exactly the fixture files, in order"
    );
    for (file, expected) in EXPECTED {
        let pods = pods_in(&fixtures().join(file));
        assert_eq!(
            pods.len(),
            expected.len(),
            "{file}: {} pods in the file, {} rows in the table",
            pods.len(),
            expected.len()
        );
        for (pod, expected) in pods.iter().zip(expected.iter()) {
            let row = print_pod(pod, now);
            assert_eq!(row.name, expected.pod, "{file}: pods out of order");
            let got = (
                row.ready.as_str(),
                row.status.as_str(),
                row.restarts.as_str(),
            );
            let want = (expected.ready, expected.status, expected.restarts);
            if got != want {
                failures.push(format!(
                    "{file} {}: printed {got:?}, expected {want:?} ({})",
                    expected.pod, expected.why
                ));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 42, "every fixture pod is checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn finished_pods_carry_the_completed_row_condition_and_wide_columns_follow_the_server() {
    let now: Timestamp = NOW.parse().expect("the clock parses");
    let list = pods_in(&fixtures().join("list-mixed-states-microservices-demo.yaml"));
    let by_name = |name: &str| {
        list.iter()
            .find(|pod| pod["metadata"]["name"] == name)
            .map(|pod| print_pod(pod, now))
            .expect("the pod is in the list")
    };
    let succeeded = by_name("pod-init-container-2");
    assert_eq!(
        succeeded
            .completion
            .map(|c| c.condition()["reason"].clone()),
        Some(Value::from("Succeeded"))
    );
    let unscheduled = by_name("adservice-f787c8dcd-tb6x2");
    assert_eq!(unscheduled.completion, None);
    assert_eq!(
        (unscheduled.ip.as_str(), unscheduled.node.as_str()),
        ("<none>", "<none>")
    );
    let running = by_name("emailservice-5f8fc7dbb4-5lqdb");
    assert_eq!(running.ip, "10.24.0.3");
    assert_eq!(running.node, "gke-hello-hipster-default-pool-9e6f6ffb-xzbc");
    assert_eq!(running.readiness_gates, "<none>");

    // The synthetic pod's podIP and podIPs disagree: the server prints podIP.
    let synthetic = &pods_in(&fixtures().join("schema-complete-pod-all-fields-synthetic.json"))[0];
    let printed = print_pod(synthetic, now);
    assert_eq!(printed.ip, "podIPValue");
    assert_eq!(printed.nominated_node, "nominatedNodeNameValue");
    assert_eq!(printed.readiness_gates, "0/1");
    assert_eq!(printed.age, "18y");
}
