//! Drawing one frame as one synchronized update: the frame is framed by
//! `BeginSynchronizedUpdate` and `EndSynchronizedUpdate` and reaches the
//! terminal in a single flush, so tmux and modern terminals never show half
//! of it. What the frame contains is the caller's business.

use super::TerminalError;
use super::session::TerminalSession;
use crossterm::queue;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::Frame;
use std::io::Write;

/// Draws one frame with `render` and sends it in one flush. Fails without
/// writing anything while the session is suspended or already given back.
pub fn draw_synchronized<W, F>(
    session: &mut TerminalSession<W>,
    render: F,
) -> Result<(), TerminalError>
where
    W: Write,
    F: FnOnce(&mut Frame),
{
    session.ensure_drawable()?;
    session.writer_switches().hold_flushes(true);
    let drawn = draw_held_frame(session, render);
    session.writer_switches().hold_flushes(false);
    let flushed = session.terminal_mut().backend_mut().flush();
    drawn?;
    flushed.map_err(TerminalError::Write)
}

fn draw_held_frame<W, F>(session: &mut TerminalSession<W>, render: F) -> Result<(), TerminalError>
where
    W: Write,
    F: FnOnce(&mut Frame),
{
    let terminal = session.terminal_mut();
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate).map_err(TerminalError::Write)?;
    let drawn = terminal.draw(render).map(|_completed| ());
    let ended = queue!(terminal.backend_mut(), EndSynchronizedUpdate);
    drawn.map_err(TerminalError::Write)?;
    ended.map_err(TerminalError::Write)
}
