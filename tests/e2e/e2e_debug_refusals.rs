//! End to end against the simulated cluster, the refusals: Pod Security
//! advice and rejection, the restricted user's 403 with the missing
//! permission, the API's 422, and read-only mode refusing with no request
//! sent — each audited.

use std::time::Duration;

use crossterm::event::KeyCode;
use ktriage::audit::AuditLog;
use ktriage::cluster::gate::{GateSettings, MutationGate};
use ktriage::protocol::ClusterEvent;
use ktriage::protocol::debug::DebugEvent;
use ktriage_sim::scenario::Scenario;
use tokio::sync::mpsc;

use crate::common;
use crate::harness::*;

#[tokio::test(flavor = "multi_thread")]
async fn pod_security_advice_and_rejection_in_a_baseline_namespace() {
    let app = launch(common::fast_demo(10.0), "admin", false).await;
    app.expect("storefront-").await;
    app.press(KeyCode::Char('d')).await;
    // Untouched, the profile follows the namespace's level.
    app.expect("baseline passes (chosen for this namespace)")
        .await;
    app.press(KeyCode::Tab).await;
    app.press(KeyCode::Tab).await;
    app.press(KeyCode::Char('g')).await;
    let dialog = app.expect("will be rejected").await;
    assert!(
        dialog.contains("shop enforces Pod Security baseline: general will be rejected"),
        "{dialog}"
    );
    assert!(dialog.contains("Choose baseline instead"), "{dialog}");
    app.press(KeyCode::Enter).await;
    let refused = app.expect("rejected by admission policy").await;
    assert!(refused.contains("violates PodSecurity"), "{refused}");
    assert!(!app.lent());
    let records = app.audit_records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["outcome"]["result"], "failed");
    assert!(
        records[0]["outcome"]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("violates PodSecurity")),
        "{records:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_restricted_viewer_is_told_what_permission_is_missing() {
    let scenario = Scenario::restricted().expect("parses");
    let app = launch(scenario, "viewer", false).await;
    app.expect("worker").await;
    // Wait for the access review, then press d.
    let denied = common::eventually(Duration::from_secs(20), || async {
        app.press(KeyCode::Char('d')).await;
        let text = app.screen.text();
        if text.contains("Debug pod") {
            app.press(KeyCode::Esc).await;
            return None;
        }
        text.contains("not allowed: patch pods/ephemeralcontainers in team-a")
            .then_some(text)
    })
    .await;
    assert!(denied.is_some(), "{}", app.screen.text());

    // The API's own 403, when the request is sent anyway.
    let client = common::client(&app.sim, "viewer").await;
    let (sender, mut reports) = mpsc::channel(8);
    let gate = MutationGate::new(
        client.clone(),
        GateSettings {
            read_only: false,
            audit: Some(AuditLog::at(&app.audit)),
        },
    );
    ktriage::cluster::debug::create(
        gate,
        client,
        sender,
        spec("team-a", "worker", "debugger-viewr"),
        Vec::new(),
        identity("viewer"),
        None,
    )
    .await;
    let Some(ClusterEvent::Debug(DebugEvent::CreateFailed { error })) = reports.recv().await else {
        panic!("the patch was refused");
    };
    assert!(
        error
            .as_str()
            .starts_with("not allowed: patch pods/ephemeralcontainers in team-a"),
        "{}",
        error.as_str()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicate_name_shows_the_apis_validation_message() {
    let sim = common::start(common::fast_demo(10.0)).await;
    let client = common::client(&sim, "admin").await;
    let (sender, mut reports) = mpsc::channel(8);
    let gate = MutationGate::new(
        client.clone(),
        GateSettings {
            read_only: false,
            audit: None,
        },
    );
    // "app" is the name of the pod's own container.
    ktriage::cluster::debug::create(
        gate,
        client,
        sender,
        spec("team-a", "worker", "app"),
        Vec::new(),
        identity("admin"),
        None,
    )
    .await;
    let Some(ClusterEvent::Debug(DebugEvent::CreateFailed { error })) = reports.recv().await else {
        panic!("the patch was refused");
    };
    assert!(
        error
            .as_str()
            .starts_with("the API rejected the container: Pod \"worker\" is invalid:"),
        "{}",
        error.as_str()
    );
    assert!(
        error.as_str().contains("Duplicate value"),
        "{}",
        error.as_str()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_refuses_with_no_request_sent_and_audits_the_refusal() {
    let app = launch(common::fast_demo(10.0), "admin", true).await;
    to_ledger(&app).await;
    app.press(KeyCode::Char('d')).await;
    let opened = app.expect("enforces no Pod Security level").await;
    assert!(
        opened.contains("read-only mode: nothing will be sent"),
        "{opened}"
    );
    app.press(KeyCode::Enter).await;
    app.expect("read-only mode: ktriage does not change the cluster (nothing was sent)")
        .await;
    app.press(KeyCode::Esc).await;
    app.press(KeyCode::Char('s')).await;
    app.expect("Exec in pod").await;
    app.press(KeyCode::Enter).await;
    app.expect("failed: read-only mode").await;
    assert_eq!(app.screen.pipes.lock().expect("lock").lends, 0);
    let records = app.audit_records();
    assert_eq!(records.len(), 2, "{records:?}");
    for record in &records {
        assert_eq!(record["outcome"]["result"], "refused");
        assert!(record["audit_id"].is_null());
    }

    // At the gate itself: not one request reaches the API server.
    let sim = common::start(common::fast_demo(10.0)).await;
    let client = common::client(&sim, "admin").await;
    let gate = MutationGate::new(
        client,
        GateSettings {
            read_only: true,
            audit: None,
        },
    );
    let before = sim.server.request_count();
    let spec = spec("team-a", "worker", "debugger-ro111");
    let body = spec.patch_body(&[]);
    let refused = gate
        .create_debug_container(&spec, &body, &identity("admin"))
        .await;
    assert!(refused.is_err());
    let session = ktriage::protocol::debug::SessionRequest {
        namespace: "team-a".into(),
        pod: "worker".into(),
        container: "app".into(),
        kind: ktriage::protocol::debug::SessionKind::Exec(vec!["sh".into()]),
        identity: identity("admin"),
    };
    assert!(gate.open_session(&session).await.is_err());
    assert_eq!(sim.server.request_count(), before);
}
