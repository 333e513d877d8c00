//! Restart history end to end against the simulator: a crash-looping
//! container's every restart is kept (far more than the API's one
//! `lastState`), with its exit code and the lines it printed last; the
//! history outlives the program; restarts while it was not running show as
//! a counted gap; the leaking container's OOM kill reads `137 SIGKILL` and
//! `OOMKilled`.

use std::time::Duration;

use crossterm::event::KeyCode;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;

use crate::common;
use crate::harness::{App, launch};

/// The number in the timeline's title, `Restarts of pod shop/x [N]`.
fn restarts_in_title(screen: &str) -> Option<u32> {
    let line = screen.lines().find(|l| l.contains("Restarts of "))?;
    let open = line.find('[')?;
    let close = line[open..].find(']')? + open;
    line[open + 1..close].parse().ok()
}

/// Open the timeline of the first pod whose name holds `name`; the screen.
async fn open_timeline(app: &App, name: &str) -> String {
    app.press(KeyCode::Char('/')).await;
    app.type_text(name).await;
    app.press(KeyCode::Enter).await;
    app.expect(name).await;
    app.press(KeyCode::Char('h')).await;
    let screen = app.expect(&format!("Restarts of pod shop/{name}")).await;
    // The reply of the store replaces "reading the history…".
    common::eventually(Duration::from_secs(10), || async {
        let text = app.screen.text();
        (!text.contains("reading the history")).then_some(text)
    })
    .await
    .unwrap_or(screen)
}

