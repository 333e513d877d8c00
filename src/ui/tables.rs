//! The list views: pods (kubectl's columns plus CPU and memory against
//! requests and limits), workloads, namespaces, nodes and contexts. Only the
//! rows in view are built; the filter's matched characters are highlighted.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use super::theme::{Theme, health_marker};
use crate::app::lists::collection::{Collection, Listable, Sync, match_positions};
use crate::app::state::{
    AppState, CONTEXT_COLUMNS, NAMESPACE_COLUMNS, NODE_COLUMNS, POD_COLUMNS, WORKLOAD_COLUMNS,
};
use crate::model::duration::age;
use crate::model::quantity::{format_cpu_millis, format_memory_mi};
use crate::model::rows::{PodRow, Usage};

/// A name cell with the filter's matches highlighted.
fn highlighted(text: &str, filter: &str, theme: &Theme) -> Line<'static> {
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

fn header_row(
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
fn placeholder<T: Listable>(collection: &Collection<T>, what: &str) -> Option<String> {
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
struct TableParts {
    header: Row<'static>,
    rows: Vec<Row<'static>>,
    widths: Vec<Constraint>,
    selected: Option<usize>,
    empty: Option<String>,
}

/// The columns of a simple list view, and what its rows are called.
struct Columns<'a> {
    names: &'a [&'a str],
    widths: Vec<Constraint>,
    what: &'a str,
}

