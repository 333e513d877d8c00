//! The whole application loop on a TestBackend against a started simulated
//! cluster, driven by scripted keys, with the screen readable as text.

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
use ktriage::ui::Theme;
use ktriage_sim::scenario::Scenario;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

#[derive(Clone)]
pub struct SharedScreen(Arc<Mutex<Terminal<TestBackend>>>);

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
    pub fn text(&self) -> String {
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

pub struct App {
    pub screen: SharedScreen,
    pub keys: mpsc::Sender<Msg>,
    pub sim: Option<super::Sim>,
    pub task: tokio::task::JoinHandle<()>,
}

pub async fn launch(scenario: Scenario, context: &str) -> App {
    let sim = super::start(scenario).await;
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
        let screen = super::eventually(Duration::from_secs(20), || async {
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
    pub fn stop_cluster(&mut self) {
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
