//! The harness of the end-to-end tests: the simulated cluster, and the
//! program's own application loop (wired by `ktriage::run::wiring`, as the
//! program wires it) on a screen of the test's choosing, driven by scripted
//! keys. The usual screen is a TestBackend readable as text, with a
//! "terminal" made of pipes that a session borrows, so a test can type into
//! an attached shell, read what it prints and resize it.

#![allow(dead_code)]

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ktriage::app::msg::Msg;
use ktriage::cluster::kubeconfig;
use ktriage::model::debug::{DebugSpec, Profile};
use ktriage::protocol::debug::Identity;
use ktriage::run::event_loop::Screen;
use ktriage::run::interactive::{Console, ConsoleIo};
use ktriage::run::wiring::{self, Wiring};
use ktriage::ui::Theme;
use ktriage_sim::scenario::Scenario;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;

use crate::common;

/// The test's end of a lent terminal.
pub struct Lent {
    pub keys: DuplexStream,
    pub screen: DuplexStream,
    pub resizes: mpsc::Sender<(u16, u16)>,
}

#[derive(Default)]
pub struct Pipes {
    pub lent: Option<Lent>,
    pub lends: u32,
    pub take_backs: u32,
}

#[derive(Clone)]
pub struct SharedScreen {
    pub terminal: Arc<Mutex<Terminal<TestBackend>>>,
    pub pipes: Arc<Mutex<Pipes>>,
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
    pub fn text(&self) -> String {
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

/// The program's loop running in a task against a started simulated cluster.
pub struct Program {
    /// Keys (and resizes) for the loop.
    pub keys: mpsc::Sender<Msg>,
    pub task: tokio::task::JoinHandle<()>,
    pub sim: common::Sim,
    /// The audit log in the program's state directory.
    pub audit: PathBuf,
}

/// Start `scenario`'s cluster and run the program's loop on `screen`, in
/// `context`, with its state directory inside the cluster's temporary
/// directory.
pub async fn start_program<D>(
    screen: D,
    scenario: Scenario,
    context: &str,
    read_only: bool,
    theme: Theme,
) -> Program
where
    D: Screen + Send + 'static,
{
    let sim = common::start(scenario).await;
    let (keys, task) = run_program(screen, &sim, context, read_only, theme).await;
    let audit = sim.dir.path().join("state").join("audit.log");
    Program {
        keys,
        task,
        sim,
        audit,
    }
}

/// Run the program on `screen` against `sim`, with its state in the
/// cluster's temporary directory (`state/`), until its task ends.
pub async fn run_program<D>(
    mut screen: D,
    sim: &common::Sim,
    context: &str,
    read_only: bool,
    theme: Theme,
) -> (mpsc::Sender<Msg>, tokio::task::JoinHandle<()>)
where
    D: Screen + Send + 'static,
{
    let loaded = kubeconfig::load(Some(&sim.kubeconfig)).expect("the kubeconfig loads");
    let state_directory = sim.dir.path().join("state");
    let app = wiring::start_app(Wiring {
        read_only,
        state_directory: Some(state_directory),
        ..Wiring::new(loaded, context)
    })
    .await
    .expect("connects");
    let (keys, key_receiver) = mpsc::channel(64);
    // The loop ends when the signal sender is dropped: the task keeps it.
    let (signal_sender, signals) = mpsc::channel(1);
    let task = tokio::spawn(async move {
        let _keep = signal_sender;
        let input = tokio_stream::wrappers::ReceiverStream::new(key_receiver);
        let _ = app.run(&mut screen, input, signals, &theme).await;
    });
    (keys, task)
}

/// The simulated cluster, until `App::stop_cluster` takes it away.
pub struct Running(Option<common::Sim>);

impl Deref for Running {
    type Target = common::Sim;

    fn deref(&self) -> &common::Sim {
        self.0.as_ref().expect("the cluster was stopped")
    }
}

/// The program on a 120x40 TestBackend.
pub struct App {
    pub screen: SharedScreen,
    pub keys: mpsc::Sender<Msg>,
    pub sim: Running,
    pub audit: PathBuf,
    pub task: tokio::task::JoinHandle<()>,
}

pub async fn launch(scenario: Scenario, context: &str, read_only: bool) -> App {
    let screen = SharedScreen {
        terminal: Arc::new(Mutex::new(
            Terminal::new(TestBackend::new(120, 40)).expect("terminal"),
        )),
        pipes: Arc::default(),
    };
    let program = start_program(
        screen.clone(),
        scenario,
        context,
        read_only,
        Theme::monochrome(),
    )
    .await;
    App {
        screen,
        keys: program.keys,
        sim: Running(Some(program.sim)),
        audit: program.audit,
        task: program.task,
    }
}

impl App {
    /// Quit the program (`q`) and wait until it has ended.
    pub async fn quit(&mut self) {
        self.press(KeyCode::Char('q')).await;
        let stopped = std::mem::replace(&mut self.task, tokio::spawn(async {}));
        tokio::time::timeout(Duration::from_secs(20), stopped)
            .await
            .expect("the program quits on q")
            .expect("the program ran to its end");
    }

    /// Start the program again against the same cluster with the same
    /// state directory, as an engineer would after quitting.
    pub async fn start_again(&mut self, context: &str) {
        let (keys, task) = run_program(
            self.screen.clone(),
            &self.sim,
            context,
            false,
            Theme::monochrome(),
        )
        .await;
        self.keys = keys;
        self.task = task;
    }

    /// The API server goes away: streams are cut and nothing answers.
    pub fn stop_cluster(&mut self) {
        if let Some(sim) = self.sim.0.take() {
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

impl App {
    pub async fn press(&self, code: KeyCode) {
        self.keys
            .send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .await
            .expect("the loop runs");
    }

    pub async fn type_text(&self, text: &str) {
        for character in text.chars() {
            self.press(KeyCode::Char(character)).await;
        }
    }

    /// Wait until the screen shows `needle`; fail with the screen if it never does.
    pub async fn expect(&self, needle: &str) -> String {
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

    pub fn lent(&self) -> bool {
        self.screen.pipes.lock().expect("lock").lent.is_some()
    }

    /// Wait for the terminal to be lent to a session.
    pub async fn wait_lent(&self) {
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

    pub async fn wait_taken_back(&self) {
        let back = common::eventually(Duration::from_secs(30), || async {
            (!self.lent()).then_some(())
        })
        .await;
        assert!(back.is_some(), "the session never ended");
    }

    /// Type into the lent terminal.
    pub async fn type_in_session(&self, bytes: &[u8]) {
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
    pub async fn session_shows(&self, seen: &mut String, needle: &str) {
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

    pub async fn resize_session(&self, columns: u16, rows: u16) {
        let resizes = {
            let pipes = self.screen.pipes.lock().expect("lock");
            pipes.lent.as_ref().expect("a session runs").resizes.clone()
        };
        resizes
            .send((columns, rows))
            .await
            .expect("resizes are read");
    }

    pub fn audit_records(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.audit)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }
}

pub const DETACH: &[u8] = &[0x10, 0x11];

/// `ledger-…` from the dialog's title `Debug pod payments/ledger-… `.
pub fn pod_in_title(screen: &str) -> String {
    let start = screen.find("Debug pod payments/").expect("a title") + "Debug pod payments/".len();
    screen[start..]
        .split_whitespace()
        .next()
        .expect("a pod name")
        .to_string()
}

/// The ledger pods of `payments` (no Pod Security label), filtered.
pub async fn to_ledger(app: &App) {
    app.expect("storefront-").await;
    app.type_text(":ns payments").await;
    app.press(KeyCode::Enter).await;
    app.expect("ledger-").await;
    app.press(KeyCode::Char('/')).await;
    app.type_text("ledger").await;
    app.press(KeyCode::Enter).await;
    app.press(KeyCode::Char('j')).await;
}

pub fn spec(namespace: &str, pod: &str, name: &str) -> DebugSpec {
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

pub fn identity(user: &str) -> Identity {
    Identity {
        context: user.into(),
        user: user.into(),
    }
}
