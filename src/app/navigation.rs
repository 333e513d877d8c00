//! Moving between views: opening the selected row, going back, switching
//! namespace or context, and (re)starting the watches a view needs.

use super::state::{AppState, DetailState, Level, PodScope, View, YamlState};
use super::update::info;
use crate::model::safe_text::SafeText;
use crate::protocol::{Effect, ObjectKind};

pub(super) fn restart_watches(state: &mut AppState) -> Vec<Effect> {
    state.generation += 1;
    let generation = state.generation;
    state.pods.clear();
    state.workloads.clear();
    state.nodes.clear();
    state.namespaces.clear();
    state.usage.clear();
    state.metrics_available = None;
    state.access = None;
    state.metrics_scope = None;
    let namespace = state.target.namespace.clone();
    let reviewed = namespace
        .clone()
        .unwrap_or_else(|| state.target.home_namespace.clone());
    let mut effects = vec![
        Effect::ReviewAccess {
            generation,
            namespace: reviewed,
        },
        Effect::WatchPods {
            generation,
            namespace: namespace.clone(),
            label_selector: state.pod_scope.label_selector.clone(),
            node: state.pod_scope.node.clone(),
        },
        Effect::PollMetrics {
            generation,
            namespace: namespace.clone(),
        },
        Effect::WatchNamespaces { generation },
    ];
    // Workloads and nodes are watched once their view has been opened.
    if state.watching_workloads {
        effects.push(Effect::WatchWorkloads {
            generation,
            namespace,
        });
    }
    if state.watching_nodes {
        effects.push(Effect::WatchNodes { generation });
    }
    effects
}

/// Open a view, starting its watch the first time.
pub(super) fn open_view(state: &mut AppState, view: View) -> Vec<Effect> {
    go_to(state, view, true);
    let generation = state.generation;
    match view {
        View::Workloads if !state.watching_workloads => {
            state.watching_workloads = true;
            vec![Effect::WatchWorkloads {
                generation,
                namespace: state.target.namespace.clone(),
            }]
        }
        View::Nodes if !state.watching_nodes => {
            state.watching_nodes = true;
            vec![Effect::WatchNodes { generation }]
        }
        _ => Vec::new(),
    }
}

pub(super) fn mark_current_stale(state: &mut AppState) {
    match state.view {
        View::Pods => state.pods.mark_stale(),
        View::Workloads => state.workloads.mark_stale(),
        View::Namespaces => state.namespaces.mark_stale(),
        View::Nodes => state.nodes.mark_stale(),
        View::Contexts => state.contexts.mark_stale(),
        View::PodDetail | View::Yaml | View::Logs => {}
    }
}

pub(super) fn switch_namespace(state: &mut AppState, namespace: Option<String>) -> Vec<Effect> {
    if let Some(name) = &namespace
        && !state.namespace_hints.contains(name)
    {
        state.namespace_hints.push(name.clone());
    }
    state.target.namespace = namespace;
    state.pod_scope = PodScope::default();
    state.filter.clear();
    go_to(state, View::Pods, false);
    restart_watches(state)
}

pub(super) fn switch_context(state: &mut AppState, name: &str) -> Vec<Effect> {
    if state.contexts.get(name).is_none() {
        info(state, Level::Warning, &format!("no context named {name}"));
        return Vec::new();
    }
    state.target.context = SafeText::from_untrusted(name);
    state.filter.clear();
    state.pod_scope = PodScope::default();
    state.history.clear();
    state.logs = None;
    state.view = View::Pods;
    state.generation += 1;
    state.pods.clear();
    state.namespaces.clear();
    state.workloads.clear();
    state.nodes.clear();
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
    state.target = target;
    state.namespace_hints = hints;
    restart_watches(state)
}

pub(super) fn go_to(state: &mut AppState, view: View, remember: bool) {
    if state.view != view {
        if remember {
            state.history.push(state.view);
        }
        state.view = view;
        state.filter.clear();
        state.filtering = false;
        mark_current_stale(state);
    }
}

pub(super) fn step(state: &mut AppState, delta: isize) {
    match state.view {
        View::Pods => state.pods.step(delta),
        View::Workloads => state.workloads.step(delta),
        View::Namespaces => state.namespaces.step(delta),
        View::Nodes => state.nodes.step(delta),
        View::Contexts => state.contexts.step(delta),
        View::PodDetail => {
            if let Some(detail) = state.detail.as_mut() {
                detail.scroll = (detail.scroll as isize + delta).max(0) as usize;
            }
        }
        View::Logs => {}
        View::Yaml => {
            if let Some(yaml) = state.yaml.as_mut() {
                let last = yaml.lines.len().saturating_sub(1) as isize;
                yaml.scroll = (yaml.scroll as isize + delta).clamp(0, last.max(0)) as usize;
            }
        }
    }
}

