//! Attach on a real pseudo-terminal: `ktriage --demo` runs in a tmux pane;
//! the test adds a debug container with keys, checks that the UI leaves the
//! alternate screen while the shell owns the terminal (keys reach the
//! shell, not the UI; a window resize reaches it too), detaches with
//! Ctrl-P Ctrl-Q back to the same filtered list, and quits cleanly; and a
//! SIGTERM during an attach still gives the terminal back.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn std::error::Error>>;

struct Pane {
    socket: PathBuf,
}

impl Pane {
    fn start(folder: &Path) -> Result<Pane, Box<dyn std::error::Error>> {
        let pane = Pane {
            socket: folder.join("tmux-socket"),
        };
        let command = format!(
            "env XDG_STATE_HOME={state} XDG_CONFIG_HOME={config} {binary} --demo; echo EXITED $?; stty -a; sleep 30",
            state = folder.join("state").display(),
            config = folder.join("config").display(),
            binary = env!("CARGO_BIN_EXE_ktriage"),
        );
        pane.tmux(&[
            "new-session",
            "-d",
            "-s",
            "attach",
            "-x",
            "100",
            "-y",
            "30",
            &command,
        ])?;
        Ok(pane)
    }

    fn tmux(&self, arguments: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let output = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["-f", "/dev/null"])
            .args(arguments)
            .stdin(Stdio::null())
            .output()?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!("tmux {arguments:?} failed: {stderr}").into());
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    fn keys(&self, keys: &[&str]) -> TestResult {
        let mut arguments = vec!["send-keys", "-t", "attach"];
        arguments.extend_from_slice(keys);
        self.tmux(&arguments)?;
        // Let each batch be read on its own (Esc then a key reads as Alt-key).
        std::thread::sleep(Duration::from_millis(150));
        Ok(())
    }

    fn text(&self, text: &str) -> TestResult {
        self.tmux(&["send-keys", "-t", "attach", "-l", text])?;
        std::thread::sleep(Duration::from_millis(150));
        Ok(())
    }

    fn screen(&self) -> Result<String, Box<dyn std::error::Error>> {
        self.tmux(&["capture-pane", "-p", "-t", "attach"])
    }

    fn alternate_screen(&self) -> Result<String, Box<dyn std::error::Error>> {
        Ok(self
            .tmux(&["display-message", "-p", "-t", "attach", "#{alternate_on}"])?
            .trim()
            .to_string())
    }

    /// Wait until the screen shows `needle`.
    fn expect(&self, needle: &str) -> Result<String, Box<dyn std::error::Error>> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen()?;
            if screen.contains(needle) {
                return Ok(screen);
            }
            if Instant::now() > deadline {
                return Err(format!("the pane never showed {needle:?}:\n{screen}").into());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ignored = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .stdin(Stdio::null())
            .output();
    }
}

#[test]
fn attach_hands_the_tty_to_the_shell_and_detach_gives_it_back() -> TestResult {
    let folder = tempfile::tempdir()?;
    let pane = Pane::start(folder.path())?;
    pane.expect("storefront-")?;
    assert_eq!(pane.alternate_screen()?, "1");
    pane.text(":ns payments")?;
    pane.keys(&["Enter"])?;
    pane.expect("ledger-")?;
    pane.keys(&["/"])?;
    pane.text("ledger")?;
    pane.keys(&["Enter"])?;
    pane.keys(&["d"])?;
    pane.expect("enforces no Pod Security level")?;
    pane.keys(&["Enter"])?;
    pane.expect("Ctrl-P Ctrl-Q returns to ktriage")?;
    assert_eq!(pane.alternate_screen()?, "0", "the UI did not step aside");
    // Keys the UI would act on (q quits, / filters) go to the shell.
    pane.text("echo \"q\"-/done")?;
    pane.keys(&["Enter"])?;
    pane.expect("q-/done")?;
    pane.tmux(&["resize-window", "-t", "attach", "-x", "90", "-y", "28"])?;
    std::thread::sleep(Duration::from_millis(500));
    pane.text("echo cols=$COLUMNS")?;
    pane.keys(&["Enter"])?;
    pane.expect("cols=90")?;
    pane.keys(&["C-p"])?;
    pane.keys(&["C-q"])?;
    let back = pane.expect("detached from debugger-")?;
    assert_eq!(pane.alternate_screen()?, "1");
    assert!(back.contains("/ledger"), "the filter was lost:\n{back}");
    // The UI reads keys again.
    pane.keys(&["q"])?;
    let ended = pane.expect("EXITED")?;
    assert!(ended.contains("EXITED 0"), "{ended}");
    let audit = std::fs::read_to_string(folder.path().join("state/ktriage/audit.log"))?;
    assert_eq!(audit.lines().count(), 2, "{audit}");
    Ok(())
}

/// The ktriage process of the pane: the child of the pane's shell.
fn ktriage_pid(pane: &Pane) -> Result<String, Box<dyn std::error::Error>> {
    let shell = pane.tmux(&["display-message", "-p", "-t", "attach", "#{pane_pid}"])?;
    let output = Command::new("ps")
        .args(["-o", "pid=", "--ppid", shell.trim()])
        .output()?;
    let pid = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if pid.is_empty() || pid.contains(char::is_whitespace) {
        return Err(format!("cannot tell the ktriage process: {pid:?}").into());
    }
    Ok(pid)
}

#[test]
fn a_signal_during_an_attach_gives_the_terminal_back() -> TestResult {
    let folder = tempfile::tempdir()?;
    let pane = Pane::start(folder.path())?;
    pane.expect("storefront-")?;
    pane.text(":ns payments")?;
    pane.keys(&["Enter"])?;
    pane.expect("ledger-")?;
    pane.keys(&["d"])?;
    pane.expect("enforces no Pod Security level")?;
    pane.keys(&["Enter"])?;
    pane.expect("Ctrl-P Ctrl-Q returns to ktriage")?;
    let pid = ktriage_pid(&pane)?;
    let sent = Command::new("kill").args(["-TERM", &pid]).status()?;
    assert!(sent.success());
    let ended = pane.expect("EXITED")?;
    assert_eq!(pane.alternate_screen()?, "0");
    // `stty -a` after the program: canonical mode and echo are back.
    let after = pane.expect("icanon")?;
    let flags: Vec<&str> = after.split_whitespace().collect();
    assert!(
        flags.contains(&"icanon") && flags.contains(&"echo"),
        "{ended}"
    );
    Ok(())
}
