//! `update`: the whole state machine as one function from a message to a
//! changed state and the effects to run. It never blocks and never does I/O.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::cluster_events::cluster_event;
use super::commands::{self, CommandId, Scope, by_name};
use super::msg::Msg;
pub use super::navigation::context_switched;
use super::navigation::step;
use super::navigation::{
    back, go_to, open, open_view, restart_watches, switch_context, switch_namespace,
};
use super::session::info;
use super::state::{AppState, Level, NODE_COLUMNS, Overlay, POD_COLUMNS, View, WORKLOAD_COLUMNS};
use crate::protocol::Effect;

/// The effects to run when the program starts.
pub fn start(state: &mut AppState) -> Vec<Effect> {
    restart_watches(state)
}

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    dispatch(state, msg)
}

fn dispatch(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => key_pressed(state, key),
        Msg::Key(_) => Vec::new(),
        Msg::Resize(width, height) => {
            state.session.size = (width, height);
            Vec::new()
        }
        Msg::Tick(now) => {
            state.session.now = now;
            Vec::new()
        }
        Msg::Cluster(event) => cluster_event(state, event),
    }
}

/// Whether a key types text into an open prompt (a printable character
/// without Ctrl or Alt) rather than naming a command.
fn types_text(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

fn key_pressed(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    // Keys act on what is shown: fold in any pending filter or sort first.
    state.prepare();
    // A message is read by the next key: it goes, unless the key says more.
    state.session.message = None;
    let bound = state.session.keymap.lookup(&key).map(commands::command);
    // A command that acts even in prompts (quit on Ctrl-c) comes first,
    // through a key that cannot be typed.
    if let Some(command) = bound.filter(|c| c.scope.includes(Scope::PROMPTS) && !types_text(&key)) {
        return run_command(state, command.id);
    }
    if state.overlay == Overlay::Help {
        state.overlay = Overlay::None;
        return Vec::new();
    }
    if state.overlay.palette().is_some() {
        return super::overlay::palette_key(state, key);
    }
    if state.debug.flow.is_some() {
        return super::debug::key(state, key);
    }
    if state.overlay == Overlay::Filter {
        super::overlay::filter_key(state, key);
        return Vec::new();
    }
    if state.navigation.view == View::Yaml && state.yaml.as_ref().is_some_and(|y| y.searching) {
        super::yaml::search_key(state, key);
        return Vec::new();
    }
    if state.navigation.view == View::Logs
        && state.logs.view.as_ref().is_some_and(|l| l.prompt.is_some())
    {
        return super::logs::update::prompt_key(state, key);
    }
    // A command acts only in the views its scope names.
    let Some(command) = bound.filter(|c| c.acts_in(state.navigation.view)) else {
        return Vec::new();
    };
    match state.permitted(command) {
        Ok(()) if state.navigation.view == View::Logs => logs_command(state, command.id),
        Ok(()) => run_command(state, command.id),
        Err(missing) => {
            info(state, Level::Warning, &format!("not allowed: {missing}"));
            Vec::new()
        }
    }
}

/// A command typed in the log view: the view's own, or one that leaves it.
fn logs_command(state: &mut AppState, command: CommandId) -> Vec<Effect> {
    if let Some(effects) = super::logs::update::command(state, command) {
        return effects;
    }
    match command {
        CommandId::Pods
        | CommandId::Workloads
        | CommandId::Namespaces
        | CommandId::Contexts
        | CommandId::Nodes => {
            let mut effects = super::logs::update::close(state);
            effects.extend(run_command(state, command));
            effects
        }
        _ => run_command(state, command),
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
                .session
                .target
                .namespace
                .clone()
                .unwrap_or_else(|| state.session.target.home_namespace.clone());
            let target = crate::protocol::logs::LogTarget::Selector {
                namespace,
                selector: selector.to_string(),
                title: selector.to_string(),
            };
            super::logs::update::open(state, target)
        }
        (id, _) => run_command(state, id),
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
            if !matches!(
                state.navigation.view,
                View::PodDetail | View::Yaml | View::History
            ) {
                state.overlay = Overlay::Filter;
            } else if let Some(yaml) = state
                .yaml
                .as_mut()
                .filter(|_| state.navigation.view == View::Yaml)
            {
                yaml.searching = true;
                yaml.search.clear();
            }
        }
        CommandId::Palette => state.overlay = Overlay::Palette(Default::default()),
        CommandId::Help => state.overlay = Overlay::Help,
        CommandId::Yaml => return super::yaml::open(state),
        CommandId::History => {
            return match super::history::scope_here(state) {
                Some(scope) => super::history::open(state, scope),
                None => Vec::new(),
            };
        }
        CommandId::Logs => {
            return match super::logs::update::target_here(state) {
                Some(target) => super::logs::update::open(state, target),
                None => Vec::new(),
            };
        }
        CommandId::NextContainer | CommandId::PreviousContainer => {
            if state.navigation.view == View::PodDetail {
                super::detail::select_container(state, command == CommandId::NextContainer);
            }
        }
        CommandId::NextMatch | CommandId::PreviousMatch => {
            if state.navigation.view == View::Yaml {
                super::yaml::next_match(state, command == CommandId::NextMatch);
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
        | CommandId::LogFilterOut => {}
        CommandId::SortNext => match state.navigation.view {
            View::Pods => state.lists.pods.cycle_sort(POD_COLUMNS.len()),
            View::Workloads => state.lists.workloads.cycle_sort(WORKLOAD_COLUMNS.len()),
            View::Nodes => state.lists.nodes.cycle_sort(NODE_COLUMNS.len()),
            View::Namespaces => state.lists.namespaces.cycle_sort(3),
            View::Contexts => state.lists.contexts.cycle_sort(4),
            _ => {}
        },
        CommandId::SortReverse => match state.navigation.view {
            View::Pods => state.lists.pods.reverse_sort(),
            View::Workloads => state.lists.workloads.reverse_sort(),
            View::Nodes => state.lists.nodes.reverse_sort(),
            View::Namespaces => state.lists.namespaces.reverse_sort(),
            View::Contexts => state.lists.contexts.reverse_sort(),
            _ => {}
        },
        CommandId::Pods => go_to(state, View::Pods, true),
        CommandId::Workloads => return open_view(state, View::Workloads),
        CommandId::Namespaces => {
            go_to(state, View::Namespaces, true);
            if let Some(current) = state.session.target.namespace.clone() {
                state.lists.namespaces.select(&current);
            }
        }
        CommandId::Contexts => {
            go_to(state, View::Contexts, true);
            let current = state.session.target.context.as_str().to_string();
            state.lists.contexts.select(&current);
        }
        CommandId::Nodes => return open_view(state, View::Nodes),
        CommandId::AllNamespaces => return switch_namespace(state, None),
        CommandId::Debug => return super::debug::open_dialog(state),
        CommandId::Exec => return super::debug::open_exec(state),
        CommandId::Quit => {
            state.session.quit = true;
            return vec![Effect::Quit];
        }
    }
    Vec::new()
}
