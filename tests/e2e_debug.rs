//! End to end against the simulated cluster: debug containers with each
//! profile, attach to the simulated shell (input, output, resize), detach
//! with Ctrl-P Ctrl-Q back to the same screen, exec, the restricted user's
//! 403, Pod Security rejection, a 422, read-only refusal with no request
//! sent, and one audit record per action. The application loop runs on a
//! TestBackend whose "terminal" is a set of pipes the test types into.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ktriage::app::debug::{DebugEvent, Identity};
use ktriage::app::keymap::Keymap;
use ktriage::app::msg::{ClusterEvent, Msg};
use ktriage::app::state::AppState;
use ktriage::audit::AuditLog;
use ktriage::cluster::gate::{GateSettings, MutationGate};
use ktriage::cluster::kubeconfig::{self, Overrides};
use ktriage::cluster::runner::Runner;
use ktriage::model::debug::{DebugSpec, Profile};
use ktriage::run::event_loop::{self, Painter, Screen};
use ktriage::run::interactive::{Console, ConsoleIo};
use ktriage::run::switcher::KubeconfigSwitcher;
use ktriage::sim::scenario::Scenario;
use ktriage::ui::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;

/// The test's end of a lent terminal.
struct Lent {
    keys: DuplexStream,
    screen: DuplexStream,
    resizes: mpsc::Sender<(u16, u16)>,
}

#[derive(Default)]
struct Pipes {
    lent: Option<Lent>,
    lends: u32,
    take_backs: u32,
}

#[derive(Clone)]
struct SharedScreen {
    terminal: Arc<Mutex<Terminal<TestBackend>>>,
    pipes: Arc<Mutex<Pipes>>,
}

impl Screen for SharedScreen {
    fn size(&self) -> (u16, u16) {
        (120, 40)
    }

    fn draw(&mut self, render: &dyn Fn(&mut ratatui::Frame)) -> std::io::Result<()> {
        let mut terminal = self
            .terminal
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        terminal
            .draw(|frame| render(frame))
            .map(|_| ())
            .map_err(|never| match never {})
    }

    fn console(&mut self) -> Option<&mut dyn Console> {
        Some(self)
    }
}

impl Console for SharedScreen {
    fn lend(&mut self) -> std::io::Result<ConsoleIo> {
        let (keys, input) = tokio::io::duplex(4096);
        let (output, screen) = tokio::io::duplex(1 << 20);
        let (resizes, resize_receiver) = mpsc::channel(8);
        let mut pipes = self.pipes.lock().expect("lock");
        pipes.lends += 1;
        pipes.lent = Some(Lent {
            keys,
            screen,
            resizes,
        });
        Ok(ConsoleIo {
            input: Box::new(input),
            output: Box::new(output),
            resizes: resize_receiver,
            size: (120, 40),
        })
    }

    fn take_back(&mut self) -> std::io::Result<()> {
        let mut pipes = self.pipes.lock().expect("lock");
        pipes.take_backs += 1;
        pipes.lent = None;
        Ok(())
    }
}

