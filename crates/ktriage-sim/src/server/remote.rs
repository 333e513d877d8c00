//! exec and attach over WebSocket (`v5.channel.k8s.io`, `v4.channel.k8s.io`):
//! the channel protocol (stdin 0, stdout 1, stderr 2, status 3, resize 4,
//! close 255), the exit status Status on channel 3, and the simulated shell
//! that containers run. Nothing runs on the host.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::super::kubelet::ContainerView;
use super::super::resources::PODS;
use super::super::shell::{InteractiveShell, ShellContext, run_command, shell_available};
use super::super::status::ApiError;
use super::Shared;
use super::logs::resolve_container;
use super::request::{Query, ResourcePath};

/// Shells of attachable containers, kept across attach sessions.
pub type Shells =
    Mutex<HashMap<(String, String, String), Arc<tokio::sync::Mutex<InteractiveShell>>>>;

const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const STATUS: u8 = 3;

struct Session {
    namespace: String,
    pod: String,
    container: String,
    stdin: bool,
    stdout: bool,
    stderr: bool,
    tty: bool,
    command: Vec<String>,
    attach: bool,
    view: ContainerView,
}

pub async fn serve(
    shared: Arc<Shared>,
    path: ResourcePath,
    query: Query,
    request: Request,
) -> Result<Response, ApiError> {
    let namespace = path.namespace.clone().unwrap_or_default();
    let name = path.name.clone().unwrap_or_default();
    let attach = path.subresource.as_deref() == Some("attach");
    let pod = shared
        .cluster
        .store
        .get(&PODS, &namespace, &name)
        .ok_or_else(|| ApiError::not_found("", "pods", &name))?
        .value()?;
    let container = resolve_container(&pod, &name, query.get("container"))?;
    if pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty) {
        return Err(ApiError::bad_request(format!(
            "pod {name} does not have a host assigned"
        )));
    }
    let (stdin, stdout, stderr, tty) = (
        query.flag("stdin"),
        query.flag("stdout"),
        query.flag("stderr"),
        query.flag("tty"),
    );
    if !(stdin || stdout || stderr) {
        return Err(ApiError::bad_request(
            "you must specify at least 1 of stdin, stdout, stderr",
        ));
    }
    let command = query.all("command");
    if !attach && command.is_empty() {
        return Err(ApiError::bad_request(
            "you must specify at least one command for the container",
        ));
    }
    let view = shared
        .cluster
        .kubelet
        .container_view(&namespace, &name, &container)
        .filter(|view| view.running)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "unable to upgrade connection: container not found (\"{container}\")"
            ))
        })?;
    let (mut parts, _body) = request.into_parts();
    let upgrade = WebSocketUpgrade::from_request_parts(&mut parts, &())
        .await
        .map_err(|_| ApiError::bad_request("Upgrade request required"))?;
    let session = Session {
        namespace,
        pod: name,
        container,
        stdin,
        stdout,
        stderr,
        tty,
        command,
        attach,
        view,
    };
    Ok(upgrade
        .protocols(["v5.channel.k8s.io", "v4.channel.k8s.io"])
        .on_upgrade(move |socket| async move { run(shared, session, socket).await })
        .into_response())
}

fn context(session: &Session) -> ShellContext {
    let mut env = session.view.env.clone();
    env.push((
        "KUBERNETES_SERVICE_HOST".to_string(),
        "10.96.0.1".to_string(),
    ));
    env.push(("KUBERNETES_SERVICE_PORT".to_string(), "443".to_string()));
    let main = if session.view.command.is_empty() {
        "/pause".to_string()
    } else {
        session.view.command.join(" ")
    };
    ShellContext {
        hostname: session.pod.clone(),
        pod: session.pod.clone(),
        namespace: session.namespace.clone(),
        container: session.container.clone(),
        image: session.view.image.clone(),
        env,
        processes: vec![(1, main)],
        memory_limit_bytes: session.view.memory_limit,
        now: jiff::Timestamp::now(),
    }
}

fn frame(channel: u8, payload: &[u8]) -> Message {
    let mut bytes = Vec::with_capacity(payload.len() + 1);
    bytes.push(channel);
    bytes.extend_from_slice(payload);
    Message::Binary(bytes.into())
}

fn exit_status(code: i32, command: &[String]) -> Value {
    if code == 0 {
        return json!({"metadata": {}, "status": "Success"});
    }
    json!({
        "metadata": {}, "status": "Failure",
        "message": format!("command terminated with non-zero exit code: error executing command [{}], exit code {code}", command.join(" ")),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
    })
}

async fn send(socket: &mut WebSocket, channel: u8, payload: &[u8]) -> bool {
    payload.is_empty() || socket.send(frame(channel, payload)).await.is_ok()
}

async fn finish(socket: &mut WebSocket, status: &Value) {
    let _ = socket
        .send(frame(STATUS, status.to_string().as_bytes()))
        .await;
    let close = axum::extract::ws::CloseFrame {
        code: axum::extract::ws::close_code::NORMAL,
        reason: "".into(),
    };
    let _ = socket.send(Message::Close(Some(close))).await;
    // The closing handshake: read (and drop) what the client still sends
    // until its Close arrives. Dropping the connection with unread input
    // makes the kernel reset it, and the client may then lose the status.
    let drained = tokio::time::timeout(std::time::Duration::from_secs(2), async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    });
    let _ = drained.await;
}

