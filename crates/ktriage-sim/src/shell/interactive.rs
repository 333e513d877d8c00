//! An interactive shell for `attach` and `exec -i`: it takes standard input in pieces of
//! any size, plays the terminal's line discipline when a TTY is requested (echo, erase,
//! Ctrl-C, Ctrl-D, `\r\n` line ends, continuation of open quotes) and runs each complete
//! line. Lines are bounded; escape sequences typed at the terminal are swallowed. It must
//! not interpret commands itself: that is `session`'s work.

use unicode_width::UnicodeWidthChar;

use super::ShellContext;
use super::output::Output;
use super::session::{Flow, Session};
use super::syntax::{self, SyntaxError};

/// The longest line, or unfinished multi-line command, the shell keeps; more is dropped.
const LINE_LIMIT: usize = 64 * 1024;

/// What the shell wrote in answer to some input, and its exit code once it has ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShellStep {
    /// Standard output; with a TTY, also the echo and standard error.
    pub output: Vec<u8>,
    /// Standard error when there is no TTY; always empty with a TTY.
    pub error_output: Vec<u8>,
    pub exit: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escape {
    None,
    Started,
    ControlSequence,
    SingleShift,
}

/// A shell reading standard input, with or without a terminal.
#[derive(Debug, Clone)]
pub struct InteractiveShell {
    context: ShellContext,
    session: Session,
    tty: bool,
    line: Vec<u8>,
    unfinished: String,
    escape: Escape,
    exit: Option<i32>,
}

impl InteractiveShell {
    pub fn new(context: ShellContext, tty: bool) -> InteractiveShell {
        let session = Session::new(&context, "sh", tty);
        InteractiveShell {
            context,
            session,
            tty,
            line: Vec::new(),
            unfinished: String::new(),
            escape: Escape::None,
            exit: None,
        }
    }

    /// What the shell prints when it starts: the prompt with a TTY, nothing without.
    pub fn start(&mut self) -> Vec<u8> {
        if self.tty {
            self.session.prompt().into_bytes()
        } else {
            Vec::new()
        }
    }

    /// The terminal was resized (the resize channel of attach and exec).
    pub fn resize(&mut self, width: u16, height: u16) {
        self.session.set_terminal_size(width, height);
    }

    /// The exit code, once the shell has ended.
    pub fn exit_code(&self) -> Option<i32> {
        self.exit
    }

    /// Takes bytes typed on standard input.
    pub fn feed(&mut self, input: &[u8]) -> ShellStep {
        let mut step = ShellStep::default();
        for &byte in input {
            if self.exit.is_some() {
                break;
            }
            if self.tty {
                self.terminal_byte(byte, &mut step);
            } else {
                self.plain_byte(byte, &mut step);
            }
        }
        step.exit = self.exit;
        step
    }

    /// Standard input reached its end: runs what is left and ends the shell.
    pub fn close_stdin(&mut self) -> ShellStep {
        let mut step = ShellStep::default();
        self.end_of_input(&mut step);
        step.exit = self.exit;
        step
    }

    fn plain_byte(&mut self, byte: u8, step: &mut ShellStep) {
        if byte == b'\n' {
            if self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
            let line = std::mem::take(&mut self.line);
            self.submit(&line, step);
        } else if self.line.len() < LINE_LIMIT {
            self.line.push(byte);
        }
    }

    fn terminal_byte(&mut self, byte: u8, step: &mut ShellStep) {
        match self.escape {
            Escape::None => {}
            Escape::Started => {
                self.escape = match byte {
                    b'[' => Escape::ControlSequence,
                    b'O' => Escape::SingleShift,
                    _ => Escape::None,
                };
                return;
            }
            Escape::ControlSequence => {
                if (0x40..=0x7e).contains(&byte) {
                    self.escape = Escape::None;
                }
                return;
            }
            Escape::SingleShift => {
                self.escape = Escape::None;
                return;
            }
        }
        match byte {
            0x1b => self.escape = Escape::Started,
            b'\r' | b'\n' => {
                step.output.extend_from_slice(b"\r\n");
                let line = std::mem::take(&mut self.line);
                self.submit(&line, step);
            }
            0x7f | 0x08 => {
                self.erase_character(step);
            }
            0x15 => while self.erase_character(step) {},
            0x03 => {
                step.output.extend_from_slice(b"^C\r\n");
                self.line.clear();
                self.unfinished.clear();
                self.session.last_status = 130;
                self.prompt(step);
            }
            0x04 => {
                if self.line.is_empty() {
                    self.end_of_input(step);
                }
            }
            b'\t' => self.type_byte(byte, step),
            control if control < 0x20 => {}
            _ => self.type_byte(byte, step),
        }
    }

