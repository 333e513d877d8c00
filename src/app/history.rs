//! The history slice: the restart timeline of a pod, a container or a
//! workload, read from the store; the row selected in it; and the last
//! lines of a termination, shown in the log view. Also what the store said
//! that every view should show. Pure: the store is read by `history/`.

use super::navigation::go_to;
use super::state::{AppState, View};
use crate::model::safe_text::SafeText;
use crate::model::timeline::{Timeline, TimelineEntry, TimelineScope};
use crate::protocol::history::{HistoryEffect, HistoryEvent, StoredLines};
use crate::protocol::logs::{IncomingLine, LineKind, LogEvent, LogSource, LogTarget};
use crate::protocol::{Effect, RequestId};

/// The timeline on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryView {
    /// The read whose reply fills this view.
    pub request: RequestId,
    pub scope: TimelineScope,
    pub title: SafeText,
    pub timeline: Option<Timeline>,
    pub error: Option<SafeText>,
    /// The selected row of the timeline.
    pub selected: usize,
    /// The read of last lines in flight, if any, and what its view is
    /// called: `shop/web-1 app, restart 4 (1, Error)`.
    pub reading_lines: Option<(RequestId, String)>,
}

/// The history slice.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub view: Option<HistoryView>,
    /// What the store said (moved aside as corrupt, cannot be written).
    pub notice: Option<SafeText>,
}

/// What `h` opens from the current view: the selected pod, the container
/// selected in a pod's detail, or the selected workload.
pub fn scope_here(state: &AppState) -> Option<TimelineScope> {
    match state.navigation.view {
        View::Pods => {
            let row = state.lists.pods.selected_row()?;
            Some(TimelineScope::Pod {
                namespace: row.namespace.to_string(),
                pod: row.name.to_string(),
            })
        }
        View::PodDetail => {
            let detail = state.detail.current.as_ref()?;
            let selected = super::detail::selected_container(state);
            let container = detail
                .detail
                .as_ref()
                .and_then(|d| d.containers.get(selected));
            Some(match container {
                Some(container) => TimelineScope::Container {
                    namespace: detail.namespace.to_string(),
                    pod: detail.name.to_string(),
                    container: container.name.to_string(),
                },
                None => TimelineScope::Pod {
                    namespace: detail.namespace.to_string(),
                    pod: detail.name.to_string(),
                },
            })
        }
        View::Workloads => {
            let row = state.lists.workloads.selected_row()?;
            Some(TimelineScope::Workload {
                namespace: row.namespace.to_string(),
                kind: row.kind.label().to_string(),
                name: row.name.to_string(),
            })
        }
        _ => None,
    }
}

/// Open the timeline of `scope`.
pub fn open(state: &mut AppState, scope: TimelineScope) -> Vec<Effect> {
    let request = state.next_request();
    state.history.view = Some(HistoryView {
        request,
        title: SafeText::from_untrusted(&scope.title()),
        scope: scope.clone(),
        timeline: None,
        error: None,
        selected: 0,
        reading_lines: None,
    });
    go_to(state, View::History, true);
    vec![Effect::History(HistoryEffect::Read { request, scope })]
}

/// Move the selection by `delta` rows.
pub fn step(state: &mut AppState, delta: isize) {
    let Some(view) = state.history.view.as_mut() else {
        return;
    };
    let count = view.timeline.as_ref().map_or(0, |t| t.entries.len());
    let last = count.saturating_sub(1) as isize;
    view.selected = (view.selected as isize + delta).clamp(0, last.max(0)) as usize;
}