fn is_shell(command: &[String]) -> bool {
    command.len() == 1
        && matches!(
            command[0].rsplit('/').next(),
            Some("sh" | "bash" | "ash" | "zsh")
        )
}

async fn run(shared: Arc<Shared>, session: Session, mut socket: WebSocket) {
    let first = if session.stdout {
        STDOUT
    } else if session.stderr {
        STDERR
    } else {
        STATUS
    };
    if socket.send(frame(first, &[])).await.is_err() {
        return;
    }
    let context = context(&session);
    let interactive = is_shell(&session.command) && session.stdin;
    if !session.attach && !interactive {
        let output = run_command(&context, &session.command);
        if output.exit_code == 127
            && String::from_utf8_lossy(&output.stderr).contains("OCI runtime exec failed")
        {
            let message = format!(
                "error executing command in container: failed to exec in container: failed to start exec: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
            finish(&mut socket, &json!({"metadata": {}, "status": "Failure", "message": message, "reason": "InternalError", "code": 500})).await;
            return;
        }
        let stdout_ok = !session.stdout || send(&mut socket, STDOUT, &output.stdout).await;
        let stderr_channel = if session.tty { STDOUT } else { STDERR };
        let stderr_ok = !(session.stderr || session.tty)
            || send(&mut socket, stderr_channel, &output.stderr).await;
        if stdout_ok && stderr_ok {
            finish(
                &mut socket,
                &exit_status(output.exit_code, &session.command),
            )
            .await;
        }
        return;
    }
    if session.attach && !session.view.stdin {
        follow_output(&shared, &session, &mut socket).await;
        return;
    }
    if !session.attach && !shell_available(&session.view.image, &session.command[0]) {
        let message = format!(
            "error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{}\": executable file not found in $PATH: unknown",
            session.command[0]
        );
        finish(&mut socket, &json!({"metadata": {}, "status": "Failure", "message": message, "reason": "InternalError", "code": 500})).await;
        return;
    }
    let key = (
        session.namespace.clone(),
        session.pod.clone(),
        session.container.clone(),
    );
    let shell = if session.attach {
        let mut shells = match shared.shells.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        shells
            .entry(key)
            .or_insert_with(|| {
                Arc::new(tokio::sync::Mutex::new(InteractiveShell::new(
                    context.clone(),
                    session.view.tty,
                )))
            })
            .clone()
    } else {
        Arc::new(tokio::sync::Mutex::new(InteractiveShell::new(
            context.clone(),
            session.tty,
        )))
    };
    let greeting = shell.lock().await.start();
    if !send(&mut socket, STDOUT, &greeting).await {
        return;
    }
    let command = if session.attach {
        vec![session.container.clone()]
    } else {
        session.command.clone()
    };
    while let Some(Ok(message)) = socket.recv().await {
        let step = match message {
            Message::Binary(bytes) if !bytes.is_empty() => match bytes[0] {
                0 => shell.lock().await.feed(&bytes[1..]),
                4 => {
                    if let Ok(size) = serde_json::from_slice::<Value>(&bytes[1..]) {
                        let width = size["Width"].as_u64().unwrap_or(80) as u16;
                        let height = size["Height"].as_u64().unwrap_or(24) as u16;
                        shell.lock().await.resize(width, height);
                    }
                    continue;
                }
                255 if bytes.get(1) == Some(&0) => shell.lock().await.close_stdin(),
                _ => continue,
            },
            Message::Close(_) => return,
            _ => continue,
        };
        if !send(&mut socket, STDOUT, &step.output).await
            || !send(
                &mut socket,
                if session.tty { STDOUT } else { STDERR },
                &step.error_output,
            )
            .await
        {
            return;
        }
        if let Some(code) = step.exit {
            if session.attach {
                // Attach does not learn the exit code; the stream just ends.
                shared.cluster.kubelet.process_exited(
                    &session.namespace,
                    &session.pod,
                    &session.container,
                    code,
                );
                finish(&mut socket, &exit_status(0, &command)).await;
            } else {
                finish(&mut socket, &exit_status(code, &command)).await;
            }
            return;
        }
    }
}

/// Attach to a container that reads no input: stream what it writes.
async fn follow_output(shared: &Arc<Shared>, session: &Session, socket: &mut WebSocket) {
    let Some(instance) = session.view.current_id.clone() else {
        return;
    };
    let mut next = shared
        .cluster
        .kubelet
        .logs()
        .read_instance(
            &session.namespace,
            &session.pod,
            &session.container,
            &instance,
            0,
            std::time::Instant::now(),
        )
        .map_or(0, |read| read.next);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_millis(100)) => {}
            message = socket.recv() => match message {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                _ => continue,
            },
        }
        let Some(read) = shared.cluster.kubelet.logs().read_instance(
            &session.namespace,
            &session.pod,
            &session.container,
            &instance,
            next,
            std::time::Instant::now(),
        ) else {
            return;
        };
        next = read.next;
        let mut bytes = Vec::new();
        for line in &read.lines {
            bytes.extend_from_slice(line.text.as_bytes());
            bytes.extend_from_slice(if session.tty { b"\r\n" } else { b"\n" });
        }
        if !send(socket, STDOUT, &bytes).await {
            return;
        }
        if read.ended {
            finish(socket, &exit_status(0, &[])).await;
            return;
        }
    }
}
