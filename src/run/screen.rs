//! The real terminal as a `Screen`: frames go through the terminal session
//! as synchronized updates.

use std::io::Write;

use super::event_loop::Screen;
use crate::terminal::{TerminalSession, draw_synchronized};

pub struct SessionScreen<'a, W: Write> {
    pub session: &'a mut TerminalSession<W>,
}

impl<W: Write> Screen for SessionScreen<'_, W> {
    fn size(&self) -> (u16, u16) {
        match self.session.terminal().size() {
            Ok(size) => (size.width, size.height),
            Err(_) => (80, 24),
        }
    }

    fn draw(&mut self, render: &dyn Fn(&mut ratatui::Frame)) -> std::io::Result<()> {
        draw_synchronized(self.session, |frame| render(frame))
            .map_err(|error| std::io::Error::other(error.to_string()))
    }
}