/// Enter on a row: read the last lines of the selected termination.
pub fn open_selected(state: &mut AppState) -> Vec<Effect> {
    let request = state.next_request();
    let Some(view) = state.history.view.as_mut() else {
        return Vec::new();
    };
    let selected = view
        .timeline
        .as_ref()
        .and_then(|t| t.entries.get(view.selected));
    let Some(TimelineEntry::Restart(entry)) = selected else {
        return Vec::new();
    };
    if let crate::model::timeline::LastLines::Missing(why) = &entry.last_lines {
        let text = format!("no last lines kept for this restart: {}", why.as_str());
        super::session::info(state, super::state::Level::Info, &text);
        return Vec::new();
    }
    let key = entry.key.clone();
    let namespace = match &view.scope {
        TimelineScope::Pod { namespace, .. }
        | TimelineScope::Container { namespace, .. }
        | TimelineScope::Workload { namespace, .. } => namespace.clone(),
    };
    let title = format!(
        "{namespace}/{} {}, restart {} ({}, {})",
        entry.pod.as_str(),
        entry.container.as_str(),
        entry.restart_count,
        entry.exit.as_str(),
        entry.reason.as_str()
    );
    view.reading_lines = Some((request, title));
    vec![Effect::History(HistoryEffect::LastLines { request, key })]
}

/// A reply of the history room.
pub(super) fn event(state: &mut AppState, event: HistoryEvent) {
    match event {
        HistoryEvent::Read { request, result } => {
            if let Some(view) = state.history.view.as_mut().filter(|v| v.request == request) {
                match result {
                    Ok(timeline) => {
                        view.title = SafeText::from_untrusted(&timeline.scope.title());
                        view.selected = view.selected.min(timeline.entries.len().saturating_sub(1));
                        view.timeline = Some(timeline);
                        view.error = None;
                    }
                    Err(error) => view.error = Some(error),
                }
            }
        }
        HistoryEvent::LastLines { request, result } => {
            let Some(view) = state.history.view.as_mut() else {
                return;
            };
            let title = match view.reading_lines.take() {
                Some((waited, title)) if waited == request => title,
                other => {
                    view.reading_lines = other;
                    return;
                }
            };
            match result {
                Ok(lines) => show_lines(state, &title, lines),
                Err(error) => {
                    state.session.message = Some((super::state::Level::Error, error));
                }
            }
        }
        HistoryEvent::Notice(notice) => state.history.notice = notice,
    }
}

/// Show kept lines in the log view: its colours, search and filter, with
/// no reading behind it.
fn show_lines(state: &mut AppState, title: &str, stored: StoredLines) {
    let Some(scope) = state.history.view.as_ref().map(|v| v.scope.clone()) else {
        return;
    };
    let (namespace, pod, container) = match scope {
        TimelineScope::Container {
            namespace,
            pod,
            container,
        } => (namespace, pod, container),
        TimelineScope::Pod { namespace, pod } => (namespace, pod, String::new()),
        TimelineScope::Workload {
            namespace, name, ..
        } => (namespace, name, String::new()),
    };
    state.logs.serial += 1;
    let target = LogTarget::Container {
        namespace,
        pod: pod.clone(),
        container: container.clone(),
    };
    let mut view = super::logs::LogView::new(state.logs.serial, target, state.logs.capacity);
    view.stored = true;
    view.title = SafeText::from_untrusted(title);
    view.event(LogEvent::Source(LogSource {
        id: 0,
        pod,
        container,
        kind: crate::protocol::logs::ContainerKind::Regular,
    }));
    let mut lines = Vec::with_capacity(stored.lines.len() + 1);
    if stored.cut {
        lines.push(IncomingLine {
            source: crate::protocol::logs::VIEW_SOURCE,
            time: None,
            kind: LineKind::Notice,
            text: "(older lines were not kept)".to_string(),
            cut: 0,
        });
    }
    lines.extend(stored.lines.into_iter().map(|text| IncomingLine {
        source: 0,
        time: None,
        kind: LineKind::Log,
        text,
        cut: 0,
    }));
    view.event(LogEvent::Lines(lines));
    view.event(LogEvent::Finished);
    state.logs.view = Some(view);
    go_to(state, View::Logs, true);
}
