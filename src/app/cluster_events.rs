//! How reports from the cluster change the state: each report goes to the
//! slice it concerns, whose module folds it in.

use super::state::AppState;
use crate::protocol::{ClusterEvent, Effect};

pub(super) fn cluster_event(state: &mut AppState, event: ClusterEvent) -> Vec<Effect> {
    match event {
        ClusterEvent::Pods { generation, update } => {
            return super::lists::pods(state, generation, update);
        }
        ClusterEvent::Workloads { generation, update } => {
            super::lists::workloads(state, generation, update)
        }
        ClusterEvent::Nodes { generation, update } => {
            super::lists::nodes(state, generation, update)
        }
        ClusterEvent::Namespaces { generation, update } => {
            super::lists::namespaces(state, generation, update)
        }
        ClusterEvent::AccessReviewed { generation, result } => {
            super::session::access_reviewed(state, generation, result)
        }
        ClusterEvent::Metrics { generation, result } => {
            super::metrics::read(state, generation, result)
        }
        ClusterEvent::PodDetailLoaded {
            namespace,
            name,
            result,
        } => super::detail::loaded(state, &namespace, &name, result),
        ClusterEvent::Logs { view, event } => super::logs::update::event(state, view, event),
        ClusterEvent::LogsSaved { result } => super::logs::update::saved(state, result),
        ClusterEvent::Debug(event) => return super::debug::event(state, event),
        ClusterEvent::History(event) => super::history::event(state, event),
        ClusterEvent::YamlLoaded { request, result } => super::yaml::loaded(state, request, result),
    }
    Vec::new()
}
