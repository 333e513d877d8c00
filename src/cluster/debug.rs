//! Debug containers against the API: read the pod and its namespace's Pod
//! Security level for the dialog, send the patch through the mutation gate,
//! watch the new container until it runs or ends, learn how an attached
//! process ended, and say every failure in the engineer's words. Also the
//! small file of recently used images. Never draws, never owns UI state.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use futures::future::{BoxFuture, FutureExt};
use k8s_openapi::api::core::v1::{ContainerStatus, Namespace, Pod};
use kube::Client;
use kube::api::Api;
use kube::runtime::{WatchStreamExt, watcher};
use tokio::sync::mpsc;

use super::gate::{GateError, MutationGate};
use super::watch::describe_client_error;
use crate::model::debug::DebugSpec;
use crate::model::pod_security::{ENFORCE_LABEL, Enforcement, Level};
use crate::model::safe_text::SafeText;
use crate::protocol::ClusterEvent;
use crate::protocol::debug::{
    ContainerProgress, DebugEffect, DebugEvent, ExistingContainer, Identity, PodInspection,
    RECENT_IMAGES,
};

/// Say why the API (or the gate) refused, naming what the engineer lacks.
/// `verb` and `resource` are what was attempted (`patch`,
/// `pods/ephemeralcontainers`).
pub fn explain(
    error: &GateError,
    verb: &str,
    resource: &str,
    namespace: &str,
    pod: &str,
) -> String {
    let status = match error {
        GateError::Api(status) => status,
        other => return other.to_string(),
    };
    let message = status.message.trim();
    match status.code {
        403 if message.contains("User \"") && message.contains(" cannot ") => {
            format!("not allowed: {verb} {resource} in {namespace} (the API said: {message})")
        }
        403 => format!("rejected by admission policy: {message}"),
        404 => {
            let named_pod = status
                .details
                .as_ref()
                .is_some_and(|details| details.name == pod);
            if named_pod {
                format!("pod {namespace}/{pod} no longer exists")
            } else {
                format!(
                    "ephemeral containers are disabled or unsupported on this cluster (404 on {resource})"
                )
            }
        }
        422 => format!("the API rejected the container: {message}"),
        401 => "the API server refused the credentials (401): log in again".to_string(),
        code => format!("{message} ({code})"),
    }
}

fn text(value: &str) -> SafeText {
    SafeText::from_untrusted(value)
}

/// A container status as progress.
pub fn progress_of(status: Option<&ContainerStatus>) -> ContainerProgress {
    let Some(state) = status.and_then(|s| s.state.as_ref()) else {
        return ContainerProgress::Pending;
    };
    if let Some(terminated) = &state.terminated {
        return ContainerProgress::Terminated {
            reason: text(terminated.reason.as_deref().unwrap_or("Terminated")),
            exit_code: terminated.exit_code,
            message: text(terminated.message.as_deref().unwrap_or_default()),
        };
    }
    if state.running.is_some() {
        return ContainerProgress::Running;
    }
    match &state.waiting {
        Some(waiting) => ContainerProgress::Waiting {
            reason: text(waiting.reason.as_deref().unwrap_or_default()),
            message: text(waiting.message.as_deref().unwrap_or_default()),
        },
        None => ContainerProgress::Pending,
    }
}

fn ephemeral_status<'a>(pod: &'a Pod, container: &str) -> Option<&'a ContainerStatus> {
    pod.status
        .as_ref()
        .and_then(|s| s.ephemeral_container_statuses.as_ref())
        .and_then(|list| list.iter().find(|s| s.name == container))
}

/// What the dialog shows of a pod: its containers and ephemeral containers.
pub fn inspection(pod: &Pod) -> PodInspection {
    let spec = pod.spec.as_ref();
    let mut containers: Vec<String> = spec
        .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    containers.extend(
        spec.and_then(|s| s.init_containers.as_ref())
            .into_iter()
            .flatten()
            .map(|c| c.name.clone()),
    );
    let ephemeral = spec
        .and_then(|s| s.ephemeral_containers.as_ref())
        .into_iter()
        .flatten()
        .map(|c| ExistingContainer {
            name: text(&c.name),
            image: text(c.image.as_deref().unwrap_or_default()),
            progress: progress_of(ephemeral_status(pod, &c.name)),
        })
        .collect();
    PodInspection {
        containers,
        ephemeral,
    }
}

