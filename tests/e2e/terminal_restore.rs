//! The terminal is given back on every way out, checked on a real
//! pseudo-terminal: each case runs this test binary again inside a tmux pane
//! (with an environment variable that turns `probe_process_entry` into a
//! probe), lets the probe take the terminal over and leave by returning,
//! panicking, or on SIGTERM, SIGHUP or SIGINT, then runs `stty -a` in the same
//! pane and asks tmux about the alternate screen and the cursor. A control
//! case exits without restoring, to show the checks do see a leak.

use ktriage::terminal::{
    TerminalSession, draw_synchronized, install_panic_hook, spawn_signal_listener,
};
use ratatui::widgets::Paragraph;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PROBE_MODE: &str = "KTRIAGE_TERMINAL_PROBE";
const PROBE_FOLDER: &str = "KTRIAGE_TERMINAL_PROBE_FOLDER";
const WAIT_LIMIT: Duration = Duration::from_secs(10);
const PANIC_MESSAGE: &str = "probe panicked on purpose";

/// Does nothing in a normal test run; inside a tmux pane it is the probe.
#[test]
fn probe_process_entry() -> TestResult {
    let Ok(mode) = std::env::var(PROBE_MODE) else {
        return Ok(());
    };
    let folder = PathBuf::from(std::env::var(PROBE_FOLDER)?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run_probe(&mode, &folder))
}

/// `probe_process_entry` as the test binary names it: its module path
/// without the crate's name.
fn probe_test_name() -> String {
    match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::probe_process_entry"),
        None => "probe_process_entry".to_string(),
    }
}

async fn run_probe(mode: &str, folder: &Path) -> TestResult {
    install_panic_hook();
    let mut session = TerminalSession::enter()?;
    let mut signals = spawn_signal_listener()?;
    draw_synchronized(&mut session, |frame| {
        frame.render_widget(Paragraph::new("ktriage terminal probe"), frame.area());
    })?;
    let during = Command::new("stty")
        .arg("-a")
        .stdin(Stdio::inherit())
        .output()?;
    std::fs::write(folder.join("stty-during"), &during.stdout)?;
    std::fs::write(folder.join("ready"), std::process::id().to_string())?;
    match mode {
        "return" => Ok(()),
        "panic" => panic!("{PANIC_MESSAGE}"),
        "panic-while-attached" => {
            // As during an attach: main screen, raw mode kept, the tty read
            // by the bridge's reader.
            session.suspend()?;
            let (_input, _reader) = ktriage::terminal::console::TtyInput::start()?;
            panic!("{PANIC_MESSAGE}")
        }
        "signal" => {
            let arrived = tokio::time::timeout(WAIT_LIMIT, signals.recv())
                .await?
                .ok_or("the signal listener stopped")?;
            std::fs::write(folder.join("signal"), arrived.name())?;
            drop(session);
            Ok(())
        }
        "exit-without-restore" => std::process::exit(3),
        other => Err(format!("unknown probe mode {other}").into()),
    }
}

/// A tmux server on its own socket in the case's folder, killed when the
/// test ends either way; the socket goes with the folder.
struct TmuxServer {
    socket: PathBuf,
}

impl TmuxServer {
    fn start(folder: &Path, command: &str) -> Result<TmuxServer, Box<dyn std::error::Error>> {
        let server = TmuxServer {
            socket: folder.join("tmux-socket"),
        };
        server.run(&[
            "new-session",
            "-d",
            "-s",
            "probe",
            "-x",
            "80",
            "-y",
            "24",
            command,
        ])?;
        Ok(server)
    }

    fn run(&self, arguments: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let output = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["-f", "/dev/null"])
            .args(arguments)
            .stdin(Stdio::null())
            .output()
            .map_err(|error| format!("cannot run tmux (is it installed?): {error}"))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!("tmux {arguments:?} failed: {stderr}").into());
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }

    /// "1" while the pane shows the alternate screen.
    fn alternate_screen(&self) -> Result<String, Box<dyn std::error::Error>> {
        self.run(&["display-message", "-p", "-t", "probe", "#{alternate_on}"])
    }

    /// "1" while the pane's cursor is visible.
    fn cursor_visible(&self) -> Result<String, Box<dyn std::error::Error>> {
        self.run(&["display-message", "-p", "-t", "probe", "#{cursor_flag}"])
    }

    /// The main screen and its history, as text.
    fn screen_text(&self) -> Result<String, Box<dyn std::error::Error>> {
        self.run(&["capture-pane", "-p", "-S", "-", "-t", "probe"])
    }
}

