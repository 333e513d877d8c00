//! The help pop-up, generated from the command registry and the live
//! keymap: the commands that act in the view on screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::commands::{COMMANDS, CommandId, Danger};
use crate::app::state::AppState;
use crate::app::state::View;
use crate::ui::theme::Theme;
use crate::ui::widgets::popup::centered;

/// Commands that only move the selection: one help line when space is short.
const MOVEMENT: [CommandId; 6] = [
    CommandId::Up,
    CommandId::Down,
    CommandId::Top,
    CommandId::Bottom,
    CommandId::PageUp,
    CommandId::PageDown,
];

/// The keys of the view, from the registry: one column when it fits (the
/// movement keys folded into one line if need be), two on short screens.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let mut commands: Vec<_> = COMMANDS
        .iter()
        .filter(|c| c.acts_in(state.navigation.view))
        .collect();
    let rows_available = usize::from(area.height.saturating_sub(2)).max(1);
    let key_names = |id| -> String {
        let keys: Vec<String> = state
            .session
            .keymap
            .keys_for(id)
            .iter()
            .map(|k| k.name())
            .collect();
        keys.join(" ")
    };
    let fold = commands.len() > rows_available;
    if fold {
        commands.retain(|c| !MOVEMENT.contains(&c.id));
    }
    let extra = usize::from(fold);
    let columns = if commands.len() + extra > rows_available {
        2
    } else {
        1
    };
    let widest = if columns == 1 { 78 } else { 118 };
    let column_width = (usize::from(area.width.min(widest).saturating_sub(2)) / columns).max(20);
    let key_width = commands
        .iter()
        .map(|c| key_names(c.id).chars().count())
        .max()
        .unwrap_or(8)
        .min(12)
        + 2;
    let mut entries: Vec<Line> = Vec::new();
    if fold {
        let keys: Vec<String> = MOVEMENT.iter().map(|id| key_names(*id)).collect();
        let text: String = format!(" {}  move", keys.join(" "))
            .chars()
            .take(column_width)
            .collect();
        entries.push(Line::from(Span::styled(
            format!("{text:<column_width$}"),
            theme.title(),
        )));
    }
    entries.extend(commands.iter().map(|command| {
        let summary = match (state.navigation.view, command.id) {
            (View::Logs, CommandId::Filter) => "Search (n, N: next, prev)",
            _ => command.summary,
        };
        let danger = match (columns, command.danger) {
            (_, Danger::ReadOnly) => "",
            (1, Danger::Mutates) => " (changes the cluster)",
            (1, Danger::Dangerous) => " (dangerous: asks first)",
            (_, _) => " (!)",
        };
        let text = match (columns, state.permitted(command)) {
            (1, Ok(())) => format!(":{:<10} {summary}{danger}", command.name),
            (1, Err(missing)) => {
                format!(":{:<10} {summary} (not allowed: {missing})", command.name)
            }
            (_, Ok(())) => format!("{summary}{danger}"),
            (_, Err(_)) => format!("{summary} (not allowed)"),
        };
        let keys: String = format!(" {}", key_names(command.id))
            .chars()
            .take(key_width - 1)
            .collect();
        let keys = format!("{keys:<key_width$}");
        let room = column_width.saturating_sub(keys.chars().count() + 1);
        // Keep the end of the line (the danger or the refusal) in view.
        let text = if text.chars().count() > room && !danger.is_empty() {
            let head: String = summary
                .chars()
                .take(room.saturating_sub(danger.len() + 1))
                .collect();
            format!("{head}…{danger}")
        } else {
            text.chars().take(room).collect()
        };
        let text = format!("{text:<room$} ");
        match state.permitted(command) {
            Ok(()) => Line::from(vec![Span::styled(keys, theme.title()), Span::raw(text)]),
            Err(_) => Line::from(Span::styled(format!("{keys}{text}"), theme.dim())),
        }
    }));
    let per_column = entries.len().div_ceil(columns);
    let mut lines: Vec<Line> = Vec::new();
    for row in 0..per_column {
        let mut spans = Vec::new();
        for column in 0..columns {
            if let Some(entry) = entries.get(column * per_column + row) {
                spans.extend(entry.spans.iter().cloned());
            }
        }
        lines.push(Line::from(spans));
    }
    let height = lines.len() as u16 + 2;
    let width = (column_width * columns + 2) as u16;
    let popup = centered(area, width, height, 0);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Keys (any key closes) "),
        ),
        popup,
    );
}
