//! `AppState`: everything the screen shows, owned by one task and changed
//! only by `update`. Also the `Listable` impls that say how each kind of row
//! is keyed, filtered and sorted.

use jiff::Timestamp;

use super::collection::{Collection, Listable, SortKey, text_key, timestamp_key};
use super::keymap::Keymap;
use crate::model::detail::PodDetail;
use crate::model::listing::{ContextRow, NamespaceRow, NodeRow, WorkloadRow};
use crate::model::rows::{PodRow, Usage};
use crate::model::safe_text::SafeText;

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Pods,
    Workloads,
    Namespaces,
    Contexts,
    Nodes,
    PodDetail,
    Yaml,
    Logs,
}

/// Where the program is pointed.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub context: SafeText,
    pub cluster: SafeText,
    pub user: SafeText,
    /// `None`: every namespace.
    pub namespace: Option<String>,
    /// The context's own namespace, used when namespaces cannot be listed.
    pub home_namespace: String,
    pub read_only: bool,
}

/// Which pods the pods view shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodScope {
    pub label_selector: Option<String>,
    pub node: Option<String>,
    /// What the scope is called in the title (`deployment/web`, `node/node-1`).
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YamlState {
    /// The read whose reply fills this view.
    pub request: crate::protocol::RequestId,
    pub title: String,
    pub lines: Vec<SafeText>,
    pub loading: bool,
    pub error: Option<SafeText>,
    pub scroll: usize,
    pub search: String,
    pub searching: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DetailState {
    pub namespace: String,
    pub name: String,
    pub detail: Option<Box<PodDetail>>,
    pub error: Option<SafeText>,
    pub scroll: usize,
}

/// The `:` palette.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Palette {
    pub input: String,
    pub selected: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// Where the program is pointed and what it knows of the session: the
/// target, the user's rights, the clock, the screen, the status message.
#[derive(Debug, Clone)]
pub struct Session {
    pub target: Target,
    /// The rules that apply in the current namespace, once reviewed.
    pub access: Option<crate::model::access::Access>,
    /// Namespaces known without listing: the context's, other contexts', typed ones.
    pub namespace_hints: Vec<String>,
    pub keymap: Keymap,
    /// Numbers the watches: reports of a replaced watch are ignored.
    pub generation: u64,
    /// Numbers one-off reads, so a reply finds the view that asked for it.
    pub request_serial: crate::protocol::RequestId,
    pub now: Timestamp,
    pub size: (u16, u16),
    pub message: Option<(Level, SafeText)>,
    pub quit: bool,
}

/// The watched lists.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    pub contexts: Collection<ContextRow>,
    pub pods: Collection<PodRow>,
    pub workloads: Collection<WorkloadRow>,
    pub namespaces: Collection<NamespaceRow>,
    pub nodes: Collection<NodeRow>,
    /// Workloads and nodes are watched once their view is first opened.
    pub watching_workloads: bool,
    pub watching_nodes: bool,
    pub pod_scope: PodScope,
}

/// Which view is on screen, the way back, and the list filter.
#[derive(Debug, Clone)]
pub struct Navigation {
    pub view: View,
    /// The views to go back to, newest last.
    pub back: Vec<View>,
    pub filter: String,
}

/// What covers the view and takes the keys, if anything.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    Palette(Palette),
    /// The list filter's prompt is open.
    Filter,
}

impl Overlay {
    pub fn palette(&self) -> Option<&Palette> {
        match self {
            Overlay::Palette(palette) => Some(palette),
            _ => None,
        }
    }

    pub fn palette_mut(&mut self) -> Option<&mut Palette> {
        match self {
            Overlay::Palette(palette) => Some(palette),
            _ => None,
        }
    }

    /// Close the filter's prompt, if it is open.
    pub fn close_filter(&mut self) {
        if *self == Overlay::Filter {
            *self = Overlay::None;
        }
    }
}

/// Pod metrics as last read.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    pub usage: std::collections::HashMap<(String, String), Usage>,
    /// `None` until the metrics API answers once; `Some(false)` when it cannot.
    pub available: Option<bool>,
    /// The namespaces metrics are read for, when narrowed to the screen.
    pub scope: Option<Vec<String>>,
}

/// The pod detail view.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    /// The pod shown, while the view is open.
    pub current: Option<DetailState>,
    /// The container selected in the detail view: namespace, pod, index.
    pub container: Option<(String, String, usize)>,
}

