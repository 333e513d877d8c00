//! End to end against the simulated cluster: the real application loop on a
//! TestBackend, driven by scripted keys — start, filter, open a pod, read a
//! crash-looping container's last termination, switch namespace and context,
//! and the restricted user browsing `team-a` without an error screen.

use crossterm::event::KeyCode;
use ktriage_sim::scenario::Scenario;

use crate::common;
use crate::harness::launch;

#[tokio::test(flavor = "multi_thread")]
async fn browse_filter_open_and_switch() {
    let app = launch(common::fast_demo(10.0), "admin", false).await;
    let first = app.expect("storefront-").await;
    assert!(
        first.contains("ctx admin") && first.contains("ns shop"),
        "{first}"
    );
    app.press(KeyCode::Char('/')).await;
    app.type_text("checkout").await;
    app.press(KeyCode::Enter).await;
    let filtered = app.expect("CrashLoopBackOff").await;
    assert!(
        !filtered.contains("storefront-"),
        "the filter left other pods:\n{filtered}"
    );
    app.press(KeyCode::Enter).await;
    let detail = app
        .expect("Last state  Terminated: Error (exit code 1)")
        .await;
    assert!(
        detail.contains("Back-off restarting failed container app"),
        "{detail}"
    );
    app.press(KeyCode::Esc).await;
    app.press(KeyCode::Esc).await;
    app.type_text(":ns team-a").await;
    app.press(KeyCode::Enter).await;
    let team = app.expect("flaky").await;
    assert!(
        team.contains("ns team-a") && team.contains("worker"),
        "{team}"
    );
    app.type_text(":ctx debugger").await;
    app.press(KeyCode::Enter).await;
    let switched = app.expect("ctx debugger").await;
    assert!(switched.contains("ns team-a"), "{switched}");
    app.expect("worker").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn restricted_viewer_browses_team_a_without_an_error_screen() {
    let scenario = Scenario::restricted().expect("parses");
    let app = launch(scenario, "viewer", false).await;
    let pods = app.expect("worker").await;
    assert!(pods.contains("ns team-a"), "{pods}");
    app.press(KeyCode::Char('3')).await;
    let namespaces = app
        .expect("namespaces cannot be listed with this role")
        .await;
    assert!(namespaces.contains("* team-a"), "{namespaces}");
    assert!(!namespaces.contains("Not allowed"), "{namespaces}");
    app.press(KeyCode::Enter).await;
    app.expect("flaky").await;
    app.press(KeyCode::Char('2')).await;
    app.expect("api").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn losing_the_api_server_keeps_the_data_and_says_so() {
    let mut app = launch(common::fast_demo(1.0), "admin", false).await;
    app.expect("storefront-").await;
    app.stop_cluster();
    let stale = app.expect("reconnecting, last update").await;
    assert!(
        stale.contains("storefront-"),
        "the last data left the screen:\n{stale}"
    );
    assert!(
        !app.task.is_finished(),
        "the program ended when the API server went away"
    );
}
