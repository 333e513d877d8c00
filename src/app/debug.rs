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

fn identity(state: &AppState) -> Identity {
    Identity {
        context: state.target.context.as_str().to_string(),
        user: state.target.user.as_str().to_string(),
    }
}

/// The pod the current view points at.
struct Pointed {
    namespace: String,
    pod: String,
    /// Containers a debug container can target (not ephemeral ones).
    targets: Vec<String>,
    /// Every container, ephemeral ones included (exec can use any).
    all: Vec<String>,
    /// The container selected in the detail view.
    selected: Option<String>,
}

/// Which container the detail view has selected, by index into its list.
pub fn selected_container(state: &AppState) -> usize {
    match (&state.detail, &state.detail_container) {
        (Some(detail), Some((namespace, pod, index)))
            if detail.namespace == *namespace && detail.name == *pod =>
        {
            *index
        }
        _ => 0,
    }
}

/// ←/→ in the detail view: select the previous or next container.
pub fn select_container(state: &mut AppState, forward: bool) {
    let Some(detail) = &state.detail else {
        return;
    };
    let count = detail.detail.as_ref().map_or(0, |d| d.containers.len());
    let index = cycle(selected_container(state), count, forward);
    state.detail_container = Some((detail.namespace.clone(), detail.name.clone(), index));
}

fn pointed_pod(state: &AppState) -> Option<Pointed> {
    match state.view {
        View::Pods => state.pods.selected_row().map(|row| {
            let containers: Vec<String> = row
                .containers
                .iter()
                .map(|c| c.as_str().to_string())
                .collect();
            Pointed {
                namespace: row.namespace.as_str().to_string(),
                pod: row.name.as_str().to_string(),
                targets: containers.clone(),
                all: containers,
                selected: None,
            }
        }),
        View::PodDetail => state.detail.as_ref().map(|detail| {
            let loaded = detail
                .detail
                .as_ref()
                .map(|d| d.containers.as_slice())
                .unwrap_or_default();
            let name = |c: &crate::model::rows::ContainerDetail| c.name.as_str().to_string();
            Pointed {
                namespace: detail.namespace.clone(),
                pod: detail.name.clone(),
                targets: loaded
                    .iter()
                    .filter(|c| c.kind != crate::model::rows::ContainerKind::Ephemeral)
                    .map(name)
                    .collect(),
                all: loaded.iter().map(name).collect(),
                selected: loaded.get(selected_container(state)).map(name),
            }
        }),
        _ => None,
    }
}

fn position(list: &[String], wanted: &Option<String>) -> usize {
    wanted
        .as_ref()
        .and_then(|name| list.iter().position(|c| c == name))
        .unwrap_or(0)
}

