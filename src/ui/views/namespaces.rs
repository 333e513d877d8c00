//! The namespaces view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Cell;

use crate::app::state::AppState;
use crate::app::state::NAMESPACE_COLUMNS;
use crate::ui::theme::Theme;
use crate::ui::widgets::table::{Columns, age_text, prefixed, simple};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let now = state.session.now;
    let filter = state.navigation.filter.as_typed().to_string();
    let current = state.session.target.namespace.clone();
    simple(
        frame,
        area,
        state,
        theme,
        &state.lists.namespaces,
        Columns {
            names: NAMESPACE_COLUMNS,
            widths: vec![
                Constraint::Min(20),
                Constraint::Length(12),
                Constraint::Length(8),
            ],
            what: "namespaces",
        },
        |row| {
            let marker = if current.as_deref() == Some(row.name.as_str()) {
                "*"
            } else {
                " "
            };
            vec![
                Cell::from(prefixed(marker, row.name.as_str(), &filter, theme)),
                Cell::from(row.phase.as_str().to_string()),
                Cell::from(age_text(row.created, now)),
            ]
        },
    );
}