/// The log view.
#[derive(Debug, Clone)]
pub struct Logs {
    /// The view, while it is open.
    pub view: Option<super::logs::LogView>,
    /// Numbers each log reading.
    pub serial: u64,
    /// Lines a log view keeps.
    pub capacity: usize,
}

/// Debug containers, attach and exec.
#[derive(Debug, Clone, Default)]
pub struct Debugging {
    /// The debug dialog, a new debug container's progress or the exec dialog.
    pub flow: Option<super::debug::DebugFlow>,
    pub defaults: super::debug::DebugDefaults,
    /// Debug dialogs opened, so each generated container name differs.
    pub serial: u64,
}

/// Everything the screen shows, in slices: each slice is changed by its own
/// update module (`navigation`, `overlay`, `lists`, `metrics`, `detail`,
/// `yaml`, `logs`, `debug`).
#[derive(Debug, Clone)]
pub struct AppState {
    pub session: Session,
    pub lists: Lists,
    pub navigation: Navigation,
    pub overlay: Overlay,
    pub metrics: Metrics,
    pub detail: Detail,
    pub yaml: Option<YamlState>,
    pub logs: Logs,
    pub debug: Debugging,
}

impl AppState {
    pub fn new(
        target: Target,
        contexts: Vec<ContextRow>,
        keymap: Keymap,
        now: Timestamp,
    ) -> AppState {
        let mut context_rows = Collection::default();
        context_rows.reset(contexts, now);
        context_rows.reindex("");
        let hints = vec![target.home_namespace.clone()];
        AppState {
            session: Session {
                target,
                access: None,
                namespace_hints: hints,
                keymap,
                generation: 0,
                request_serial: 0,
                now,
                size: (80, 24),
                message: None,
                quit: false,
            },
            lists: Lists {
                contexts: context_rows,
                ..Lists::default()
            },
            navigation: Navigation {
                view: View::Pods,
                back: Vec::new(),
                filter: String::new(),
            },
            overlay: Overlay::None,
            metrics: Metrics::default(),
            detail: Detail::default(),
            yaml: None,
            logs: Logs {
                view: None,
                serial: 0,
                capacity: super::logs::DEFAULT_CAPACITY,
            },
            debug: Debugging::default(),
        }
    }

    /// A new request id.
    pub fn next_request(&mut self) -> crate::protocol::RequestId {
        self.session.request_serial += 1;
        self.session.request_serial
    }

    /// Rebuild the visible order of every list that changed (call before drawing).
    pub fn prepare(&mut self) {
        let filter = self.navigation.filter.clone();
        let filter_for =
            |view: View, current: View| if view == current { filter.as_str() } else { "" };
        let view = self.navigation.view;
        if self.lists.pods.is_stale() {
            self.lists.pods.reindex(filter_for(View::Pods, view));
        }
        if self.lists.workloads.is_stale() {
            self.lists
                .workloads
                .reindex(filter_for(View::Workloads, view));
        }
        if self.lists.namespaces.is_stale() {
            self.lists
                .namespaces
                .reindex(filter_for(View::Namespaces, view));
        }
        if self.lists.nodes.is_stale() {
            self.lists.nodes.reindex(filter_for(View::Nodes, view));
        }
        if self.lists.contexts.is_stale() {
            self.lists
                .contexts
                .reindex(filter_for(View::Contexts, view));
        }
        let height = self.table_height();
        match self.navigation.view {
            View::Pods => self.lists.pods.scroll_into_view(height),
            View::Workloads => self.lists.workloads.scroll_into_view(height),
            View::Namespaces => self.lists.namespaces.scroll_into_view(height),
            View::Nodes => self.lists.nodes.scroll_into_view(height),
            View::Contexts => self.lists.contexts.scroll_into_view(height),
            View::PodDetail | View::Yaml | View::Logs => {}
        }
    }

    /// Rows of table the body has room for: the screen less header (2),
    /// table header (1), status line (1) and the table's border (2).
    pub fn table_height(&self) -> usize {
        usize::from(self.session.size.1.saturating_sub(6)).max(1)
    }

    /// Whether a command's needs are met: `Err` names what is missing.
    pub fn permitted(&self, command: &super::commands::Command) -> Result<(), String> {
        let Some(access) = &self.session.access else {
            return Ok(());
        };
        for need in command.needs {
            if access.allows(need.verb, "", need.resource) == Some(false) {
                return Err(format!(
                    "{} {} in {}",
                    need.verb, need.resource, access.namespace
                ));
            }
        }
        Ok(())
    }

