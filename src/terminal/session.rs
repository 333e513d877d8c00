//! `TerminalSession`: takes the terminal over (raw mode, alternate screen,
//! hidden cursor), lends it out around an interactive attach, and gives it
//! back exactly once, whether the program returns, fails or unwinds. The
//! escape sequences go through any `Write`, so everything but raw mode can be
//! checked without a tty. It draws nothing by itself.

use super::TerminalError;
use super::frame_writer::{FrameWriter, WriterSwitches};
use super::modes::{
    ScreenState, claim_real_terminal, queue_enter_screen, queue_leave_screen, queue_release,
    real_terminal_state, set_real_terminal_state, take_real_terminal_state,
};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::io::{self, Stdout, Write};
use std::sync::Arc;

/// The ratatui backend a session draws through.
pub type SessionBackend<W> = CrosstermBackend<FrameWriter<W>>;

/// Whether the session switches the terminal device into raw mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawModePolicy {
    /// Switch the controlling terminal into raw mode and register the session
    /// with the panic hook, which writes to standard output. Only one such
    /// session can exist at a time.
    Enable,
    /// Leave the terminal device alone: for writers that are not the
    /// controlling terminal, such as a buffer under test.
    Skip,
}

/// How a session is set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSettings {
    pub raw_mode: RawModePolicy,
    pub viewport: Viewport,
}

impl Default for SessionSettings {
    /// Raw mode on, the whole screen, resized with the terminal.
    fn default() -> SessionSettings {
        SessionSettings {
            raw_mode: RawModePolicy::Enable,
            viewport: Viewport::Fullscreen,
        }
    }
}

impl SessionSettings {
    /// No raw mode and a fixed size: a session over a writer that is not a tty.
    pub fn without_tty(width: u16, height: u16) -> SessionSettings {
        SessionSettings {
            raw_mode: RawModePolicy::Skip,
            viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
        }
    }
}

/// Where a session keeps its state: the process-wide record the panic hook
/// reads for the real terminal, or its own field otherwise.
#[derive(Debug)]
enum StateSlot {
    RealTerminal,
    Own(ScreenState),
}

impl StateSlot {
    fn load(&self) -> ScreenState {
        match self {
            StateSlot::RealTerminal => real_terminal_state(),
            StateSlot::Own(state) => *state,
        }
    }

    fn set(&mut self, state: ScreenState) {
        match self {
            StateSlot::RealTerminal => set_real_terminal_state(state),
            StateSlot::Own(own) => *own = state,
        }
    }

    fn take(&mut self) -> ScreenState {
        match self {
            StateSlot::RealTerminal => take_real_terminal_state(),
            StateSlot::Own(own) => std::mem::replace(own, ScreenState::Released),
        }
    }
}

/// The terminal, taken over for the lifetime of the value.
pub struct TerminalSession<W: Write> {
    terminal: Terminal<SessionBackend<W>>,
    switches: Arc<WriterSwitches>,
    state: StateSlot,
    raw_mode: RawModePolicy,
}

impl TerminalSession<Stdout> {
    /// Takes over the controlling terminal through standard output.
    pub fn enter() -> Result<TerminalSession<Stdout>, TerminalError> {
        TerminalSession::enter_with(io::stdout(), SessionSettings::default())
    }
}

impl<W: Write> TerminalSession<W> {
    /// Switches raw mode on (if the settings say so), then the alternate
    /// screen with a hidden cursor, written through `writer`.
    pub fn enter_with(
        writer: W,
        settings: SessionSettings,
    ) -> Result<TerminalSession<W>, TerminalError> {
        let state = match settings.raw_mode {
            RawModePolicy::Enable => {
                if !claim_real_terminal() {
                    return Err(TerminalError::AlreadyOwned);
                }
                if let Err(error) = crossterm::terminal::enable_raw_mode() {
                    set_real_terminal_state(ScreenState::Released);
                    return Err(TerminalError::RawMode(error));
                }
                StateSlot::RealTerminal
            }
            RawModePolicy::Skip => StateSlot::Own(ScreenState::Active),
        };
        let frame_writer = FrameWriter::new(writer);
        let switches = frame_writer.switches();
        let options = TerminalOptions {
            viewport: settings.viewport,
        };
        let terminal = match Terminal::with_options(CrosstermBackend::new(frame_writer), options) {
            Ok(terminal) => terminal,
            Err(error) => {
                if settings.raw_mode == RawModePolicy::Enable {
                    let _ignored = crossterm::terminal::disable_raw_mode();
                    set_real_terminal_state(ScreenState::Released);
                }
                return Err(TerminalError::Size(error));
            }
        };
        let mut session = TerminalSession {
            terminal,
            switches,
            state,
            raw_mode: settings.raw_mode,
        };
        session.enter_screen()?;
        Ok(session)
    }

