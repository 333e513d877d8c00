//! The names of exit codes and signals, read the way the kubelet reports a
//! termination: a process killed by signal N exits 128+N. An exit code 137
//! is any SIGKILL: the kernel's OOM killer is one sender, a `kill -9` or a
//! runtime's stop timeout are others, and an OOM kill is sometimes reported
//! with reason `Error` (kubernetes/kubernetes#19825, #53669). So 137 without
//! the reason `OOMKilled` reads `SIGKILL (OOM?)`, never as a certain OOM.
//! Pure functions; Linux signal numbers.

/// Linux's signals 1 to 31 by number.
const SIGNALS: [&str; 31] = [
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
];

/// The signal that ended a process: the kubelet's `signal` when it gave
/// one, else the signal an exit code above 128 stands for (137: SIGKILL).
/// `None` for a normal exit, and for codes like 255 (after a node restart)
/// and 128 (a start error) that name no signal.
pub fn signal_name(exit_code: i32, signal: Option<i32>) -> Option<&'static str> {
    let number = match signal {
        Some(number) => number,
        None if exit_code > 128 => exit_code - 128,
        None => return None,
    };
    let index = usize::try_from(number.checked_sub(1)?).ok()?;
    SIGNALS.get(index).copied()
}

/// A short reading of a termination for a list: `OOMKilled`,
/// `SIGKILL (OOM?)`, `Error (exit 1)`, `Error (SIGSEGV, exit 139)`,
/// `Completed`.
pub fn describe_exit(exit_code: i32, reason: &str) -> String {
    if reason == "OOMKilled" {
        return reason.to_string();
    }
    if exit_code == 137 {
        return "SIGKILL (OOM?)".to_string();
    }
    if exit_code == 0 {
        return if reason.is_empty() {
            "Completed".to_string()
        } else {
            reason.to_string()
        };
    }
    match (reason.is_empty(), signal_name(exit_code, None)) {
        (true, Some(signal)) => format!("{signal} (exit {exit_code})"),
        (true, None) => format!("exit {exit_code}"),
        (false, Some(signal)) => format!("{reason} ({signal}, exit {exit_code})"),
        (false, None) => format!("{reason} (exit {exit_code})"),
    }
}

/// `1`, `137 SIGKILL`, `139 SIGSEGV`.
pub fn exit_text(exit_code: i32, signal: Option<i32>) -> String {
    match signal_name(exit_code, signal) {
        Some(name) => format!("{exit_code} {name}"),
        None => exit_code.to_string(),
    }
}

/// `OOMKilled`; `Error (OOM?)` for a kill by signal 9 without the reason,
/// which may or may not have been the OOM killer; else the kubelet's reason.
pub fn reason_text(exit_code: i32, reason: &str) -> String {
    match (exit_code, reason) {
        (_, "OOMKilled") => reason.to_string(),
        (137, "") => "SIGKILL (OOM?)".to_string(),
        (137, other) => format!("{other} (OOM?)"),
        (_, "") => "-".to_string(),
        (_, other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_above_128_name_their_signal() {
        let named: Vec<(i32, Option<&str>)> = [129, 130, 134, 137, 139, 143, 159]
            .into_iter()
            .map(|code| (code, signal_name(code, None)))
            .collect();
        assert_eq!(
            named,
            [
                (129, Some("SIGHUP")),
                (130, Some("SIGINT")),
                (134, Some("SIGABRT")),
                (137, Some("SIGKILL")),
                (139, Some("SIGSEGV")),
                (143, Some("SIGTERM")),
                (159, Some("SIGSYS")),
            ]
        );
    }

    #[test]
    fn codes_that_name_no_signal_give_none() {
        for code in [0, 1, 2, 127, 128, 160, 255, -1] {
            assert_eq!(signal_name(code, None), None, "exit code {code}");
        }
        assert_eq!(signal_name(0, Some(0)), None);
        assert_eq!(signal_name(0, Some(64)), None);
    }

    #[test]
    fn the_kubelets_signal_wins_over_the_exit_code() {
        assert_eq!(signal_name(1, Some(15)), Some("SIGTERM"));
        assert_eq!(signal_name(137, Some(6)), Some("SIGABRT"));
    }

    #[test]
    fn a_sigkill_is_an_oom_only_when_the_kubelet_says_so() {
        assert_eq!(describe_exit(137, "OOMKilled"), "OOMKilled");
        assert_eq!(describe_exit(137, "Error"), "SIGKILL (OOM?)");
        assert_eq!(describe_exit(137, ""), "SIGKILL (OOM?)");
    }

    #[test]
    fn other_terminations_read_with_reason_and_code() {
        assert_eq!(describe_exit(1, "Error"), "Error (exit 1)");
        assert_eq!(describe_exit(139, "Error"), "Error (SIGSEGV, exit 139)");
        assert_eq!(describe_exit(143, ""), "SIGTERM (exit 143)");
        assert_eq!(describe_exit(255, "Unknown"), "Unknown (exit 255)");
        assert_eq!(
            describe_exit(127, "ContainerCannotRun"),
            "ContainerCannotRun (exit 127)"
        );
        assert_eq!(describe_exit(0, "Completed"), "Completed");
        assert_eq!(describe_exit(0, ""), "Completed");
    }
}

#[cfg(test)]
mod column_tests {
    use super::*;

    #[test]
    fn exits_and_reasons_read_as_the_kubelet_meant_them() {
        assert_eq!(exit_text(137, None), "137 SIGKILL");
        assert_eq!(exit_text(1, None), "1");
        assert_eq!(reason_text(137, "OOMKilled"), "OOMKilled");
        assert_eq!(reason_text(137, "Error"), "Error (OOM?)");
        assert_eq!(reason_text(137, ""), "SIGKILL (OOM?)");
        assert_eq!(reason_text(1, "Error"), "Error");
    }
}
