//! End to end against the simulated cluster: the real application loop on a
//! TestBackend, driven by scripted keys — start, filter, open a pod, read a
//! crash-looping container's last termination, switch namespace and context,
//! and the restricted user browsing `team-a` without an error screen.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ktriage::app::keymap::Keymap;
use ktriage::app::msg::Msg;
use ktriage::app::state::AppState;
use ktriage::cluster::kubeconfig::{self, Overrides};
use ktriage::cluster::runner::Runner;
use ktriage::run::event_loop::{self, Painter, Screen};
use ktriage::run::switcher::KubeconfigSwitcher;
use ktriage::sim::scenario::Scenario;
use ktriage::ui::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

#[derive(Clone)]
struct SharedScreen(Arc<Mutex<Terminal<TestBackend>>>);

impl Screen for SharedScreen {
    fn size(&self) -> (u16, u16) {
        (120, 40)
    }

    fn draw(&mut self, render: &dyn Fn(&mut ratatui::Frame)) -> std::io::Result<()> {
        let mut terminal = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        terminal
            .draw(|frame| render(frame))
            .map(|_| ())
            .map_err(|never| match never {})
    }
}

impl SharedScreen {
    fn text(&self) -> String {
        let terminal = self.0.lock().expect("lock");
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
    sim: Option<common::Sim>,
    task: tokio::task::JoinHandle<()>,
}

async fn launch(scenario: Scenario, context: &str) -> App {
    let sim = common::start(scenario).await;
    let loaded = kubeconfig::load(Some(&sim.kubeconfig)).expect("the kubeconfig loads");
    let contexts = ktriage::run::switcher::context_rows(&loaded);
    let mut switcher = KubeconfigSwitcher::new(loaded, Overrides::default(), false, false);
    let (client, target, hints) = switcher.connect(context).await.expect("connects");
    let screen = SharedScreen(Arc::new(Mutex::new(
        Terminal::new(TestBackend::new(120, 40)).expect("terminal"),
    )));
    let (keys, key_receiver) = mpsc::channel(64);
    let (sender, reports) = mpsc::channel(1024);
    let (_signal_sender, signals) = mpsc::channel(1);
    let mut drawn = screen.clone();
    let task = tokio::spawn(async move {
        let _keep = _signal_sender;
        let mut runner = Runner::new(client, sender);
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
        sim: Some(sim),
        task,
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
        let screen = common::eventually(Duration::from_secs(20), || async {
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
}

impl App {
    /// The API server goes away: streams are cut and nothing answers.
    fn stop_cluster(&mut self) {
        if let Some(sim) = self.sim.take() {
            sim.server.restart();
            drop(sim);
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn browse_filter_open_and_switch() {
    let app = launch(common::fast_demo(10.0), "admin").await;
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
    let app = launch(scenario, "viewer").await;
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
    let mut app = launch(common::fast_demo(1.0), "admin").await;
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