    /// Shows a blank alternate screen and forgets the last frame, so the next
    /// one is drawn in full. `Terminal::clear` is not used: it asks the
    /// terminal where the cursor is and waits for the answer.
    fn enter_screen(&mut self) -> Result<(), TerminalError> {
        let backend = self.terminal.backend_mut();
        queue_enter_screen(backend).map_err(TerminalError::Write)?;
        backend.flush().map_err(TerminalError::Write)?;
        self.terminal.swap_buffers();
        Ok(())
    }

    /// True while the alternate screen is shown and frames can be drawn.
    pub fn is_active(&self) -> bool {
        self.state.load() == ScreenState::Active
    }

    /// True between `suspend` and `resume`.
    pub fn is_suspended(&self) -> bool {
        self.state.load() == ScreenState::Suspended
    }

    /// The ratatui terminal, for its size and viewport.
    pub fn terminal(&self) -> &Terminal<SessionBackend<W>> {
        &self.terminal
    }

    /// The ratatui terminal itself. Frames drawn through it directly are not
    /// synchronized; `draw_synchronized` is the way to draw.
    pub fn terminal_mut(&mut self) -> &mut Terminal<SessionBackend<W>> {
        &mut self.terminal
    }

    /// Lends the main screen to an interactive attach: leaves the alternate
    /// screen and shows the cursor, but keeps raw mode so every key reaches
    /// the container as typed. Suspending twice is harmless.
    pub fn suspend(&mut self) -> Result<(), TerminalError> {
        match self.state.load() {
            ScreenState::Released => Err(TerminalError::Restored),
            ScreenState::Suspended => Ok(()),
            ScreenState::Active => {
                self.state.set(ScreenState::Suspended);
                self.switches.hold_flushes(false);
                let backend = self.terminal.backend_mut();
                queue_leave_screen(backend).map_err(TerminalError::Write)?;
                backend.flush().map_err(TerminalError::Write)
            }
        }
    }

    /// Takes the screen back after an attach: the alternate screen, a hidden
    /// cursor, and a cleared buffer so the next frame is drawn in full.
    /// Resuming an active session is harmless.
    pub fn resume(&mut self) -> Result<(), TerminalError> {
        match self.state.load() {
            ScreenState::Released => Err(TerminalError::Restored),
            ScreenState::Active => Ok(()),
            ScreenState::Suspended => {
                self.state.set(ScreenState::Active);
                self.enter_screen()
            }
        }
    }

    /// Gives the terminal back: main screen, visible cursor, raw mode off.
    /// Write errors are ignored, since the terminal may be gone. The first
    /// call does the work; later calls, and the panic hook having done it
    /// already, write nothing. Bytes of an unfinished frame are dropped.
    pub fn restore(&mut self) {
        let state = self.state.take();
        if state == ScreenState::Released {
            self.switches.discard_everything();
            return;
        }
        self.switches.hold_flushes(false);
        let backend = self.terminal.backend_mut();
        let _ignored = queue_release(backend, state);
        let _ignored = backend.flush();
        self.switches.discard_everything();
        if self.raw_mode == RawModePolicy::Enable {
            let _ignored = crossterm::terminal::disable_raw_mode();
        }
    }

    /// Fails unless frames can be drawn now.
    pub(crate) fn ensure_drawable(&self) -> Result<(), TerminalError> {
        match self.state.load() {
            ScreenState::Active => Ok(()),
            ScreenState::Suspended => Err(TerminalError::Suspended),
            ScreenState::Released => Err(TerminalError::Restored),
        }
    }

    pub(crate) fn writer_switches(&self) -> &WriterSwitches {
        &self.switches
    }
}

impl<W: Write> Drop for TerminalSession<W> {
    fn drop(&mut self) {
        self.restore();
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
