//! The cluster layer's reports folded into the debug flows: the pod read,
//! the patch accepted or refused, the new container's progress, and how a
//! terminal session ended.

use super::open::identity;
use super::*;
use crate::protocol::debug::PodInspection;

/// The debug container ended before it could be attached: say how, and
/// show its logs (what it printed before it ended).
pub fn show_terminated_debug_container(
    state: &mut AppState,
    namespace: &str,
    pod: &str,
    container: &str,
) -> Vec<Effect> {
    if let Some((reason, code)) = match &state.debug.flow {
        Some(DebugFlow::Progress(progress)) => match &progress.progress {
            Some(ContainerProgress::Terminated {
                reason, exit_code, ..
            }) => Some((reason.as_str().to_string(), *exit_code)),
            _ => None,
        },
        _ => None,
    } {
        crate::app::session::info(
            state,
            if code == 0 {
                Level::Info
            } else {
                Level::Warning
            },
            &format!(
                "{container} in {namespace}/{pod} ended before it could be attached: {reason}, exit code {code}"
            ),
        );
    }
    state.debug.flow = None;
    crate::app::logs::update::open(
        state,
        crate::protocol::logs::LogTarget::Container {
            namespace: namespace.to_string(),
            pod: pod.to_string(),
            container: container.to_string(),
        },
    )
}

/// A failed session in a few words: a missing shell (distroless images)
/// points at a debug container instead of the runtime's long message.
fn session_failure(what: &str, request: &SessionRequest, error: &SafeText) -> SafeText {
    let text = error.as_str();
    if let SessionKind::Exec(command) = &request.kind
        && text.contains("executable file not found")
    {
        let program = command.first().map_or("", String::as_str);
        return SafeText::from_untrusted(&format!(
            "{what} failed: the image has no {program}; press d to debug it with a debug container"
        ));
    }
    SafeText::from_untrusted(&format!("{what} failed: {text}"))
}

/// Fold a report of the cluster layer into the state.
pub fn event(state: &mut AppState, event: DebugEvent) -> Vec<Effect> {
    match event {
        DebugEvent::Inspected {
            namespace,
            pod,
            result,
            enforcement,
        } => inspected(state, &namespace, &pod, result, enforcement),
        DebugEvent::Created {
            container,
            audit_id,
        } => created(state, container, audit_id),
        DebugEvent::CreateFailed { error } => {
            if let Some(DebugFlow::Dialog(dialog)) = state.debug.flow.as_mut() {
                dialog.sending = false;
                dialog.error = Some(error);
            }
        }
        DebugEvent::Progressed {
            container,
            progress,
        } => return progressed(state, container, progress),
        DebugEvent::SessionEnded { request, end } => return session_ended(state, request, end),
        DebugEvent::ExitCodeLearned {
            container,
            exit_code: Some(code),
        } => crate::app::session::info(
            state,
            if code == 0 {
                Level::Info
            } else {
                Level::Warning
            },
            &format!("attach to {container} ended: exit code {code}"),
        ),
        DebugEvent::ExitCodeLearned { .. } => {}
    }
    Vec::new()
}

/// The pod was read: its containers, its ephemeral containers and its
/// namespace's Pod Security level fill the dialog that asked.
fn inspected(
    state: &mut AppState,
    namespace: &str,
    pod: &str,
    result: Result<PodInspection, SafeText>,
    enforcement: Enforcement,
) {
    if let Some(DebugFlow::Dialog(dialog)) = state.debug.flow.as_mut()
        && dialog.namespace == namespace
        && dialog.pod == pod
    {
        dialog.enforcement = enforcement;
        // Offer a profile the namespace admits, unless one was picked.
        if !dialog.profile_chosen
            && let Advice::Rejected {
                instead: Some(instead),
                ..
            } = dialog.advice()
        {
            dialog.profile = instead;
        }
        match result {
            Ok(inspection) => {
                dialog.inspected = true;
                if !inspection.containers.is_empty() {
                    let current = dialog.containers.get(dialog.target).cloned();
                    dialog.containers = inspection
                        .containers
                        .iter()
                        .map(|name| SafeText::from_untrusted(name))
                        .collect();
                    dialog.target = current
                        .and_then(|c| dialog.containers.iter().position(|n| *n == c))
                        .unwrap_or(0);
                }
                dialog.existing = inspection.ephemeral;
            }
            Err(error) => {
                // Without the pod the patch lists no earlier
                // containers; the API still merges by name.
                dialog.inspected = true;
                dialog.error = Some(SafeText::from_untrusted(&format!(
                    "cannot read the pod: {}",
                    error.as_str()
                )));
            }
        }
    }
}

