//! The workloads view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::widgets::Cell;

use crate::app::state::AppState;
use crate::app::state::WORKLOAD_COLUMNS;
use crate::ui::theme::Theme;
use crate::ui::widgets::table::{Columns, age_text, highlighted, simple};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let now = state.session.now;
    let filter = state.navigation.filter.as_typed().to_string();
    let widths = vec![
        Constraint::Length(14),
        Constraint::Length(11),
        Constraint::Min(16),
        Constraint::Length(7),
        Constraint::Length(10),
        Constraint::Length(9),
        Constraint::Length(6),
    ];
    simple(
        frame,
        area,
        state,
        theme,
        &state.lists.workloads,
        Columns {
            names: WORKLOAD_COLUMNS,
            widths,
            what: "workloads",
        },
        |row| {
            let style = if row.ready < row.desired {
                theme.health(crate::model::pod_status::Health::Progressing)
            } else {
                Style::default()
            };
            vec![
                Cell::from(row.namespace.as_str().to_string()),
                Cell::from(row.kind.label()),
                Cell::from(highlighted(row.name.as_str(), &filter, theme)),
                Cell::from(row.ready_column()).style(style),
                Cell::from(row.up_to_date.to_string()),
                Cell::from(row.available.to_string()),
                Cell::from(age_text(row.created, now)),
            ]
        },
    );
}
