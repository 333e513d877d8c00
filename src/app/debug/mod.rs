//! Debug containers, attach and exec as the state machine sees them: the
//! debug dialog (image, target, profile, command, run-as user, the pod's
//! existing ephemeral containers, Pod Security advice), the progress of a
//! new container until it runs, the exec dialog, and the messages and
//! effects that connect them to the cluster layer. Pure: the patch, the
//! watch and the terminal bridge are carried out elsewhere.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::msg::{ClusterEvent, Effect};
use super::state::{AppState, Level, View};
use crate::model::debug::{DebugSpec, Profile, generated_name, split_command};
use crate::model::pod_security::{Advice, Enforcement, advise};
use crate::model::safe_text::SafeText;

/// The image offered when none was used before and the config names none.
pub const DEFAULT_IMAGE: &str = "busybox";
/// How many recently used images are remembered.
pub const RECENT_IMAGES: usize = 8;

/// Where debugging starts from: the config's image and the recent ones.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DebugDefaults {
    /// The configured default image; `None`: busybox.
    pub image: Option<String>,
    /// Most recent first.
    pub recent: Vec<String>,
}

impl DebugDefaults {
    /// The image the dialog opens with: the last one used, else the default.
    pub fn first_image(&self) -> String {
        self.recent
            .first()
            .cloned()
            .or_else(|| self.image.clone())
            .unwrap_or_else(|| DEFAULT_IMAGE.to_string())
    }

    /// Every image offered, without repeats.
    pub fn choices(&self) -> Vec<String> {
        let mut choices = self.recent.clone();
        for image in [self.image.clone(), Some(DEFAULT_IMAGE.to_string())]
            .into_iter()
            .flatten()
        {
            if !choices.contains(&image) {
                choices.push(image);
            }
        }
        choices
    }

    /// Put `image` first.
    pub fn remember(&mut self, image: &str) {
        self.recent.retain(|known| known != image);
        self.recent.insert(0, image.to_string());
        self.recent.truncate(RECENT_IMAGES);
    }
}

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
    pub fn label(&self) -> String {
        match self {
            ContainerProgress::Pending => "Pending".to_string(),
            ContainerProgress::Waiting { reason, .. } => format!("Waiting: {}", reason.as_str()),
            ContainerProgress::Running => "Running".to_string(),
            ContainerProgress::Terminated {
                reason, exit_code, ..
            } => format!("Terminated: {} (exit code {exit_code})", reason.as_str()),
        }
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

/// A field of the debug dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Image,
    Target,
    Profile,
    Command,
    RunAs,
    /// One of the pod's existing ephemeral containers.
    Existing(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DebugDialog {
    pub namespace: String,
    pub pod: String,
    pub name: String,
    pub containers: Vec<String>,
    pub target: usize,
    pub image: String,
    pub profile: Profile,
    pub command: String,
    pub run_as_user: String,
    pub focus: Field,
    pub existing: Vec<ExistingContainer>,
    /// The pod has been read (existing containers are known).
    pub inspected: bool,
    pub enforcement: Enforcement,
    /// The sysadmin profile waits for `y`.
    pub confirming: bool,
    /// The engineer picked the profile; until then it follows the
    /// namespace's Pod Security level.
    pub profile_chosen: bool,
    pub sending: bool,
    pub error: Option<SafeText>,
}

impl DebugDialog {
    pub fn run_as(&self) -> Result<Option<i64>, String> {
        let text = self.run_as_user.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<i64>()
            .ok()
            .filter(|uid| *uid >= 0)
            .map(Some)
            .ok_or_else(|| format!("run as user must be a numeric user ID, not {text:?}"))
    }

    /// The container that would be sent now.
    pub fn spec(&self) -> DebugSpec {
        DebugSpec {
            namespace: self.namespace.clone(),
            pod: self.pod.clone(),
            name: self.name.clone(),
            image: self.image.trim().to_string(),
            target: self.containers.get(self.target).cloned(),
            profile: self.profile,
            command: split_command(&self.command),
            run_as_user: self.run_as().ok().flatten(),
        }
    }

    pub fn advice(&self) -> Advice {
        advise(
            &self.enforcement,
            self.profile,
            self.run_as().ok().flatten(),
        )
    }

    fn fields(&self) -> Vec<Field> {
        let mut fields = vec![
            Field::Image,
            Field::Target,
            Field::Profile,
            Field::Command,
            Field::RunAs,
        ];
        fields.extend((0..self.existing.len()).map(Field::Existing));
        fields
    }
}

/// A new container on its way to running.
#[derive(Debug, Clone, PartialEq)]
pub struct DebugProgress {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub image: String,
    pub profile: Profile,
    pub audit_id: Option<String>,
    /// `None` until the API accepted the patch.
    pub progress: Option<ContainerProgress>,
    /// Each distinct state seen, oldest first.
    pub seen: Vec<ContainerProgress>,
}

/// Which command the exec dialog runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Sh,
    Bash,
    Custom,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExecDialog {
    pub namespace: String,
    pub pod: String,
    pub containers: Vec<String>,
    pub container: usize,
    pub shell: Shell,
    pub custom: String,
}

impl ExecDialog {
    pub fn command(&self) -> Vec<String> {
        match self.shell {
            Shell::Sh => vec!["sh".to_string()],
            Shell::Bash => vec!["bash".to_string()],
            Shell::Custom => split_command(&self.custom),
        }
    }
}

/// The debug flow on screen, if any.
#[derive(Debug, Clone, PartialEq)]
pub enum DebugFlow {
    Dialog(Box<DebugDialog>),
    Progress(DebugProgress),
    Exec(ExecDialog),
}

/// Wrap a debug event as a cluster report.
pub fn report(event: DebugEvent) -> ClusterEvent {
    ClusterEvent::Debug(event)
}

mod events;
mod keys;
mod open;

pub use events::{event, show_terminated_debug_container};
pub use keys::key;
pub use open::{open_dialog, open_exec, select_container, selected_container};

#[cfg(test)]
mod tests;
