//! The terminal device: this layer owns raw mode, the alternate screen and the
//! cursor's visibility, puts them back on every way out (normal return, error,
//! panic, SIGTERM, SIGHUP, SIGINT), and steps aside around an interactive
//! attach so a container's output can go straight to the screen. It draws only
//! the frames it is handed, through one buffered writer with synchronized
//! updates. It must not decide what is drawn, hold application state or read
//! cluster data. It enables no mouse capture, focus reporting or keyboard
//! enhancement: input stays plain keys, and text can be selected in tmux.

pub mod console;
mod draw;
mod frame_writer;
mod modes;
mod panic_restore;
mod session;
mod signals;

pub use draw::draw_synchronized;
pub use frame_writer::FrameWriter;
pub use panic_restore::install_panic_hook;
pub use session::{RawModePolicy, SessionBackend, SessionSettings, TerminalSession};
pub use signals::{ExitSignal, spawn_signal_listener};

use std::io;

/// What can go wrong while taking over, drawing on or giving back the terminal.
#[derive(Debug, thiserror::Error)]
pub enum TerminalError {
    #[error("cannot switch the terminal into raw mode: {0}")]
    RawMode(#[source] io::Error),
    #[error("cannot write to the terminal: {0}")]
    Write(#[source] io::Error),
    #[error("cannot read the terminal size: {0}")]
    Size(#[source] io::Error),
    #[error("another terminal session already owns this terminal")]
    AlreadyOwned,
    #[error("the terminal was already given back")]
    Restored,
    #[error("the terminal is suspended for an interactive attach")]
    Suspended,
    #[error("signals can be listened for only inside a tokio runtime")]
    NoRuntime,
    #[error("cannot listen for {signal}: {source}")]
    Signal {
        signal: &'static str,
        #[source]
        source: io::Error,
    },
}