impl Drop for TmuxServer {
    fn drop(&mut self) {
        let _ignored = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn wait_for_file(path: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let deadline = Instant::now() + WAIT_LIMIT;
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(path) {
            return Ok(text);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{} did not appear within {WAIT_LIMIT:?}", path.display()).into())
}

/// The `stty -a` flags that are set and cleared, such as `icanon` or `-echo`.
fn stty_flags(text: &str) -> Vec<&str> {
    text.split([' ', '\n', ';'])
        .filter(|flag| !flag.is_empty())
        .collect()
}

fn assert_raw_mode(stty: &str) {
    let flags = stty_flags(stty);
    assert!(flags.contains(&"-icanon"), "not raw: {stty}");
    assert!(flags.contains(&"-echo"), "not raw: {stty}");
}

fn assert_cooked_mode(stty: &str) {
    let flags = stty_flags(stty);
    assert!(flags.contains(&"icanon"), "raw mode was left on: {stty}");
    assert!(flags.contains(&"echo"), "raw mode was left on: {stty}");
}

/// A probe running in a tmux pane, and the files it and the pane leave.
/// The server is stopped before its folder is removed.
struct ProbeRun {
    tmux: TmuxServer,
    folder: tempfile::TempDir,
}

impl ProbeRun {
    fn start(mode: &str) -> Result<ProbeRun, Box<dyn std::error::Error>> {
        let folder = tempfile::tempdir()?;
        let executable = std::env::current_exe()?;
        let place = |name: &str| shell_quote(&folder.path().join(name).to_string_lossy());
        let command = format!(
            "{PROBE_MODE}={mode} {PROBE_FOLDER}={folder_path} RUST_BACKTRACE=0 \
             {executable} {probe} --exact --nocapture --test-threads=1; \
             echo $? > {exit_status}; stty -a > {stty_after}; touch {finished}; sleep 30",
            folder_path = shell_quote(&folder.path().to_string_lossy()),
            executable = shell_quote(&executable.to_string_lossy()),
            probe = probe_test_name(),
            exit_status = place("exit-status"),
            stty_after = place("stty-after"),
            finished = place("finished"),
        );
        let tmux = TmuxServer::start(folder.path(), &command)?;
        Ok(ProbeRun { tmux, folder })
    }

    fn file(&self, name: &str) -> PathBuf {
        self.folder.path().join(name)
    }

    fn wait_until_ready(&self) -> Result<String, Box<dyn std::error::Error>> {
        Ok(wait_for_file(&self.file("ready"))?.trim().to_owned())
    }

    /// Waits for the probe to end; returns its exit status.
    fn wait_until_finished(&self) -> Result<String, Box<dyn std::error::Error>> {
        wait_for_file(&self.file("finished"))?;
        Ok(std::fs::read_to_string(self.file("exit-status"))?
            .trim()
            .to_owned())
    }

    fn read(&self, name: &str) -> Result<String, Box<dyn std::error::Error>> {
        Ok(std::fs::read_to_string(self.file(name))?)
    }

    /// The probe had raw mode on while it ran; after it, the pane is back
    /// in canonical mode with echo, on the main screen, with a cursor.
    fn assert_given_back(&self) -> TestResult {
        assert_raw_mode(&self.read("stty-during")?);
        assert_cooked_mode(&self.read("stty-after")?);
        assert_eq!(self.tmux.alternate_screen()?, "0");
        assert_eq!(self.tmux.cursor_visible()?, "1");
        Ok(())
    }
}

fn signal_case(signal: &str, expected_name: &str) -> TestResult {
    let probe = ProbeRun::start("signal")?;
    let process_id = probe.wait_until_ready()?;
    assert_eq!(probe.tmux.alternate_screen()?, "1");
    assert_eq!(probe.tmux.cursor_visible()?, "0");
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &process_id])
        .status()?;
    assert!(sent.success());
    assert_eq!(probe.wait_until_finished()?, "0");
    assert_eq!(probe.read("signal")?, expected_name);
    probe.assert_given_back()
}

#[test]
fn a_normal_return_gives_the_terminal_back() -> TestResult {
    let probe = ProbeRun::start("return")?;
    assert_eq!(probe.wait_until_finished()?, "0");
    probe.assert_given_back()
}

#[test]
fn a_panic_gives_the_terminal_back_before_its_message() -> TestResult {
    let probe = ProbeRun::start("panic")?;
    assert_eq!(probe.wait_until_finished()?, "101");
    probe.assert_given_back()?;
    let screen = probe.tmux.screen_text()?;
    assert!(screen.contains(PANIC_MESSAGE), "message lost: {screen}");
    Ok(())
}

#[test]
fn a_panic_during_an_attach_gives_the_terminal_back() -> TestResult {
    let probe = ProbeRun::start("panic-while-attached")?;
    assert_eq!(probe.wait_until_finished()?, "101");
    probe.assert_given_back()?;
    let screen = probe.tmux.screen_text()?;
    assert!(screen.contains(PANIC_MESSAGE), "message lost: {screen}");
    Ok(())
}

#[test]
fn sigterm_gives_the_terminal_back() -> TestResult {
    signal_case("TERM", "SIGTERM")
}

#[test]
fn sighup_gives_the_terminal_back() -> TestResult {
    signal_case("HUP", "SIGHUP")
}

#[test]
fn sigint_from_kill_gives_the_terminal_back() -> TestResult {
    signal_case("INT", "SIGINT")
}

#[test]
fn exiting_without_a_restore_is_seen_as_a_leak() -> TestResult {
    let probe = ProbeRun::start("exit-without-restore")?;
    assert_eq!(probe.wait_until_finished()?, "3");
    assert_raw_mode(&probe.read("stty-after")?);
    assert_eq!(probe.tmux.alternate_screen()?, "1");
    Ok(())
}