    /// Whether pods from several namespaces are shown (adds the NAMESPACE column).
    pub fn across_namespaces(&self) -> bool {
        self.session.target.namespace.is_none()
    }
}

/// Columns of the pods table, in order (the sort cycles through them).
pub const POD_COLUMNS: &[&str] = &[
    "NAMESPACE",
    "NAME",
    "READY",
    "STATUS",
    "RESTARTS",
    "CPU",
    "MEM",
    "NODE",
    "AGE",
];

impl Listable for PodRow {
    fn key(&self) -> String {
        self.uid.clone()
    }

    fn filter_text(&self) -> String {
        format!("{}/{}", self.namespace.as_str(), self.name.as_str())
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match POD_COLUMNS.get(column).copied().unwrap_or("NAME") {
            "NAMESPACE" => SortKey::Text(format!(
                "{}/{}",
                self.namespace.as_str(),
                self.name.as_str()
            )),
            "READY" => SortKey::Text(self.ready.clone()),
            "STATUS" => text_key(&self.status),
            "RESTARTS" => SortKey::Number(i64::from(self.restarts)),
            "NODE" => text_key(&self.node),
            "AGE" => timestamp_key(self.created),
            "CPU" => SortKey::Number(self.resources.cpu_request.map_or(0, |v| v as i64)),
            "MEM" => SortKey::Number(self.resources.memory_request.map_or(0, |v| v as i64)),
            _ => text_key(&self.name),
        }
    }
}

pub const WORKLOAD_COLUMNS: &[&str] = &[
    "NAMESPACE",
    "KIND",
    "NAME",
    "READY",
    "UP-TO-DATE",
    "AVAILABLE",
    "AGE",
];

impl Listable for WorkloadRow {
    fn key(&self) -> String {
        if self.uid.is_empty() {
            format!(
                "{:?}/{}/{}",
                self.kind,
                self.namespace.as_str(),
                self.name.as_str()
            )
        } else {
            self.uid.clone()
        }
    }

    fn filter_text(&self) -> String {
        format!(
            "{}/{}/{}",
            self.kind.label(),
            self.namespace.as_str(),
            self.name.as_str()
        )
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match WORKLOAD_COLUMNS.get(column).copied().unwrap_or("NAME") {
            "NAMESPACE" => SortKey::Text(format!(
                "{}/{}",
                self.namespace.as_str(),
                self.name.as_str()
            )),
            "KIND" => SortKey::Text(self.kind.label().to_string()),
            "READY" => SortKey::Number(i64::from(self.ready) - i64::from(self.desired)),
            "UP-TO-DATE" => SortKey::Number(i64::from(self.up_to_date)),
            "AVAILABLE" => SortKey::Number(i64::from(self.available)),
            "AGE" => timestamp_key(self.created),
            _ => text_key(&self.name),
        }
    }
}

pub const NAMESPACE_COLUMNS: &[&str] = &["NAME", "STATUS", "AGE"];

impl Listable for NamespaceRow {
    fn key(&self) -> String {
        self.name.as_str().to_string()
    }

    fn filter_text(&self) -> String {
        self.name.as_str().to_string()
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match column {
            1 => text_key(&self.phase),
            2 => timestamp_key(self.created),
            _ => text_key(&self.name),
        }
    }
}

pub const NODE_COLUMNS: &[&str] = &["NAME", "STATUS", "ROLES", "VERSION", "AGE"];

impl Listable for NodeRow {
    fn key(&self) -> String {
        self.name.as_str().to_string()
    }

    fn filter_text(&self) -> String {
        self.name.as_str().to_string()
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match column {
            1 => SortKey::Number(i64::from(self.ready)),
            2 => text_key(&self.roles),
            3 => text_key(&self.version),
            4 => timestamp_key(self.created),
            _ => text_key(&self.name),
        }
    }
}

pub const CONTEXT_COLUMNS: &[&str] = &["NAME", "CLUSTER", "USER", "NAMESPACE"];

impl Listable for ContextRow {
    fn key(&self) -> String {
        self.name.as_str().to_string()
    }

    fn filter_text(&self) -> String {
        self.name.as_str().to_string()
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match column {
            1 => text_key(&self.cluster),
            2 => text_key(&self.user),
            3 => text_key(&self.namespace),
            _ => text_key(&self.name),
        }
    }
}
