//! The lists slice: pods, workloads, namespaces, contexts and nodes as
//! their watches report them, which pods the pods view shows, and how a
//! watch update is folded in (ignored when it belongs to a replaced watch).
//! Pure.

pub mod collection;
pub mod listable;

use jiff::Timestamp;

use super::state::{AppState, View};
use crate::model::listing::{ContextRow, NamespaceRow, NodeRow, WorkloadRow};
use crate::model::rows::PodRow;
use crate::model::safe_text::SafeText;
use crate::protocol::{Effect, WatchUpdate};
use collection::{Collection, Listable, Sync};

/// Which pods the pods view shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodScope {
    pub label_selector: Option<String>,
    pub node: Option<String>,
    /// What the scope is called in the title (`deployment/web`, `node/node-1`).
    pub title: Option<SafeText>,
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

fn fold<T: Listable>(collection: &mut Collection<T>, update: WatchUpdate<T>, now: Timestamp) {
    match update {
        WatchUpdate::Reset(rows) => collection.reset(rows, now),
        WatchUpdate::Applied(row) => collection.apply(row, now),
        WatchUpdate::Deleted(key) => collection.remove(&key),
        WatchUpdate::Reconnecting(error) => collection.reconnecting(error, now),
        WatchUpdate::Forbidden(message) => collection.forbidden(message),
    }
}

/// A pod watch update. The detail view follows its pod: a change to it
/// fetches it again.
pub(super) fn pods(
    state: &mut AppState,
    generation: u64,
    update: WatchUpdate<PodRow>,
) -> Vec<Effect> {
    if generation != state.session.generation {
        return Vec::new();
    }
    let refetch = match (&update, &state.detail.current, state.navigation.view) {
        (WatchUpdate::Applied(row), Some(detail), View::PodDetail) => {
            row.namespace == detail.namespace && row.name == detail.name
        }
        _ => false,
    };
    fold(&mut state.lists.pods, update, state.session.now);
    match (refetch, &state.detail.current) {
        (true, Some(detail)) => vec![Effect::FetchPodDetail {
            namespace: detail.namespace.to_string(),
            name: detail.name.to_string(),
        }],
        _ => Vec::new(),
    }
}

pub(super) fn workloads(state: &mut AppState, generation: u64, update: WatchUpdate<WorkloadRow>) {
    if generation == state.session.generation {
        fold(&mut state.lists.workloads, update, state.session.now);
    }
}

pub(super) fn nodes(state: &mut AppState, generation: u64, update: WatchUpdate<NodeRow>) {
    if generation == state.session.generation {
        fold(&mut state.lists.nodes, update, state.session.now);
    }
}

/// A namespace watch update. Without list rights, the namespaces known
/// are offered: the context's and the hints.
pub(super) fn namespaces(state: &mut AppState, generation: u64, update: WatchUpdate<NamespaceRow>) {
    if generation != state.session.generation {
        return;
    }
    let now = state.session.now;
    let forbidden = matches!(update, WatchUpdate::Forbidden(_));
    fold(&mut state.lists.namespaces, update, now);
    if forbidden {
        let known = state
            .session
            .namespace_hints
            .iter()
            .map(|n| NamespaceRow::named(n))
            .collect();
        state.lists.namespaces.reset(known, now);
        if let Sync::Synced { .. } = state.lists.namespaces.sync {
            state.lists.namespaces.sync = Sync::Forbidden(SafeText::from_trusted_static(
                "namespaces cannot be listed with this role; showing the ones known",
            ));
        }
    }
}
