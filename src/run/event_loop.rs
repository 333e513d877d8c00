//! The application loop: one task owns `AppState`; keys, cluster reports,
//! the clock and signals become messages; `update` returns effects that the
//! runner carries out. A frame is drawn only when the state changed, at most
//! twenty times a second, and written only when it differs from the last one
//! on screen, so an idle screen writes nothing.

use std::time::Duration;

use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::app::metrics::metrics_scope;
use crate::app::msg::Msg;
use crate::app::state::{AppState, Level, Target};
use crate::app::update::{context_switched, start, update};
use crate::cluster::runner::Runner;
use crate::model::safe_text::SafeText;
use crate::protocol::debug::{DebugEffect, DebugEvent};
use crate::protocol::{ClusterEvent, Effect};
use crate::ui::{Theme, draw};

/// The shortest time between two frames.
pub const FRAME_INTERVAL: Duration = Duration::from_millis(50);
/// Most cluster reports folded into the state before a frame is considered.
const BATCH: usize = 512;

/// Builds the client of another context.
pub trait ContextSwitcher {
    fn switch(
        &mut self,
        name: &str,
    ) -> impl std::future::Future<Output = Result<(kube::Client, Target, Vec<String>), SafeText>> + Send;
    /// The history's name of the cluster a connected context reaches.
    fn cluster_id(&self, name: &str) -> String;
}

/// What ended the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Quit,
    Signal,
    InputClosed,
}

/// Where frames go: the real terminal, or a test backend.
pub trait Screen {
    fn size(&self) -> (u16, u16);
    fn draw(&mut self, render: &dyn Fn(&mut ratatui::Frame)) -> std::io::Result<()>;
    /// The terminal to lend to attach and exec sessions, if this screen has one.
    fn console(&mut self) -> Option<&mut dyn super::interactive::Console> {
        None
    }
}

/// Draws frames only when they differ from what is on screen.
pub struct Painter {
    shadow: Terminal<TestBackend>,
    last: Option<Buffer>,
    pub frames_written: u64,
}

impl Default for Painter {
    fn default() -> Self {
        Painter::new()
    }
}

impl Painter {
    pub fn new() -> Painter {
        // A TestBackend terminal cannot fail to build.
        let shadow = match Terminal::new(TestBackend::new(80, 24)) {
            Ok(terminal) => terminal,
            Err(never) => match never {},
        };
        Painter {
            shadow,
            last: None,
            frames_written: 0,
        }
    }

    /// Render off screen; write to the screen only if anything changed.
    pub fn paint<S: Screen>(
        &mut self,
        screen: &mut S,
        state: &AppState,
        theme: &Theme,
    ) -> std::io::Result<bool> {
        let (width, height) = screen.size();
        let area = self.shadow.backend().buffer().area;
        if area.width != width || area.height != height {
            self.shadow.backend_mut().resize(width, height);
            self.last = None;
        }
        let drawn = self.shadow.draw(|frame| draw(frame, state, theme));
        if let Err(never) = drawn {
            match never {}
        }
        let buffer = self.shadow.backend().buffer().clone();
        if self.last.as_ref() == Some(&buffer) {
            return Ok(false);
        }
        screen.draw(&|frame| draw(frame, state, theme))?;
        self.last = Some(buffer);
        self.frames_written += 1;
        Ok(true)
    }

    /// Forget what is on screen (after a resize or a suspended attach).
    pub fn invalidate(&mut self) {
        self.last = None;
    }
}

