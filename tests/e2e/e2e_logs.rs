//! The log view end to end: the real loop against the simulated cluster,
//! opened with `l` from a pod and from a workload, paused and resumed,
//! searched, and refused with the API's words when `pods/log` is forbidden.

use crossterm::event::KeyCode;
use ktriage_sim::scenario::Scenario;

use crate::common;
use crate::harness::launch;

#[tokio::test(flavor = "multi_thread")]
async fn a_pods_logs_follow_pause_resume_and_search() {
    let app = launch(common::fast_demo(1.0), "admin", false).await;
    app.expect("chatty").await;
    app.press(KeyCode::Char('/')).await;
    app.type_text("chatty").await;
    app.press(KeyCode::Enter).await;
    app.expect("chatty").await;
    app.press(KeyCode::Char('l')).await;
    let following = app.expect("FOLLOWING").await;
    assert!(following.contains("Logs shop/chatty app"), "{following}");
    app.expect("seq=").await;
    app.press(KeyCode::Up).await;
    let paused = app.expect("new (G to follow)").await;
    assert!(paused.contains("PAUSED +"), "{paused}");
    app.press(KeyCode::Char('G')).await;
    app.expect("FOLLOWING").await;
    // An error line has been read (one in about fifty).
    app.expect("level=error").await;
    // Search: the count shows in the status line.
    app.press(KeyCode::Char('/')).await;
    app.type_text("level=error").await;
    app.press(KeyCode::Enter).await;
    // From a following view, the newest match; `N` goes to older ones.
    let found = app.expect("/level=error ").await;
    assert!(found.contains("PAUSED"), "{found}");
    app.press(KeyCode::Char('N')).await;
    app.expect("/level=error ").await;
    app.press(KeyCode::Esc).await;
    app.press(KeyCode::Esc).await;
    app.expect("Pods").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workloads_logs_merge_its_pods() {
    let app = launch(common::fast_demo(1.0), "admin", false).await;
    app.expect("storefront-").await;
    app.press(KeyCode::Char('2')).await;
    app.expect("Deployment").await;
    app.press(KeyCode::Char('/')).await;
    app.type_text("storefront").await;
    app.press(KeyCode::Enter).await;
    app.press(KeyCode::Char('l')).await;
    let view = app.expect("[20 pods]").await;
    assert!(view.contains("Logs shop/deployment/storefront"), "{view}");
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_the_role_may_not_read_are_refused_with_the_missing_right() {
    let text = ktriage_sim::scenario::RESTRICTED_YAML.replacen(
        "resources: [pods, pods/log,",
        "resources: [pods,",
        1,
    );
    let app = launch(
        Scenario::parse(&text, "restricted.yaml").expect("parses"),
        "viewer",
        false,
    )
    .await;
    app.expect("worker").await;
    app.press(KeyCode::Char('/')).await;
    app.type_text("worker").await;
    app.press(KeyCode::Enter).await;
    // The rules review already says so: refused before any request.
    app.press(KeyCode::Char('l')).await;
    let screen = app.expect("not allowed: get pods/log in team-a").await;
    assert!(!screen.contains("Logs team-a/worker"), "{screen}");
}
