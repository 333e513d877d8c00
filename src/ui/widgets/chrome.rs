//! The frame around every view: the header (context, cluster, user,
//! namespace, READ-ONLY badge), the title line with the filter, and the
//! status line with sync state, staleness, messages and key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::commands::CommandId;
use crate::app::lists::collection::Sync;
use crate::app::state::{AppState, Level, View};
use crate::model::duration::human_duration;
use crate::ui::theme::Theme;

pub fn header(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let target = &state.session.target;
    let mut spans = vec![
        Span::styled(" ktriage ", theme.header()),
        Span::raw(" ctx "),
        Span::styled(target.context.as_str().to_string(), theme.title()),
        Span::raw("  cluster "),
        Span::raw(target.cluster.as_str().to_string()),
        Span::raw("  user "),
        Span::raw(target.user.as_str().to_string()),
        Span::raw("  ns "),
        Span::styled(target.shown_namespace().to_string(), theme.title()),
    ];
    if target.read_only {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(" READ-ONLY ", theme.badge()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn view_name(view: View) -> &'static str {
    match view {
        View::Pods => "Pods",
        View::Workloads => "Workloads",
        View::Namespaces => "Namespaces",
        View::Contexts => "Contexts",
        View::Nodes => "Nodes",
        View::PodDetail => "Pod",
        View::Yaml => "YAML",
        View::Logs => "Logs",
        View::History => "History",
    }
}

pub fn title(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    theme: &Theme,
    counts: Option<(usize, usize)>,
) {
    let mut spans = vec![Span::styled(
        format!(" {} ", view_name(state.navigation.view)),
        theme.title(),
    )];
    if state.navigation.view == View::Pods
        && let Some(scope) = &state.lists.pod_scope.title
    {
        spans.push(Span::raw(format!("of {scope} ")));
    }
    if let Some((shown, total)) = counts {
        spans.push(Span::styled(
            if shown == total {
                format!("[{total}]")
            } else {
                format!("[{shown}/{total}]")
            },
            theme.dim(),
        ));
    }
    let filtering = state.overlay == crate::app::state::Overlay::Filter;
    if filtering || !state.navigation.filter.is_empty() {
        spans.push(Span::raw("  /"));
        spans.push(Span::styled(
            state.navigation.filter.shown().as_str().to_string(),
            theme.matched(),
        ));
        if filtering {
            spans.push(Span::raw("█"));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn since(now: jiff::Timestamp, then: jiff::Timestamp) -> String {
    human_duration(now.duration_since(then).as_secs())
}

/// The sync text of the current view's watch.
fn sync_text(state: &AppState, sync: Option<&Sync>) -> Option<(Level, String)> {
    match sync? {
        Sync::Loading => Some((Level::Info, "loading…".to_string())),
        Sync::Synced { .. } => None,
        Sync::Reconnecting {
            last_synced, error, ..
        } => {
            let last = last_synced.map_or_else(
                || "never synced".to_string(),
                |at| format!("last update {} ago", since(state.session.now, at)),
            );
            Some((
                Level::Warning,
                format!("reconnecting, {last}: {}", error.as_str()),
            ))
        }
        Sync::Forbidden(message) => Some((Level::Warning, message.as_str().to_string())),
    }
}

pub fn status(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let sync = match state.navigation.view {
        View::Pods => Some(&state.lists.pods.sync),
        View::Workloads => Some(&state.lists.workloads.sync),
        View::Namespaces => Some(&state.lists.namespaces.sync),
        View::Nodes => Some(&state.lists.nodes.sync),
        _ => None,
    };
    let style = |level: Level| match level {
        Level::Info => theme.dim(),
        Level::Warning => theme.warning(),
        Level::Error => theme.error(),
    };
    let mut spans = Vec::new();
    if let (View::Logs, Some(logs)) = (state.navigation.view, &state.logs.view) {
        spans.extend(crate::ui::views::logs::status(logs, theme));
    }
    if let Some((level, text)) = sync_text(state, sync) {
        spans.push(Span::styled(format!(" {text} "), style(level)));
    }
    if let Some((level, text)) = &state.session.message {
        spans.push(Span::styled(format!(" {} ", text.as_str()), style(*level)));
    } else if let Some(notice) = &state.history.notice {
        // The history store's trouble shows on every view until it is fixed.
        spans.push(Span::styled(
            format!(" {} ", notice.as_str()),
            theme.warning(),
        ));
    }
    let hint = |id: CommandId, label: &str| {
        let key = state
            .session
            .keymap
            .keys_for(id)
            .first()
            .map(|k| k.name())
            .unwrap_or_default();
        format!("{key} {label}")
    };
    let hints = if state.navigation.view == View::Logs {
        [
            hint(CommandId::Help, "help"),
            hint(CommandId::Filter, "search"),
            hint(CommandId::LogFilter, "grep"),
            hint(CommandId::LogFollow, "follow"),
        ]
    } else {
        [
            hint(CommandId::Help, "help"),
            hint(CommandId::Palette, "cmd"),
            hint(CommandId::Filter, "filter"),
            hint(CommandId::Quit, "quit"),
        ]
    }
    .join("  ");
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let room = usize::from(area.width).saturating_sub(used);
    if room > hints.len() + 1 {
        spans.push(Span::raw(" ".repeat(room - hints.len() - 1)));
        spans.push(Span::styled(hints, theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