pub(super) fn back(state: &mut AppState) {
    if !state.filter.is_empty() {
        state.filter.clear();
        mark_current_stale(state);
        return;
    }
    if let Some(previous) = state.history.pop() {
        state.view = previous;
        mark_current_stale(state);
    } else if state.pod_scope != PodScope::default() && state.view == View::Pods {
        state.pod_scope = PodScope::default();
    }
}

pub(super) fn open(state: &mut AppState) -> Vec<Effect> {
    match state.view {
        View::Pods => {
            let Some(row) = state.pods.selected_row() else {
                return Vec::new();
            };
            let (namespace, name) = (
                row.namespace.as_str().to_string(),
                row.name.as_str().to_string(),
            );
            state.detail = Some(DetailState {
                namespace: namespace.clone(),
                name: name.clone(),
                detail: None,
                error: None,
                scroll: 0,
            });
            go_to(state, View::PodDetail, true);
            vec![Effect::FetchPodDetail { namespace, name }]
        }
        View::Workloads => {
            let Some(row) = state.workloads.selected_row().cloned() else {
                return Vec::new();
            };
            state.pod_scope = PodScope {
                label_selector: Some(row.selector.clone()),
                node: None,
                title: Some(format!(
                    "{}/{}",
                    row.kind.label().to_lowercase(),
                    row.name.as_str()
                )),
            };
            state.target.namespace = Some(row.namespace.as_str().to_string());
            go_to(state, View::Pods, true);
            restart_watches(state)
        }
        View::Namespaces => {
            let Some(row) = state.namespaces.selected_row() else {
                return Vec::new();
            };
            let namespace = row.name.as_str().to_string();
            switch_namespace(state, Some(namespace))
        }
        View::Contexts => {
            let Some(row) = state.contexts.selected_row() else {
                return Vec::new();
            };
            let name = row.name.as_str().to_string();
            switch_context(state, &name)
        }
        View::Nodes => {
            let Some(row) = state.nodes.selected_row() else {
                return Vec::new();
            };
            let node = row.name.as_str().to_string();
            state.pod_scope = PodScope {
                label_selector: None,
                node: Some(node.clone()),
                title: Some(format!("node/{node}")),
            };
            state.target.namespace = None;
            go_to(state, View::Pods, true);
            restart_watches(state)
        }
        View::PodDetail | View::Yaml | View::Logs => Vec::new(),
    }
}

pub(super) fn open_yaml(state: &mut AppState) -> Vec<Effect> {
    let (kind, namespace, name) = match state.view {
        View::Pods => match state.pods.selected_row() {
            Some(row) => (
                ObjectKind::Pod,
                Some(row.namespace.as_str().to_string()),
                row.name.as_str().to_string(),
            ),
            None => return Vec::new(),
        },
        View::PodDetail => match &state.detail {
            Some(detail) => (
                ObjectKind::Pod,
                Some(detail.namespace.clone()),
                detail.name.clone(),
            ),
            None => return Vec::new(),
        },
        View::Workloads => match state.workloads.selected_row() {
            Some(row) => (
                ObjectKind::Workload(row.kind),
                Some(row.namespace.as_str().to_string()),
                row.name.as_str().to_string(),
            ),
            None => return Vec::new(),
        },
        View::Nodes => match state.nodes.selected_row() {
            Some(row) => (ObjectKind::Node, None, row.name.as_str().to_string()),
            None => return Vec::new(),
        },
        View::Namespaces => match state.namespaces.selected_row() {
            Some(row) => (ObjectKind::Namespace, None, row.name.as_str().to_string()),
            None => return Vec::new(),
        },
        View::Contexts | View::Yaml | View::Logs => return Vec::new(),
    };
    let title = super::msg::yaml_title(kind, namespace.as_deref(), &name);
    let request = state.next_request();
    state.yaml = Some(YamlState {
        request,
        title,
        lines: Vec::new(),
        loading: true,
        error: None,
        scroll: 0,
        search: String::new(),
        searching: false,
    });
    go_to(state, View::Yaml, true);
    vec![Effect::FetchYaml {
        request,
        kind,
        namespace,
        name,
        show_managed_fields: false,
    }]
}
