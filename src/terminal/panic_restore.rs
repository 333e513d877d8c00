//! The panic hook that gives the real terminal back before the panic message
//! is printed, so the message lands on the user's shell, readable, and the
//! shell is not left in raw mode. It only undoes modes a session recorded as
//! on; it draws nothing and keeps the previous hook's behaviour.

use super::modes::{ScreenState, queue_release, take_real_terminal_state};
use std::io::{self, Write};
use std::sync::Once;

/// Chains a hook in front of the current panic hook: it restores the real
/// terminal (main screen, visible cursor, raw mode off), then lets the
/// previous hook print the message. Installing twice installs once.
///
/// A panic on any thread gives the terminal back; the session then refuses to
/// draw, so the application learns of it at its next frame and can exit.
pub fn install_panic_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |information| {
            release_real_terminal();
            previous(information);
        }));
    });
}

/// Undoes what the session that owns the real terminal switched on, if any,
/// writing straight to standard output. Errors are ignored: the terminal may
/// be gone with a dropped ssh session.
fn release_real_terminal() {
    let state = take_real_terminal_state();
    if state == ScreenState::Released {
        return;
    }
    let mut stdout = io::stdout();
    let _ignored = queue_release(&mut stdout, state);
    let _ignored = stdout.flush();
    let _ignored = crossterm::terminal::disable_raw_mode();
}
