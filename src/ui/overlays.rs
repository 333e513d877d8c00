//! Pop-ups over the current view: the help screen, generated from the
//! command registry and the live keymap, and the command palette.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use crate::app::commands::{COMMANDS, CommandId, Danger};
use crate::app::palette;
use crate::app::state::AppState;

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Commands that only move the selection: one help line when space is short.
const MOVEMENT: [CommandId; 6] = [
    CommandId::Up,
    CommandId::Down,
    CommandId::Top,
    CommandId::Bottom,
    CommandId::PageUp,
    CommandId::PageDown,
];

pub fn help(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let mut lines = Vec::new();
    let compact = COMMANDS.len() as u16 + 2 > area.height;
    if compact {
        let keys: Vec<String> = MOVEMENT
            .iter()
            .flat_map(|id| state.keymap.keys_for(*id))
            .map(|k| k.name())
            .collect();
        lines.push(Line::from(vec![
            Span::styled(format!(" {}", keys.join(" ")), theme.title()),
            Span::raw("  move by row, page, to the first or last row"),
        ]));
    }
    for command in COMMANDS {
        if compact && MOVEMENT.contains(&command.id) {
            continue;
        }
        let keys: Vec<String> = state
            .keymap
            .keys_for(command.id)
            .iter()
            .map(|k| k.name())
            .collect();
        let danger = match command.danger {
            Danger::ReadOnly => "",
            Danger::Mutates => " (changes the cluster)",
            Danger::Dangerous => " (dangerous: asks first)",
        };
        let line = match state.permitted(command) {
            Ok(()) => Line::from(vec![
                Span::styled(format!(" {:<14}", keys.join(" ")), theme.title()),
                Span::raw(format!(":{:<8} {}{danger}", command.name, command.summary)),
            ]),
            Err(missing) => Line::from(Span::styled(
                format!(
                    " {:<14}:{:<8} {} (not allowed: {missing})",
                    keys.join(" "),
                    command.name,
                    command.summary
                ),
                theme.dim(),
            )),
        };
        lines.push(line);
    }
    let height = lines.len() as u16 + 2;
    let popup = centered(area, 78, height);
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

pub fn palette(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(current) = &state.palette else {
        return;
    };
    let suggestions = palette::suggestions(state);
    let mut lines = vec![Line::from(vec![
        Span::styled(":", theme.title()),
        Span::raw(current.input.clone()),
        Span::raw("█"),
    ])];
    for (index, suggestion) in suggestions.iter().enumerate() {
        let style = if index == current.selected.min(suggestions.len().saturating_sub(1)) {
            theme.selected()
        } else {
            ratatui::style::Style::default()
        };
        lines.push(Line::from(Span::styled(format!(" {suggestion}"), style)));
    }
    let popup = Rect {
        x: area.x + 2,
        y: area.y + 1,
        width: area.width.saturating_sub(4).min(60),
        height: (lines.len() as u16 + 2).min(area.height.saturating_sub(1)),
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Command ")),
        popup,
    );
}
