//! Checks the session's escape sequences through an in-memory terminal: what
//! entering, suspending, resuming, drawing and restoring write, and that the
//! way back is written once however often it is asked for.

use super::*;
use crate::terminal::draw_synchronized;
use ratatui::widgets::Paragraph;
use std::cell::RefCell;
use std::rc::Rc;

const ENTER_ALTERNATE_SCREEN: &str = "\x1b[?1049h";
const LEAVE_ALTERNATE_SCREEN: &str = "\x1b[?1049l";
const HIDE_CURSOR: &str = "\x1b[?25l";
const SHOW_CURSOR: &str = "\x1b[?25h";
const BEGIN_SYNCHRONIZED: &str = "\x1b[?2026h";
const END_SYNCHRONIZED: &str = "\x1b[?2026l";
const CLEAR_ALL: &str = "\x1b[2J";

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[derive(Default)]
struct Recording {
    bytes: Vec<u8>,
    flushes: usize,
    broken: bool,
}

/// An in-memory terminal whose recording stays readable after the session
/// that writes to it is gone.
#[derive(Clone, Default)]
struct RecordingTerminal(Rc<RefCell<Recording>>);

impl RecordingTerminal {
    fn take_text(&self) -> String {
        let bytes = std::mem::take(&mut self.0.borrow_mut().bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn flushes(&self) -> usize {
        self.0.borrow().flushes
    }

    fn go_away(&self) {
        self.0.borrow_mut().broken = true;
    }
}

impl Write for RecordingTerminal {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut recording = self.0.borrow_mut();
        if recording.broken {
            return Err(io::Error::from(io::ErrorKind::BrokenPipe));
        }
        recording.bytes.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut recording = self.0.borrow_mut();
        if recording.broken {
            return Err(io::Error::from(io::ErrorKind::BrokenPipe));
        }
        recording.flushes += 1;
        Ok(())
    }
}

fn enter(
    recording: &RecordingTerminal,
) -> Result<TerminalSession<RecordingTerminal>, TerminalError> {
    TerminalSession::enter_with(recording.clone(), SessionSettings::without_tty(20, 3))
}

fn count(text: &str, sequence: &str) -> usize {
    text.matches(sequence).count()
}

#[test]
fn entering_shows_the_alternate_screen_and_hides_the_cursor() -> TestResult {
    let recording = RecordingTerminal::default();
    let session = enter(&recording)?;
    let written = recording.take_text();
    assert!(written.starts_with(&format!("{ENTER_ALTERNATE_SCREEN}{HIDE_CURSOR}")));
    assert_eq!(count(&written, LEAVE_ALTERNATE_SCREEN), 0);
    assert!(session.is_active());
    Ok(())
}

#[test]
fn restoring_leaves_the_alternate_screen_and_shows_the_cursor() -> TestResult {
    let recording = RecordingTerminal::default();
    let mut session = enter(&recording)?;
    recording.take_text();
    session.restore();
    let written = recording.take_text();
    assert_eq!(count(&written, LEAVE_ALTERNATE_SCREEN), 1);
    assert_eq!(count(&written, SHOW_CURSOR), 1);
    assert!(written.find(END_SYNCHRONIZED) < written.find(LEAVE_ALTERNATE_SCREEN));
    assert!(!session.is_active());
    Ok(())
}

#[test]
fn restoring_twice_and_dropping_write_the_way_back_once() -> TestResult {
    let recording = RecordingTerminal::default();
    let mut session = enter(&recording)?;
    session.restore();
    session.restore();
    drop(session);
    let written = recording.take_text();
    assert_eq!(count(&written, LEAVE_ALTERNATE_SCREEN), 1);
    assert_eq!(count(&written, SHOW_CURSOR), 1);
    Ok(())
}

#[test]
fn dropping_the_session_restores_the_terminal() -> TestResult {
    let recording = RecordingTerminal::default();
    let session = enter(&recording)?;
    recording.take_text();
    drop(session);
    let written = recording.take_text();
    assert!(written.ends_with(&format!("{LEAVE_ALTERNATE_SCREEN}{SHOW_CURSOR}")));
    Ok(())
}

#[test]
fn a_frame_is_one_synchronized_update_sent_in_one_flush() -> TestResult {
    let recording = RecordingTerminal::default();
    let mut session = enter(&recording)?;
    recording.take_text();
    let flushes_before = recording.flushes();
    draw_synchronized(&mut session, |frame| {
        frame.render_widget(Paragraph::new("pods"), frame.area());
    })?;
    assert_eq!(recording.flushes(), flushes_before + 1);
    let written = recording.take_text();
    assert!(written.starts_with(BEGIN_SYNCHRONIZED));
    assert!(written.ends_with(END_SYNCHRONIZED));
    assert!(written.contains("pods"));
    Ok(())
}

#[test]
fn suspending_lends_the_main_screen_and_resuming_redraws_in_full() -> TestResult {
    let recording = RecordingTerminal::default();
    let mut session = enter(&recording)?;
    let render = |frame: &mut ratatui::Frame| {
        frame.render_widget(Paragraph::new("pods"), frame.area());
    };
    draw_synchronized(&mut session, render)?;
    recording.take_text();

    session.suspend()?;
    assert!(session.is_suspended());
    assert_eq!(
        recording.take_text(),
        format!("{LEAVE_ALTERNATE_SCREEN}{SHOW_CURSOR}")
    );
    session.suspend()?;
    assert!(matches!(
        draw_synchronized(&mut session, render),
        Err(TerminalError::Suspended)
    ));
    assert_eq!(recording.take_text(), "");

    session.resume()?;
    let written = recording.take_text();
    assert!(written.starts_with(&format!("{ENTER_ALTERNATE_SCREEN}{HIDE_CURSOR}")));
    assert!(written.contains(CLEAR_ALL));
    draw_synchronized(&mut session, render)?;
    assert!(recording.take_text().contains("pods"));
    Ok(())
}

#[test]
fn an_unchanged_frame_is_not_drawn_again_without_a_resume() -> TestResult {
    let recording = RecordingTerminal::default();
    let mut session = enter(&recording)?;
    let render = |frame: &mut ratatui::Frame| {
        frame.render_widget(Paragraph::new("pods"), frame.area());
    };
    draw_synchronized(&mut session, render)?;
    recording.take_text();
    draw_synchronized(&mut session, render)?;
    assert!(!recording.take_text().contains("pods"));
    Ok(())
}

#[test]
fn restoring_while_suspended_stays_on_the_main_screen() -> TestResult {
    let recording = RecordingTerminal::default();
    let mut session = enter(&recording)?;
    session.suspend()?;
    recording.take_text();
    drop(session);
    let written = recording.take_text();
    assert_eq!(count(&written, LEAVE_ALTERNATE_SCREEN), 0);
    assert_eq!(count(&written, SHOW_CURSOR), 1);
    Ok(())
}

#[test]
fn after_restoring_nothing_more_is_drawn_or_switched() -> TestResult {
    let recording = RecordingTerminal::default();
    let mut session = enter(&recording)?;
    session.restore();
    recording.take_text();
    assert!(matches!(
        draw_synchronized(&mut session, |_frame| {}),
        Err(TerminalError::Restored)
    ));
    assert!(matches!(session.suspend(), Err(TerminalError::Restored)));
    assert!(matches!(session.resume(), Err(TerminalError::Restored)));
    drop(session);
    assert_eq!(recording.take_text(), "");
    Ok(())
}

#[test]
fn a_terminal_that_went_away_is_restored_without_a_panic() -> TestResult {
    let recording = RecordingTerminal::default();
    let mut session = enter(&recording)?;
    recording.go_away();
    assert!(matches!(
        draw_synchronized(&mut session, |frame| {
            frame.render_widget(Paragraph::new("pods"), frame.area());
        }),
        Err(TerminalError::Write(_))
    ));
    session.restore();
    drop(session);
    Ok(())
}

#[test]
fn entering_a_terminal_that_is_gone_fails_with_a_write_error() {
    let recording = RecordingTerminal::default();
    recording.go_away();
    assert!(matches!(enter(&recording), Err(TerminalError::Write(_))));
}

#[test]
fn a_session_over_standard_output_can_move_to_another_task() {
    fn assert_send<T: Send>() {}
    assert_send::<TerminalSession<Stdout>>();
}
