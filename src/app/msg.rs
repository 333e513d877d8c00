//! The messages that drive the state machine, and the effects it asks for.
//! Events are facts in the past tense (what the cluster did); effects are
//! requests for I/O that the cluster layer carries out.

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use crate::model::listing::{EventRow, NamespaceRow, NodeRow, WorkloadRow};
use crate::model::rows::{ContainerDetail, PodRow, Usage};
use crate::model::safe_text::SafeText;

/// Everything `update` reacts to. Messages move once through a bounded
/// channel; boxing the large ones would cost an allocation per watch event.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    Tick(Timestamp),
    Cluster(ClusterEvent),
}

/// A change to one watched list.
#[derive(Debug, Clone)]
pub enum WatchUpdate<T> {
    /// A full (re)list finished: these are all the objects.
    Reset(Vec<T>),
    Applied(T),
    /// The object with this key is gone.
    Deleted(String),
    /// The watch lost its connection and is retrying.
    Reconnecting(SafeText),
    /// The user may not list or watch this.
    Forbidden(SafeText),
}

/// What the cluster layer reports. `generation` ties a report to the watch
/// that produced it, so reports of a replaced watch are ignored.
#[derive(Debug, Clone)]
pub enum ClusterEvent {
    Pods {
        generation: u64,
        update: WatchUpdate<PodRow>,
    },
    Workloads {
        generation: u64,
        update: WatchUpdate<WorkloadRow>,
    },
    Namespaces {
        generation: u64,
        update: WatchUpdate<NamespaceRow>,
    },
    Nodes {
        generation: u64,
        update: WatchUpdate<NodeRow>,
    },
    Metrics {
        generation: u64,
        result: Result<Vec<(String, String, Usage)>, SafeText>,
    },
    PodDetailLoaded {
        namespace: String,
        name: String,
        result: Result<Box<PodDetail>, SafeText>,
    },
    /// What the user may do in a namespace (or why it could not be learned).
    AccessReviewed {
        generation: u64,
        result: Result<crate::model::access::Access, SafeText>,
    },
    YamlLoaded {
        title: String,
        result: Result<String, SafeText>,
    },
    /// A save of log lines finished: the path and the number of lines.
    LogsSaved {
        result: Result<(String, usize), String>,
    },
    /// A report of the log reading `view`.
    Logs {
        view: u64,
        event: super::log_msg::LogEvent,
    },
    /// Debug containers, attach and exec.
    Debug(super::debug::DebugEvent),
}

/// Everything the detail view shows about one pod.
#[derive(Debug, Clone, PartialEq)]
pub struct PodDetail {
    pub row: PodRow,
    pub containers: Vec<ContainerDetail>,
    pub conditions: Vec<(SafeText, SafeText, SafeText)>,
    pub labels: Vec<(SafeText, SafeText)>,
    pub annotations: Vec<(SafeText, SafeText)>,
    pub events: Vec<EventRow>,
    /// Set when events could not be read (the pod itself could).
    pub events_error: Option<SafeText>,
}

/// Kinds the YAML view can fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Pod,
    Workload(crate::model::listing::WorkloadKind),
    Node,
    Namespace,
}

/// The title of a YAML view; also how a loaded document finds its view.
pub fn yaml_title(kind: ObjectKind, namespace: Option<&str>, name: &str) -> String {
    let kind = match kind {
        ObjectKind::Pod => "pod",
        ObjectKind::Node => "node",
        ObjectKind::Namespace => "namespace",
        ObjectKind::Workload(workload) => match workload {
            crate::model::listing::WorkloadKind::Deployment => "deployment",
            crate::model::listing::WorkloadKind::StatefulSet => "statefulset",
            crate::model::listing::WorkloadKind::DaemonSet => "daemonset",
            crate::model::listing::WorkloadKind::Job => "job",
        },
    };
    match namespace {
        Some(namespace) => format!("{kind} {namespace}/{name}"),
        None => format!("{kind} {name}"),
    }
}

/// I/O the state machine asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Watch pods (replacing any previous pod watch).
    WatchPods {
        generation: u64,
        namespace: Option<String>,
        label_selector: Option<String>,
        node: Option<String>,
    },
    WatchWorkloads {
        generation: u64,
        namespace: Option<String>,
    },
    WatchNamespaces {
        generation: u64,
    },
    WatchNodes {
        generation: u64,
    },
    /// Read metrics only for these namespaces (`None`: the whole scope).
    MetricsScope {
        namespaces: Option<Vec<String>>,
    },
    /// Ask which rules apply to the user in a namespace.
    ReviewAccess {
        generation: u64,
        namespace: String,
    },
    PollMetrics {
        generation: u64,
        namespace: Option<String>,
    },
    FetchPodDetail {
        namespace: String,
        name: String,
    },
    FetchYaml {
        kind: ObjectKind,
        namespace: Option<String>,
        name: String,
        show_managed_fields: bool,
    },
    /// Build (or reuse) the client of another context; every watch restarts.
    SwitchContext {
        name: String,
    },
    /// Read logs (replacing any reading in progress).
    ReadLogs(super::log_msg::LogRequest),
    /// Stop reading logs.
    StopLogs,
    /// Write log lines to a file of this name in the program's state
    /// directory (mode 0600).
    SaveLogs {
        name: String,
        text: String,
        lines: usize,
    },
    /// Debug containers, attach and exec.
    Debug(super::debug::DebugEffect),
    Quit,
}
