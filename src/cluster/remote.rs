//! The bridge between a terminal and a container's attach or exec session:
//! keys go to the container's stdin, its output to the terminal, window
//! sizes to the resize channel, until the process ends or the engineer
//! types the detach keys (Ctrl-P Ctrl-Q). Generic over any byte streams, so
//! it runs the same against a tty and against a test's pipes. It does not
//! touch the terminal's modes; the caller lends and takes back the screen.

use futures::SinkExt;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use kube::api::{AttachedProcess, TerminalSize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::model::safe_text::SafeText;
use crate::protocol::debug::SessionEnd;

/// Ctrl-P, then Ctrl-Q: leave the container running and return to the UI.
pub const DETACH_FIRST: u8 = 0x10;
pub const DETACH_SECOND: u8 = 0x11;

/// Spots the detach sequence in typed bytes. A Ctrl-P is held back until
/// the next byte shows whether it starts the sequence; if not, both are sent.
#[derive(Debug, Default, Clone)]
pub struct DetachKeys {
    holding: bool,
}

impl DetachKeys {
    /// The bytes to send on, and whether the sequence was completed (bytes
    /// after it are dropped).
    pub fn feed(&mut self, bytes: &[u8]) -> (Vec<u8>, bool) {
        let mut forward = Vec::with_capacity(bytes.len() + 1);
        for &byte in bytes {
            if self.holding {
                self.holding = false;
                if byte == DETACH_SECOND {
                    return (forward, true);
                }
                forward.push(DETACH_FIRST);
            }
            if byte == DETACH_FIRST {
                self.holding = true;
            } else {
                forward.push(byte);
            }
        }
        (forward, false)
    }
}

/// The terminal side of a bridge.
pub struct BridgeIo<I, O> {
    pub input: I,
    pub output: O,
    /// New window sizes (columns, rows).
    pub resizes: mpsc::Receiver<(u16, u16)>,
    /// The size when the bridge starts.
    pub size: (u16, u16),
}

/// The exit code in a remote command's final Status: 0 on success, the
/// `ExitCode` cause on `NonZeroExitCode`; `Err` for other failures.
pub fn exit_code(status: &Status) -> Result<i32, String> {
    if status.status.as_deref() == Some("Success") {
        return Ok(0);
    }
    if status.reason.as_deref() == Some("NonZeroExitCode") {
        let code = status
            .details
            .as_ref()
            .and_then(|d| d.causes.as_ref())
            .into_iter()
            .flatten()
            .find(|cause| cause.reason.as_deref() == Some("ExitCode"))
            .and_then(|cause| cause.message.as_deref())
            .and_then(|message| message.parse::<i32>().ok());
        if let Some(code) = code {
            return Ok(code);
        }
    }
    Err(status
        .message
        .clone()
        .unwrap_or_else(|| "the session failed".to_string()))
}

fn failed(text: &str) -> SessionEnd {
    SessionEnd::Failed(SafeText::from_untrusted(text))
}

fn size(columns: u16, rows: u16) -> TerminalSize {
    TerminalSize {
        width: columns,
        height: rows,
    }
}

/// Run the session until it ends or is detached.
pub async fn bridge<I, O>(mut process: AttachedProcess, io: BridgeIo<I, O>) -> SessionEnd
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let BridgeIo {
        mut input,
        mut output,
        mut resizes,
        size: (columns, rows),
    } = io;
    let Some(mut stdout) = process.stdout() else {
        return failed("the session has no output stream");
    };
    let mut stdin = process.stdin();
    let mut sizes = process.terminal_size();
    let status = process.take_status();
    if let Some(sizes) = sizes.as_mut() {
        let _ = sizes.send(size(columns, rows)).await;
    }
    let mut keys = DetachKeys::default();
    let mut typed = [0u8; 1024];
    let mut shown = vec![0u8; 16 * 1024];
    let mut input_open = true;
    let mut resizes_open = true;
    loop {
        tokio::select! {
            read = input.read(&mut typed), if input_open => match read {
                Ok(0) | Err(_) => input_open = false,
                Ok(count) => {
                    let (forward, detach) = keys.feed(&typed[..count]);
                    if let Some(stdin) = stdin.as_mut()
                        && !forward.is_empty()
                        && (stdin.write_all(&forward).await.is_err() || stdin.flush().await.is_err())
                    {
                        // The session is closing; its output tells how.
                        input_open = false;
                    }
                    if detach {
                        process.abort();
                        return SessionEnd::Detached;
                    }
                }
            },
            read = stdout.read(&mut shown) => match read {
                Ok(0) | Err(_) => break,
                Ok(count) => {
                    if output.write_all(&shown[..count]).await.is_err()
                        || output.flush().await.is_err()
                    {
                        process.abort();
                        return failed("the terminal cannot be written to");
                    }
                }
            },
            resized = resizes.recv(), if resizes_open => match resized {
                Some((columns, rows)) => {
                    if let Some(sizes) = sizes.as_mut() {
                        let _ = sizes.send(size(columns, rows)).await;
                    }
                }
                None => resizes_open = false,
            },
        }
    }
    let status = match status {
        Some(status) => tokio::time::timeout(std::time::Duration::from_secs(5), status)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    process.abort();
    match status {
        None => SessionEnd::Exited(None),
        Some(status) => match exit_code(&status) {
            Ok(code) => SessionEnd::Exited(Some(code)),
            Err(message) => failed(&message),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctrl_p_ctrl_q_detaches_and_other_ctrl_p_pass() {
        let mut keys = DetachKeys::default();
        assert_eq!(keys.feed(b"ls\r"), (b"ls\r".to_vec(), false));
        assert_eq!(
            keys.feed(&[DETACH_FIRST, b'x']),
            (vec![DETACH_FIRST, b'x'], false)
        );
        // The sequence split over two reads.
        assert_eq!(keys.feed(&[b'a', DETACH_FIRST]), (b"a".to_vec(), false));
        assert_eq!(keys.feed(&[DETACH_SECOND, b'z']), (Vec::new(), true));
        let mut keys = DetachKeys::default();
        assert_eq!(
            keys.feed(&[DETACH_FIRST, DETACH_FIRST, DETACH_SECOND]),
            (vec![DETACH_FIRST], true)
        );
    }

    #[test]
    fn exit_codes_come_from_the_final_status() {
        let success: Status =
            serde_json::from_str(r#"{"metadata":{},"status":"Success"}"#).unwrap();
        assert_eq!(exit_code(&success), Ok(0));
        let failure: Status = serde_json::from_str(
            r#"{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}"#,
        )
        .unwrap();
        assert_eq!(exit_code(&failure), Ok(3));
        let internal: Status = serde_json::from_str(
            r#"{"metadata":{},"status":"Failure","message":"error executing command in container: not found","reason":"InternalError","code":500}"#,
        )
        .unwrap();
        assert_eq!(
            exit_code(&internal),
            Err("error executing command in container: not found".to_string())
        );
    }
}
