//! The terminal modes a session switches (raw mode, the alternate screen, the
//! hidden cursor), the escape sequences that switch them, and the process-wide
//! record of which are on for the real terminal. The record lets the panic
//! hook undo exactly what is on, once, and lets the session see that the hook
//! has already done it. Nothing here draws.

use crossterm::cursor::{Hide, Show};
use crossterm::queue;
use crossterm::terminal::{
    Clear, ClearType, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
};
use std::io::{self, Write};
use std::sync::atomic::{AtomicU8, Ordering};

/// How far a session has taken over its terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScreenState {
    /// Nothing is switched: never entered, or already given back.
    Released,
    /// Raw mode, the alternate screen and the hidden cursor are all on.
    Active,
    /// Raw mode only: the main screen and the cursor are lent to an attach.
    Suspended,
}

impl ScreenState {
    fn to_code(self) -> u8 {
        match self {
            ScreenState::Released => 0,
            ScreenState::Active => 1,
            ScreenState::Suspended => 2,
        }
    }

    fn from_code(code: u8) -> ScreenState {
        match code {
            1 => ScreenState::Active,
            2 => ScreenState::Suspended,
            _ => ScreenState::Released,
        }
    }
}

static REAL_TERMINAL: AtomicU8 = AtomicU8::new(0);

/// The state of the real terminal, as the one session that owns it left it.
pub(crate) fn real_terminal_state() -> ScreenState {
    ScreenState::from_code(REAL_TERMINAL.load(Ordering::SeqCst))
}

/// Marks the real terminal as taken; false if another session has it.
pub(crate) fn claim_real_terminal() -> bool {
    REAL_TERMINAL
        .compare_exchange(
            ScreenState::Released.to_code(),
            ScreenState::Active.to_code(),
            Ordering::SeqCst,
            Ordering::SeqCst,
        )
        .is_ok()
}

pub(crate) fn set_real_terminal_state(state: ScreenState) {
    REAL_TERMINAL.store(state.to_code(), Ordering::SeqCst);
}

/// Marks the real terminal as released and returns what was on before, so
/// whoever gets `Active` or `Suspended` back is the one who undoes it.
pub(crate) fn take_real_terminal_state() -> ScreenState {
    ScreenState::from_code(REAL_TERMINAL.swap(ScreenState::Released.to_code(), Ordering::SeqCst))
}

/// Queues the switch into a blank alternate screen with the cursor hidden.
pub(crate) fn queue_enter_screen(writer: &mut impl Write) -> io::Result<()> {
    queue!(writer, EnterAlternateScreen, Hide, Clear(ClearType::All))
}

/// Queues the way back to the main screen with a visible cursor.
pub(crate) fn queue_leave_screen(writer: &mut impl Write) -> io::Result<()> {
    queue!(writer, LeaveAlternateScreen, Show)
}

/// Queues what undoes `state`: ends a synchronized update a failed frame
/// may have left open, and leaves the alternate screen only if it is on,
/// since leaving it twice also restores a saved cursor position.
pub(crate) fn queue_release(writer: &mut impl Write, state: ScreenState) -> io::Result<()> {
    match state {
        ScreenState::Active => {
            queue!(writer, EndSynchronizedUpdate)?;
            queue_leave_screen(writer)
        }
        ScreenState::Suspended => queue!(writer, Show),
        ScreenState::Released => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_are_the_xterm_private_modes() -> io::Result<()> {
        let mut bytes = Vec::new();
        queue_enter_screen(&mut bytes)?;
        assert_eq!(bytes, b"\x1b[?1049h\x1b[?25l\x1b[2J");
        bytes.clear();
        queue_leave_screen(&mut bytes)?;
        assert_eq!(bytes, b"\x1b[?1049l\x1b[?25h");
        Ok(())
    }

    #[test]
    fn release_undoes_only_what_is_on() -> io::Result<()> {
        let mut bytes = Vec::new();
        queue_release(&mut bytes, ScreenState::Active)?;
        assert_eq!(bytes, b"\x1b[?2026l\x1b[?1049l\x1b[?25h");
        bytes.clear();
        queue_release(&mut bytes, ScreenState::Suspended)?;
        assert_eq!(bytes, b"\x1b[?25h");
        bytes.clear();
        queue_release(&mut bytes, ScreenState::Released)?;
        assert!(bytes.is_empty());
        Ok(())
    }

    #[test]
    fn state_codes_round_trip() {
        for state in [
            ScreenState::Released,
            ScreenState::Active,
            ScreenState::Suspended,
        ] {
            assert_eq!(ScreenState::from_code(state.to_code()), state);
        }
    }
}
