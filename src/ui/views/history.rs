//! The history view: a restart timeline, newest first. A summary line on
//! top; a row per termination (when, pod for a workload, container, exit
//! code with the signal's name, reason, how long it ran, the restart
//! number, where it was learned, whether its last lines were kept); a row
//! per counted gap and per revision; under the table the selected
//! termination's message and the events around it. Reads the state only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::state::{AppState, HistoryView};
use crate::model::duration::{age, human_duration};
use crate::model::timeline::{GapEntry, LastLines, RestartEntry, Timeline, TimelineEntry};
use crate::ui::theme::Theme;

/// Rows the panel under the table keeps for the selected row.
const PANEL: u16 = 5;

fn ago(time: Option<jiff::Timestamp>, now: jiff::Timestamp) -> String {
    time.map_or_else(|| "-".to_string(), |t| format!("{} ago", age(t, now)))
}

/// The columns: name and width. The pod's column (for a workload) and the
/// reason's share the room that is left; on a narrow screen SOURCE goes
/// first.
fn columns(several_pods: bool, width: u16) -> Vec<(&'static str, usize)> {
    let mut fixed: Vec<(&str, usize)> = vec![
        ("WHEN", 9),
        ("CONTAINER", 10),
        ("EXIT", 12),
        ("RAN", 6),
        ("#", 4),
        ("SOURCE", 10),
        ("LINES", 5),
    ];
    let wanted = if several_pods { 12 + 1 + 10 } else { 10 };
    let used = |fixed: &[(&str, usize)]| -> usize { fixed.iter().map(|(_, w)| w + 1).sum() };
    for dropped in ["SOURCE", "#", "RAN"] {
        if used(&fixed) + wanted <= usize::from(width) {
            break;
        }
        fixed.retain(|(name, _)| *name != dropped);
    }
    let spare = usize::from(width).saturating_sub(used(&fixed));
    let (pod, reason) = if several_pods {
        let pod = (spare / 2).clamp(12, 40);
        (pod, spare.saturating_sub(pod + 1).clamp(9, 30))
    } else {
        (0, spare.clamp(9, 30))
    };
    let mut out = vec![fixed[0]];
    if several_pods {
        out.push(("POD", pod));
    }
    out.extend([fixed[1], fixed[2], ("REASON", reason)]);
    out.extend_from_slice(&fixed[3..]);
    out
}

/// Cells laid out in their columns, each cut to its width.
fn laid_out(cells: &[String], widths: &[(&str, usize)]) -> String {
    let mut line = String::new();
    for (cell, (_, width)) in cells.iter().zip(widths) {
        let cut: String = cell.chars().take(*width).collect();
        line.push_str(&format!("{cut:<width$} "));
    }
    line.trim_end().to_string()
}

/// A termination's cells, by column name.
fn restart_cells(
    entry: &RestartEntry,
    widths: &[(&str, usize)],
    now: jiff::Timestamp,
) -> Vec<String> {
    widths
        .iter()
        .map(|(name, _)| restart_cell(entry, name, now))
        .collect()
}

fn restart_cell(entry: &RestartEntry, column: &str, now: jiff::Timestamp) -> String {
    match column {
        "WHEN" => ago(entry.finished, now),
        "POD" => entry.pod.to_string(),
        "CONTAINER" => entry.container.to_string(),
        "EXIT" => entry.exit.to_string(),
        "REASON" => entry.reason.to_string(),
        "RAN" => entry
            .ran_for()
            .map_or_else(|| "-".to_string(), |d| human_duration(d.as_secs())),
        "#" => entry.restart_count.to_string(),
        "SOURCE" => entry.source.to_string(),
        _ => match &entry.last_lines {
            LastLines::Kept(count) => count.to_string(),
            LastLines::Missing(_) => "-".to_string(),
        },
    }
}

fn gap_text(gap: &GapEntry, several_pods: bool, now: jiff::Timestamp) -> String {
    let between = match gap.after {
        Some(after) => format!(
            "between {} and {} ago",
            age(after, now),
            age(gap.before, now)
        ),
        None => format!("before {} ago", age(gap.before, now)),
    };
    let restarts = if gap.missed == 1 {
        "restart"
    } else {
        "restarts"
    };
    let whose = if several_pods {
        format!("{} {}", gap.pod.as_str(), gap.container.as_str())
    } else {
        gap.container.to_string()
    };
    format!("… {} {restarts} of {whose} not seen, {between}", gap.missed)
}

