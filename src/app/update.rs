//! `update`: the whole state machine as one function from a message to a
//! changed state and the effects to run. It never blocks and never does I/O.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::commands::{CommandId, by_name};
use super::msg::{ClusterEvent, Effect, Msg, ObjectKind, WatchUpdate};
use super::state::{
    AppState, DetailState, Level, NODE_COLUMNS, POD_COLUMNS, PodScope, View, WORKLOAD_COLUMNS,
    YamlState,
};
use crate::model::safe_text::SafeText;

/// The effects to run when the program starts.
pub fn start(state: &mut AppState) -> Vec<Effect> {
    restart_watches(state)
}

fn restart_watches(state: &mut AppState) -> Vec<Effect> {
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
fn open_view(state: &mut AppState, view: View) -> Vec<Effect> {
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

/// Above this many pods across namespaces, metrics are read only for the
/// namespaces on screen: polling every pod's metrics would be most of the
/// program's traffic and work.
pub const LARGE_CLUSTER: usize = 5_000;

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    dispatch(state, msg)
}

/// Narrow (or widen) the metrics poll when the namespaces on screen change.
/// Called once per batch of messages, not per message: at 50,000 pods it
/// rebuilds the view, which a burst of watch events should pay for once.
pub fn metrics_scope(state: &mut AppState) -> Option<Effect> {
    let wanted = if state.across_namespaces() && state.pods.len() > LARGE_CLUSTER {
        state.prepare();
        let mut namespaces: Vec<String> = state
            .pods
            .window(state.pods.offset, state.table_height())
            .map(|row| row.namespace.as_str().to_string())
            .collect();
        namespaces.sort_unstable();
        namespaces.dedup();
        Some(namespaces)
    } else {
        None
    };
    if wanted == state.metrics_scope {
        return None;
    }
    state.metrics_scope = wanted.clone();
    Some(Effect::MetricsScope { namespaces: wanted })
}

fn dispatch(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => key_pressed(state, key),
        Msg::Key(_) => Vec::new(),
        Msg::Resize(width, height) => {
            state.size = (width, height);
            Vec::new()
        }
        Msg::Tick(now) => {
            state.now = now;
            Vec::new()
        }
        Msg::Cluster(event) => cluster_event(state, event),
    }
}

pub(super) fn info(state: &mut AppState, level: Level, text: &str) {
    state.message = Some((level, SafeText::from_untrusted(text)));
}

