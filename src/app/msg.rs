//! The messages that drive the state machine: keys, resizes, the clock and
//! the cluster's reports (`protocol::ClusterEvent`). Only the application
//! loop builds a `Msg`; the I/O side sends `ClusterEvent`s.

use crossterm::event::KeyEvent;
use jiff::Timestamp;

pub use crate::model::detail::PodDetail;
use crate::model::listing::WorkloadKind;
pub use crate::protocol::{ClusterEvent, Effect, ObjectKind, WatchUpdate};

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

/// The title of a YAML view.
pub fn yaml_title(kind: ObjectKind, namespace: Option<&str>, name: &str) -> String {
    let kind = match kind {
        ObjectKind::Pod => "pod",
        ObjectKind::Node => "node",
        ObjectKind::Namespace => "namespace",
        ObjectKind::Workload(workload) => match workload {
            WorkloadKind::Deployment => "deployment",
            WorkloadKind::StatefulSet => "statefulset",
            WorkloadKind::DaemonSet => "daemonset",
            WorkloadKind::Job => "job",
        },
    };
    match namespace {
        Some(namespace) => format!("{kind} {namespace}/{name}"),
        None => format!("{kind} {name}"),
    }
}
