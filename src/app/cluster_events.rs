//! How reports from the cluster change the state: watch updates folded into
//! their collections (ignored when they belong to a replaced watch),
//! metrics, access reviews, details, YAML, logs and debug reports.

use super::state::{AppState, View};
use crate::model::safe_text::SafeText;
use crate::protocol::{ClusterEvent, Effect, WatchUpdate};

pub(super) fn cluster_event(state: &mut AppState, event: ClusterEvent) -> Vec<Effect> {
    let now = state.session.now;
    macro_rules! watched {
        ($collection:ident, $generation:expr, $update:expr) => {{
            if $generation != state.session.generation {
                return Vec::new();
            }
            match $update {
                WatchUpdate::Reset(rows) => state.lists.$collection.reset(rows, now),
                WatchUpdate::Applied(row) => state.lists.$collection.apply(row, now),
                WatchUpdate::Deleted(key) => state.lists.$collection.remove(&key),
                WatchUpdate::Reconnecting(error) => {
                    state.lists.$collection.reconnecting(error, now)
                }
                WatchUpdate::Forbidden(message) => state.lists.$collection.forbidden(message),
            }
        }};
    }
    match event {
        ClusterEvent::Pods { generation, update } => {
            // The detail view follows its pod: a change to it fetches it again.
            let refetch = match (&update, &state.detail.current, state.navigation.view) {
                (WatchUpdate::Applied(row), Some(detail), View::PodDetail) => {
                    row.namespace.as_str() == detail.namespace && row.name.as_str() == detail.name
                }
                _ => false,
            };
            watched!(pods, generation, update);
            if let (true, Some(detail)) = (refetch, &state.detail.current) {
                return vec![Effect::FetchPodDetail {
                    namespace: detail.namespace.clone(),
                    name: detail.name.clone(),
                }];
            }
        }
        ClusterEvent::Workloads { generation, update } => watched!(workloads, generation, update),
        ClusterEvent::Nodes { generation, update } => watched!(nodes, generation, update),
        ClusterEvent::Namespaces { generation, update } => {
            let forbidden = matches!(update, WatchUpdate::Forbidden(_));
            watched!(namespaces, generation, update);
            if forbidden {
                // Without list rights, offer what is known: the context's namespace and hints.
                let hints = state.session.namespace_hints.clone();
                state.lists.namespaces.reset(
                    hints
                        .iter()
                        .map(|n| crate::model::listing::NamespaceRow::named(n))
                        .collect(),
                    now,
                );
                if let super::collection::Sync::Synced { .. } = state.lists.namespaces.sync {
                    state.lists.namespaces.sync =
                        super::collection::Sync::Forbidden(SafeText::from_trusted_static(
                            "namespaces cannot be listed with this role; showing the ones known",
                        ));
                }
            }
        }
        ClusterEvent::AccessReviewed { generation, result } => {
            // Without an answer every command stays offered; the API decides.
            if let (true, Ok(access)) = (generation == state.session.generation, result) {
                state.session.access = Some(access);
            }
        }
        ClusterEvent::Metrics { generation, result } => {
            if generation == state.session.generation {
                match result {
                    Ok(usage) => {
                        state.metrics.available = Some(true);
                        state.metrics.usage = usage
                            .into_iter()
                            .map(|(namespace, name, usage)| ((namespace, name), usage))
                            .collect();
                    }
                    Err(_) => state.metrics.available = Some(false),
                }
            }
        }
        ClusterEvent::PodDetailLoaded {
            namespace,
            name,
            result,
        } => {
            if let Some(detail) = state
                .detail
                .current
                .as_mut()
                .filter(|d| d.namespace == namespace && d.name == name)
            {
                match result {
                    Ok(loaded) => {
                        detail.detail = Some(loaded);
                        detail.error = None;
                    }
                    Err(error) => detail.error = Some(error),
                }
            }
        }
        ClusterEvent::Logs { view, event } => super::logs_update::event(state, view, event),
        ClusterEvent::LogsSaved { result } => super::logs_update::saved(state, result),
        ClusterEvent::Debug(event) => return super::debug::event(state, event),
        ClusterEvent::YamlLoaded { request, result } => {
            if let Some(yaml) = state.yaml.as_mut().filter(|y| y.request == request) {
                yaml.loading = false;
                match result {
                    Ok(text) => yaml.lines = SafeText::lines_from_untrusted(&text),
                    Err(error) => yaml.error = Some(error),
                }
            }
        }
    }
    Vec::new()
}