fn draw_table(frame: &mut Frame, area: Rect, parts: TableParts, theme: &Theme) {
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

fn percent(usage: u64, of: Option<u64>) -> String {
    match of {
        Some(total) if total > 0 => format!("{}%", usage * 100 / total),
        _ => "-".to_string(),
    }
}

/// `42m 42%/8%`: usage, then percent of request and of limit when set.
fn against(amount: String, usage: u64, request: Option<u64>, limit: Option<u64>) -> String {
    if request.is_none() && limit.is_none() {
        return amount;
    }
    format!(
        "{amount} {}/{}",
        percent(usage, request),
        percent(usage, limit)
    )
}

fn usage_cells(row: &PodRow, usage: Option<&Usage>, metrics: Option<bool>) -> (String, String) {
    match (usage, metrics) {
        (Some(usage), _) => (
            against(
                format_cpu_millis(usage.cpu_nanocores),
                usage.cpu_nanocores,
                row.resources.cpu_request,
                row.resources.cpu_limit,
            ),
            against(
                format_memory_mi(usage.memory_bytes),
                usage.memory_bytes,
                row.resources.memory_request,
                row.resources.memory_limit,
            ),
        ),
        (None, Some(false)) => ("n/a".to_string(), "n/a".to_string()),
        _ => ("-".to_string(), "-".to_string()),
    }
}

/// One cell of the pods table before layout.
struct PodCell {
    text: String,
    style: Style,
}

fn pod_cell(column: &str, row: &PodRow, state: &AppState, theme: &Theme) -> PodCell {
    let now = state.session.now;
    let plain = |text: String| PodCell {
        text,
        style: Style::default(),
    };
    match column {
        "NAMESPACE" => plain(row.namespace.as_str().to_string()),
        "NAME" => plain(row.name.as_str().to_string()),
        "READY" => plain(row.ready.clone()),
        "STATUS" => PodCell {
            text: format!("{} {}", health_marker(row.health), row.status.as_str()),
            style: theme.health(row.health),
        },
        "RESTARTS" => plain(row.restarts_column(now)),
        "CPU" | "MEM" => {
            let usage = state.metrics.usage.get(&(
                row.namespace.as_str().to_string(),
                row.name.as_str().to_string(),
            ));
            let (cpu, memory) = usage_cells(row, usage, state.metrics.available);
            plain(if column == "CPU" { cpu } else { memory })
        }
        "NODE" => plain(row.node.as_str().to_string()),
        _ => plain(row.age_column(now)),
    }
}

/// Columns that go first when the screen is narrow, least useful first.
const OPTIONAL: &[&str] = &["NODE", "MEM", "CPU"];
const NAME_MINIMUM: u16 = 12;
const NAME_PREFERRED: u16 = 32;

pub fn pods(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let across = state.across_namespaces();
    let height = state.table_height();
    let collection = &state.lists.pods;
    let visible: Vec<&PodRow> = collection.window(collection.offset, height).collect();
    let mut columns: Vec<&str> = POD_COLUMNS
        .iter()
        .copied()
        .filter(|c| across || *c != "NAMESPACE")
        .collect();
    let cells: Vec<Vec<PodCell>> = visible
        .iter()
        .map(|row| {
            POD_COLUMNS
                .iter()
                .map(|c| pod_cell(c, row, state, theme))
                .collect()
        })
        .collect();
    let mut caps: Vec<(&str, u16)> = vec![("NAMESPACE", 20), ("NODE", 24)];
    let width_of = |column: &str, caps: &[(&str, u16)]| -> u16 {
        let index = POD_COLUMNS.iter().position(|c| *c == column).unwrap_or(0);
        let content = cells
            .iter()
            .map(|row| unicode_width::UnicodeWidthStr::width(row[index].text.as_str()))
            .max()
            .unwrap_or(0);
        let cap = caps
            .iter()
            .find(|(name, _)| *name == column)
            .map_or(40, |(_, cap)| *cap);
        (content.max(column.len() + 1) as u16).min(cap)
    };
    let fixed = |columns: &[&str], caps: &[(&str, u16)]| -> u16 {
        columns
            .iter()
            .filter(|c| **c != "NAME")
            .map(|c| width_of(c, caps) + 1)
            .sum()
    };
    // Drop optional columns until the rest leave the name enough room, then
    // narrow the namespace and the restart age (they truncate legibly).
    // A full name (up to NAME_PREFERRED) matters more than node, memory and CPU.
    let name_target = width_of("NAME", &[("NAME", NAME_PREFERRED)]).max(NAME_MINIMUM);
    for optional in OPTIONAL {
        if fixed(&columns, &caps) + name_target <= area.width {
            break;
        }
        columns.retain(|c| c != optional);
    }
    for (column, narrower) in [("NAMESPACE", 12), ("RESTARTS", 10), ("NAMESPACE", 8)] {
        if fixed(&columns, &caps) + NAME_MINIMUM <= area.width {
            break;
        }
        caps.retain(|(name, _)| *name != column);
        caps.push((column, narrower));
    }
    let rows: Vec<Row> = cells
        .iter()
        .zip(&visible)
        .map(|(row_cells, row)| {
            Row::new(columns.iter().map(|column| {
                let index = POD_COLUMNS.iter().position(|c| c == column).unwrap_or(0);
                let cell = &row_cells[index];
                if *column == "NAME" {
                    Cell::from(highlighted(
                        row.name.as_str(),
                        state.navigation.filter.as_typed(),
                        theme,
                    ))
                } else {
                    Cell::from(cell.text.clone()).style(cell.style)
                }
            }))
        })
        .collect();
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|column| {
            if *column == "NAME" {
                Constraint::Min(NAME_MINIMUM)
            } else {
                Constraint::Length(width_of(column, &caps))
            }
        })
        .collect();
    let sort_name = POD_COLUMNS.get(collection.sort_column).copied();
    let sort_index = columns.iter().position(|c| Some(*c) == sort_name);
    let selected = collection.selected.checked_sub(collection.offset);
    let scope = match &state.session.target.namespace {
        Some(_) => format!("pods in {}", state.session.target.shown_namespace()),
        None => "pods".to_string(),
    };
    let parts = TableParts {
        header: header_row(&columns, sort_index, collection.descending, theme),
        rows,
        widths,
        selected,
        empty: placeholder(collection, &scope),
    };
    draw_table(frame, area, parts, theme);
}

fn simple<T: Listable>(
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

fn age_text(time: Option<jiff::Timestamp>, now: jiff::Timestamp) -> String {
    time.map_or_else(|| "".to_string(), |t| age(t, now))
}

pub fn workloads(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
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

pub fn namespaces(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
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

fn prefixed(marker: &str, name: &str, filter: &str, theme: &Theme) -> Line<'static> {
    let mut line = highlighted(name, filter, theme);
    line.spans.insert(0, Span::raw(format!("{marker} ")));
    line
}

pub fn nodes(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
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

pub fn contexts(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
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
