//! Moving between views: opening the selected row, going back, switching
//! namespace or context, and (re)starting the watches a view needs.

use super::session::info;
use super::state::{AppState, DetailState, Level, PodScope};
use crate::model::safe_text::SafeText;
use crate::protocol::Effect;

pub(super) fn restart_watches(state: &mut AppState) -> Vec<Effect> {
    state.session.generation += 1;
    let generation = state.session.generation;
    state.lists.pods.clear();
    state.lists.workloads.clear();
    state.lists.nodes.clear();
    state.lists.namespaces.clear();
    state.metrics.usage.clear();
    state.metrics.available = None;
    state.session.access = None;
    state.metrics.scope = None;
    let namespace = state.session.target.namespace.clone();
    let reviewed = namespace
        .clone()
        .unwrap_or_else(|| state.session.target.home_namespace.clone());
    let mut effects = vec![
        Effect::ReviewAccess {
            generation,
            namespace: reviewed,
        },
        Effect::WatchPods {
            generation,
            namespace: namespace.clone(),
            label_selector: state.lists.pod_scope.label_selector.clone(),
            node: state.lists.pod_scope.node.clone(),
        },
        Effect::PollMetrics {
            generation,
            namespace: namespace.clone(),
        },
        Effect::WatchNamespaces { generation },
    ];
    // Workloads and nodes are watched once their view has been opened.
    if state.lists.watching_workloads {
        effects.push(Effect::WatchWorkloads {
            generation,
            namespace,
        });
    }
    if state.lists.watching_nodes {
        effects.push(Effect::WatchNodes { generation });
    }
    effects
}

/// Open a view, starting its watch the first time.
pub(super) fn open_view(state: &mut AppState, view: View) -> Vec<Effect> {
    go_to(state, view, true);
    let generation = state.session.generation;
    match view {
        View::Workloads if !state.lists.watching_workloads => {
            state.lists.watching_workloads = true;
            vec![Effect::WatchWorkloads {
                generation,
                namespace: state.session.target.namespace.clone(),
            }]
        }
        View::Nodes if !state.lists.watching_nodes => {
            state.lists.watching_nodes = true;
            vec![Effect::WatchNodes { generation }]
        }
        _ => Vec::new(),
    }
}

pub(super) fn mark_current_stale(state: &mut AppState) {
    match state.navigation.view {
        View::Pods => state.lists.pods.mark_stale(),
        View::Workloads => state.lists.workloads.mark_stale(),
        View::Namespaces => state.lists.namespaces.mark_stale(),
        View::Nodes => state.lists.nodes.mark_stale(),
        View::Contexts => state.lists.contexts.mark_stale(),
        View::PodDetail | View::Yaml | View::Logs | View::History => {}
    }
}

pub(super) fn switch_namespace(state: &mut AppState, namespace: Option<String>) -> Vec<Effect> {
    if let Some(name) = &namespace
        && !state.session.namespace_hints.contains(name)
    {
        state.session.namespace_hints.push(name.clone());
    }
    state.session.target.namespace = namespace;
    state.lists.pod_scope = PodScope::default();
    state.navigation.filter.clear();
    go_to(state, View::Pods, false);
    restart_watches(state)
}

pub(super) fn switch_context(state: &mut AppState, name: &str) -> Vec<Effect> {
    if state.lists.contexts.get(name).is_none() {
        info(state, Level::Warning, &format!("no context named {name}"));
        return Vec::new();
    }
    state.session.target.context = SafeText::from_untrusted(name);
    state.navigation.filter.clear();
    state.lists.pod_scope = PodScope::default();
    state.navigation.back.clear();
    state.logs.view = None;
    state.navigation.view = View::Pods;
    state.session.generation += 1;
    state.lists.pods.clear();
    state.lists.namespaces.clear();
    state.lists.workloads.clear();
    state.lists.nodes.clear();
    vec![Effect::SwitchContext {
        name: name.to_string(),
    }]
}

/// The cluster layer built the new context's client: point the state at it.
pub fn context_switched(
    state: &mut AppState,
    target: super::state::Target,
    hints: Vec<String>,
) -> Vec<Effect> {
    state.session.target = target;
    state.session.namespace_hints = hints;
    restart_watches(state)
}