/// Run effects; a context switch and a terminal session are awaited here,
/// the rest go to the runner.
#[allow(clippy::too_many_arguments)]
async fn apply<D: Screen, S: ContextSwitcher>(
    screen: &mut D,
    painter: &mut Painter,
    signals: &mut mpsc::Receiver<()>,
    state: &mut AppState,
    runner: &mut Runner,
    switcher: &mut S,
    effects: Vec<Effect>,
) -> bool {
    let mut queue = effects;
    while !queue.is_empty() {
        let mut next = Vec::new();
        for effect in queue {
            match effect {
                Effect::Quit => return false,
                Effect::SwitchContext { name } => match switcher.switch(&name).await {
                    Ok((client, target, hints)) => {
                        runner.replace_client(client, switcher.cluster_id(&name));
                        next.extend(context_switched(state, target, hints));
                    }
                    Err(error) => state.session.message = Some((Level::Error, error)),
                },
                Effect::Debug(DebugEffect::Session(request)) => {
                    let session =
                        super::interactive::run_session(screen.console(), runner.gate(), &request);
                    // A signal ends the program even while a session owns the terminal.
                    let end = tokio::select! {
                        end = session => end,
                        _ = signals.recv() => {
                            tracing::info!("exiting on signal during a terminal session");
                            return false;
                        }
                    };
                    painter.invalidate();
                    let ended = DebugEvent::SessionEnded { request, end };
                    next.extend(update(state, Msg::Cluster(ClusterEvent::Debug(ended))));
                }
                other => runner.run(other),
            }
        }
        queue = next;
    }
    true
}

/// The loop. `input` yields key and resize messages; `signals` ends it;
/// `now` reads the time on every tick. Only `super::wiring` calls it.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn run<D, I, S>(
    screen: &mut D,
    painter: &mut Painter,
    state: &mut AppState,
    runner: &mut Runner,
    switcher: &mut S,
    mut input: I,
    mut reports: mpsc::Receiver<ClusterEvent>,
    mut signals: mpsc::Receiver<()>,
    theme: &Theme,
    now: super::wiring::Clock,
) -> std::io::Result<Exit>
where
    D: Screen,
    I: Stream<Item = Msg> + Unpin,
    S: ContextSwitcher,
{
    let effects = start(state);
    if !apply(
        screen,
        painter,
        &mut signals,
        state,
        runner,
        switcher,
        effects,
    )
    .await
    {
        return Ok(Exit::Quit);
    }
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut dirty = true;
    let mut last_frame = Instant::now() - FRAME_INTERVAL;
    let started = Instant::now();
    let mut synced_logged = false;
    loop {
        if dirty && last_frame.elapsed() >= FRAME_INTERVAL {
            state.session.size = screen.size();
            state.prepare();
            painter.paint(screen, state, theme)?;
            if !synced_logged
                && matches!(
                    state.lists.pods.sync,
                    crate::app::lists::collection::Sync::Synced { .. }
                )
            {
                synced_logged = true;
                tracing::info!(
                    pods = state.lists.pods.len(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "first full pods frame drawn"
                );
            }
            last_frame = Instant::now();
            dirty = false;
        }
        let wake = last_frame + FRAME_INTERVAL;
        let mut effects = tokio::select! {
            _ = tokio::time::sleep_until(wake), if dirty => continue,
            message = input.next() => match message {
                Some(Msg::Resize(width, height)) => {
                    painter.invalidate();
                    update(state, Msg::Resize(width, height))
                }
                Some(message) => update(state, message),
                None => return Ok(Exit::InputClosed),
            },
            report = reports.recv() => match report {
                Some(report) => {
                    let mut effects = update(state, Msg::Cluster(report));
                    for _ in 0..BATCH {
                        match reports.try_recv() {
                            Ok(report) => effects.extend(update(state, Msg::Cluster(report))),
                            Err(_) => break,
                        }
                    }
                    effects
                }
                None => Vec::new(),
            },
            _ = clock.tick() => update(state, Msg::Tick(now())),
            _ = signals.recv() => return Ok(Exit::Signal),
        };
        effects.extend(metrics_scope(state));
        dirty = true;
        if !apply(
            screen,
            painter,
            &mut signals,
            state,
            runner,
            switcher,
            effects,
        )
        .await
            || state.session.quit
        {
            return Ok(Exit::Quit);
        }
    }
}