impl SharedScreen {
    fn text(&self) -> String {
        let terminal = self.terminal.lock().expect("lock");
        let buffer = terminal.backend().buffer();
        (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

struct App {
    screen: SharedScreen,
    keys: mpsc::Sender<Msg>,
    sim: common::Sim,
    audit: std::path::PathBuf,
    task: tokio::task::JoinHandle<()>,
}

async fn launch(scenario: Scenario, context: &str, read_only: bool) -> App {
    let sim = common::start(scenario).await;
    let loaded = kubeconfig::load(Some(&sim.kubeconfig)).expect("the kubeconfig loads");
    let contexts = ktriage::run::switcher::context_rows(&loaded);
    let mut switcher = KubeconfigSwitcher::new(loaded, Overrides::default(), read_only, false);
    let (client, target, hints) = switcher.connect(context).await.expect("connects");
    let screen = SharedScreen {
        terminal: Arc::new(Mutex::new(
            Terminal::new(TestBackend::new(120, 40)).expect("terminal"),
        )),
        pipes: Arc::default(),
    };
    let audit = sim.dir.path().join("state/audit.log");
    let (keys, key_receiver) = mpsc::channel(64);
    let (sender, reports) = mpsc::channel(1024);
    let (_signal_sender, signals) = mpsc::channel(1);
    let mut drawn = screen.clone();
    let audit_log = AuditLog::at(&audit);
    let recent = sim.dir.path().join("state/recent-images");
    let task = tokio::spawn(async move {
        let _keep = _signal_sender;
        let mut runner = Runner::new(client, sender);
        runner.set_mutations(
            GateSettings {
                read_only,
                audit: Some(audit_log),
            },
            Some(recent),
        );
        let mut state = AppState::new(target, contexts, Keymap::default(), jiff::Timestamp::now());
        state.namespace_hints = hints;
        let input = tokio_stream::wrappers::ReceiverStream::new(key_receiver);
        let mut painter = Painter::new();
        let _ = event_loop::run(
            &mut drawn,
            &mut painter,
            &mut state,
            &mut runner,
            &mut switcher,
            input,
            reports,
            signals,
            &Theme::monochrome(),
        )
        .await;
    });
    App {
        screen,
        keys,
        sim,
        audit,
        task,
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl App {
    async fn press(&self, code: KeyCode) {
        self.keys
            .send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .await
            .expect("the loop runs");
    }

    async fn type_text(&self, text: &str) {
        for character in text.chars() {
            self.press(KeyCode::Char(character)).await;
        }
    }

    /// Wait until the screen shows `needle`; fail with the screen if it never does.
    async fn expect(&self, needle: &str) -> String {
        let screen = common::eventually(Duration::from_secs(30), || async {
            let text = self.screen.text();
            text.contains(needle).then_some(text)
        })
        .await;
        screen.unwrap_or_else(|| {
            panic!(
                "the screen never showed {needle:?}:\n{}",
                self.screen.text()
            )
        })
    }

    fn lent(&self) -> bool {
        self.screen.pipes.lock().expect("lock").lent.is_some()
    }

    /// Wait for the terminal to be lent to a session.
    async fn wait_lent(&self) {
        let lent = common::eventually(Duration::from_secs(30), || async {
            self.lent().then_some(())
        })
        .await;
        assert!(
            lent.is_some(),
            "no session started:\n{}",
            self.screen.text()
        );
    }

    async fn wait_taken_back(&self) {
        let back = common::eventually(Duration::from_secs(30), || async {
            (!self.lent()).then_some(())
        })
        .await;
        assert!(back.is_some(), "the session never ended");
    }

    /// Type into the lent terminal.
    async fn type_in_session(&self, bytes: &[u8]) {
        let mut keys = {
            let mut pipes = self.screen.pipes.lock().expect("lock");
            let lent = pipes.lent.as_mut().expect("a session runs");
            // Borrow the pipe out briefly: swap in a dummy while writing.
            let (dummy, _other) = tokio::io::duplex(1);
            std::mem::replace(&mut lent.keys, dummy)
        };
        keys.write_all(bytes).await.expect("the session reads");
        keys.flush().await.expect("flushes");
        let mut pipes = self.screen.pipes.lock().expect("lock");
        if let Some(lent) = pipes.lent.as_mut() {
            lent.keys = keys;
        }
    }

    /// Read the session's output until it contains `needle`.
    async fn session_shows(&self, seen: &mut String, needle: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !seen.contains(needle) {
            let mut screen = {
                let mut pipes = self.screen.pipes.lock().expect("lock");
                let lent = pipes.lent.as_mut().expect("a session runs");
                let (dummy, _other) = tokio::io::duplex(1);
                std::mem::replace(&mut lent.screen, dummy)
            };
            let mut buffer = [0u8; 4096];
            let read =
                tokio::time::timeout(Duration::from_millis(200), screen.read(&mut buffer)).await;
            {
                let mut pipes = self.screen.pipes.lock().expect("lock");
                if let Some(lent) = pipes.lent.as_mut() {
                    lent.screen = screen;
                }
            }
            if let Ok(Ok(count)) = read {
                seen.push_str(&String::from_utf8_lossy(&buffer[..count]));
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the session never showed {needle:?}; it showed:\n{seen}"
            );
        }
    }

    async fn resize_session(&self, columns: u16, rows: u16) {
        let resizes = {
            let pipes = self.screen.pipes.lock().expect("lock");
            pipes.lent.as_ref().expect("a session runs").resizes.clone()
        };
        resizes
            .send((columns, rows))
            .await
            .expect("resizes are read");
    }

    fn audit_records(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.audit)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }
}

const DETACH: &[u8] = &[0x10, 0x11];

/// `ledger-…` from the dialog's title `Debug pod payments/ledger-… `.
fn pod_in_title(screen: &str) -> String {
    let start = screen.find("Debug pod payments/").expect("a title") + "Debug pod payments/".len();
    screen[start..]
        .split_whitespace()
        .next()
        .expect("a pod name")
        .to_string()
}

/// The ledger pods of `payments` (no Pod Security label), filtered.
async fn to_ledger(app: &App) {
    app.expect("storefront-").await;
    app.type_text(":ns payments").await;
    app.press(KeyCode::Enter).await;
    app.expect("ledger-").await;
    app.press(KeyCode::Char('/')).await;
    app.type_text("ledger").await;
    app.press(KeyCode::Enter).await;
    app.press(KeyCode::Char('j')).await;
}

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
    app.expect("--profile=general").await;
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
    app.expect("--profile=general").await;
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
    let Some(Msg::Cluster(ClusterEvent::Debug(DebugEvent::CreateFailed { error }))) =
        reports.recv().await
    else {
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

fn spec(namespace: &str, pod: &str, name: &str) -> DebugSpec {
    DebugSpec {
        namespace: namespace.into(),
        pod: pod.into(),
        name: name.into(),
        image: "busybox".into(),
        target: Some("app".into()),
        profile: Profile::Baseline,
        command: vec!["sh".into()],
        run_as_user: None,
    }
}

fn identity(user: &str) -> Identity {
    Identity {
        context: user.into(),
        user: user.into(),
    }
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
    let Some(Msg::Cluster(ClusterEvent::Debug(DebugEvent::CreateFailed { error }))) =
        reports.recv().await
    else {
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
    app.expect("--profile=general").await;
    app.press(KeyCode::Enter).await;
    let refused = app.expect("read-only mode").await;
    assert!(refused.contains("nothing was sent"), "{refused}");
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
    let session = ktriage::app::debug::SessionRequest {
        namespace: "team-a".into(),
        pod: "worker".into(),
        container: "app".into(),
        kind: ktriage::app::debug::SessionKind::Exec(vec!["sh".into()]),
        identity: identity("admin"),
    };
    assert!(gate.open_session(&session).await.is_err());
    assert_eq!(sim.server.request_count(), before);
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
