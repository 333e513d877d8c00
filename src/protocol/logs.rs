//! What the log view asks the cluster layer for, and what comes back: which
//! containers to read, with which options, and the lines, sources and stream
//! states the reading produces. Text arrives raw from the cluster and is
//! neutralised by the model when it is stored.

use jiff::Timestamp;

/// Whose logs a view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    /// One container of one pod.
    Container {
        namespace: String,
        pod: String,
        container: String,
    },
    /// Every container of a pod: init, regular and ephemeral.
    Pod { namespace: String, pod: String },
    /// Every pod matching a label selector (a workload's pods); pods that
    /// appear while the view is open join it.
    Selector {
        namespace: String,
        selector: String,
        /// What the view is called (`deployment/web`).
        title: String,
    },
}

impl LogTarget {
    pub fn namespace(&self) -> &str {
        match self {
            LogTarget::Container { namespace, .. }
            | LogTarget::Pod { namespace, .. }
            | LogTarget::Selector { namespace, .. } => namespace,
        }
    }

    /// The view's title: `shop/web-1 app`, `shop/web-1 (all containers)`,
    /// `shop/deployment/web`.
    pub fn title(&self) -> String {
        match self {
            LogTarget::Container {
                namespace,
                pod,
                container,
            } => format!("{namespace}/{pod} {container}"),
            LogTarget::Pod { namespace, pod } => format!("{namespace}/{pod} (all containers)"),
            LogTarget::Selector {
                namespace, title, ..
            } => format!("{namespace}/{title}"),
        }
    }

    /// True when lines come from more than one container and need a prefix.
    pub fn several_sources(&self) -> bool {
        !matches!(self, LogTarget::Container { .. })
    }
}

/// One reading of a target. A new request (other options) replaces the
/// previous one; `view` ties reports to the request that produced them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    pub view: u64,
    pub target: LogTarget,
    /// Keep reading as lines are written, across restarts.
    pub follow: bool,
    /// Read the previous (terminated) instance of each container.
    pub previous: bool,
    pub since_seconds: Option<i64>,
    /// Lines from the end of each container's log to start with.
    pub tail_lines: Option<i64>,
}

/// What kind of container a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    Init,
    Regular,
    Ephemeral,
}

/// One container being read. `id` is what lines refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSource {
    pub id: u32,
    pub pod: String,
    pub container: String,
    pub kind: ContainerKind,
}

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Written by the container.
    Log,
    /// A change of instance: `container app restarted: exit 137 OOMKilled`.
    Marker,
    /// Said by ktriage about the reading (`pod web-2 joined`).
    Notice,
}

/// The source of lines about the view itself (`pod web-2 joined`).
pub const VIEW_SOURCE: u32 = u32::MAX;

/// One line as read, before it is neutralised and stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingLine {
    pub source: u32,
    /// The kubelet's timestamp (always requested, shown on demand).
    pub time: Option<Timestamp>,
    pub kind: LineKind,
    pub text: String,
    /// Bytes of an over-long line that were not kept.
    pub cut: usize,
}

/// The state of one container's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamState {
    Streaming,
    /// The stream broke; trying again (the attempt number and why).
    Reconnecting {
        attempt: u32,
        reason: String,
    },
    /// No instance to read yet (`waiting to start: ContainerCreating`).
    Waiting(String),
    /// Nothing more will come from this source (`terminated: exit 0`).
    Ended(String),
    /// This source cannot be read (its error).
    Failed(String),
}

/// A report of a log reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEvent {
    Source(LogSource),
    /// Lines in time order, ready to append.
    Lines(Vec<IncomingLine>),
    State {
        source: u32,
        state: StreamState,
    },
    /// The whole reading failed (the pod is gone, `pods/log` is forbidden).
    Failed(String),
    /// A reading that does not follow has read everything.
    Finished,
}
