//! The contexts view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Cell;

use crate::app::state::AppState;
use crate::app::state::CONTEXT_COLUMNS;
use crate::ui::theme::Theme;
use crate::ui::widgets::table::{Columns, prefixed, simple};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let filter = state.navigation.filter.as_typed().to_string();
    let current = state.session.target.context.as_str().to_string();
    simple(
        frame,
        area,
        state,
        theme,
        &state.lists.contexts,
        Columns {
            names: CONTEXT_COLUMNS,
            widths: vec![
                Constraint::Min(16),
                Constraint::Length(16),
                Constraint::Length(16),
                Constraint::Length(14),
            ],
            what: "contexts",
        },
        |row| {
            let marker = if row.name.as_str() == current {
                "*"
            } else {
                " "
            };
            vec![
                Cell::from(prefixed(marker, row.name.as_str(), &filter, theme)),
                Cell::from(row.cluster.as_str().to_string()),
                Cell::from(row.user.as_str().to_string()),
                Cell::from(row.namespace.as_str().to_string()),
            ]
        },
    );
}
