//! End to end against the simulated cluster: debug containers with each
//! profile, attach to the simulated shell (input, output, resize), detach
//! with Ctrl-P Ctrl-Q back to the same screen, the shell's exit code, exec,
//! an unpullable image, and each profile checked against what real kubectl
//! sends. The application loop runs on a TestBackend whose "terminal" is a
//! set of pipes the test types into (see `harness`).

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ktriage::app::msg::Msg;
use ktriage::model::debug::Profile;

use crate::common;
use crate::harness::*;

#[tokio::test(flavor = "multi_thread")]
async fn each_profile_creates_runs_attaches_and_detaches_back_to_the_same_screen() {
    let app = launch(common::fast_demo(10.0), "admin", false).await;
    to_ledger(&app).await;
    app.expect("/ledger").await;
    let mut debugged = None;
    for (index, profile) in Profile::ALL.into_iter().enumerate() {
        app.press(KeyCode::Char('d')).await;
        let opened = app.expect("Debug pod payments/ledger-").await;
        let pod = pod_in_title(&opened);
        assert_eq!(
            *debugged.get_or_insert_with(|| pod.clone()),
            pod,
            "the selection moved"
        );
        // Focus the profile field and pick it by its first letter.
        app.press(KeyCode::Tab).await;
        app.press(KeyCode::Tab).await;
        app.type_text(&profile.name()[..1]).await;
        app.expect(&format!("--profile={}", profile.name())).await;
        let dialog = app.expect("enforces no Pod Security level").await;
        if index > 0 {
            assert!(
                dialog.contains("Already in the pod"),
                "earlier debug containers are listed:\n{dialog}"
            );
        }
        app.press(KeyCode::Enter).await;
        if profile == Profile::Sysadmin {
            app.expect("Press y to add it").await;
            app.press(KeyCode::Char('y')).await;
        }
        app.wait_lent().await;
        let mut seen = String::new();
        app.session_shows(&mut seen, "Ctrl-P Ctrl-Q returns to ktriage")
            .await;
        app.type_in_session(b"echo \"hello\"-42\r").await;
        app.session_shows(&mut seen, "hello-42").await;
        app.resize_session(100, 30).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.type_in_session(b"echo cols=$COLUMNS\r").await;
        app.session_shows(&mut seen, "cols=100").await;
        app.type_in_session(DETACH).await;
        app.wait_taken_back().await;
        let after = app.expect("detached from debugger-").await;
        // The same view and filter as before; the selection is checked
        // by the next dialog's title and by opening the row below.
        assert!(
            after.contains(" Pods ") && after.contains("/ledger"),
            "{after}"
        );
    }
    app.press(KeyCode::Enter).await;
    let detail = app.expect("Containers").await;
    let debugged = debugged.expect("a pod was debugged");
    assert!(
        detail.contains(&debugged),
        "{debugged} is not selected:\n{detail}"
    );
    // Every debug container is listed in the pod, none removed.
    for _ in 0..20 {
        app.press(KeyCode::Char('j')).await;
    }
    let listed = app.expect("(ephemeral)").await;
    assert!(listed.matches("(ephemeral)").count() >= 2, "{listed}");
    let records = app.audit_records();
    let actions: Vec<&str> = records
        .iter()
        .map(|r| r["action"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        actions,
        [
            "create-debug-container",
            "attach",
            "create-debug-container",
            "attach",
            "create-debug-container",
            "attach",
            "create-debug-container",
            "attach",
            "create-debug-container",
            "attach"
        ]
    );
    let profiles: Vec<&str> = records
        .iter()
        .filter(|r| r["action"] == "create-debug-container")
        .map(|r| r["profile"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        profiles,
        ["general", "baseline", "restricted", "netadmin", "sysadmin"]
    );
    for record in &records {
        assert_eq!(record["outcome"]["result"], "accepted", "{record}");
        assert_eq!(record["context"], "admin");
        assert_eq!(record["namespace"], "payments");
    }
    assert!(
        records
            .iter()
            .filter(|r| r["action"] == "create-debug-container")
            .all(|r| r["audit_id"].as_str().is_some_and(|id| id.len() == 36)),
        "every patch carries the API's Audit-Id: {records:?}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&app.audit).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_shells_exit_returns_with_its_exit_code_and_exec_runs_a_shell() {
    let app = launch(common::fast_demo(10.0), "admin", false).await;
    to_ledger(&app).await;
    app.press(KeyCode::Char('d')).await;
    app.expect("enforces no Pod Security level").await;
    app.press(KeyCode::Enter).await;
    app.wait_lent().await;
    let mut seen = String::new();
    app.session_shows(&mut seen, "returns to ktriage").await;
    app.type_in_session(b"exit 4\r").await;
    app.wait_taken_back().await;
    app.expect("ended: exit code 4").await;

    app.press(KeyCode::Char('s')).await;
    app.expect("Exec in pod payments/ledger-").await;
    app.expect("kubectl exec -it -n=payments").await;
    app.press(KeyCode::Enter).await;
    app.wait_lent().await;
    let mut seen = String::new();
    app.session_shows(&mut seen, "Running sh in api").await;
    app.type_in_session(b"echo in-$HOSTNAME\r").await;
    app.session_shows(&mut seen, "in-ledger-").await;
    app.type_in_session(b"exit 3\r").await;
    app.wait_taken_back().await;
    let screen = app.expect("exec sh in api ended: exit code 3").await;
    assert!(screen.contains("/ledger"), "{screen}");
    let records = app.audit_records();
    assert_eq!(records.len(), 3, "{records:?}");
    assert_eq!(records[2]["action"], "exec");
    assert_eq!(records[2]["command"], serde_json::json!(["sh"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unpullable_image_shows_err_image_pull_and_esc_stops_waiting() {
    let app = launch(common::fast_demo(10.0), "admin", false).await;
    to_ledger(&app).await;
    app.press(KeyCode::Char('d')).await;
    app.expect("enforces no Pod Security level").await;
    // Ctrl-U clears the image field.
    app.keys
        .send(Msg::Key(KeyEvent::new(
            KeyCode::Char('u'),
            KeyModifiers::CONTROL,
        )))
        .await
        .expect("the loop runs");
    app.type_text("registry.example.com/does-not-exist:1").await;
    app.press(KeyCode::Enter).await;
    let progress = app.expect("ErrImagePull").await;
    assert!(progress.contains("Debug container debugger-"), "{progress}");
    app.press(KeyCode::Esc).await;
    app.expect("stopped waiting for the debug container").await;
    assert!(!app.lent());
}

/// Real kubectl adds a debug container with each profile; the securityContext
/// the API stored is the one ktriage sends for that profile.
#[tokio::test(flavor = "multi_thread")]
async fn profiles_match_what_kubectl_sends() {
    let sim = common::start(common::fast_demo(10.0)).await;
    let client = common::client(&sim, "admin").await;
    let pods: kube::Api<k8s_openapi::api::core::v1::Pod> = kube::Api::namespaced(client, "team-a");
    for profile in Profile::ALL {
        let name = format!("kubectl-{}", profile.name());
        let mut command = sim.kubectl("1.33", "admin");
        command.args([
            "debug",
            "-n",
            "team-a",
            "worker",
            "--image=busybox",
            "--target=app",
            &format!("--container={name}"),
            &format!("--profile={}", profile.name()),
            "--",
            "sh",
        ]);
        let output = common::run(command).await;
        let refused = common::stderr(&output);
        let pod = pods.get("worker").await.expect("the pod");
        let sent = pod
            .spec
            .and_then(|s| s.ephemeral_containers)
            .unwrap_or_default()
            .into_iter()
            .find(|c| c.name == name);
        if profile == Profile::Restricted {
            let sent = sent.unwrap_or_else(|| panic!("kubectl failed: {refused}"));
            let stored = serde_json::to_value(&sent.security_context).expect("json");
            assert_eq!(
                stored,
                profile.security_context().unwrap_or_default(),
                "{}",
                profile.name()
            );
        } else {
            // team-a enforces `restricted`: kubectl's container is refused
            // with the same Pod Security message ktriage shows.
            assert!(sent.is_none(), "{} was admitted", profile.name());
            assert!(
                refused.contains("violates PodSecurity \"restricted:latest\""),
                "{refused}"
            );
        }
    }
    // Where nothing is enforced, every profile is stored as ktriage sends it.
    let pods: kube::Api<k8s_openapi::api::core::v1::Pod> =
        kube::Api::namespaced(common::client(&sim, "admin").await, "payments");
    let ledger = pods
        .list(&Default::default())
        .await
        .expect("pods")
        .items
        .into_iter()
        .find_map(|p| p.metadata.name.filter(|n| n.starts_with("ledger-")))
        .expect("a ledger pod");
    for profile in Profile::ALL {
        let name = format!("kubectl-{}", profile.name());
        let mut command = sim.kubectl("1.33", "admin");
        command.args([
            "debug",
            "-n",
            "payments",
            &ledger,
            "--image=busybox",
            "--target=api",
            &format!("--container={name}"),
            &format!("--profile={}", profile.name()),
            "--",
            "sh",
        ]);
        let output = common::run(command).await;
        let pod = pods.get(&ledger).await.expect("the pod");
        let sent = pod
            .spec
            .and_then(|s| s.ephemeral_containers)
            .unwrap_or_default()
            .into_iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("kubectl failed: {}", common::stderr(&output)));
        let stored = serde_json::to_value(&sent.security_context).expect("json");
        assert_eq!(
            stored,
            profile.security_context().unwrap_or_default(),
            "{}",
            profile.name()
        );
    }
}
