//! Attach on a real pseudo-terminal: `ktriage --demo` runs in a tmux pane;
//! the test adds a debug container with keys, checks that the UI leaves the
//! alternate screen while the shell owns the terminal (keys reach the
//! shell, not the UI; a window resize reaches it too), detaches with
//! Ctrl-P Ctrl-Q back to the same filtered list, and quits cleanly.

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
            "env XDG_STATE_HOME={state} XDG_CONFIG_HOME={config} {binary} --demo; echo EXITED $?; sleep 30",
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
