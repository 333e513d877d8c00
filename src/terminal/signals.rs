//! Turns the signals that ask the program to end (SIGINT, SIGTERM, SIGHUP)
//! into messages, so the main loop can leave through its normal path and the
//! terminal is given back. In raw mode Ctrl-C arrives as a key; SIGINT still
//! comes from `kill`. Window resizes arrive from crossterm as events, so
//! SIGWINCH is not handled here. This module never touches the terminal.

use super::TerminalError;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;

/// A request from outside to end the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitSignal {
    /// SIGINT.
    Interrupt,
    /// SIGTERM.
    Terminate,
    /// SIGHUP: the terminal or the ssh session went away.
    Hangup,
}

impl ExitSignal {
    /// The signal's conventional name, such as `SIGTERM`.
    pub fn name(self) -> &'static str {
        match self {
            ExitSignal::Interrupt => "SIGINT",
            ExitSignal::Terminate => "SIGTERM",
            ExitSignal::Hangup => "SIGHUP",
        }
    }
}

/// Starts listening for SIGINT, SIGTERM and SIGHUP and returns the channel
/// their arrivals are sent on. From now on these signals no longer end the
/// process by themselves: the receiver decides. The handlers are in place
/// when this returns. The listening task ends when the receiver is dropped.
///
/// Must be called inside a tokio runtime whose drivers are enabled (as
/// `#[tokio::main]` sets up); outside any runtime it returns `NoRuntime`.
pub fn spawn_signal_listener() -> Result<mpsc::Receiver<ExitSignal>, TerminalError> {
    let runtime = tokio::runtime::Handle::try_current().map_err(|_| TerminalError::NoRuntime)?;
    let mut interrupt = listen(ExitSignal::Interrupt, SignalKind::interrupt())?;
    let mut terminate = listen(ExitSignal::Terminate, SignalKind::terminate())?;
    let mut hangup = listen(ExitSignal::Hangup, SignalKind::hangup())?;
    let (sender, receiver) = mpsc::channel(4);
    runtime.spawn(async move {
        loop {
            let arrived = tokio::select! {
                Some(()) = interrupt.recv() => ExitSignal::Interrupt,
                Some(()) = terminate.recv() => ExitSignal::Terminate,
                Some(()) = hangup.recv() => ExitSignal::Hangup,
                () = sender.closed() => break,
                else => break,
            };
            if sender.send(arrived).await.is_err() {
                break;
            }
        }
    });
    Ok(receiver)
}

fn listen(exit_signal: ExitSignal, kind: SignalKind) -> Result<Signal, TerminalError> {
    signal(kind).map_err(|source| TerminalError::Signal {
        signal: exit_signal.name(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_a_runtime_there_is_no_listener() {
        assert!(matches!(
            spawn_signal_listener(),
            Err(TerminalError::NoRuntime)
        ));
    }

    #[test]
    fn names_are_the_conventional_ones() {
        assert_eq!(ExitSignal::Interrupt.name(), "SIGINT");
        assert_eq!(ExitSignal::Terminate.name(), "SIGTERM");
        assert_eq!(ExitSignal::Hangup.name(), "SIGHUP");
    }
}