/// The table's lines: the header, then the rows from `offset`.
fn table_lines(
    timeline: &Timeline,
    view: &HistoryView,
    width: u16,
    height: usize,
    now: jiff::Timestamp,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let several_pods = timeline.scope.several_pods();
    let widths = columns(several_pods, width);
    let names: Vec<String> = widths.iter().map(|(name, _)| name.to_string()).collect();
    let mut lines = vec![Line::from(Span::styled(
        laid_out(&names, &widths),
        theme.title(),
    ))];
    let rows = height.saturating_sub(1).max(1);
    let offset = view.selected.saturating_sub(rows - 1);
    for (index, entry) in timeline.entries.iter().enumerate().skip(offset).take(rows) {
        let (text, style) = match entry {
            TimelineEntry::Restart(restart) => (
                laid_out(&restart_cells(restart, &widths, now), &widths),
                Style::default(),
            ),
            TimelineEntry::Gap(gap) => (
                format!(
                    "{:<10}{}",
                    ago(Some(gap.before), now),
                    gap_text(gap, several_pods, now)
                ),
                theme.warning(),
            ),
            TimelineEntry::Revision { name } => {
                (format!("── revision {} ──", name.as_str()), theme.title())
            }
        };
        let style = if index == view.selected {
            theme.selected()
        } else {
            style
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines
}

/// The selected termination's message and events, or the gap explained.
fn panel(timeline: &Timeline, selected: usize, theme: &Theme) -> Vec<Line<'static>> {
    match timeline.entries.get(selected) {
        Some(TimelineEntry::Restart(entry)) => {
            let mut lines = Vec::new();
            if !entry.message.is_empty() {
                lines.push(Line::from(vec![
                    Span::styled("message ".to_string(), theme.dim()),
                    Span::raw(entry.message.to_string()),
                ]));
            }
            for event in &entry.events {
                lines.push(Line::from(vec![
                    Span::styled("event   ".to_string(), theme.dim()),
                    Span::raw(event.to_string()),
                ]));
            }
            match &entry.last_lines {
                LastLines::Kept(_) => lines.push(Line::from(Span::styled(
                    "Enter shows the lines it printed last".to_string(),
                    theme.dim(),
                ))),
                LastLines::Missing(why) => lines.push(Line::from(Span::styled(
                    format!("last lines not kept: {}", why.as_str()),
                    theme.dim(),
                ))),
            }
            lines
        }
        Some(TimelineEntry::Gap(_)) => vec![Line::from(Span::styled(
            "the kubelet counted these restarts while ktriage was not watching: when and how they ended is not known"
                .to_string(),
            theme.dim(),
        ))],
        _ => Vec::new(),
    }
}

fn title(view: &HistoryView) -> String {
    let restarts = view.timeline.as_ref().map_or(0, Timeline::restarts);
    format!(" Restarts of {} [{restarts}] ", view.title.as_str())
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(view) = &state.history.view else {
        return;
    };
    let block = Block::default().borders(Borders::ALL).title(title(view));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(timeline) = &view.timeline else {
        let text = match &view.error {
            Some(error) => Line::from(Span::styled(error.to_string(), theme.error())),
            None => Line::from(Span::styled(
                "reading the history…".to_string(),
                theme.dim(),
            )),
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
        return;
    };
    let now = state.session.now;
    let [summary, table_area, panel_area] = Layout::vertical([
        Constraint::Length(1 + u16::from(timeline.notice.is_some())),
        Constraint::Min(2),
        Constraint::Length(PANEL),
    ])
    .areas(inner);
    let mut top = vec![Line::from(Span::styled(
        timeline.summary.to_string(),
        theme.title(),
    ))];
    if let Some(notice) = &timeline.notice {
        top.push(Line::from(Span::styled(
            notice.to_string(),
            theme.warning(),
        )));
    }
    frame.render_widget(Paragraph::new(top), summary);
    let height = usize::from(table_area.height);
    let lines = table_lines(timeline, view, table_area.width, height, now, theme);
    frame.render_widget(Paragraph::new(lines), table_area);
    frame.render_widget(
        Paragraph::new(panel(timeline, view.selected, theme)).wrap(Wrap { trim: false }),
        panel_area,
    );
}
