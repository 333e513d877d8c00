//! Hostile cluster text through the whole program down to the bytes a
//! terminal receives: the real loop, the real terminal writer (without a
//! tty), the demo cluster's pod whose annotation tries a title change and a
//! colour, and its log-like literal lines. No OSC, no BEL, no C1 control
//! reaches the output; the text shows in caret notation instead.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ktriage::app::msg::Msg;
use ktriage::run::event_loop::Screen;
use ktriage::terminal::{SessionSettings, TerminalSession, draw_synchronized};
use ktriage::ui::Theme;
use tokio::sync::mpsc;

use crate::common;
use crate::harness;

#[derive(Clone, Default)]
struct Bytes(Arc<Mutex<Vec<u8>>>);

impl Write for Bytes {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buffer);
        Ok(buffer.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct ByteScreen(TerminalSession<Bytes>);

impl Screen for ByteScreen {
    fn size(&self) -> (u16, u16) {
        (160, 100)
    }

    fn draw(&mut self, render: &dyn Fn(&mut ratatui::Frame)) -> std::io::Result<()> {
        draw_synchronized(&mut self.0, |frame| render(frame))
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}

/// The whole program on a byte screen against the demo cluster: the keys
/// to send, the bytes written, the loop's task and the cluster.
async fn program() -> (
    mpsc::Sender<Msg>,
    Bytes,
    tokio::task::JoinHandle<()>,
    common::Sim,
) {
    let bytes = Bytes::default();
    let session =
        TerminalSession::enter_with(bytes.clone(), SessionSettings::without_tty(160, 100))
            .expect("a session");
    let program = harness::start_program(
        ByteScreen(session),
        common::fast_demo(1.0),
        "admin",
        false,
        Theme::colored(),
    )
    .await;
    (program.keys, bytes, program.task, program.sim)
}

/// No escape sequence from the cluster reached the terminal.
fn assert_neutralised(raw: &[u8]) {
    let text = String::from_utf8_lossy(raw);
    assert!(
        !text.contains("\u{1b}]"),
        "an OSC sequence reached the terminal"
    );
    assert!(!raw.contains(&0x07), "a BEL reached the terminal");
    assert!(!text.contains('\u{9b}'), "a C1 CSI reached the terminal");
}

/// Wait for the hostile pod to be listed, filter to it and press `key` on it.
async fn on_hostile_pod(keys: &mpsc::Sender<Msg>, bytes: &Bytes, key: KeyCode) {
    let output = || String::from_utf8_lossy(&bytes.0.lock().expect("lock")).into_owned();
    let listed = common::eventually(Duration::from_secs(20), || async {
        output().contains("hostile-logs").then_some(())
    })
    .await;
    assert!(listed.is_some(), "the pod never showed");
    for key in [KeyCode::Char('/')]
        .into_iter()
        .chain("hostile".chars().map(KeyCode::Char))
        .chain([KeyCode::Enter, key])
    {
        keys.send(Msg::Key(KeyEvent::new(key, KeyModifiers::NONE)))
            .await
            .expect("sent");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_annotations_reach_the_terminal_neutralised() {
    let (keys, bytes, task, _sim) = program().await;
    let output = || String::from_utf8_lossy(&bytes.0.lock().expect("lock")).into_owned();
    on_hostile_pod(&keys, &bytes, KeyCode::Enter).await;
    let shown = common::eventually(Duration::from_secs(20), || async {
        output().contains("pwned^G^[[31mred").then_some(())
    })
    .await;
    if shown.is_none() {
        let text = output();
        let tail: String = text
            .chars()
            .rev()
            .take(3000)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        panic!(
            "the detail view never showed the annotation; the last bytes:\n{}",
            tail.escape_debug()
        );
    }
    task.abort();
    let raw = bytes.0.lock().expect("lock").clone();
    assert_neutralised(&raw);
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.contains("^[]0;pwned^G"),
        "the title change is not shown as text"
    );
    let _ = std::io::stdout().flush();
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_log_lines_reach_the_terminal_neutralised() {
    let (keys, bytes, task, _sim) = program().await;
    let output = || String::from_utf8_lossy(&bytes.0.lock().expect("lock")).into_owned();
    on_hostile_pod(&keys, &bytes, KeyCode::Char('l')).await;
    let shown = common::eventually(Duration::from_secs(20), || async {
        output().contains("aGVsbG8gY2xpcGJvYXJk^G").then_some(())
    })
    .await;
    task.abort();
    assert!(shown.is_some(), "the log view never showed the lines");
    let raw = bytes.0.lock().expect("lock").clone();
    assert_neutralised(&raw);
    let text = String::from_utf8_lossy(&raw);
    // Only changed cells are written, so words arrive apart: look for
    // each word that holds a neutralised sequence.
    for visible in [
        "^[]0;window",
        "^[]52;c;aGVsbG8gY2xpcGJvYXJk^G",
        "^[[2J^[[H",
        "[GREEN]",
        "[\"a\",\"b\"]",
        "bell^G",
        "backspace^H",
        "carriage^Mreturn",
    ] {
        assert!(text.contains(visible), "{visible:?} is not shown as text");
    }
}
