//! Starting the program: logging to a file, the kubeconfig (or the built-in
//! simulated cluster for `--demo`), the first client, the terminal, and the
//! application loop. Every failure before the terminal is taken over is a
//! plain message; after that, the terminal is restored on every exit path.

pub mod event_loop;
pub mod history_command;
pub mod interactive;
pub mod screen;
pub mod switcher;
pub mod wiring;

use std::path::PathBuf;

use futures::StreamExt;
use tokio::sync::mpsc;

use crate::app::msg::Msg;
use crate::cluster::kubeconfig::{self, KubeconfigError, Overrides};
use crate::terminal::{self, TerminalSession};
use crate::ui::Theme;
use event_loop::Exit;
use wiring::{Settings, Wiring};

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    pub impersonate_user: Option<String>,
    pub impersonate_groups: Vec<String>,
    pub read_only: bool,
    pub demo: bool,
    pub no_color: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Kubeconfig(#[from] KubeconfigError),
    #[error("cannot start the demo cluster: {0}")]
    Demo(String),
    #[error("cannot use the terminal: {0}")]
    Terminal(String),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("cannot create a client for context {context}: {message}")]
    Client { context: String, message: String },
}

/// `$XDG_STATE_HOME/ktriage`, else `~/.local/state/ktriage`.
pub fn state_directory() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("ktriage")
}

fn private_directory(path: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Log to `ktriage.log` in the state directory; never to the screen.
fn start_logging(directory: &std::path::Path) {
    if private_directory(directory).is_err() {
        return;
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(directory.join("ktriage.log"))
    else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("KTRIAGE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("ktriage=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}

/// Run the terminal UI until the user quits.
pub async fn run(options: Options) -> Result<(), RunError> {
    let directory = state_directory();
    start_logging(&directory);
    // The demo cluster lives as long as this function.
    let mut _demo = None;
    let mut kubeconfig_path = options.kubeconfig.clone();
    if options.demo {
        let server = ktriage_sim::run::start(&ktriage_sim::run::SimOptions::default())
            .await
            .map_err(|e| RunError::Demo(e.to_string()))?;
        private_directory(&directory).map_err(|e| RunError::Demo(e.to_string()))?;
        let path = directory.join("demo-kubeconfig");
        ktriage_sim::run::write_private(&path, &server.kubeconfig())
            .map_err(|e| RunError::Demo(e.to_string()))?;
        tracing::info!(address = %server.address, "demo cluster started");
        kubeconfig_path = Some(path);
        _demo = Some(server);
    }
    let loaded = kubeconfig::load(kubeconfig_path.as_deref())?;
    let context = options
        .context
        .clone()
        .or_else(|| loaded.current.clone())
        .or_else(|| loaded.contexts.first().map(|c| c.name.clone()))
        .ok_or(KubeconfigError::NoContexts {
            sources: loaded.sources.clone(),
        })?;
    let overrides = Overrides {
        namespace: options.namespace.clone(),
        impersonate_user: options.impersonate_user.clone(),
        impersonate_groups: options.impersonate_groups.clone(),
    };
    let mut app = wiring::start_app(Wiring {
        overrides,
        read_only: options.read_only,
        all_namespaces: options.all_namespaces,
        state_directory: Some(directory),
        ..Wiring::new(loaded, &context)
    })
    .await?;
    let config_path = crate::config::default_path().unwrap_or_default();
    let config = crate::config::Config::load(&config_path)?;
    app.configure(Settings {
        keymap: config.keymap(&config_path)?,
        debug_image: config.debug.image.clone(),
        log_capacity: config.log_capacity(),
    });
    let theme = if options.no_color || config.no_color {
        Theme::monochrome()
    } else {
        Theme::from_environment()
    };

    terminal::install_panic_hook();
    let mut signals_in =
        terminal::spawn_signal_listener().map_err(|e| RunError::Terminal(e.to_string()))?;
    let mut session = TerminalSession::enter().map_err(|e| RunError::Terminal(e.to_string()))?;
    let (signal_sender, signal_receiver) = mpsc::channel(1);
    tokio::spawn(async move {
        if let Some(signal) = signals_in.recv().await {
            tracing::info!(signal = signal.name(), "exiting on signal");
            let _ = signal_sender.send(()).await;
        }
    });
    let events = terminal::console::EventsSwitch::new();
    let input = events.stream().filter_map(|event| async move {
        match event {
            Ok(crossterm::event::Event::Key(key)) => Some(Msg::Key(key)),
            Ok(crossterm::event::Event::Resize(width, height)) => Some(Msg::Resize(width, height)),
            _ => None,
        }
    });
    let mut screen = screen::SessionScreen {
        session: &mut session,
        events,
        lent: None,
    };
    let result = app
        .run(&mut screen, Box::pin(input), signal_receiver, &theme)
        .await;
    session.restore();
    match result {
        Ok(exit) => {
            tracing::info!(?exit, "ktriage stopped");
            if exit == Exit::InputClosed {
                return Err(RunError::Terminal(
                    "the terminal's input closed".to_string(),
                ));
            }
            Ok(())
        }
        Err(error) => Err(RunError::Terminal(error.to_string())),
    }
}