    fn type_byte(&mut self, byte: u8, step: &mut ShellStep) {
        if self.line.len() < LINE_LIMIT {
            self.line.push(byte);
            step.output.push(byte);
        }
    }

    /// Removes the last character of the line and rubs it out on screen.
    fn erase_character(&mut self, step: &mut ShellStep) -> bool {
        let Some(last) = self.line.iter().rposition(|byte| byte & 0xc0 != 0x80) else {
            let had_bytes = !self.line.is_empty();
            self.line.clear();
            return had_bytes;
        };
        let width = std::str::from_utf8(&self.line[last..])
            .ok()
            .and_then(|text| text.chars().next())
            .and_then(|character| character.width())
            .unwrap_or(1)
            .max(1);
        self.line.truncate(last);
        for rubout in [b"\x08".as_slice(), b" ", b"\x08"] {
            for _ in 0..width {
                step.output.extend_from_slice(rubout);
            }
        }
        true
    }

    fn prompt(&self, step: &mut ShellStep) {
        if !self.tty {
            return;
        }
        let prompt = if self.unfinished.is_empty() {
            self.session.prompt()
        } else {
            "> ".into()
        };
        step.output.extend_from_slice(prompt.as_bytes());
    }

    fn submit(&mut self, line: &[u8], step: &mut ShellStep) {
        let text = String::from_utf8_lossy(line);
        let script = if self.unfinished.is_empty() {
            text.into_owned()
        } else {
            format!("{}\n{text}", std::mem::take(&mut self.unfinished))
        };
        if script.len() > LINE_LIMIT {
            self.write_error(step, "input line too long");
            self.prompt(step);
            return;
        }
        if let Err(SyntaxError::UnterminatedQuote | SyntaxError::Unexpected("end of file")) =
            syntax::parse(&script)
        {
            self.unfinished = script;
            self.prompt(step);
            return;
        }
        self.run(&script, step);
        if self.exit.is_none() {
            self.prompt(step);
        }
    }

    fn end_of_input(&mut self, step: &mut ShellStep) {
        if self.exit.is_some() {
            return;
        }
        let line = std::mem::take(&mut self.line);
        let text = String::from_utf8_lossy(&line);
        let script = match (self.unfinished.is_empty(), text.is_empty()) {
            (true, _) => text.into_owned(),
            (false, true) => std::mem::take(&mut self.unfinished),
            (false, false) => format!("{}\n{text}", std::mem::take(&mut self.unfinished)),
        };
        if !script.is_empty() {
            self.run(&script, step);
        }
        if self.exit.is_none() {
            self.exit = Some(self.session.last_status);
        }
    }

    fn run(&mut self, script: &str, step: &mut ShellStep) {
        let mut output = Output::new(self.tty);
        let flow = self
            .session
            .run_script(&self.context, script, &mut output, 0);
        self.write(step, output);
        if let Flow::Exit(code) = flow {
            self.exit = Some(code);
        }
    }

    fn write_error(&mut self, step: &mut ShellStep, message: &str) {
        let mut output = Output::new(self.tty);
        output.err(format!("{}: {message}\n", self.session.shell_name()).as_bytes());
        self.session.last_status = 2;
        self.write(step, output);
    }

    fn write(&self, step: &mut ShellStep, output: Output) {
        if self.tty {
            for &byte in &output.stdout {
                if byte == b'\n' {
                    step.output.push(b'\r');
                }
                step.output.push(byte);
            }
        } else {
            step.output.extend_from_slice(&output.stdout);
            step.error_output.extend_from_slice(&output.stderr);
        }
    }
}