fn cluster_event(state: &mut AppState, event: ClusterEvent) -> Vec<Effect> {
    let now = state.now;
    macro_rules! watched {
        ($collection:ident, $generation:expr, $update:expr) => {{
            if $generation != state.generation {
                return Vec::new();
            }
            match $update {
                WatchUpdate::Reset(rows) => state.$collection.reset(rows, now),
                WatchUpdate::Applied(row) => state.$collection.apply(row, now),
                WatchUpdate::Deleted(key) => state.$collection.remove(&key),
                WatchUpdate::Reconnecting(error) => state.$collection.reconnecting(error, now),
                WatchUpdate::Forbidden(message) => state.$collection.forbidden(message),
            }
        }};
    }
    match event {
        ClusterEvent::Pods { generation, update } => {
            // The detail view follows its pod: a change to it fetches it again.
            let refetch = match (&update, &state.detail, state.view) {
                (WatchUpdate::Applied(row), Some(detail), View::PodDetail) => {
                    row.namespace.as_str() == detail.namespace && row.name.as_str() == detail.name
                }
                _ => false,
            };
            watched!(pods, generation, update);
            if let (true, Some(detail)) = (refetch, &state.detail) {
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
                let hints = state.namespace_hints.clone();
                state.namespaces.reset(
                    hints
                        .iter()
                        .map(|n| crate::model::listing::NamespaceRow::named(n))
                        .collect(),
                    now,
                );
                if let super::collection::Sync::Synced { .. } = state.namespaces.sync {
                    state.namespaces.sync =
                        super::collection::Sync::Forbidden(SafeText::from_trusted_static(
                            "namespaces cannot be listed with this role; showing the ones known",
                        ));
                }
            }
        }
        ClusterEvent::AccessReviewed { generation, result } => {
            // Without an answer every command stays offered; the API decides.
            if let (true, Ok(access)) = (generation == state.generation, result) {
                state.access = Some(access);
            }
        }
        ClusterEvent::Metrics { generation, result } => {
            if generation == state.generation {
                match result {
                    Ok(usage) => {
                        state.metrics_available = Some(true);
                        state.usage = usage
                            .into_iter()
                            .map(|(namespace, name, usage)| ((namespace, name), usage))
                            .collect();
                    }
                    Err(_) => state.metrics_available = Some(false),
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
        ClusterEvent::YamlLoaded { title, result } => {
            if let Some(yaml) = state.yaml.as_mut().filter(|y| y.title == title) {
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

fn key_pressed(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    // Keys act on what is shown: fold in any pending filter or sort first.
    state.prepare();
    // A message is read by the next key: it goes, unless the key says more.
    state.message = None;
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![Effect::Quit];
    }
    if state.help {
        state.help = false;
        return Vec::new();
    }
    if state.palette.is_some() {
        return super::input::palette_key(state, key);
    }
    if state.debug.is_some() {
        return super::debug::key(state, key);
    }
    if state.filtering {
        super::input::filter_key(state, key);
        return Vec::new();
    }
    if state.view == View::Yaml && state.yaml.as_ref().is_some_and(|y| y.searching) {
        super::input::yaml_search_key(state, key);
        return Vec::new();
    }
    if state.view == View::Logs && state.logs.as_ref().is_some_and(|l| l.prompt.is_some()) {
        return super::logs_update::prompt_key(state, key);
    }
    if state.view == View::Yaml && matches!(key.code, KeyCode::Char('n') | KeyCode::Char('N')) {
        super::input::yaml_next_match(state, key.code == KeyCode::Char('n'));
        return Vec::new();
    }
    if state.view == View::PodDetail && matches!(key.code, KeyCode::Left | KeyCode::Right) {
        super::debug::select_container(state, key.code == KeyCode::Right);
        return Vec::new();
    }
    match state.keymap.lookup(&key) {
        Some(command) => match state.permitted(super::commands::command(command)) {
            Ok(()) if state.view == View::Logs => logs_command(state, command),
            Ok(()) => run_command(state, command),
            Err(missing) => {
                info(state, Level::Warning, &format!("not allowed: {missing}"));
                Vec::new()
            }
        },
        None => Vec::new(),
    }
}

/// A command typed in the log view: the view's own, or one that leaves it.
fn logs_command(state: &mut AppState, command: CommandId) -> Vec<Effect> {
    if let Some(effects) = super::logs_update::command(state, command) {
        return effects;
    }
    if super::commands::lists_only(command) {
        return Vec::new();
    }
    match command {
        CommandId::Pods
        | CommandId::Workloads
        | CommandId::Namespaces
        | CommandId::Contexts
        | CommandId::Nodes => {
            let mut effects = super::logs_update::close(state);
            effects.extend(run_command(state, command));
            effects
        }
        _ => run_command(state, command),
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

/// Run a palette line: `pods`, `deploy`, `ns team-a`, `ctx prod`, `nodes`, `quit`.
pub fn run_palette(state: &mut AppState, line: &str) -> Vec<Effect> {
    let mut words = line.split_whitespace();
    let Some(first) = words.next() else {
        return Vec::new();
    };
    let argument = words.next();
    let Some(command) = by_name(first) else {
        info(state, Level::Warning, &format!("unknown command: {first}"));
        return Vec::new();
    };
    // The palette is another way to the same commands: the same rights apply.
    if let Err(missing) = state.permitted(command) {
        info(state, Level::Warning, &format!("not allowed: {missing}"));
        return Vec::new();
    }
    match (command.id, argument) {
        (CommandId::Namespaces, Some(namespace)) => {
            switch_namespace(state, Some(namespace.to_string()))
        }
        (CommandId::Contexts, Some(context)) => switch_context(state, context),
        (CommandId::Logs, Some(selector)) => {
            // `logs app=web,tier!=cache`: every pod the selector matches.
            let namespace = state
                .target
                .namespace
                .clone()
                .unwrap_or_else(|| state.target.home_namespace.clone());
            let target = super::log_msg::LogTarget::Selector {
                namespace,
                selector: selector.to_string(),
                title: selector.to_string(),
            };
            super::logs_update::open(state, target)
        }
        (id, _) => run_command(state, id),
    }
}

fn switch_namespace(state: &mut AppState, namespace: Option<String>) -> Vec<Effect> {
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

fn switch_context(state: &mut AppState, name: &str) -> Vec<Effect> {
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

fn go_to(state: &mut AppState, view: View, remember: bool) {
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

fn run_command(state: &mut AppState, command: CommandId) -> Vec<Effect> {
    let page = state.table_height() as isize;
    match command {
        CommandId::Up => step(state, -1),
        CommandId::Down => step(state, 1),
        CommandId::PageUp => step(state, -page),
        CommandId::PageDown => step(state, page),
        CommandId::Top => step(state, isize::MIN / 2),
        CommandId::Bottom => step(state, isize::MAX / 2),
        CommandId::Open => return open(state),
        CommandId::Back => back(state),
        CommandId::Filter => {
            if !matches!(state.view, View::PodDetail | View::Yaml) {
                state.filtering = true;
            } else if let Some(yaml) = state.yaml.as_mut().filter(|_| state.view == View::Yaml) {
                yaml.searching = true;
                yaml.search.clear();
            }
        }
        CommandId::Palette => state.palette = Some(Default::default()),
        CommandId::Help => state.help = true,
        CommandId::Yaml => return open_yaml(state),
        CommandId::Logs => {
            return match super::logs_update::target_here(state) {
                Some(target) => super::logs_update::open(state, target),
                None => Vec::new(),
            };
        }
        CommandId::NextContainer => {
            if state.view == View::PodDetail {
                super::debug::select_container(state, true);
            }
        }
        // The log view's own commands; nothing to do elsewhere.
        CommandId::LogFollow
        | CommandId::LogPrevious
        | CommandId::LogTimestamps
        | CommandId::LogWrap
        | CommandId::LogSince
        | CommandId::LogTail
        | CommandId::LogSave
        | CommandId::LogFilter
        | CommandId::LogFilterOut
        | CommandId::NextMatch
        | CommandId::PreviousMatch => {}
        CommandId::SortNext => match state.view {
            View::Pods => state.pods.cycle_sort(POD_COLUMNS.len()),
            View::Workloads => state.workloads.cycle_sort(WORKLOAD_COLUMNS.len()),
            View::Nodes => state.nodes.cycle_sort(NODE_COLUMNS.len()),
            View::Namespaces => state.namespaces.cycle_sort(3),
            View::Contexts => state.contexts.cycle_sort(4),
            _ => {}
        },
        CommandId::SortReverse => match state.view {
            View::Pods => state.pods.reverse_sort(),
            View::Workloads => state.workloads.reverse_sort(),
            View::Nodes => state.nodes.reverse_sort(),
            View::Namespaces => state.namespaces.reverse_sort(),
            View::Contexts => state.contexts.reverse_sort(),
            _ => {}
        },
        CommandId::Pods => go_to(state, View::Pods, true),
        CommandId::Workloads => return open_view(state, View::Workloads),
        CommandId::Namespaces => {
            go_to(state, View::Namespaces, true);
            if let Some(current) = state.target.namespace.clone() {
                state.namespaces.select(&current);
            }
        }
        CommandId::Contexts => {
            go_to(state, View::Contexts, true);
            let current = state.target.context.as_str().to_string();
            state.contexts.select(&current);
        }
        CommandId::Nodes => return open_view(state, View::Nodes),
        CommandId::AllNamespaces => return switch_namespace(state, None),
        CommandId::Debug => return super::debug::open_dialog(state),
        CommandId::Exec => return super::debug::open_exec(state),
        CommandId::Quit => {
            state.quit = true;
            return vec![Effect::Quit];
        }
    }
    Vec::new()
}

fn back(state: &mut AppState) {
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

fn open(state: &mut AppState) -> Vec<Effect> {
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

fn open_yaml(state: &mut AppState) -> Vec<Effect> {
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
    state.yaml = Some(YamlState {
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
        kind,
        namespace,
        name,
        show_managed_fields: false,
    }]
}