/// The namespace's enforced Pod Security level, if it may be read.
async fn enforcement(client: Client, namespace: &str) -> Enforcement {
    let namespaces: Api<Namespace> = Api::all(client);
    match namespaces.get(namespace).await {
        Ok(found) => match found
            .metadata
            .labels
            .as_ref()
            .and_then(|labels| labels.get(ENFORCE_LABEL))
        {
            None => Enforcement::None,
            Some(value) => match Level::from_label(value) {
                Some(level) => Enforcement::Enforced(level),
                None => Enforcement::Unknown(text(&format!(
                    "namespace {namespace} has an unknown level {:?}",
                    text(value).as_str()
                ))),
            },
        },
        Err(kube::Error::Api(status)) if status.code == 403 => Enforcement::Unknown(text(
            &format!("not allowed to read namespace {namespace} (get namespaces)"),
        )),
        Err(error) => Enforcement::Unknown(text(&describe_client_error(&error))),
    }
}

/// Read what the debug dialog needs.
pub async fn inspect(client: Client, namespace: String, pod: String) -> DebugEvent {
    let pods: Api<Pod> = Api::namespaced(client.clone(), &namespace);
    let (result, enforcement) = tokio::join!(pods.get(&pod), enforcement(client, &namespace));
    DebugEvent::Inspected {
        result: result
            .map(|found| inspection(&found))
            .map_err(|error| text(&describe_client_error(&error))),
        namespace,
        pod,
        enforcement,
    }
}

async fn send(sender: &mpsc::Sender<ClusterEvent>, event: DebugEvent) -> bool {
    sender.send(ClusterEvent::Debug(event)).await.is_ok()
}

/// Add the container, then report its progress until it runs or ends.
pub async fn create(
    gate: MutationGate,
    client: Client,
    sender: mpsc::Sender<ClusterEvent>,
    spec: DebugSpec,
    existing: Vec<String>,
    identity: Identity,
    recent_images: Option<PathBuf>,
) {
    let body = spec.patch_body(&existing);
    let patched = match gate.create_debug_container(&spec, &body, &identity).await {
        Ok(patched) => patched,
        Err(error) => {
            let error = explain(
                &error,
                "patch",
                "pods/ephemeralcontainers",
                &spec.namespace,
                &spec.pod,
            );
            send(
                &sender,
                DebugEvent::CreateFailed {
                    error: text(&error),
                },
            )
            .await;
            return;
        }
    };
    if !send(
        &sender,
        DebugEvent::Created {
            container: spec.name.clone(),
            audit_id: patched.audit_id.clone(),
        },
    )
    .await
    {
        return;
    }
    let mut last = progress_of(ephemeral_status(&patched.pod, &spec.name));
    if let (ContainerProgress::Running, Some(path)) = (&last, &recent_images) {
        remember_image(path, &spec.image);
    }
    if !send(
        &sender,
        DebugEvent::Progressed {
            container: spec.name.clone(),
            progress: last.clone(),
        },
    )
    .await
    {
        return;
    }
    let pods: Api<Pod> = Api::namespaced(client, &spec.namespace);
    let config = watcher::Config::default().fields(&format!("metadata.name={}", spec.pod));
    let stream = watcher(pods, config).default_backoff().applied_objects();
    let mut stream = std::pin::pin!(stream);
    while !matches!(
        last,
        ContainerProgress::Running | ContainerProgress::Terminated { .. }
    ) {
        let Some(item) = stream.next().await else {
            return;
        };
        let Ok(pod) = item else {
            continue;
        };
        let progress = progress_of(ephemeral_status(&pod, &spec.name));
        if progress == last {
            continue;
        }
        last = progress.clone();
        if let (ContainerProgress::Running, Some(path)) = (&last, &recent_images) {
            remember_image(path, &spec.image);
        }
        if !send(
            &sender,
            DebugEvent::Progressed {
                container: spec.name.clone(),
                progress,
            },
        )
        .await
        {
            return;
        }
    }
}

/// The task that carries out a debug effect, and the slot it runs in (a
/// new task replaces the one in its slot). Sessions are the application
/// loop's: they need the terminal.
pub fn task(
    effect: DebugEffect,
    gate: MutationGate,
    client: Client,
    sender: mpsc::Sender<ClusterEvent>,
    recent_images: Option<PathBuf>,
) -> Option<(&'static str, BoxFuture<'static, ()>)> {
    match effect {
        DebugEffect::Inspect { namespace, pod } => Some((
            "debug-inspect",
            async move {
                let event = inspect(client, namespace, pod).await;
                send(&sender, event).await;
            }
            .boxed(),
        )),
        DebugEffect::Create {
            spec,
            existing,
            identity,
        } => Some((
            WATCH_SLOT,
            create(
                gate,
                client,
                sender,
                spec,
                existing,
                identity,
                recent_images,
            )
            .boxed(),
        )),
        DebugEffect::LearnExitCode {
            namespace,
            pod,
            container,
        } => Some((
            "debug-exit",
            async move {
                let exit_code = learn_exit_code(client, &namespace, &pod, &container).await;
                send(
                    &sender,
                    DebugEvent::ExitCodeLearned {
                        container,
                        exit_code,
                    },
                )
                .await;
            }
            .boxed(),
        )),
        DebugEffect::CancelWatch | DebugEffect::Session(_) => None,
    }
}

