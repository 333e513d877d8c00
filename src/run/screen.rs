//! The real terminal as a `Screen`: frames go through the terminal session
//! as synchronized updates, and the terminal is lent to attach and exec
//! sessions with the UI's key events paused.

use std::io::Write;

use super::event_loop::Screen;
use super::interactive::{Console, ConsoleIo};
use crate::terminal::console::{EventsSwitch, TtyInput, window_sizes};
use crate::terminal::{TerminalSession, draw_synchronized};

pub struct SessionScreen<'a, W: Write> {
    pub session: &'a mut TerminalSession<W>,
    /// The UI's key events, paused while a session reads the terminal.
    pub events: EventsSwitch,
    /// While lent: the tty reader and the window size listener.
    pub lent: Option<(TtyInput, tokio::task::JoinHandle<()>)>,
}

impl<W: Write + Send> Screen for SessionScreen<'_, W> {
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

    fn console(&mut self) -> Option<&mut dyn Console> {
        Some(self)
    }
}

impl<W: Write + Send> Console for SessionScreen<'_, W> {
    fn lend(&mut self) -> std::io::Result<ConsoleIo> {
        self.events.pause();
        self.session
            .suspend()
            .map_err(|error| std::io::Error::other(error.to_string()))?;
        let (input, reader) = TtyInput::start()?;
        let (sizes_task, resizes) = window_sizes()?;
        self.lent = Some((input, sizes_task));
        let size = crossterm::terminal::size().unwrap_or((80, 24));
        Ok(ConsoleIo {
            input: Box::new(reader),
            output: Box::new(tokio::io::stdout()),
            resizes,
            size,
        })
    }

    fn take_back(&mut self) -> std::io::Result<()> {
        if let Some((mut input, sizes_task)) = self.lent.take() {
            input.stop();
            sizes_task.abort();
        }
        let resumed = self
            .session
            .resume()
            .map_err(|error| std::io::Error::other(error.to_string()));
        self.events.resume();
        resumed
    }
}
