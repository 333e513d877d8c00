//! `MutationGate`: the only door through which ktriage changes a cluster or
//! opens a terminal in it (adding a debug container, attach, exec). In
//! read-only mode it refuses before any request is sent; every attempt,
//! refused or not, is written to the audit log with the API's `Audit-Id`
//! when the response carried one. Nothing else in the program sends a
//! PATCH, POST, DELETE, attach or exec.

use http_body_util::BodyExt;
use k8s_openapi::api::core::v1::Pod;
use kube::Client;
use kube::api::{Api, AttachParams, AttachedProcess};
use kube::core::Status;

use crate::audit::{Action, AuditLog, Outcome, Record};
use crate::model::debug::DebugSpec;
use crate::protocol::debug::{Identity, SessionKind, SessionRequest};

/// How the gate behaves.
#[derive(Debug, Clone)]
pub struct GateSettings {
    pub read_only: bool,
    /// `None`: nothing is recorded (only for programs that never mutate).
    pub audit: Option<AuditLog>,
}

impl Default for GateSettings {
    /// Until told otherwise the gate refuses everything.
    fn default() -> GateSettings {
        GateSettings {
            read_only: true,
            audit: None,
        }
    }
}

/// Why the gate or the API said no.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GateError {
    #[error("read-only mode: ktriage does not change the cluster (nothing was sent)")]
    ReadOnly,
    /// The API answered with an error Status.
    #[error("{}", .0.message)]
    Api(Box<Status>),
    #[error("{0}")]
    Connection(String),
}

/// The answer to a debug container patch.
#[derive(Debug, Clone)]
pub struct Patched {
    pub pod: Pod,
    pub audit_id: Option<String>,
}

#[derive(Clone)]
pub struct MutationGate {
    client: Client,
    settings: GateSettings,
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

impl MutationGate {
    pub fn new(client: Client, settings: GateSettings) -> MutationGate {
        MutationGate { client, settings }
    }

    pub fn replace_client(&mut self, client: Client) {
        self.client = client;
    }

    pub fn read_only(&self) -> bool {
        self.settings.read_only
    }

    fn write(&self, record: Record) {
        if let Some(log) = &self.settings.audit
            && let Err(error) = log.append(&record)
        {
            tracing::error!(%error, "audit record not written");
        }
    }

    fn outcome<T>(result: &Result<T, GateError>) -> Outcome {
        match result {
            Ok(_) => Outcome::Accepted,
            Err(GateError::ReadOnly) => Outcome::Refused(GateError::ReadOnly.to_string()),
            Err(error) => Outcome::Failed(error.to_string()),
        }
    }

    /// Add an ephemeral container: the strategic-merge PATCH of
    /// `pods/NAME/ephemeralcontainers` with `body`.
    pub async fn create_debug_container(
        &self,
        spec: &DebugSpec,
        body: &serde_json::Value,
        identity: &Identity,
    ) -> Result<Patched, GateError> {
        let (result, audit_id) = if self.settings.read_only {
            (Err(GateError::ReadOnly), None)
        } else {
            self.patch(&spec.namespace, &spec.pod, body).await
        };
        self.write(Record {
            time: now(),
            context: identity.context.clone(),
            user: identity.user.clone(),
            namespace: spec.namespace.clone(),
            pod: spec.pod.clone(),
            container: spec.name.clone(),
            image: spec.image.clone(),
            profile: spec.profile.name().to_string(),
            command: spec.command.clone(),
            action: Action::CreateDebugContainer,
            outcome: Self::outcome(&result),
            audit_id: audit_id.clone(),
        });
        result.map(|pod| Patched { pod, audit_id })
    }

    async fn patch(
        &self,
        namespace: &str,
        pod: &str,
        body: &serde_json::Value,
    ) -> (Result<Pod, GateError>, Option<String>) {
        let uri = format!("/api/v1/namespaces/{namespace}/pods/{pod}/ephemeralcontainers");
        let request = http::Request::builder()
            .method(http::Method::PATCH)
            .uri(uri)
            .header(
                http::header::CONTENT_TYPE,
                "application/strategic-merge-patch+json",
            )
            .header(http::header::ACCEPT, "application/json")
            .body(kube::client::Body::from(body.to_string().into_bytes()));
        let request = match request {
            Ok(request) => request,
            Err(error) => return (Err(GateError::Connection(error.to_string())), None),
        };
        let response = match self.client.send(request).await {
            Ok(response) => response,
            Err(error) => {
                return (
                    Err(GateError::Connection(super::watch::describe_client_error(
                        &error,
                    ))),
                    None,
                );
            }
        };
        let audit_id = response
            .headers()
            .get("audit-id")
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        let status = response.status();
        let bytes = match response.into_body().collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) => return (Err(GateError::Connection(error.to_string())), audit_id),
        };
        let result = if status.is_success() {
            serde_json::from_slice::<Pod>(&bytes).map_err(|error| {
                GateError::Connection(format!("the API answered with an unreadable pod: {error}"))
            })
        } else {
            Err(GateError::Api(Box::new(
                serde_json::from_slice::<Status>(&bytes).unwrap_or_else(|_| {
                    Status::failure(
                        String::from_utf8_lossy(&bytes).trim(),
                        status.canonical_reason().unwrap_or_default(),
                    )
                    .with_code(status.as_u16())
                }),
            )))
        };
        (result, audit_id)
    }

    /// Attach to a container's terminal, or run a command in it, with a TTY.
    pub async fn open_session(
        &self,
        request: &SessionRequest,
    ) -> Result<AttachedProcess, GateError> {
        let result = if self.settings.read_only {
            Err(GateError::ReadOnly)
        } else {
            self.connect(request).await
        };
        let (action, command) = match &request.kind {
            SessionKind::Attach => (Action::Attach, Vec::new()),
            SessionKind::Exec(command) => (Action::Exec, command.clone()),
        };
        self.write(Record {
            time: now(),
            context: request.identity.context.clone(),
            user: request.identity.user.clone(),
            namespace: request.namespace.clone(),
            pod: request.pod.clone(),
            container: request.container.clone(),
            image: String::new(),
            profile: String::new(),
            command,
            action,
            outcome: Self::outcome(&result),
            // The WebSocket upgrade's response headers are not handed out
            // by the client library, so attach and exec carry no Audit-Id.
            audit_id: None,
        });
        result
    }

    async fn connect(&self, request: &SessionRequest) -> Result<AttachedProcess, GateError> {
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), &request.namespace);
        let params = AttachParams::interactive_tty().container(request.container.clone());
        let connected = match &request.kind {
            SessionKind::Attach => pods.attach(&request.pod, &params).await,
            SessionKind::Exec(command) => pods.exec(&request.pod, command.clone(), &params).await,
        };
        connected.map_err(|error| match error {
            kube::Error::Api(status) => GateError::Api(status),
            other => GateError::Connection(super::watch::describe_client_error(&other)),
        })
    }
}
