//! The pod detail view: every container (init, sidecar, regular,
//! ephemeral) with state, reason, exit code, last termination, restarts,
//! image, requests and limits; conditions; events newest first with their
//! counts; labels, annotations and owner. Scrollable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::state::AppState;
use crate::model::detail::PodDetail;
use crate::model::duration::age;
use crate::ui::theme::{Theme, health_marker};

fn section(title: &str, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(title.to_string(), theme.title()))
}

fn field(name: &str, value: String) -> Line<'static> {
    Line::from(vec![Span::raw(format!("  {name:<14}")), Span::raw(value)])
}

fn when(time: Option<jiff::Timestamp>, now: jiff::Timestamp) -> String {
    time.map_or_else(
        || "-".to_string(),
        |t| format!("{} ({} ago)", t.strftime("%Y-%m-%d %H:%M:%S"), age(t, now)),
    )
}

/// The lines of the detail view (also used to size scrolling).
/// `selected`: the container that `d` and `s` act on (←/→ moves it).
pub fn lines(
    detail: &PodDetail,
    now: jiff::Timestamp,
    theme: &Theme,
    selected: usize,
) -> Vec<Line<'static>> {
    let row = &detail.row;
    let mut lines = vec![
        field("Name", row.name.as_str().to_string()),
        field("Namespace", row.namespace.as_str().to_string()),
        Line::from(vec![
            Span::raw(format!("  {:<14}", "Status")),
            Span::styled(
                format!("{} {}", health_marker(row.health), row.status.as_str()),
                theme.health(row.health),
            ),
        ]),
        field("Ready", row.ready.clone()),
        field("Restarts", row.restarts_column(now)),
        field("Node", row.node.as_str().to_string()),
        field("IP", row.ip.as_str().to_string()),
        field("Age", row.age_column(now)),
    ];
    if let Some((kind, name)) = &row.owner {
        lines.push(field(
            "Owner",
            format!("{}/{}", kind.as_str(), name.as_str()),
        ));
    }
    lines.push(Line::from(""));
    lines.push(section("Containers", theme));
    for (index, container) in detail.containers.iter().enumerate() {
        let kind = container.kind.label();
        let title = if kind.is_empty() {
            container.name.as_str().to_string()
        } else {
            format!("{} ({kind})", container.name.as_str())
        };
        let mut spans = vec![Span::styled(
            format!("{} {title}", if index == selected { "›" } else { " " }),
            Style::default().add_modifier(ratatui::style::Modifier::BOLD),
        )];
        if index == selected && detail.containers.len() > 1 {
            spans.push(Span::styled("  ←→ selects for l, d and s", theme.dim()));
        }
        lines.push(Line::from(spans));
        let mut state = container.state.as_str().to_string();
        if !container.reason.is_empty() {
            state.push_str(&format!(": {}", container.reason.as_str()));
        }
        if let Some(code) = container.exit_code {
            state.push_str(&format!(" (exit code {code})"));
        }
        lines.push(field("  State", state));
        lines.push(field("  Ready", container.ready.to_string()));
        lines.push(field("  Restarts", container.restart_count.to_string()));
        if let Some(last) = &container.last_termination {
            let signal = last
                .signal
                .map(|s| format!(", signal {s}"))
                .unwrap_or_default();
            lines.push(Line::from(vec![
                Span::raw(format!("    {:<12}", "Last state")),
                Span::styled(
                    format!(
                        "Terminated: {} (exit code {}{signal})",
                        last.reason.as_str(),
                        last.exit_code
                    ),
                    theme.warning(),
                ),
            ]));
            lines.push(field("    Started", when(last.started, now)));
            lines.push(field("    Finished", when(last.finished, now)));
            if !last.message.is_empty() {
                lines.push(field("    Message", last.message.as_str().to_string()));
            }
        }
        lines.push(field("  Image", container.image.as_str().to_string()));
        if !container.requests.is_empty() {
            lines.push(field("  Requests", container.requests.as_str().to_string()));
        }
        if !container.limits.is_empty() {
            lines.push(field("  Limits", container.limits.as_str().to_string()));
        }
    }
    lines.push(Line::from(""));
    lines.push(section("Conditions", theme));
    for (kind, status, reason) in &detail.conditions {
        lines.push(Line::from(format!(
            "  {:<28} {:<6} {}",
            kind.as_str(),
            status.as_str(),
            reason.as_str()
        )));
    }
    lines.push(Line::from(""));
    lines.push(section("Events", theme));
    if let Some(error) = &detail.events_error {
        lines.push(Line::from(Span::styled(
            format!("  events unavailable: {}", error.as_str()),
            theme.warning(),
        )));
    } else if detail.events.is_empty() {
        lines.push(Line::from("  <none>"));
    }
    for event in &detail.events {
        let style = if event.kind.as_str() == "Warning" {
            theme.warning()
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<8}", event.kind.as_str()), style),
            Span::raw(format!(
                "{:<18} {:<22} {:<18} ",
                event.reason.as_str(),
                event.age_column(now),
                event.source.as_str()
            )),
            Span::raw(event.message.as_str().to_string()),
        ]));
    }
    for (title, pairs) in [
        ("Labels", &detail.labels),
        ("Annotations", &detail.annotations),
    ] {
        lines.push(Line::from(""));
        lines.push(section(title, theme));
        if pairs.is_empty() {
            lines.push(Line::from("  <none>"));
        }
        for (key, value) in pairs {
            lines.push(Line::from(format!("  {}={}", key.as_str(), value.as_str())));
        }
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::TOP | Borders::BOTTOM)
        .border_style(theme.dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(detail_state) = &state.detail.current else {
        return;
    };
    let body: Vec<Line> = match (&detail_state.detail, &detail_state.error) {
        (_, Some(error)) => vec![Line::from(Span::styled(
            format!(
                "  Cannot load pod {}/{}: {}",
                detail_state.namespace,
                detail_state.name,
                error.as_str()
            ),
            theme.error(),
        ))],
        (Some(detail), None) => lines(
            detail,
            state.session.now,
            theme,
            crate::app::detail::selected_container(state),
        ),
        (None, None) => vec![Line::from(format!(
            "  Loading pod {}/{}…",
            detail_state.namespace, detail_state.name
        ))],
    };
    let scroll = detail_state.scroll.min(body.len().saturating_sub(1));
    frame.render_widget(Paragraph::new(body).scroll((scroll as u16, 0)), inner);
}
