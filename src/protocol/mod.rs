//! The messages and effects that cross between the I/O side (`cluster/`,
//! and the coming `history/`) and the state machine (`app/`): events are
//! facts in the past tense that the I/O side reports; effects are requests
//! for I/O that the state machine returns. Data only: no I/O, no drawing, no
//! state. Both sides depend on this module; neither depends on the other,
//! so a cluster task can report a watch event but never send a key press.

pub mod debug;
pub mod history;
pub mod logs;

use crate::model::access::Access;
use crate::model::detail::PodDetail;
use crate::model::listing::{NamespaceRow, NodeRow, WorkloadKind, WorkloadRow};
use crate::model::rows::{PodRow, Usage};
use crate::model::safe_text::SafeText;

/// Ties a one-off reply to the request that asked for it; the state machine
/// hands them out and ignores replies to requests it no longer waits for.
pub type RequestId = u64;

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
        result: Result<Access, SafeText>,
    },
    YamlLoaded {
        request: RequestId,
        result: Result<String, SafeText>,
    },
    /// A save of log lines finished: the path and the number of lines.
    LogsSaved {
        result: Result<(String, usize), String>,
    },
    /// A report of the log reading `view`.
    Logs { view: u64, event: logs::LogEvent },
    /// Debug containers, attach and exec.
    Debug(debug::DebugEvent),
    /// Replies of the history room (the store of restarts).
    History(history::HistoryEvent),
}

/// Kinds the YAML view can fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Pod,
    Workload(WorkloadKind),
    Node,
    Namespace,
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
        request: RequestId,
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
    ReadLogs(logs::LogRequest),
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
    Debug(debug::DebugEffect),
    /// Reads of the restart history.
    History(history::HistoryEffect),
    Quit,
}
