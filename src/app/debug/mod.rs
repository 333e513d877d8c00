//! Debug containers, attach and exec as the state machine sees them: the
//! debug dialog (image, target, profile, command, run-as user, the pod's
//! existing ephemeral containers, Pod Security advice), the progress of a
//! new container until it runs, the exec dialog, and the messages and
//! effects that connect them to the cluster layer. Pure: the patch, the
//! watch and the terminal bridge are carried out elsewhere.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::{AppState, Level, View};
use crate::model::debug::{DebugSpec, Profile, generated_name, split_command};
use crate::model::pod_security::{Advice, Enforcement, advise};
use crate::model::safe_text::SafeText;
use crate::model::typed_text::TypedText;
use crate::protocol::Effect;
use crate::protocol::debug::{
    ContainerProgress, DebugEffect, DebugEvent, ExistingContainer, Identity, RECENT_IMAGES,
    SessionEnd, SessionKind, SessionRequest,
};

/// The image offered when none was used before and the config names none.
pub const DEFAULT_IMAGE: &str = "busybox";

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
    pub namespace: SafeText,
    pub pod: SafeText,
    pub name: SafeText,
    pub containers: Vec<SafeText>,
    pub target: usize,
    pub image: TypedText,
    pub profile: Profile,
    pub command: TypedText,
    pub run_as_user: TypedText,
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
        let text = self.run_as_user.as_typed().trim();
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
            namespace: self.namespace.to_string(),
            pod: self.pod.to_string(),
            name: self.name.to_string(),
            image: self.image.as_typed().trim().to_string(),
            target: self.containers.get(self.target).map(SafeText::to_string),
            profile: self.profile,
            command: split_command(self.command.as_typed()),
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
    pub namespace: SafeText,
    pub pod: SafeText,
    pub container: SafeText,
    pub image: TypedText,
    pub profile: Profile,
    pub audit_id: Option<SafeText>,
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
    pub namespace: SafeText,
    pub pod: SafeText,
    pub containers: Vec<SafeText>,
    pub container: usize,
    pub shell: Shell,
    pub custom: TypedText,
}

impl ExecDialog {
    pub fn command(&self) -> Vec<String> {
        match self.shell {
            Shell::Sh => vec!["sh".to_string()],
            Shell::Bash => vec!["bash".to_string()],
            Shell::Custom => split_command(self.custom.as_typed()),
        }
    }

    /// The command as the dialog shows it: its words, one space apart.
    pub fn shown_command(&self) -> SafeText {
        SafeText::from_untrusted(&self.command().join(" "))
    }
}

/// The debug flow on screen, if any.
#[derive(Debug, Clone, PartialEq)]
pub enum DebugFlow {
    Dialog(Box<DebugDialog>),
    Progress(DebugProgress),
    Exec(ExecDialog),
}

mod events;
mod keys;
mod open;

pub use events::{event, show_terminated_debug_container};
pub use keys::key;
pub use open::{open_dialog, open_exec};

#[cfg(test)]
mod tests;
/// Debug containers, attach and exec.
#[derive(Debug, Clone, Default)]
pub struct Debugging {
    /// The debug dialog, a new debug container's progress or the exec dialog.
    pub flow: Option<super::debug::DebugFlow>,
    pub defaults: super::debug::DebugDefaults,
    /// Debug dialogs opened, so each generated container name differs.
    pub serial: u64,
}
