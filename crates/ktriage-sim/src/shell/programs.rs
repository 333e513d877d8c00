//! The programs a simulated container has on its `PATH` (`echo`, `ls`, `cat`, `ps`, `env`,
//! `date`, `uname`, ...), each a pure function of its arguments and the container's
//! context that writes busybox-like output. Shell builtins and `sh` itself live in
//! `session`; these functions must never sleep, read host state or run host processes.

use super::ShellContext;
use super::files::{self, Node};
use super::output::Output;

/// Everything a program may look at.
pub(super) struct Invocation<'a> {
    pub context: &'a ShellContext,
    pub name: &'a str,
    pub arguments: &'a [String],
    pub working_directory: &'a str,
    pub environment: &'a [(String, String)],
    pub tty: bool,
}

const PROGRAMS: [&str; 15] = [
    "cat", "date", "echo", "env", "false", "hostname", "id", "ls", "printenv", "ps", "pwd",
    "sleep", "true", "uname", "whoami",
];

const KERNEL_RELEASE: &str = "6.8.0-sim";
const KERNEL_VERSION: &str = "#1 SMP PREEMPT_DYNAMIC";

pub(super) fn is_program(name: &str) -> bool {
    PROGRAMS.contains(&name)
}

/// The executables an image has in `/bin`.
pub(super) fn names(image: &str) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = PROGRAMS.to_vec();
    names.extend(
        ["ash", "bash", "dash", "sh"]
            .into_iter()
            .filter(|shell| super::shell_available(image, shell)),
    );
    names
}

/// Runs a program and returns its exit code.
pub(super) fn run(invocation: &Invocation, output: &mut Output) -> i32 {
    let arguments = invocation.arguments;
    match invocation.name {
        "true" => 0,
        "false" => 1,
        "echo" => echo(arguments, output),
        "hostname" => hostname(invocation, output),
        "env" => env(invocation, output),
        "printenv" => printenv(invocation, output),
        "ps" => ps(invocation.context, output),
        "id" => id(arguments, output),
        "whoami" => line(output, "root"),
        "pwd" => line(output, invocation.working_directory),
        "ls" => list(invocation, output),
        "cat" => concatenate(invocation, output),
        "uname" => uname(invocation.context, arguments, output),
        "sleep" => sleep(arguments, output),
        "date" => date(invocation.context, arguments, output),
        other => {
            output.err(format!("{other}: applet not found\n").as_bytes());
            super::EXIT_NOT_FOUND
        }
    }
}

fn line(output: &mut Output, text: &str) -> i32 {
    output.out(text.as_bytes());
    output.out(b"\n");
    0
}