/// The slot of the task that creates and watches a debug container.
pub const WATCH_SLOT: &str = "debug";

/// After an attach ends, how the container's process ended: attach itself
/// does not carry the exit code, the container status does.
pub async fn learn_exit_code(
    client: Client,
    namespace: &str,
    pod: &str,
    container: &str,
) -> Option<i32> {
    let pods: Api<Pod> = Api::namespaced(client, namespace);
    for _ in 0..20 {
        if let Ok(found) = pods.get(pod).await {
            let status = ephemeral_status(&found, container).or_else(|| {
                found
                    .status
                    .as_ref()
                    .and_then(|s| s.container_statuses.as_ref())
                    .and_then(|list| list.iter().find(|s| s.name == container))
            });
            if let ContainerProgress::Terminated { exit_code, .. } = progress_of(status) {
                return Some(exit_code);
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    None
}

/// The images used before, most recent first (one per line).
pub fn read_recent_images(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .take(RECENT_IMAGES)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Put `image` first in the recent images file.
pub fn remember_image(path: &Path, image: &str) {
    let mut images = read_recent_images(path);
    images.retain(|known| known != image);
    images.insert(0, image.to_string());
    images.truncate(RECENT_IMAGES);
    let mut text = images.join("\n");
    text.push('\n');
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Err(error) = std::fs::write(path, text) {
        tracing::warn!(%error, "recent images not saved");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::core::Status;
    use kube::core::response::StatusDetails;

    fn api(code: u16, message: &str, name: &str) -> GateError {
        GateError::Api(Box::new(
            Status::failure(message, "")
                .with_code(code)
                .with_details(StatusDetails {
                    name: name.to_string(),
                    group: String::new(),
                    kind: "pods".to_string(),
                    uid: String::new(),
                    causes: Vec::new(),
                    retry_after_seconds: 0,
                }),
        ))
    }

    fn explained(error: GateError) -> String {
        explain(
            &error,
            "patch",
            "pods/ephemeralcontainers",
            "team-a",
            "api-1",
        )
    }

    #[test]
    fn refusals_are_said_in_the_engineers_words() {
        assert_eq!(
            explained(api(
                403,
                r#"pods "api-1" is forbidden: User "viewer" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "team-a""#,
                "api-1"
            )),
            r#"not allowed: patch pods/ephemeralcontainers in team-a (the API said: pods "api-1" is forbidden: User "viewer" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "team-a")"#
        );
        assert_eq!(
            explained(api(
                403,
                r#"pods "api-1" is forbidden: violates PodSecurity "restricted:latest": privileged"#,
                "api-1"
            )),
            r#"rejected by admission policy: pods "api-1" is forbidden: violates PodSecurity "restricted:latest": privileged"#
        );
        assert!(
            explained(api(
                404,
                "the server could not find the requested resource",
                ""
            ))
            .contains("ephemeral containers are disabled or unsupported on this cluster")
        );
        assert_eq!(
            explained(api(404, r#"pods "api-1" not found"#, "api-1")),
            "pod team-a/api-1 no longer exists"
        );
        assert_eq!(
            explained(api(
                422,
                r#"Pod "api-1" is invalid: spec.ephemeralContainers[0].name: Duplicate value: "x""#,
                "api-1"
            )),
            r#"the API rejected the container: Pod "api-1" is invalid: spec.ephemeralContainers[0].name: Duplicate value: "x""#
        );
        assert!(explained(GateError::ReadOnly).contains("nothing was sent"));
    }

    #[test]
    fn recent_images_are_remembered_most_recent_first() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("state/recent-images");
        assert!(read_recent_images(&path).is_empty());
        remember_image(&path, "busybox");
        remember_image(&path, "nicolaka/netshoot");
        remember_image(&path, "busybox");
        assert_eq!(read_recent_images(&path), ["busybox", "nicolaka/netshoot"]);
    }
}
