//! The YAML view's slice: the document of one object, its search, and how
//! it is opened, filled by its reply and searched. Pure.

use crossterm::event::{KeyCode, KeyEvent};

use super::navigation::go_to;
use super::overlay::edit;
use super::state::{AppState, View};
use crate::model::listing::WorkloadKind;
use crate::model::safe_text::SafeText;
use crate::model::typed_text::TypedText;
use crate::protocol::{Effect, ObjectKind, RequestId};

#[derive(Debug, Clone, PartialEq)]
pub struct YamlState {
    /// The read whose reply fills this view.
    pub request: crate::protocol::RequestId,
    pub title: SafeText,
    pub lines: Vec<SafeText>,
    pub loading: bool,
    pub error: Option<SafeText>,
    pub scroll: usize,
    pub search: TypedText,
    pub searching: bool,
}

/// The title of a YAML view.
pub fn title(kind: ObjectKind, namespace: Option<&str>, name: &str) -> String {
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

pub(super) fn open(state: &mut AppState) -> Vec<Effect> {
    let (kind, namespace, name) = match state.navigation.view {
        View::Pods => match state.lists.pods.selected_row() {
            Some(row) => (
                ObjectKind::Pod,
                Some(row.namespace.as_str().to_string()),
                row.name.as_str().to_string(),
            ),
            None => return Vec::new(),
        },
        View::PodDetail => match &state.detail.current {
            Some(detail) => (
                ObjectKind::Pod,
                Some(detail.namespace.to_string()),
                detail.name.to_string(),
            ),
            None => return Vec::new(),
        },
        View::Workloads => match state.lists.workloads.selected_row() {
            Some(row) => (
                ObjectKind::Workload(row.kind),
                Some(row.namespace.as_str().to_string()),
                row.name.as_str().to_string(),
            ),
            None => return Vec::new(),
        },
        View::Nodes => match state.lists.nodes.selected_row() {
            Some(row) => (ObjectKind::Node, None, row.name.as_str().to_string()),
            None => return Vec::new(),
        },
        View::Namespaces => match state.lists.namespaces.selected_row() {
            Some(row) => (ObjectKind::Namespace, None, row.name.as_str().to_string()),
            None => return Vec::new(),
        },
        View::Contexts | View::Yaml | View::Logs | View::History => return Vec::new(),
    };
    let title = title(kind, namespace.as_deref(), &name);
    let request = state.next_request();
    state.yaml = Some(YamlState {
        request,
        title: SafeText::from_untrusted(&title),
        lines: Vec::new(),
        loading: true,
        error: None,
        scroll: 0,
        search: TypedText::default(),
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

pub(super) fn search_key(state: &mut AppState, key: KeyEvent) {
    let Some(yaml) = state.yaml.as_mut() else {
        return;
    };
    match key.code {
        KeyCode::Enter => {
            yaml.searching = false;
            next_match(state, true);
        }
        KeyCode::Esc => {
            yaml.searching = false;
            yaml.search.clear();
        }
        _ => edit(&mut yaml.search, &key),
    }
}

pub(super) fn next_match(state: &mut AppState, forward: bool) {
    let Some(yaml) = state.yaml.as_mut() else {
        return;
    };
    if yaml.search.is_empty() {
        return;
    }
    let needle = yaml.search.as_typed().to_lowercase();
    let count = yaml.lines.len();
    for offset in 1..=count {
        let index = if forward {
            (yaml.scroll + offset) % count
        } else {
            (yaml.scroll + count - offset % count) % count
        };
        if yaml.lines[index].as_str().to_lowercase().contains(&needle) {
            yaml.scroll = index;
            return;
        }
    }
}

/// The reply to a YAML read: ignored unless the view still waits for it.
pub(super) fn loaded(state: &mut AppState, request: RequestId, result: Result<String, SafeText>) {
    if let Some(yaml) = state.yaml.as_mut().filter(|y| y.request == request) {
        yaml.loading = false;
        match result {
            Ok(text) => yaml.lines = SafeText::lines_from_untrusted(&text),
            Err(error) => yaml.error = Some(error),
        }
    }
}
