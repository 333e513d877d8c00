//! The YAML view: the full object (managedFields dropped), scrollable and
//! searchable; matches of the search are highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::state::AppState;
use crate::ui::theme::Theme;

fn highlight(text: &str, needle: &str, theme: &Theme) -> Line<'static> {
    if needle.is_empty() {
        return Line::from(text.to_string());
    }
    let lower = text.to_lowercase();
    let needle = needle.to_lowercase();
    let mut spans = Vec::new();
    let mut position = 0;
    while let Some(found) = lower[position..].find(&needle) {
        let start = position + found;
        let end = start + needle.len();
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            break;
        }
        spans.push(Span::raw(text[position..start].to_string()));
        spans.push(Span::styled(text[start..end].to_string(), theme.matched()));
        position = end;
    }
    spans.push(Span::raw(text[position..].to_string()));
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(yaml) = &state.yaml else { return };
    let title = if yaml.searching || !yaml.search.is_empty() {
        format!(" {}  /{} ", yaml.title, yaml.search.shown())
    } else {
        format!(" {} ", yaml.title)
    };
    let block = Block::default()
        .borders(Borders::TOP | Borders::BOTTOM)
        .border_style(theme.dim())
        .title(Span::styled(title, theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = if let Some(error) = &yaml.error {
        vec![Line::from(Span::styled(
            format!("  {}", error.as_str()),
            theme.error(),
        ))]
    } else if yaml.loading {
        vec![Line::from("  Loading…")]
    } else {
        yaml.lines
            .iter()
            .skip(yaml.scroll)
            .take(usize::from(inner.height))
            .map(|line| highlight(line.as_str(), yaml.search.as_typed(), theme))
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);
}
