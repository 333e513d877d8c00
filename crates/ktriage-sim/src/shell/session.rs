//! One shell process: its variables, working directory and last status, and the loop
//! that expands and runs parsed commands, including the builtins (`cd`, `exit`, `export`,
//! `unset`, assignments) and nested `sh -c`. Output is capped; nesting is bounded. It
//! must not know about terminals or line editing: that belongs to `interactive`.

use super::files::{self, Node};
use super::output::Output;
use super::programs::{self, Invocation};
use super::syntax::{self, Condition, Piece, Word};
use super::variables::{Variables, is_name, split_assignment};
use super::{EXIT_NOT_FOUND, ShellContext, program_available, program_name};

/// The longest value an expansion or a variable may reach.
const VALUE_LIMIT: usize = 64 * 1024;
/// How deeply `sh -c` may nest.
const DEPTH_LIMIT: usize = 8;

/// Whether the shell goes on after a command, or exits with a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    Continue,
    Exit(i32),
}

/// The state of one shell process.
#[derive(Debug, Clone)]
pub(super) struct Session {
    shell_name: String,
    variables: Variables,
    pub last_status: i32,
    pub working_directory: String,
    tty: bool,
}

impl Session {
    /// A shell started by the container runtime, with the container's environment.
    pub fn new(context: &ShellContext, shell_name: &str, tty: bool) -> Session {
        let mut session = Session {
            shell_name: shell_name.to_string(),
            variables: Variables::default(),
            last_status: 0,
            working_directory: "/".into(),
            tty,
        };
        let path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        session.variables.set("PATH", path, true);
        session.variables.set("HOSTNAME", &context.hostname, true);
        for (name, value) in &context.env {
            session.variables.set(name, value, true);
        }
        if session.variables.get("HOME").is_none() {
            session.variables.set("HOME", "/root", true);
        }
        if tty {
            session.variables.set("TERM", "xterm", true);
        }
        session
    }

    /// The terminal's size changed: a shell keeps it in COLUMNS and LINES.
    pub fn set_terminal_size(&mut self, width: u16, height: u16) {
        self.variables.set("COLUMNS", &width.to_string(), false);
        self.variables.set("LINES", &height.to_string(), false);
    }

    /// The prompt busybox shows a root user: the working directory, then `# `.
    pub fn prompt(&self) -> String {
        let home = self.variables.get("HOME").unwrap_or("/root");
        if self.working_directory == home {
            "~ # ".into()
        } else {
            format!("{} # ", self.working_directory)
        }
    }

    pub fn shell_name(&self) -> &str {
        &self.shell_name
    }

