//! What crosses between the debug flows of the state machine and the cluster
//! layer: the effects that inspect a pod, patch in a debug container, watch
//! it and hand the terminal to an attach or exec session, and the events that
//! report each step. Data only.

use crate::model::debug::DebugSpec;
use crate::model::pod_security::Enforcement;
use crate::model::safe_text::SafeText;

/// How many recently used images are remembered.
pub const RECENT_IMAGES: usize = 8;

/// Who acts, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub context: String,
    pub user: String,
}

/// One ephemeral container already in the pod.
#[derive(Debug, Clone, PartialEq)]
pub struct ExistingContainer {
    pub name: SafeText,
    pub image: SafeText,
    pub progress: ContainerProgress,
}

/// What the dialog learns about the pod before anything is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PodInspection {
    /// Containers that can be targeted (regular, init and sidecar).
    pub containers: Vec<String>,
    pub ephemeral: Vec<ExistingContainer>,
}

/// A container's state as the kubelet reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerProgress {
    /// No status yet.
    Pending,
    Waiting {
        reason: SafeText,
        message: SafeText,
    },
    Running,
    Terminated {
        reason: SafeText,
        exit_code: i32,
        message: SafeText,
    },
}

impl ContainerProgress {
    /// `Running`, `Waiting: ErrImagePull`, `Terminated: Completed (exit code 0)`.
    pub fn label(&self) -> SafeText {
        let text = match self {
            ContainerProgress::Pending => "Pending".to_string(),
            ContainerProgress::Waiting { reason, .. } => format!("Waiting: {}", reason.as_str()),
            ContainerProgress::Running => "Running".to_string(),
            ContainerProgress::Terminated {
                reason, exit_code, ..
            } => format!("Terminated: {} (exit code {exit_code})", reason.as_str()),
        };
        SafeText::from_untrusted(&text)
    }
}

/// Attach to a container's terminal, or run a command in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionKind {
    Attach,
    Exec(Vec<String>),
}

/// A terminal session with a container, run by the application loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRequest {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub kind: SessionKind,
    pub identity: Identity,
}

/// How a terminal session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEnd {
    /// Ctrl-P Ctrl-Q: the container runs on.
    Detached,
    /// The process ended; the code when known.
    Exited(Option<i32>),
    Failed(SafeText),
}

/// I/O the debug flows ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum DebugEffect {
    /// Read the pod (containers, ephemeral containers) and its namespace's
    /// Pod Security level.
    Inspect { namespace: String, pod: String },
    /// Patch the pod, then watch the new container until it runs or ends.
    Create {
        spec: DebugSpec,
        existing: Vec<String>,
        identity: Identity,
    },
    /// Stop watching a new container.
    CancelWatch,
    /// Give the terminal to a session with a container.
    Session(SessionRequest),
    /// Learn how an attached container's process ended.
    LearnExitCode {
        namespace: String,
        pod: String,
        container: String,
    },
}

/// What the cluster layer reports about debugging.
#[derive(Debug, Clone, PartialEq)]
pub enum DebugEvent {
    Inspected {
        namespace: String,
        pod: String,
        result: Result<PodInspection, SafeText>,
        enforcement: Enforcement,
    },
    /// The API accepted the patch.
    Created {
        container: String,
        audit_id: Option<String>,
    },
    /// The patch was refused or failed; the message is for the engineer.
    CreateFailed { error: SafeText },
    Progressed {
        container: String,
        progress: ContainerProgress,
    },
    SessionEnded {
        request: SessionRequest,
        end: SessionEnd,
    },
    ExitCodeLearned {
        container: String,
        exit_code: Option<i32>,
    },
}