/// Open the timeline until it lists at least `count` restarts.
async fn wait_for_restarts(app: &App, name: &str, count: u32) -> String {
    for _ in 0..60 {
        let screen = open_timeline(app, name).await;
        if restarts_in_title(&screen).is_some_and(|n| n >= count) {
            return screen;
        }
        app.press(KeyCode::Esc).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    panic!(
        "the timeline of {name} never listed {count} restarts:\n{}",
        app.screen.text()
    );
}

async fn restart_count(app: &App, prefix: &str) -> i32 {
    let client = common::client(&app.sim, "admin").await;
    let pods: Api<Pod> = Api::namespaced(client, "shop");
    let list = pods
        .list(&Default::default())
        .await
        .expect("pods are listed");
    list.items
        .iter()
        .filter(|pod| {
            pod.metadata
                .name
                .as_deref()
                .is_some_and(|n| n.starts_with(prefix))
        })
        .filter_map(|pod| pod.status.as_ref()?.container_statuses.as_ref()?.first())
        .map(|status| status.restart_count)
        .min()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_restart_is_kept_across_runs_with_its_last_lines_and_gaps() {
    let mut app = launch(common::fast_demo(20.0), "admin", false).await;
    app.expect("checkout").await;
    let screen = wait_for_restarts(&app, "checkout", 6).await;
    let seen = restarts_in_title(&screen).expect("a count");
    let rows = screen
        .lines()
        .filter(|line| {
            line.contains(" app ") && line.contains(" Error ") && line.contains("observed")
        })
        .count();
    assert!(
        rows >= 6,
        "every restart has a row with its exit:\n{screen}"
    );
    assert!(
        screen.contains("restarts in 30d: ") && screen.contains("Error (exit 1)"),
        "the summary counts them by reason:\n{screen}"
    );

    // The kubelet's events around a restart are kept with it.
    let mut events = None;
    for _ in 0..10 {
        let text = app.screen.text();
        if text.contains("event   BackOff") {
            events = Some(text);
            break;
        }
        app.press(KeyCode::Esc).await;
        open_timeline(&app, "checkout").await;
    }
    assert!(events.is_some(), "{}", app.screen.text());

    // The third-newest crash printed its panic; its lines were kept.
    app.press(KeyCode::Down).await;
    app.press(KeyCode::Down).await;
    app.press(KeyCode::Enter).await;
    let lines = app.expect("KEPT").await;
    assert!(lines.contains("panic: runtime error"), "{lines}");
    app.press(KeyCode::Esc).await;
    app.expect("Restarts of pod shop/checkout").await;

    // Quit; the container restarts while nothing watches; start again.
    app.quit().await;
    let before = restart_count(&app, "checkout").await;
    // Two restarts or more go unseen (the third shows in `lastState`).
    let unwatched = common::eventually(Duration::from_secs(120), || async {
        (restart_count(&app, "checkout").await >= before + 3).then_some(())
    })
    .await;
    assert!(unwatched.is_some(), "the container kept restarting");
    app.start_again("admin").await;
    app.expect("checkout").await;
    let again = open_timeline(&app, "checkout").await;
    let kept = restarts_in_title(&again).expect("a count");
    assert!(
        kept >= seen,
        "{kept} restarts after the restart, {seen} before:\n{again}"
    );
    // The first look at the pods after the restart finds their counts ahead
    // of what was recorded: the difference is kept as a gap, never as rows.
    // The deployment's timeline spans both of its pods.
    app.press(KeyCode::Esc).await;
    app.press(KeyCode::Char('2')).await;
    app.expect("Workloads").await;
    let mut gap = None;
    let mut last = String::new();
    for _ in 0..10 {
        app.press(KeyCode::Char('/')).await;
        app.type_text("checkout").await;
        app.press(KeyCode::Enter).await;
        app.press(KeyCode::Char('h')).await;
        app.expect("Restarts of deployment shop/checkout").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let screen = app.screen.text();
        if screen.contains("not seen") {
            gap = Some(screen);
            break;
        }
        last = screen;
        app.press(KeyCode::Esc).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert!(
        gap.is_some(),
        "the unwatched restarts are a counted gap:\n{last}"
    );

    // For scripts: the same records from the store, as JSON.
    let home = tempfile::tempdir().expect("a directory");
    std::os::unix::fs::symlink(
        app.sim.dir.path().join("state"),
        home.path().join("ktriage"),
    )
    .expect("the state directory is linked");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(["history", "--kubeconfig"])
        .arg(&app.sim.kubeconfig)
        .args([
            "--context",
            "admin",
            "-n",
            "shop",
            "deploy/checkout",
            "-o",
            "json",
        ])
        .env("XDG_STATE_HOME", home.path())
        .output()
        .expect("ktriage history runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("the output is JSON");
    let terminations: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|row| row["kind"] == "termination")
        .collect();
    assert!(
        terminations.len() >= 2 * 6,
        "{} terminations",
        terminations.len()
    );
    assert!(terminations.iter().all(|row| {
        row["exitCode"] == 1
            && row["reason"] == "Error"
            && row["pod"]
                .as_str()
                .is_some_and(|pod| pod.starts_with("checkout-"))
            && row["containerID"].as_str().is_some_and(|id| !id.is_empty())
    }));
    assert!(
        rows.iter()
            .any(|row| row["kind"] == "gap" && row["missed"].as_u64().is_some_and(|n| n >= 1)),
        "{rows:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oom_kill_reads_as_one() {
    let app = launch(common::fast_demo(10.0), "admin", false).await;
    app.expect("orders-db-0").await;
    let screen = wait_for_restarts(&app, "orders-db-0", 1).await;
    assert!(
        screen.contains("137 SIGKILL") && screen.contains("OOMKilled"),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_that_crash_loops_shows_under_its_revision() {
    // cart rolls out to a crash-looping 2.0.0 after 90 s of cluster time;
    // the deployment's timeline names the new revision over its restarts.
    let app = launch(common::fast_demo(20.0), "admin", false).await;
    app.press(KeyCode::Char('2')).await;
    app.expect("cart").await;
    let mut screen = String::new();
    for _ in 0..40 {
        app.press(KeyCode::Char('/')).await;
        app.type_text("cart").await;
        app.press(KeyCode::Enter).await;
        app.press(KeyCode::Char('h')).await;
        app.expect("Restarts of deployment shop/cart").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        screen = app.screen.text();
        if restarts_in_title(&screen).is_some_and(|n| n >= 6) {
            break;
        }
        app.press(KeyCode::Esc).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    assert!(
        restarts_in_title(&screen).is_some_and(|n| n >= 6),
        "the new revision's restarts are kept:\n{screen}"
    );
    assert!(screen.contains("── revision cart-"), "{screen}");
    assert!(
        screen.contains("Error (exit 3)"),
        "the new revision exits 3:\n{screen}"
    );
}
