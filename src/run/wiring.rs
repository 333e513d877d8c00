//! The one place the application loop is put together, for the program and
//! for its tests alike: the first client from the kubeconfig, then — once a
//! screen and a key source are at hand — the runner with its mutation gate,
//! the state, the report and signal channels, and the loop itself. Callers
//! say only what differs: which kubeconfig and context, the command line's
//! overrides, where the program keeps its files, the configuration file's
//! settings, the clock, the screen, the keys and the theme.

use std::path::PathBuf;

use futures::Stream;
use jiff::Timestamp;
use tokio::sync::mpsc;

use super::RunError;
use super::event_loop::{self, Exit, Painter, Screen};
use super::switcher::{self, KubeconfigSwitcher};
use crate::app::keymap::Keymap;
use crate::app::msg::Msg;
use crate::app::state::{AppState, Target};
use crate::cluster::kubeconfig::{LoadedKubeconfig, Overrides};
use crate::cluster::runner::Runner;
use crate::model::listing::ContextRow;
use crate::ui::Theme;

/// Reads the time: when the state starts and on every tick of the loop.
pub type Clock = fn() -> Timestamp;

/// What the program and its tests choose differently.
pub struct Wiring {
    /// The loaded kubeconfig; its contexts are the ones the contexts view lists.
    pub kubeconfig: LoadedKubeconfig,
    /// The context to start in.
    pub context: String,
    /// `-n`, `--as` and `--as-group` (the namespace only for the first context).
    pub overrides: Overrides,
    pub read_only: bool,
    /// Start with every namespace's pods.
    pub all_namespaces: bool,
    /// Where saved logs (`logs/`), the audit log (`audit.log`) and the
    /// recently used debug images (`recent-images`) go. `None`: logs are
    /// saved to the temporary directory, and the mutation gate refuses
    /// every change, as nothing could be recorded.
    pub state_directory: Option<PathBuf>,
    pub clock: Clock,
}

impl Wiring {
    /// Start in `context`: no overrides, changes allowed, no state
    /// directory, the real clock.
    pub fn new(kubeconfig: LoadedKubeconfig, context: &str) -> Wiring {
        Wiring {
            kubeconfig,
            context: context.to_string(),
            overrides: Overrides::default(),
            read_only: false,
            all_namespaces: false,
            state_directory: None,
            clock: Timestamp::now,
        }
    }
}

/// What the configuration file decides.
#[derive(Debug, Clone)]
pub struct Settings {
    pub keymap: Keymap,
    /// The image the debug dialog offers first; `None`: busybox.
    pub debug_image: Option<String>,
    /// Lines a log view keeps.
    pub log_capacity: usize,
}

impl Default for Settings {
    /// As with no configuration file.
    fn default() -> Settings {
        Settings {
            keymap: Keymap::default(),
            debug_image: None,
            log_capacity: crate::app::logs::DEFAULT_CAPACITY,
        }
    }
}

/// The program connected to its first context, ready to run on a screen.
pub struct App {
    switcher: KubeconfigSwitcher,
    client: kube::Client,
    target: Target,
    hints: Vec<String>,
    contexts: Vec<ContextRow>,
    read_only: bool,
    state_directory: Option<PathBuf>,
    clock: Clock,
    settings: Settings,
}

/// Build the client of the starting context. The terminal is not touched
/// yet, so the program can report a failure here as a plain message.
pub async fn start_app(wiring: Wiring) -> Result<App, RunError> {
    let Wiring {
        kubeconfig,
        context,
        overrides,
        read_only,
        all_namespaces,
        state_directory,
        clock,
    } = wiring;
    let contexts = switcher::context_rows(&kubeconfig);
    let mut switcher = KubeconfigSwitcher::new(kubeconfig, overrides, read_only, all_namespaces);
    let (client, target, hints) =
        switcher
            .connect(&context)
            .await
            .map_err(|message| RunError::Client {
                context: context.clone(),
                message: message.as_str().to_string(),
            })?;
    Ok(App {
        switcher,
        client,
        target,
        hints,
        contexts,
        read_only,
        state_directory,
        clock,
        settings: Settings::default(),
    })
}

