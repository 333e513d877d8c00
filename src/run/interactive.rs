//! A terminal session with a container (attach or exec), run by the
//! application loop: connect through the mutation gate while the UI is
//! still on screen (so a refusal is shown in place), then have the screen
//! step aside, bridge the terminal to the container, and take the screen
//! back when the process ends or the engineer detaches.

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

use crate::cluster::debug::explain;
use crate::cluster::gate::MutationGate;
use crate::cluster::remote::{BridgeIo, bridge};
use crate::model::safe_text::SafeText;
use crate::protocol::debug::{SessionEnd, SessionKind, SessionRequest};

/// The terminal's streams while it is lent to a session.
pub type ConsoleIo =
    BridgeIo<Box<dyn AsyncRead + Unpin + Send>, Box<dyn AsyncWrite + Unpin + Send>>;

/// A screen that can lend its terminal to a session.
pub trait Console: Send {
    /// Step the UI aside (main screen, raw mode kept, UI keys paused) and
    /// hand out the terminal's input, output and window sizes.
    fn lend(&mut self) -> std::io::Result<ConsoleIo>;
    /// Take the terminal back for the UI.
    fn take_back(&mut self) -> std::io::Result<()>;
}

fn failed(text: &str) -> SessionEnd {
    SessionEnd::Failed(SafeText::from_untrusted(text))
}

/// The line shown above the container's output.
fn banner(request: &SessionRequest) -> String {
    let what = match &request.kind {
        SessionKind::Attach => "Attached to".to_string(),
        SessionKind::Exec(command) => format!("Running {} in", command.join(" ")),
    };
    let text = SafeText::from_untrusted(&format!(
        "{what} {} in {}/{}. Ctrl-P Ctrl-Q returns to ktriage.",
        request.container, request.namespace, request.pod
    ));
    format!("\r\n{}\r\n", text.as_str())
}

/// Run one session to its end.
pub async fn run_session(
    console: Option<&mut dyn Console>,
    gate: &MutationGate,
    request: &SessionRequest,
) -> SessionEnd {
    let Some(console) = console else {
        return failed("this screen cannot lend its terminal");
    };
    let resource = match request.kind {
        SessionKind::Attach => "pods/attach",
        SessionKind::Exec(_) => "pods/exec",
    };
    let process = match gate.open_session(request).await {
        Ok(process) => process,
        Err(error) => {
            return failed(&explain(
                &error,
                "create",
                resource,
                &request.namespace,
                &request.pod,
            ));
        }
    };
    let mut io = match console.lend() {
        Ok(io) => io,
        Err(error) => {
            process.abort();
            let _ = console.take_back();
            return failed(&format!("cannot lend the terminal: {error}"));
        }
    };
    let _ = io.output.write_all(banner(request).as_bytes()).await;
    let _ = io.output.flush().await;
    let end = bridge(process, io).await;
    if let Err(error) = console.take_back() {
        return failed(&format!("cannot take the terminal back: {error}"));
    }
    match (&request.kind, end) {
        // Attach ends when the stream does; the exit code is learned from
        // the container's status.
        (SessionKind::Attach, SessionEnd::Exited(_)) => SessionEnd::Exited(None),
        (_, end) => end,
    }
}