/// A seed for the generated name: the clock, the pod and a counter.
fn name_seed(state: &AppState, pod: &str) -> u64 {
    let mut value = state.now.as_nanosecond() as u64 ^ state.debug_serial.rotate_left(32);
    for byte in pod.bytes() {
        value = (value ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    // splitmix64's finaliser spreads every input bit over the result.
    value = (value ^ (value >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

/// `d`: open the debug dialog for the pod on screen.
pub fn open_dialog(state: &mut AppState) -> Vec<Effect> {
    let Some(Pointed {
        namespace,
        pod,
        targets: containers,
        selected,
        ..
    }) = pointed_pod(state)
    else {
        super::update::info(state, Level::Info, "select a pod to debug");
        return Vec::new();
    };
    let target = position(&containers, &selected);
    state.debug_serial += 1;
    let name = generated_name(name_seed(state, &pod));
    state.debug = Some(DebugFlow::Dialog(Box::new(DebugDialog {
        namespace: namespace.clone(),
        pod: pod.clone(),
        name,
        containers,
        target,
        image: state.debug_defaults.first_image(),
        profile: Profile::General,
        profile_chosen: false,
        command: "sh".to_string(),
        run_as_user: String::new(),
        focus: Field::Image,
        existing: Vec::new(),
        inspected: false,
        enforcement: Enforcement::Pending,
        confirming: false,
        sending: false,
        error: None,
    })));
    vec![Effect::Debug(DebugEffect::Inspect { namespace, pod })]
}

/// `s`: open the exec dialog for the pod on screen.
pub fn open_exec(state: &mut AppState) -> Vec<Effect> {
    let Some(Pointed {
        namespace,
        pod,
        all: containers,
        selected,
        ..
    }) = pointed_pod(state)
    else {
        super::update::info(state, Level::Info, "select a pod to exec into");
        return Vec::new();
    };
    let container = position(&containers, &selected);
    state.debug = Some(DebugFlow::Exec(ExecDialog {
        namespace,
        pod,
        containers,
        container,
        shell: Shell::Sh,
        custom: String::new(),
    }));
    Vec::new()
}

fn cycle(index: usize, len: usize, forward: bool) -> usize {
    if len == 0 {
        return 0;
    }
    if forward {
        (index + 1) % len
    } else {
        (index + len - 1) % len
    }
}

fn edit(text: &mut String, key: &KeyEvent) {
    match key.code {
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
        KeyCode::Char(character) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.push(character)
        }
        _ => {}
    }
}

/// Keys while a debug flow is on screen.
pub fn key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let identity = identity(state);
    match state.debug.as_mut() {
        Some(DebugFlow::Dialog(dialog)) => {
            let outcome = dialog_key(dialog, key, &state.debug_defaults, identity);
            match outcome {
                DialogOutcome::Stay(effects) => effects,
                DialogOutcome::Close => {
                    state.debug = None;
                    Vec::new()
                }
                DialogOutcome::Attach(request) => {
                    state.debug = None;
                    vec![Effect::Debug(DebugEffect::Session(request))]
                }
            }
        }
        Some(DebugFlow::Progress(_)) => {
            if key.code == KeyCode::Esc {
                state.debug = None;
                super::update::info(
                    state,
                    Level::Info,
                    "stopped waiting for the debug container",
                );
                return vec![Effect::Debug(DebugEffect::CancelWatch)];
            }
            Vec::new()
        }
        Some(DebugFlow::Exec(dialog)) => match exec_key(dialog, key, identity) {
            Some(Some(request)) => {
                state.debug = None;
                vec![Effect::Debug(DebugEffect::Session(request))]
            }
            Some(None) => {
                state.debug = None;
                Vec::new()
            }
            None => Vec::new(),
        },
        None => Vec::new(),
    }
}

enum DialogOutcome {
    Stay(Vec<Effect>),
    Close,
    Attach(SessionRequest),
}

fn dialog_key(
    dialog: &mut DebugDialog,
    key: KeyEvent,
    defaults: &DebugDefaults,
    identity: Identity,
) -> DialogOutcome {
    if dialog.sending {
        return DialogOutcome::Stay(Vec::new());
    }
    if dialog.confirming {
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => {
                dialog.confirming = false;
                return DialogOutcome::Stay(send(dialog, identity));
            }
            _ => {
                dialog.confirming = false;
                return DialogOutcome::Stay(Vec::new());
            }
        }
    }
    let fields = dialog.fields();
    let position = fields.iter().position(|f| *f == dialog.focus).unwrap_or(0);
    match key.code {
        KeyCode::Esc => return DialogOutcome::Close,
        KeyCode::Tab | KeyCode::Down => {
            dialog.focus = fields[cycle(position, fields.len(), true)];
        }
        KeyCode::BackTab | KeyCode::Up => {
            dialog.focus = fields[cycle(position, fields.len(), false)];
        }
        KeyCode::Left | KeyCode::Right => {
            let forward = key.code == KeyCode::Right;
            match dialog.focus {
                Field::Image => {
                    let choices = defaults.choices();
                    let current = choices.iter().position(|c| *c == dialog.image);
                    let next = match current {
                        Some(index) => cycle(index, choices.len(), forward),
                        None => 0,
                    };
                    if let Some(image) = choices.get(next) {
                        dialog.image = image.clone();
                    }
                }
                Field::Target => {
                    dialog.target = cycle(dialog.target, dialog.containers.len(), forward)
                }
                Field::Profile => {
                    let index = Profile::ALL
                        .iter()
                        .position(|p| *p == dialog.profile)
                        .unwrap_or(0);
                    dialog.profile = Profile::ALL[cycle(index, Profile::ALL.len(), forward)];
                    dialog.profile_chosen = true;
                }
                _ => {}
            }
        }
        KeyCode::Enter => {
            if let Field::Existing(index) = dialog.focus {
                let Some(existing) = dialog.existing.get(index) else {
                    return DialogOutcome::Stay(Vec::new());
                };
                if existing.progress != ContainerProgress::Running {
                    dialog.error = Some(SafeText::from_untrusted(&format!(
                        "{} is not running ({}): only a running container can be attached",
                        existing.name.as_str(),
                        existing.progress.label()
                    )));
                    return DialogOutcome::Stay(Vec::new());
                }
                return DialogOutcome::Attach(SessionRequest {
                    namespace: dialog.namespace.clone(),
                    pod: dialog.pod.clone(),
                    container: existing.name.as_str().to_string(),
                    kind: SessionKind::Attach,
                    identity,
                });
            }
            if !dialog.inspected {
                // The patch must list the containers already there.
                dialog.error = Some(SafeText::from_trusted_static(
                    "still reading the pod; press Enter again in a moment",
                ));
                return DialogOutcome::Stay(Vec::new());
            }
            if let Err(problem) = validate(dialog) {
                dialog.error = Some(SafeText::from_untrusted(&problem));
                return DialogOutcome::Stay(Vec::new());
            }
            if dialog.profile.dangerous() {
                dialog.confirming = true;
                return DialogOutcome::Stay(Vec::new());
            }
            return DialogOutcome::Stay(send(dialog, identity));
        }
        _ => match dialog.focus {
            Field::Image => edit(&mut dialog.image, &key),
            Field::Command => edit(&mut dialog.command, &key),
            Field::RunAs => edit(&mut dialog.run_as_user, &key),
            Field::Profile => {
                // The profile's first letter picks it.
                if let KeyCode::Char(letter) = key.code
                    && let Some(profile) = Profile::ALL
                        .into_iter()
                        .find(|p| p.name().starts_with(letter))
                {
                    dialog.profile = profile;
                    dialog.profile_chosen = true;
                }
            }
            _ => {}
        },
    }
    DialogOutcome::Stay(Vec::new())
}

fn validate(dialog: &DebugDialog) -> Result<(), String> {
    if dialog.image.trim().is_empty() {
        return Err("an image is needed".to_string());
    }
    dialog.run_as()?;
    Ok(())
}

fn send(dialog: &mut DebugDialog, identity: Identity) -> Vec<Effect> {
    dialog.sending = true;
    dialog.error = None;
    vec![Effect::Debug(DebugEffect::Create {
        spec: dialog.spec(),
        existing: dialog
            .existing
            .iter()
            .map(|e| e.name.as_str().to_string())
            .collect(),
        identity,
    })]
}

/// `None`: stay; `Some(None)`: close; `Some(Some(request))`: run it.
fn exec_key(
    dialog: &mut ExecDialog,
    key: KeyEvent,
    identity: Identity,
) -> Option<Option<SessionRequest>> {
    match key.code {
        KeyCode::Esc => return Some(None),
        KeyCode::Left | KeyCode::Right => {
            dialog.container = cycle(
                dialog.container,
                dialog.containers.len(),
                key.code == KeyCode::Right,
            );
        }
        KeyCode::Tab | KeyCode::Down | KeyCode::Up | KeyCode::BackTab => {
            let order = [Shell::Sh, Shell::Bash, Shell::Custom];
            let index = order.iter().position(|s| *s == dialog.shell).unwrap_or(0);
            let forward = matches!(key.code, KeyCode::Tab | KeyCode::Down);
            dialog.shell = order[cycle(index, order.len(), forward)];
        }
        KeyCode::Enter => {
            let command = dialog.command();
            let container = dialog.containers.get(dialog.container)?.clone();
            if command.is_empty() {
                return None;
            }
            return Some(Some(SessionRequest {
                namespace: dialog.namespace.clone(),
                pod: dialog.pod.clone(),
                container,
                kind: SessionKind::Exec(command),
                identity,
            }));
        }
        _ if dialog.shell == Shell::Custom => edit(&mut dialog.custom, &key),
        _ => {}
    }
    None
}

/// The debug container ended before it could be attached. This is where
/// its logs are shown once the log view exists; until then the progress
/// view stays up with the reason and exit code.
pub fn show_terminated_debug_container(
    state: &mut AppState,
    namespace: &str,
    pod: &str,
    container: &str,
) -> Vec<Effect> {
    if let Some((reason, code)) = match &state.debug {
        Some(DebugFlow::Progress(progress)) => match &progress.progress {
            Some(ContainerProgress::Terminated {
                reason, exit_code, ..
            }) => Some((reason.as_str().to_string(), *exit_code)),
            _ => None,
        },
        _ => None,
    } {
        super::update::info(
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
    Vec::new()
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
        } => {
            if let Some(DebugFlow::Dialog(dialog)) = state.debug.as_mut()
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
                            dialog.containers = inspection.containers;
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
        DebugEvent::Created {
            container,
            audit_id,
        } => {
            let Some(DebugFlow::Dialog(dialog)) = state.debug.as_ref() else {
                return Vec::new();
            };
            if dialog.name != container {
                return Vec::new();
            }
            let image = dialog.image.trim().to_string();
            state.debug = Some(DebugFlow::Progress(DebugProgress {
                namespace: dialog.namespace.clone(),
                pod: dialog.pod.clone(),
                container,
                image,
                profile: dialog.profile,
                audit_id,
                progress: None,
                seen: Vec::new(),
            }));
        }
        DebugEvent::CreateFailed { error } => {
            if let Some(DebugFlow::Dialog(dialog)) = state.debug.as_mut() {
                dialog.sending = false;
                dialog.error = Some(error);
            }
        }
        DebugEvent::Progressed {
            container,
            progress,
        } => {
            let Some(DebugFlow::Progress(current)) = state.debug.as_mut() else {
                return Vec::new();
            };
            if current.container != container {
                return Vec::new();
            }
            if current.seen.last() != Some(&progress) {
                current.seen.push(progress.clone());
            }
            current.progress = Some(progress.clone());
            let (namespace, pod) = (current.namespace.clone(), current.pod.clone());
            match progress {
                ContainerProgress::Running => {
                    let image = current.image.clone();
                    state.debug_defaults.remember(&image);
                    state.debug = None;
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
        }
        DebugEvent::SessionEnded { request, end } => {
            let what = match &request.kind {
                SessionKind::Attach => format!("attach to {}", request.container),
                SessionKind::Exec(command) => {
                    format!("exec {} in {}", command.join(" "), request.container)
                }
            };
            match end {
                SessionEnd::Detached => super::update::info(
                    state,
                    Level::Info,
                    &format!("detached from {}; it keeps running", request.container),
                ),
                SessionEnd::Exited(Some(code)) => super::update::info(
                    state,
                    if code == 0 {
                        Level::Info
                    } else {
                        Level::Warning
                    },
                    &format!("{what} ended: exit code {code}"),
                ),
                SessionEnd::Exited(None) => {
                    super::update::info(state, Level::Info, &format!("{what} ended"));
                    if request.kind == SessionKind::Attach {
                        return vec![Effect::Debug(DebugEffect::LearnExitCode {
                            namespace: request.namespace,
                            pod: request.pod,
                            container: request.container,
                        })];
                    }
                }
                SessionEnd::Failed(error) => {
                    state.message = Some((Level::Error, session_failure(&what, &request, &error)));
                }
            }
        }
        DebugEvent::ExitCodeLearned {
            container,
            exit_code: Some(code),
        } => super::update::info(
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

/// Wrap a debug event as a cluster report.
pub fn report(event: DebugEvent) -> ClusterEvent {
    ClusterEvent::Debug(event)
}

#[cfg(test)]
#[path = "debug_tests.rs"]
mod tests;