fn echo(arguments: &[String], output: &mut Output) -> i32 {
    let mut newline = true;
    let mut escapes = false;
    let mut words = arguments;
    while let Some(first) = words.first() {
        let Some(flags) = first.strip_prefix('-') else {
            break;
        };
        if flags.is_empty() || !flags.chars().all(|flag| matches!(flag, 'n' | 'e' | 'E')) {
            break;
        }
        for flag in flags.chars() {
            match flag {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        words = &words[1..];
    }
    let mut text = words.join(" ");
    if escapes {
        text = text
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\\\", "\\");
    }
    output.out(text.as_bytes());
    if newline {
        output.out(b"\n");
    }
    0
}

fn hostname(invocation: &Invocation, output: &mut Output) -> i32 {
    if invocation
        .arguments
        .iter()
        .any(|argument| !argument.starts_with('-'))
    {
        output.err(b"hostname: sethostname: Operation not permitted\n");
        return 1;
    }
    line(output, &invocation.context.hostname)
}

fn env(invocation: &Invocation, output: &mut Output) -> i32 {
    let mut environment = invocation.environment.to_vec();
    for argument in invocation.arguments {
        match argument.split_once('=') {
            Some((name, value)) => {
                environment.retain(|(existing, _)| existing != name);
                environment.push((name.to_string(), value.to_string()));
            }
            None if argument == "-i" => environment.clear(),
            None => {
                let message = format!("env: can't execute '{argument}': not supported here\n");
                output.err(message.as_bytes());
                return 126;
            }
        }
    }
    for (name, value) in &environment {
        output.out(format!("{name}={value}\n").as_bytes());
    }
    0
}

fn printenv(invocation: &Invocation, output: &mut Output) -> i32 {
    if invocation.arguments.is_empty() {
        return env(invocation, output);
    }
    let mut status = 0;
    for name in invocation.arguments {
        match invocation.environment.iter().find(|(key, _)| key == name) {
            Some((_, value)) => {
                line(output, value);
            }
            None => status = 1,
        }
    }
    status
}

fn ps(context: &ShellContext, output: &mut Output) -> i32 {
    output.out(b"PID   USER     TIME  COMMAND\n");
    let mut processes = context.processes.clone();
    processes.sort_by_key(|(pid, _)| *pid);
    let own_pid = processes.last().map_or(1, |(pid, _)| pid.saturating_add(1));
    processes.push((own_pid, "ps".into()));
    for (pid, command_line) in processes {
        output.out(format!("{pid:>5} {:<8} {:>5} {command_line}\n", "root", "0:00").as_bytes());
    }
    0
}

fn id(arguments: &[String], output: &mut Output) -> i32 {
    let flags: String = arguments
        .iter()
        .filter_map(|argument| argument.strip_prefix('-'))
        .collect();
    let names = flags.contains('n');
    if flags.contains('u') || flags.contains('g') {
        return line(output, if names { "root" } else { "0" });
    }
    line(output, "uid=0(root) gid=0(root) groups=0(root)")
}

fn list(invocation: &Invocation, output: &mut Output) -> i32 {
    let mut long = false;
    let mut all = false;
    let mut paths: Vec<&str> = Vec::new();
    for argument in invocation.arguments {
        match argument.strip_prefix('-') {
            Some(flags) if !flags.is_empty() => {
                long = long || flags.contains('l');
                all = all || flags.contains('a');
            }
            _ => paths.push(argument),
        }
    }
    let several = paths.len() > 1;
    if paths.is_empty() {
        paths.push(".");
    }
    let mut status = 0;
    for (index, path) in paths.iter().enumerate() {
        let absolute = files::resolve(invocation.working_directory, path);
        let entries: Vec<(String, String)> = match files::lookup(invocation.context, &absolute) {
            None => {
                output.err(format!("ls: {path}: No such file or directory\n").as_bytes());
                status = 1;
                continue;
            }
            Some(Node::File(_)) => vec![(path.to_string(), absolute)],
            Some(Node::Directory(names)) => {
                if several {
                    let separator = if index > 0 { "\n" } else { "" };
                    output.out(format!("{separator}{path}:\n").as_bytes());
                }
                let hidden = if all { vec![".", ".."] } else { Vec::new() };
                hidden
                    .into_iter()
                    .map(String::from)
                    .chain(names)
                    .map(|name| {
                        let full = files::resolve(&absolute, &name);
                        (name, full)
                    })
                    .collect()
            }
        };
        if long {
            for (name, full) in &entries {
                output.out(long_entry(invocation.context, name, full).as_bytes());
            }
        } else if invocation.tty && !entries.is_empty() {
            let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
            line(output, &names.join("  "));
        } else {
            for (name, _) in &entries {
                line(output, name);
            }
        }
    }
    status
}

fn long_entry(context: &ShellContext, name: &str, full: &str) -> String {
    let (mode, links, size) = match files::lookup(context, full) {
        Some(Node::Directory(_)) => ("drwxr-xr-x", 2, 4096),
        Some(Node::File(bytes)) if full.starts_with("/bin/") || full.starts_with("/usr/bin/") => {
            ("-rwxr-xr-x", 1, bytes.len().max(1024))
        }
        Some(Node::File(bytes)) => ("-rw-r--r--", 1, bytes.len()),
        None => ("-rw-r--r--", 1, 0),
    };
    let when = jiff::fmt::strtime::format("%b %e %H:%M", context.now).unwrap_or_default();
    format!("{mode} {links:>4} root     root     {size:>9} {when} {name}\n")
}

fn concatenate(invocation: &Invocation, output: &mut Output) -> i32 {
    let mut status = 0;
    for path in invocation.arguments.iter().filter(|path| *path != "-") {
        let absolute = files::resolve(invocation.working_directory, path);
        match files::lookup(invocation.context, &absolute) {
            Some(Node::File(bytes)) => output.out(&bytes),
            Some(Node::Directory(_)) => {
                output.err(b"cat: read error: Is a directory\n");
                status = 1;
            }
            None => {
                let message = format!("cat: can't open '{path}': No such file or directory\n");
                output.err(message.as_bytes());
                status = 1;
            }
        }
    }
    status
}

fn uname(context: &ShellContext, arguments: &[String], output: &mut Output) -> i32 {
    let mut flags: String = arguments
        .iter()
        .filter_map(|argument| argument.strip_prefix('-'))
        .collect();
    if flags.contains('a') {
        flags = "snrvmo".into();
    } else if flags.is_empty() {
        flags = "s".into();
    }
    let fields = [
        ('s', "Linux"),
        ('n', context.hostname.as_str()),
        ('r', KERNEL_RELEASE),
        ('v', KERNEL_VERSION),
        ('m', "x86_64"),
        ('o', "GNU/Linux"),
    ];
    let selected: Vec<&str> = fields
        .iter()
        .filter(|(flag, _)| flags.contains(*flag))
        .map(|(_, value)| *value)
        .collect();
    line(output, &selected.join(" "))
}

fn sleep(arguments: &[String], output: &mut Output) -> i32 {
    if arguments.is_empty() {
        output.err(b"sleep: missing operand\n");
        return 1;
    }
    for argument in arguments {
        let number = argument.trim_end_matches(['s', 'm', 'h', 'd']);
        let valid = number
            .parse::<f64>()
            .is_ok_and(|seconds| seconds.is_finite() && seconds >= 0.0);
        if !valid {
            output.err(format!("sleep: invalid number '{argument}'\n").as_bytes());
            return 1;
        }
    }
    0
}

fn date(context: &ShellContext, arguments: &[String], output: &mut Output) -> i32 {
    let format = arguments
        .iter()
        .find_map(|argument| argument.strip_prefix('+'))
        .unwrap_or("%a %b %e %H:%M:%S UTC %Y");
    match jiff::fmt::strtime::format(format, context.now) {
        Ok(text) => line(output, &text),
        Err(_) => {
            output.err(format!("date: invalid format '{format}'\n").as_bytes());
            1
        }
    }
}