/// The API accepted the patch: the dialog becomes the container's progress.
fn created(state: &mut AppState, container: String, audit_id: Option<String>) {
    let Some(DebugFlow::Dialog(dialog)) = state.debug.flow.as_ref() else {
        return;
    };
    if dialog.name != container.as_str() {
        return;
    }
    let image = TypedText::new(dialog.image.as_typed().trim());
    state.debug.flow = Some(DebugFlow::Progress(DebugProgress {
        namespace: dialog.namespace.clone(),
        pod: dialog.pod.clone(),
        container: SafeText::from_untrusted(&container),
        image,
        profile: dialog.profile,
        audit_id: audit_id.as_deref().map(SafeText::from_untrusted),
        progress: None,
        seen: Vec::new(),
    }));
}

/// The new container changed state: attach once it runs, show its logs if
/// it ended first.
fn progressed(state: &mut AppState, container: String, progress: ContainerProgress) -> Vec<Effect> {
    let Some(DebugFlow::Progress(current)) = state.debug.flow.as_mut() else {
        return Vec::new();
    };
    if current.container != container.as_str() {
        return Vec::new();
    }
    if current.seen.last() != Some(&progress) {
        current.seen.push(progress.clone());
    }
    current.progress = Some(progress.clone());
    let (namespace, pod) = (current.namespace.to_string(), current.pod.to_string());
    match progress {
        ContainerProgress::Running => {
            let image = current.image.clone();
            state.debug.defaults.remember(image.as_typed());
            state.debug.flow = None;
            return vec![Effect::Debug(DebugEffect::Session(SessionRequest {
                namespace,
                pod,
                container,
                kind: SessionKind::Attach,
                identity: identity(state),
            }))];
        }
        ContainerProgress::Terminated { .. } => {
            return show_terminated_debug_container(state, &namespace, &pod, &container);
        }
        _ => {}
    }
    Vec::new()
}

/// A terminal session ended: say how, and learn an attached process's exit
/// code when the session could not.
fn session_ended(state: &mut AppState, request: SessionRequest, end: SessionEnd) -> Vec<Effect> {
    let what = match &request.kind {
        SessionKind::Attach => format!("attach to {}", request.container),
        SessionKind::Exec(command) => {
            format!("exec {} in {}", command.join(" "), request.container)
        }
    };
    match end {
        SessionEnd::Detached => crate::app::session::info(
            state,
            Level::Info,
            &format!("detached from {}; it keeps running", request.container),
        ),
        SessionEnd::Exited(Some(code)) => crate::app::session::info(
            state,
            if code == 0 {
                Level::Info
            } else {
                Level::Warning
            },
            &format!("{what} ended: exit code {code}"),
        ),
        SessionEnd::Exited(None) => {
            crate::app::session::info(state, Level::Info, &format!("{what} ended"));
            if request.kind == SessionKind::Attach {
                return vec![Effect::Debug(DebugEffect::LearnExitCode {
                    namespace: request.namespace,
                    pod: request.pod,
                    container: request.container,
                })];
            }
        }
        SessionEnd::Failed(error) => {
            state.session.message = Some((Level::Error, session_failure(&what, &request, &error)));
        }
    }
    Vec::new()
}
