//! Real kubectl binaries (1.27, 1.30, 1.33) against the simulated cluster:
//! the columns of `get`, watches, logs and their errors, access reviews,
//! `top`, `describe`, `apply` and `debug -it` with the simulated shell.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use crate::harness::{self, eventually, fast_demo, run, start, stderr, stdout};

const VERSIONS: [&str; 3] = ["1.27", "1.30", "1.33"];

#[tokio::test(flavor = "multi_thread")]
async fn get_pods_prints_kubectl_columns_and_states() {
    let sim = start(fast_demo(10.0)).await;
    for version in VERSIONS {
        let seen = eventually(Duration::from_secs(20), || async {
            let mut command = sim.kubectl(version, "admin");
            command.args(["get", "pods", "-A"]);
            let output = run(command).await;
            let text = stdout(&output);
            (text.contains("CrashLoopBackOff") && text.contains("Running")).then_some(text)
        })
        .await
        .unwrap_or_else(|| panic!("kubectl {version} never showed a crash loop"));
        let header: Vec<&str> = seen
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        assert_eq!(
            header,
            ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            "kubectl {version}"
        );
        for expected in [
            "ImagePullBackOff",
            "CreateContainerConfigError",
            "Pending",
            "storefront-",
            "0/1",
        ] {
            assert!(
                seen.contains(expected),
                "kubectl {version}: {expected} missing in\n{seen}"
            );
        }
        let crash_line = seen
            .lines()
            .find(|l| l.contains("CrashLoopBackOff"))
            .unwrap_or_default();
        assert!(
            crash_line.contains(" ago)"),
            "restarts carry their age: {crash_line}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn get_pods_watch_streams_changes() {
    let sim = start(fast_demo(10.0)).await;
    for version in VERSIONS {
        let mut command = sim.kubectl(version, "admin");
        command.args(["get", "pods", "-n", "team-a", "-w", "--request-timeout=4s"]);
        let output = run(command).await;
        let text = stdout(&output);
        let flaky: Vec<&str> = text.lines().filter(|l| l.starts_with("flaky ")).collect();
        assert!(
            flaky.len() >= 2,
            "kubectl {version}: the watch showed no change of flaky:\n{text}\n{}",
            stderr(&output)
        );
        let statuses: std::collections::BTreeSet<&str> = flaky
            .iter()
            .filter_map(|l| l.split_whitespace().nth(2))
            .collect();
        assert!(
            statuses.len() >= 2,
            "kubectl {version}: flaky never changed status: {flaky:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_previous_container_and_errors() {
    let sim = start(fast_demo(10.0)).await;
    let previous = eventually(Duration::from_secs(20), || async {
        let mut command = sim.kubectl("1.33", "admin");
        command.args(["logs", "-n", "team-a", "flaky", "--previous"]);
        let output = run(command).await;
        output.status.success().then(|| stdout(&output))
    })
    .await
    .expect("a previous instance appears after the first crash");
    assert!(
        previous
            .trim_end()
            .ends_with("fatal: lost connection to queue"),
        "{previous}"
    );
    for version in VERSIONS {
        let mut command = sim.kubectl(version, "admin");
        command.args(["logs", "-n", "shop", "web-with-sidecars", "-c", "migrate"]);
        let output = run(command).await;
        assert_eq!(
            stdout(&output),
            "applying migration 0042_orders_index\nmigrations complete\n",
            "kubectl {version}: {}",
            stderr(&output)
        );

        let mut command = sim.kubectl(version, "admin");
        command.args(["logs", "-n", "shop", "chatty", "--previous"]);
        let output = run(command).await;
        assert!(!output.status.success());
        assert!(stderr(&output).contains("Error from server (BadRequest): previous terminated container \"app\" in pod \"chatty\" not found"), "kubectl {version}: {}", stderr(&output));

        let mut command = sim.kubectl(version, "admin");
        command.args(["logs", "-n", "shop", "chatty", "--tail=3", "--timestamps"]);
        let output = run(command).await;
        let lines: Vec<String> = stdout(&output).lines().map(str::to_string).collect();
        assert_eq!(lines.len(), 3, "kubectl {version}: {lines:?}");
        assert!(
            lines.iter().all(|l| l.len() > 31
                && &l[4..5] == "-"
                && &l[29..31] == "Z "
                && l.contains("seq=")),
            "{lines:?}"
        );
    }
    // The server's own error for a container that does not exist (kubectl checks
    // -c itself, so ask the API directly through `get --raw`).
    let mut command = sim.kubectl("1.33", "admin");
    command.args([
        "get",
        "--raw",
        "/api/v1/namespaces/shop/pods/web-with-sidecars/log?container=nope",
    ]);
    let output = run(command).await;
    assert!(
        stderr(&output).contains("container nope is not valid for pod web-with-sidecars"),
        "{}",
        stderr(&output)
    );
    let mut command = sim.kubectl("1.33", "admin");
    command.args([
        "get",
        "--raw",
        "/api/v1/namespaces/shop/pods/web-with-sidecars/log",
    ]);
    let output = run(command).await;
    assert!(
        stderr(&output).contains("a container name must be specified for pod web-with-sidecars, choose one of: [migrate mesh-proxy gateway log-shipper]"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_can_i_allows_and_denies() {
    let sim = start(fast_demo(1.0)).await;
    for version in VERSIONS {
        let cases = [
            (
                ["auth", "can-i", "list", "pods", "-n", "team-a"],
                "yes",
                true,
            ),
            (["auth", "can-i", "list", "pods", "-n", "shop"], "no", false),
            (
                ["auth", "can-i", "get", "pods/log", "-n", "team-a"],
                "yes",
                true,
            ),
            (
                ["auth", "can-i", "list", "nodes", "-n", "team-a"],
                "no",
                false,
            ),
        ];
        for (args, answer, success) in cases {
            let mut command = sim.kubectl(version, "viewer");
            command.args(args);
            let output = run(command).await;
            assert_eq!(
                stdout(&output).trim(),
                answer,
                "kubectl {version} {args:?}: {}",
                stderr(&output)
            );
            assert_eq!(output.status.success(), success);
        }
        let mut command = sim.kubectl(version, "viewer");
        command.args(["get", "pods", "-n", "shop"]);
        let output = run(command).await;
        assert!(
            stderr(&output).contains("Error from server (Forbidden): pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\""),
            "kubectl {version}: {}",
            stderr(&output)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn top_pod_and_describe_pod() {
    let sim = start(fast_demo(10.0)).await;
    for version in VERSIONS {
        // Right after start nothing runs yet ("metrics not available yet").
        let text = eventually(Duration::from_secs(10), || async {
            let mut command = sim.kubectl(version, "admin");
            command.args(["top", "pod", "-n", "shop"]);
            let text = stdout(&run(command).await);
            text.contains("storefront-").then_some(text)
        })
        .await
        .unwrap_or_else(|| panic!("kubectl {version} top pod never answered"));
        assert!(text.starts_with("NAME"), "kubectl {version}: {text}");
        let storefront = text
            .lines()
            .find(|l| l.starts_with("storefront-"))
            .expect("a storefront row");
        let cells: Vec<&str> = storefront.split_whitespace().collect();
        assert!(
            cells[1].ends_with('m') && cells[2].ends_with("Mi"),
            "{storefront}"
        );
    }
    let described = eventually(Duration::from_secs(20), || async {
        let mut command = sim.kubectl("1.33", "admin");
        command.args(["describe", "pod", "-n", "team-a", "flaky"]);
        let text = stdout(&run(command).await);
        text.contains("BackOff").then_some(text)
    })
    .await
    .expect("describe shows the back-off events");
    for expected in [
        "Last State:     Terminated",
        "Exit Code:    2",
        "Events:",
        "Scheduled",
        "Started",
        "Back-off restarting failed container app in pod flaky_team-a(",
    ] {
        assert!(
            described.contains(expected),
            "{expected} missing in\n{described}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_creates_a_pod() {
    let sim = start(fast_demo(10.0)).await;
    for (index, version) in VERSIONS.into_iter().enumerate() {
        let manifest = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: applied-{index}\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n"
        );
        let path = harness::write(sim.dir.path(), &format!("pod-{index}.yaml"), &manifest);
        let mut command = sim.kubectl(version, "admin");
        command.arg("apply").arg("-f").arg(&path);
        let output = run(command).await;
        assert_eq!(
            stdout(&output).trim(),
            format!("pod/applied-{index} created"),
            "kubectl {version}: {}",
            stderr(&output)
        );
        let running = eventually(Duration::from_secs(10), || async {
            let mut command = sim.kubectl(version, "admin");
            command.args([
                "get",
                "pod",
                "-n",
                "shop",
                &format!("applied-{index}"),
                "--no-headers",
            ]);
            let text = stdout(&run(command).await);
            text.contains("Running").then_some(text)
        })
        .await;
        assert!(
            running.is_some(),
            "kubectl {version}: the applied pod never ran"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_attaches_a_shell_to_an_ephemeral_container() {
    let sim = start(fast_demo(1.0)).await;
    // Debug a pod that is running, as an engineer would.
    let running = eventually(Duration::from_secs(15), || async {
        let mut command = sim.kubectl("1.33", "admin");
        command.args([
            "get",
            "pod",
            "-n",
            "team-a",
            "worker",
            "-o",
            "jsonpath={.status.containerStatuses[0].state.running.startedAt}",
        ]);
        let text = stdout(&run(command).await);
        (!text.is_empty()).then_some(text)
    })
    .await;
    assert!(running.is_some(), "the worker pod never ran");
    for version in ["1.30", "1.33"] {
        let mut command = sim.kubectl(version, "admin");
        command
            .args([
                "debug",
                "-it",
                "-n",
                "team-a",
                "worker",
                "--image=busybox",
                "--target=app",
                // team-a enforces Pod Security `restricted`.
                "--profile=restricted",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let output = tokio::task::spawn_blocking(move || {
            let mut child = command.spawn().expect("kubectl starts");
            if let Some(mut input) = child.stdin.take() {
                // Input waits in the pipe until the shell is attached.
                let _ = input.write_all(b"echo hello from $HOSTNAME\ncat /etc/hostname\nexit 3\n");
            }
            child.wait_with_output().expect("kubectl ends")
        })
        .await
        .expect("joins");
        let text = stdout(&output);
        assert!(
            text.contains("hello from worker"),
            "kubectl {version}: {text}\n{}",
            stderr(&output)
        );
        assert!(
            !stderr(&output).contains("falling back to streaming logs"),
            "kubectl {version}: {}",
            stderr(&output)
        );
    }
    // The kubelet reports the exit on its next sync.
    let codes = eventually(Duration::from_secs(5), || async {
        let mut command = sim.kubectl("1.33", "admin");
        command.args([
            "get",
            "pod",
            "-n",
            "team-a",
            "worker",
            "-o",
            "jsonpath={.status.ephemeralContainerStatuses[*].state.terminated.exitCode}",
        ]);
        let text = stdout(&run(command).await);
        (text == "3 3").then_some(text)
    })
    .await;
    assert_eq!(codes.as_deref(), Some("3 3"));
}