impl App {
    /// Apply the configuration file's settings (the defaults until then).
    pub fn configure(&mut self, settings: Settings) {
        self.settings = settings;
    }

    /// Run the loop on `screen` until the user quits, `input` ends or a
    /// signal arrives on `signals` (or its sender is dropped). `input`
    /// yields key and resize messages.
    pub async fn run<D, I>(
        self,
        screen: &mut D,
        input: I,
        signals: mpsc::Receiver<()>,
        theme: &Theme,
    ) -> std::io::Result<Exit>
    where
        D: Screen,
        I: Stream<Item = Msg> + Unpin,
    {
        let App {
            mut switcher,
            client,
            target,
            hints,
            contexts,
            read_only,
            state_directory,
            clock,
            settings,
        } = self;
        let (sender, reports) = mpsc::channel::<crate::protocol::ClusterEvent>(1024);
        let mut runner = Runner::new(client, sender);
        let mut recent = Vec::new();
        if let Some(directory) = &state_directory {
            runner.set_save_directory(directory.join("logs"));
            let recent_images = directory.join("recent-images");
            runner.set_mutations(
                crate::cluster::gate::GateSettings {
                    read_only,
                    audit: Some(crate::audit::AuditLog::at(directory.join("audit.log"))),
                },
                Some(recent_images.clone()),
            );
            recent = crate::cluster::debug::read_recent_images(&recent_images);
        }
        let notice = match &state_directory {
            Some(directory) => open_history(&mut runner, &switcher, &target, directory).await,
            None => None,
        };
        if let Some(notice) = notice {
            let event = crate::protocol::history::HistoryEvent::Notice(Some(notice));
            let _ = runner.report(crate::protocol::ClusterEvent::History(event));
        }
        let mut state = AppState::new(target, contexts, settings.keymap, clock());
        state.session.namespace_hints = hints;
        state.debug.defaults = crate::app::debug::DebugDefaults {
            image: settings.debug_image,
            recent,
        };
        state.logs.capacity = settings.log_capacity;
        let mut painter = Painter::new();
        event_loop::run(
            screen,
            &mut painter,
            &mut state,
            &mut runner,
            &mut switcher,
            input,
            reports,
            signals,
            theme,
            clock,
        )
        .await
    }
}

/// Open the restart history in `directory` (off the loop: opening checks
/// the file) and give it to the runner. What went wrong, or that a damaged
/// file was moved aside, is for the status line.
async fn open_history(
    runner: &mut Runner,
    switcher: &KubeconfigSwitcher,
    target: &Target,
    directory: &std::path::Path,
) -> Option<crate::model::safe_text::SafeText> {
    use crate::model::safe_text::SafeText;
    let path = directory.join("history.db");
    let opened = tokio::task::spawn_blocking(move || crate::history::Recorder::start(&path)).await;
    match opened {
        Ok(Ok((recorder, moved))) => {
            // Records older than 30 days go, and the oldest ones while the
            // file is over 256 MiB; the recorder does it on its thread.
            let retention = crate::history::Retention::default();
            if let Err(error) = recorder.retain(retention, jiff::Timestamp::now()) {
                tracing::warn!(%error, "the history's retention did not run");
            }
            let cluster = switcher.cluster_id(target.context.as_str());
            runner.set_history(std::sync::Arc::new(recorder), cluster);
            moved.map(|moved| {
                SafeText::from_untrusted(&format!(
                    "the history file was damaged: moved aside to {}, a new one was started",
                    moved.display()
                ))
            })
        }
        Ok(Err(error)) => Some(SafeText::from_untrusted(&format!(
            "restarts are not recorded: {error}"
        ))),
        Err(error) => Some(SafeText::from_untrusted(&format!(
            "restarts are not recorded: {error}"
        ))),
    }
}
