//! The shell that simulated containers run, for `exec` and `attach`: a small busybox-like
//! command interpreter over an invented file system built from a [`ShellContext`]. It
//! answers one-shot commands ([`run_command`]) and interactive sessions
//! ([`InteractiveShell`]) with the bytes a real container would send. It must never start
//! a host process, read host files, sleep, or let input grow its memory without bound.

mod files;
mod interactive;
mod output;
mod programs;
mod session;
mod syntax;
mod variables;

#[cfg(test)]
mod tests;

pub use interactive::{InteractiveShell, ShellStep};

use output::Output;
use session::Session;

/// Everything the simulated container knows about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellContext {
    pub hostname: String,
    pub pod: String,
    pub namespace: String,
    pub container: String,
    pub image: String,
    pub env: Vec<(String, String)>,
    /// Process id and command line of each process the container runs.
    pub processes: Vec<(u32, String)>,
    pub memory_limit_bytes: Option<u64>,
    /// The container's clock, so that `date` is deterministic.
    pub now: jiff::Timestamp,
}

/// What a one-shot command wrote, and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandOutput {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub exit_code: i32,
}

/// The exit code of a command the container cannot find or start.
pub const EXIT_NOT_FOUND: i32 = 127;

/// Whether an image ships the given shell (`sh`, `/bin/bash`, ...).
///
/// Distroless images have no shell at all; busybox and alpine images have `sh` and `ash`
/// but no `bash`; other images are taken to be Debian-like, with `sh`, `dash` and `bash`.
pub fn shell_available(image: &str, shell: &str) -> bool {
    let image = image.to_ascii_lowercase();
    let shell = program_name(shell);
    if image.contains("distroless") {
        return false;
    }
    let minimal = image.contains("busybox") || image.contains("alpine");
    match shell {
        "sh" => true,
        "ash" => minimal,
        "bash" | "dash" => !minimal,
        _ => false,
    }
}

/// Runs one command as `kubectl exec POD -- ARGV...` would, without a terminal and
/// without standard input.
pub fn run_command(context: &ShellContext, argv: &[String]) -> CommandOutput {
    let Some(program) = argv.first() else {
        return not_executable("", "no command given");
    };
    if !program_available(&context.image, program) {
        return not_executable(program, "executable file not found in $PATH");
    }
    let mut session = Session::new(context, "sh", false);
    let mut output = Output::new(false);
    let exit_code = session.run_argv(context, argv, &mut output, 0);
    CommandOutput {
        stdout: output.stdout,
        stderr: output.stderr,
        exit_code,
    }
}

fn not_executable(program: &str, reason: &str) -> CommandOutput {
    let message = format!(
        "OCI runtime exec failed: exec failed: unable to start container process: \
         exec: \"{program}\": {reason}: unknown\n"
    );
    CommandOutput {
        stdout: Vec::new(),
        stderr: message.into_bytes(),
        exit_code: EXIT_NOT_FOUND,
    }
}

/// Whether an image has an executable of that name on its `PATH` (or at that path).
pub(crate) fn program_available(image: &str, program: &str) -> bool {
    let name = program_name(program);
    if matches!(name, "sh" | "ash" | "bash" | "dash") {
        return shell_available(image, name);
    }
    !image.to_ascii_lowercase().contains("distroless") && programs::is_program(name)
}

/// The bare name of a program given as a name or as a path in a usual binary directory.
pub(crate) fn program_name(program: &str) -> &str {
    const DIRECTORIES: [&str; 5] = [
        "/usr/local/bin/",
        "/usr/sbin/",
        "/usr/bin/",
        "/sbin/",
        "/bin/",
    ];
    DIRECTORIES
        .iter()
        .find_map(|directory| program.strip_prefix(directory))
        .filter(|name| !name.contains('/'))
        .unwrap_or(program)
}
