//! The pods view: kubectl's columns (NAME, READY, STATUS, RESTARTS, AGE,
//! NODE) plus CPU and memory against requests and limits. Only the rows in
//! view are built; columns that do not fit are dropped in order.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Cell, Row};

use crate::app::state::{AppState, POD_COLUMNS};
use crate::model::quantity::{format_cpu_millis, format_memory_mi};
use crate::model::rows::{PodRow, Usage};
use crate::ui::theme::{Theme, health_marker};
use crate::ui::widgets::table::{TableParts, draw_table, header_row, highlighted, placeholder};

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

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
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