    /// Runs a script; `Flow::Exit` when it ran `exit` or could not be parsed.
    pub fn run_script(
        &mut self,
        context: &ShellContext,
        script: &str,
        output: &mut Output,
        depth: usize,
    ) -> Flow {
        let commands = match syntax::parse(script) {
            Ok(commands) => commands,
            Err(error) => {
                self.report(output, &error.message());
                self.last_status = 2;
                return Flow::Continue;
            }
        };
        'commands: for command in commands {
            let wanted = match command.condition {
                Condition::Always => true,
                Condition::IfSucceeded => self.last_status == 0,
                Condition::IfFailed => self.last_status != 0,
            };
            if !wanted {
                continue;
            }
            let mut argv = Vec::with_capacity(command.words.len());
            for word in &command.words {
                match self.expand(word) {
                    Ok(Some(text)) => argv.push(text),
                    Ok(None) => {}
                    Err(()) => {
                        self.report(output, "expansion too long");
                        self.last_status = 1;
                        continue 'commands;
                    }
                }
            }
            if argv.is_empty() {
                self.last_status = 0;
                continue;
            }
            if let Flow::Exit(code) = self.execute(context, &argv, output, depth) {
                return Flow::Exit(code);
            }
        }
        Flow::Continue
    }

    /// Runs an argument vector the container runtime was asked to start.
    pub fn run_argv(
        &mut self,
        context: &ShellContext,
        argv: &[String],
        output: &mut Output,
        depth: usize,
    ) -> i32 {
        match self.execute(context, argv, output, depth) {
            Flow::Exit(code) => code,
            Flow::Continue => self.last_status,
        }
    }

    fn execute(
        &mut self,
        context: &ShellContext,
        argv: &[String],
        output: &mut Output,
        depth: usize,
    ) -> Flow {
        let assignments = argv
            .iter()
            .take_while(|word| split_assignment(word).is_some())
            .count();
        let (prefix, command) = argv.split_at(assignments);
        let Some(name) = command.first() else {
            for (name, value) in prefix.iter().filter_map(|word| split_assignment(word)) {
                if value.len() > VALUE_LIMIT {
                    self.report(output, "value too long");
                    self.last_status = 1;
                    return Flow::Continue;
                }
                let exported = self.variables.is_exported(name);
                self.variables.set(name, value, exported);
            }
            self.last_status = 0;
            return Flow::Continue;
        };
        let arguments = &command[1..];
        let status = match name.as_str() {
            "exit" => return Flow::Exit(self.exit_code(arguments, output)),
            "cd" => self.change_directory(context, arguments, output),
            "export" => self.export(arguments, output),
            "unset" => {
                self.variables.remove(arguments);
                0
            }
            ":" => 0,
            program if matches!(program_name(program), "sh" | "ash" | "bash" | "dash") => {
                if program_available(&context.image, program) {
                    self.run_shell(context, program_name(program), arguments, output, depth)
                } else {
                    self.not_found(name, output)
                }
            }
            program if program_available(&context.image, program) => {
                let mut environment = self.variables.environment();
                for (name, value) in prefix.iter().filter_map(|word| split_assignment(word)) {
                    environment.retain(|(existing, _)| existing != name);
                    environment.push((name.to_string(), value.to_string()));
                }
                let invocation = Invocation {
                    context,
                    name: program_name(program),
                    arguments,
                    working_directory: &self.working_directory,
                    environment: &environment,
                    tty: self.tty,
                };
                programs::run(&invocation, output)
            }
            _ => self.not_found(name, output),
        };
        self.last_status = status;
        Flow::Continue
    }

    fn run_shell(
        &mut self,
        context: &ShellContext,
        shell_name: &str,
        arguments: &[String],
        output: &mut Output,
        depth: usize,
    ) -> i32 {
        if depth >= DEPTH_LIMIT {
            output.err(format!("{shell_name}: too many nested shells\n").as_bytes());
            return 2;
        }
        let mut remaining = arguments
            .iter()
            .skip_while(|argument| matches!(argument.as_str(), "-l" | "-i" | "-e" | "-x"));
        let script = match remaining.next().map(String::as_str) {
            None => return 0,
            Some("-c") => match remaining.next() {
                Some(script) => script,
                None => {
                    output.err(format!("{shell_name}: -c requires an argument\n").as_bytes());
                    return 2;
                }
            },
            Some(file) => {
                let message = if shell_name == "bash" {
                    format!("bash: {file}: No such file or directory\n")
                } else {
                    format!("{shell_name}: can't open '{file}': No such file or directory\n")
                };
                output.err(message.as_bytes());
                return if shell_name == "bash" { 127 } else { 2 };
            }
        };
        let mut child = Session {
            shell_name: shell_name.to_string(),
            variables: self.variables.inherited(),
            last_status: 0,
            working_directory: self.working_directory.clone(),
            tty: self.tty,
        };
        match child.run_script(context, script, output, depth + 1) {
            Flow::Exit(code) => code,
            Flow::Continue => child.last_status,
        }
    }

    fn exit_code(&self, arguments: &[String], output: &mut Output) -> i32 {
        let Some(argument) = arguments.first() else {
            return self.last_status;
        };
        match argument.parse::<i64>() {
            Ok(code) => (code & 0xff) as i32,
            Err(_) => {
                self.report(output, &format!("exit: Illegal number: {argument}"));
                2
            }
        }
    }

    fn change_directory(
        &mut self,
        context: &ShellContext,
        arguments: &[String],
        output: &mut Output,
    ) -> i32 {
        let target = match arguments.first() {
            Some(target) => target.clone(),
            None => self.variables.get("HOME").unwrap_or("/").to_string(),
        };
        let absolute = files::resolve(&self.working_directory, &target);
        let problem = match files::lookup(context, &absolute) {
            Some(Node::Directory(_)) => {
                self.working_directory = absolute;
                return 0;
            }
            Some(Node::File(_)) => "Not a directory",
            None => "No such file or directory",
        };
        if self.shell_name == "bash" {
            self.report(output, &format!("cd: {target}: {problem}"));
            1
        } else {
            self.report(output, &format!("cd: can't cd to {target}: {problem}"));
            2
        }
    }

    fn export(&mut self, arguments: &[String], output: &mut Output) -> i32 {
        if arguments.is_empty() {
            for (name, value) in self.variables.environment() {
                let value = value.replace('\'', "'\"'\"'");
                output.out(format!("export {name}='{value}'\n").as_bytes());
            }
            return 0;
        }
        for argument in arguments {
            if let Some((name, value)) = split_assignment(argument) {
                self.variables.set(name, value, true);
            } else if is_name(argument) {
                let value = self.variables.get(argument).unwrap_or_default().to_string();
                self.variables.set(argument, &value, true);
            } else {
                self.report(output, &format!("export: {argument}: bad variable name"));
                return 1;
            }
        }
        0
    }

    fn not_found(&self, name: &str, output: &mut Output) -> i32 {
        if self.shell_name == "bash" {
            output.err(format!("bash: {name}: command not found\n").as_bytes());
        } else {
            self.report(output, &format!("{name}: not found"));
        }
        EXIT_NOT_FOUND
    }

    fn report(&self, output: &mut Output, message: &str) {
        output.err(format!("{}: {message}\n", self.shell_name).as_bytes());
    }

    /// Expands a word; `Ok(None)` when it vanishes (an unquoted empty expansion).
    fn expand(&self, word: &Word) -> Result<Option<String>, ()> {
        let mut text = String::new();
        let mut keep = word.parts.is_empty();
        for part in &word.parts {
            match &part.piece {
                Piece::Literal(literal) => {
                    keep = keep || part.quoted || !literal.is_empty();
                    text.push_str(literal);
                }
                Piece::LastStatus => text.push_str(&self.last_status.to_string()),
                Piece::Variable(name) if name == "0" => text.push_str(&self.shell_name),
                Piece::Variable(name) => {
                    text.push_str(self.variables.get(name).unwrap_or_default())
                }
            }
            keep = keep || part.quoted;
            if text.len() > VALUE_LIMIT {
                return Err(());
            }
        }
        Ok((keep || !text.is_empty()).then_some(text))
    }
}