pub(super) fn go_to(state: &mut AppState, view: View, remember: bool) {
    if state.navigation.view != view {
        if remember {
            state.navigation.back.push(state.navigation.view);
        }
        state.navigation.view = view;
        state.navigation.filter.clear();
        state.overlay.close_filter();
        mark_current_stale(state);
    }
}

pub(super) fn step(state: &mut AppState, delta: isize) {
    match state.navigation.view {
        View::Pods => state.lists.pods.step(delta),
        View::Workloads => state.lists.workloads.step(delta),
        View::Namespaces => state.lists.namespaces.step(delta),
        View::Nodes => state.lists.nodes.step(delta),
        View::Contexts => state.lists.contexts.step(delta),
        View::PodDetail => {
            if let Some(detail) = state.detail.current.as_mut() {
                detail.scroll = (detail.scroll as isize + delta).max(0) as usize;
            }
        }
        View::Logs => {}
        View::History => super::history::step(state, delta),
        View::Yaml => {
            if let Some(yaml) = state.yaml.as_mut() {
                let last = yaml.lines.len().saturating_sub(1) as isize;
                yaml.scroll = (yaml.scroll as isize + delta).clamp(0, last.max(0)) as usize;
            }
        }
    }
}

pub(super) fn back(state: &mut AppState) {
    if !state.navigation.filter.is_empty() {
        state.navigation.filter.clear();
        mark_current_stale(state);
        return;
    }
    if let Some(previous) = state.navigation.back.pop() {
        state.navigation.view = previous;
        mark_current_stale(state);
    } else if state.lists.pod_scope != PodScope::default() && state.navigation.view == View::Pods {
        state.lists.pod_scope = PodScope::default();
    }
}

pub(super) fn open(state: &mut AppState) -> Vec<Effect> {
    match state.navigation.view {
        View::History => super::history::open_selected(state),
        View::Pods => {
            let Some(row) = state.lists.pods.selected_row() else {
                return Vec::new();
            };
            let (namespace, name) = (
                row.namespace.as_str().to_string(),
                row.name.as_str().to_string(),
            );
            state.detail.current = Some(DetailState {
                namespace: row.namespace.clone(),
                name: row.name.clone(),
                detail: None,
                error: None,
                scroll: 0,
            });
            go_to(state, View::PodDetail, true);
            vec![Effect::FetchPodDetail { namespace, name }]
        }
        View::Workloads => {
            let Some(row) = state.lists.workloads.selected_row().cloned() else {
                return Vec::new();
            };
            state.lists.pod_scope = PodScope {
                label_selector: Some(row.selector.clone()),
                node: None,
                title: Some(SafeText::from_untrusted(&format!(
                    "{}/{}",
                    row.kind.label().to_lowercase(),
                    row.name.as_str()
                ))),
            };
            state.session.target.namespace = Some(row.namespace.as_str().to_string());
            go_to(state, View::Pods, true);
            restart_watches(state)
        }
        View::Namespaces => {
            let Some(row) = state.lists.namespaces.selected_row() else {
                return Vec::new();
            };
            let namespace = row.name.as_str().to_string();
            switch_namespace(state, Some(namespace))
        }
        View::Contexts => {
            let Some(row) = state.lists.contexts.selected_row() else {
                return Vec::new();
            };
            let name = row.name.as_str().to_string();
            switch_context(state, &name)
        }
        View::Nodes => {
            let Some(row) = state.lists.nodes.selected_row() else {
                return Vec::new();
            };
            let node = row.name.as_str().to_string();
            state.lists.pod_scope = PodScope {
                label_selector: None,
                node: Some(node.clone()),
                title: Some(SafeText::from_untrusted(&format!("node/{node}"))),
            };
            state.session.target.namespace = None;
            go_to(state, View::Pods, true);
            restart_watches(state)
        }
        View::PodDetail | View::Yaml | View::Logs => Vec::new(),
    }
}

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
    /// The restart timeline of a pod, a container or a workload.
    History,
}

/// Which view is on screen, the way back, and the list filter.
#[derive(Debug, Clone)]
pub struct Navigation {
    pub view: View,
    /// The views to go back to, newest last.
    pub back: Vec<View>,
    pub filter: crate::model::typed_text::TypedText,
}
