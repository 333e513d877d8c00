//! The list table every list view draws: the header with the sort column
//! marked, the rows in view only, the filter's matched characters
//! highlighted, and the placeholder of a list that is loading, empty,
//! failing or forbidden.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use crate::app::lists::collection::{Collection, Listable, Sync, match_positions};
use crate::app::state::AppState;
use crate::model::duration::age;
use crate::ui::theme::Theme;

/// A name cell with the filter's matches highlighted.
pub fn highlighted(text: &str, filter: &str, theme: &Theme) -> Line<'static> {
    let positions = match_positions(text, filter);
    if positions.is_empty() {
        return Line::from(text.to_string());
    }
    let spans: Vec<Span> = text
        .chars()
        .enumerate()
        .map(|(index, character)| {
            if positions.contains(&index) {
                Span::styled(character.to_string(), theme.matched())
            } else {
                Span::raw(character.to_string())
            }
        })
        .collect();
    Line::from(spans)
}

pub fn header_row(
    columns: &[&str],
    sort_column: Option<usize>,
    descending: bool,
    theme: &Theme,
) -> Row<'static> {
    Row::new(columns.iter().enumerate().map(|(index, name)| {
        let arrow = match (Some(index) == sort_column, descending) {
            (true, false) => "↑",
            (true, true) => "↓",
            _ => "",
        };
        Cell::from(format!("{name}{arrow}"))
    }))
    .style(theme.column_header())
}

/// An empty or forbidden list says why, in the table's place.
pub fn placeholder<T: Listable>(collection: &Collection<T>, what: &str) -> Option<String> {
    if collection.visible_len() > 0 {
        return None;
    }
    Some(match &collection.sync {
        Sync::Loading => format!("Loading {what}…"),
        Sync::Forbidden(message) => format!("Not allowed: {}", message.as_str()),
        Sync::Reconnecting { error, .. } if collection.is_empty() => {
            format!("Cannot reach the API server: {}", error.as_str())
        }
        _ if !collection.is_empty() => "Nothing matches the filter.".to_string(),
        _ => format!("No {what}."),
    })
}

/// What a table view hands to `draw_table`.
pub struct TableParts {
    pub header: Row<'static>,
    pub rows: Vec<Row<'static>>,
    pub widths: Vec<Constraint>,
    pub selected: Option<usize>,
    pub empty: Option<String>,
}

/// The columns of a simple list view, and what its rows are called.
pub struct Columns<'a> {
    pub names: &'a [&'a str],
    pub widths: Vec<Constraint>,
    pub what: &'a str,
}

pub fn draw_table(frame: &mut Frame, area: Rect, parts: TableParts, theme: &Theme) {
    let TableParts {
        header,
        rows,
        widths,
        selected,
        empty,
    } = parts;
    let block = Block::default()
        .borders(Borders::TOP | Borders::BOTTOM)
        .border_style(theme.dim());
    if let Some(message) = empty {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(vec![Line::from(""), Line::from(format!("  {message}"))])
                .wrap(Wrap { trim: false }),
            inner,
        );
        return;
    }
    let rows: Vec<Row> = rows
        .into_iter()
        .enumerate()
        .map(|(index, row)| {
            if Some(index) == selected {
                row.style(theme.selected())
            } else {
                row
            }
        })
        .collect();
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}

pub fn simple<T: Listable>(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    theme: &Theme,
    collection: &Collection<T>,
    columns: Columns<'_>,
    cells: impl Fn(&T) -> Vec<Cell<'static>>,
) {
    let rows: Vec<Row> = collection
        .window(collection.offset, state.table_height())
        .map(|row| Row::new(cells(row)))
        .collect();
    let selected = collection.selected.checked_sub(collection.offset);
    let parts = TableParts {
        header: header_row(
            columns.names,
            Some(collection.sort_column),
            collection.descending,
            theme,
        ),
        rows,
        widths: columns.widths,
        selected,
        empty: placeholder(collection, columns.what),
    };
    draw_table(frame, area, parts, theme);
}

pub fn age_text(time: Option<jiff::Timestamp>, now: jiff::Timestamp) -> String {
    time.map_or_else(|| "".to_string(), |t| age(t, now))
}

pub fn prefixed(marker: &str, name: &str, filter: &str, theme: &Theme) -> Line<'static> {
    let mut line = highlighted(name, filter, theme);
    line.spans.insert(0, Span::raw(format!("{marker} ")));
    line
}
