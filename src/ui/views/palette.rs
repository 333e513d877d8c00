//! The command palette: what was typed and the completions.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::overlay::palette;
use crate::app::state::AppState;
use crate::ui::theme::Theme;

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(current) = state.overlay.palette() else {
        return;
    };
    let suggestions = palette::suggestions(state);
    let mut lines = vec![Line::from(vec![
        Span::styled(":", theme.title()),
        Span::raw(current.input.shown().as_str()),
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
