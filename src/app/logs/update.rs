//! How keys, commands and reports change the log view; called by `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{LogView, Prompt, PromptKind, SINCE_PRESETS, TAIL_PRESETS};
use crate::app::commands::CommandId;
use crate::app::session::info;
use crate::app::state::{AppState, Level, View};
use crate::model::typed_text::TypedText;
use crate::protocol::Effect;
use crate::protocol::logs::{LogEvent, LogTarget};

/// Rows the log view has for lines (header, title and status take three).
pub fn log_height(state: &AppState) -> usize {
    usize::from(state.session.size.1.saturating_sub(3)).max(1)
}

/// Open the log view on `target`.
pub fn open(state: &mut AppState, target: LogTarget) -> Vec<Effect> {
    state.logs.serial += 1;
    let view = LogView::new(state.logs.serial, target, state.logs.capacity);
    let request = view.request();
    state.logs.view = Some(view);
    if state.navigation.view != View::Logs {
        state.navigation.back.push(state.navigation.view);
        state.navigation.view = View::Logs;
    }
    vec![Effect::ReadLogs(request)]
}

/// What `l` opens from the current view, if anything.
pub fn target_here(state: &AppState) -> Option<LogTarget> {
    match state.navigation.view {
        View::Pods => {
            let row = state.lists.pods.selected_row()?;
            let namespace = row.namespace.as_str().to_string();
            let pod = row.name.as_str().to_string();
            Some(match row.containers.as_slice() {
                [one] => LogTarget::Container {
                    namespace,
                    pod,
                    container: one.as_str().to_string(),
                },
                _ => LogTarget::Pod { namespace, pod },
            })
        }
        View::PodDetail => {
            let detail = state.detail.current.as_ref()?;
            let selected = crate::app::detail::selected_container(state);
            let container = detail
                .detail
                .as_ref()
                .and_then(|d| d.containers.get(selected));
            Some(match container {
                Some(container) => LogTarget::Container {
                    namespace: detail.namespace.to_string(),
                    pod: detail.name.to_string(),
                    container: container.name.as_str().to_string(),
                },
                None => LogTarget::Pod {
                    namespace: detail.namespace.to_string(),
                    pod: detail.name.to_string(),
                },
            })
        }
        View::Workloads => {
            let row = state.lists.workloads.selected_row()?;
            Some(LogTarget::Selector {
                namespace: row.namespace.as_str().to_string(),
                selector: row.selector.clone(),
                title: format!("{}/{}", row.kind.label().to_lowercase(), row.name.as_str()),
            })
        }
        _ => None,
    }
}

/// A report of a reading: ignored unless it is the open view's.
pub fn event(state: &mut AppState, view: u64, event: LogEvent) {
    if let Some(logs) = state.logs.view.as_mut().filter(|l| l.id == view) {
        logs.event(event);
    }
}

/// Keys typed into the search or filter prompt.
pub fn prompt_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let height = log_height(state);
    let Some(logs) = state.logs.view.as_mut() else {
        return Vec::new();
    };
    let Some(prompt) = logs.prompt.as_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => logs.prompt = None,
        KeyCode::Enter => logs.submit_prompt(height),
        KeyCode::Backspace => {
            prompt.input.pop();
            prompt.error = None;
        }
        KeyCode::Char('r') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            prompt.regex = !prompt.regex;
            prompt.error = None;
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            prompt.input.push(c);
            prompt.error = None;
        }
        _ => {}
    }
    Vec::new()
}

fn open_prompt(logs: &mut LogView, kind: PromptKind) {
    let (input, regex) = match (kind, &logs.search, &logs.filter) {
        (PromptKind::Search, Some(query), _) => (query.text.clone(), query.regex),
        (PromptKind::Filter | PromptKind::FilterOut, _, Some((query, _))) => {
            (query.text.clone(), query.regex)
        }
        _ => (TypedText::default(), false),
    };
    logs.prompt = Some(Prompt {
        kind,
        input,
        regex,
        error: None,
    });
}

/// Run a command in the log view. `None`: the command is not the log
/// view's, and runs as everywhere else.
pub fn command(state: &mut AppState, command: CommandId) -> Option<Vec<Effect>> {
    let height = log_height(state);
    let page = height.saturating_sub(1).max(1) as isize;
    let now = state.session.now;
    let logs = state.logs.view.as_mut()?;
    match command {
        CommandId::Up => logs.scroll(-1, height),
        CommandId::Down => logs.scroll(1, height),
        CommandId::PageUp => logs.scroll(-page, height),
        CommandId::PageDown => logs.scroll(page, height),
        CommandId::Top => logs.go_top(),
        CommandId::Bottom => logs.follow(),
        CommandId::LogFollow => {
            if logs.pinned {
                logs.pause(height);
            } else {
                logs.follow();
            }
        }
        CommandId::Filter => open_prompt(logs, PromptKind::Search),
        CommandId::LogFilter => open_prompt(logs, PromptKind::Filter),
        CommandId::LogFilterOut => open_prompt(logs, PromptKind::FilterOut),
        CommandId::NextMatch => logs.next_match(true, height),
        CommandId::PreviousMatch => logs.next_match(false, height),
        CommandId::LogTimestamps => logs.timestamps = !logs.timestamps,
        CommandId::LogWrap => logs.wrap = !logs.wrap,
        CommandId::LogPrevious => {
            logs.previous = !logs.previous;
            return Some(restart(state));
        }
        CommandId::LogSince => {
            logs.since = (logs.since + 1) % SINCE_PRESETS.len();
            return Some(restart(state));
        }
        CommandId::LogTail => {
            logs.tail = (logs.tail + 1) % TAIL_PRESETS.len();
            return Some(restart(state));
        }
        CommandId::LogSave => {
            let (text, lines) = logs.saved_text();
            let name = logs.file_name(now);
            return Some(vec![Effect::SaveLogs { name, text, lines }]);
        }
        CommandId::Back => {
            if logs.filter.is_some() {
                logs.clear_filter();
            } else if logs.search.is_some() {
                logs.clear_search();
            } else {
                return Some(close(state));
            }
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// Read again with the view's new options.
fn restart(state: &mut AppState) -> Vec<Effect> {
    state.logs.serial += 1;
    let serial = state.logs.serial;
    match state.logs.view.as_mut() {
        // Kept lines have no reading to start again.
        Some(logs) if logs.stored => Vec::new(),
        Some(logs) => vec![Effect::ReadLogs(logs.restart(serial))],
        None => Vec::new(),
    }
}

/// Leave the log view: stop reading and free its lines.
pub fn close(state: &mut AppState) -> Vec<Effect> {
    state.logs.view = None;
    state.navigation.view = state.navigation.back.pop().unwrap_or(View::Pods);
    crate::app::navigation::mark_current_stale(state);
    vec![Effect::StopLogs]
}

/// A save finished.
pub fn saved(state: &mut AppState, result: Result<(String, usize), String>) {
    match result {
        Ok((path, lines)) => info(
            state,
            Level::Info,
            &format!("saved {lines} lines to {path}"),
        ),
        Err(error) => info(state, Level::Error, &format!("could not save: {error}")),
    }
}
