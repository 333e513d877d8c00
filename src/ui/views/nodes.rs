//! The nodes view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Cell;

use crate::app::state::AppState;
use crate::app::state::NODE_COLUMNS;
use crate::ui::theme::Theme;
use crate::ui::theme::health_marker;
use crate::ui::widgets::table::{Columns, age_text, highlighted, simple};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let now = state.session.now;
    let filter = state.navigation.filter.as_typed().to_string();
    simple(
        frame,
        area,
        state,
        theme,
        &state.lists.nodes,
        Columns {
            names: NODE_COLUMNS,
            widths: vec![
                Constraint::Min(16),
                Constraint::Length(9),
                Constraint::Length(14),
                Constraint::Length(10),
                Constraint::Length(6),
            ],
            what: "nodes",
        },
        |row| {
            let (status, health) = if row.ready {
                ("Ready", crate::model::pod_status::Health::Healthy)
            } else {
                ("NotReady", crate::model::pod_status::Health::Failing)
            };
            vec![
                Cell::from(highlighted(row.name.as_str(), &filter, theme)),
                Cell::from(format!("{} {status}", health_marker(health)))
                    .style(theme.health(health)),
                Cell::from(row.roles.as_str().to_string()),
                Cell::from(row.version.as_str().to_string()),
                Cell::from(age_text(row.created, now)),
            ]
        },
    );
}
