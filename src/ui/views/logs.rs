//! The log view: the lines on screen (only those: drawing cost does not
//! grow with the buffer), with their container prefix, timestamps, ANSI
//! colours, level colours and search matches; wrapped or clipped. The title
//! line carries the view's options, the status line the streams' state,
//! the prompt and the match count.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

use crate::app::logs::source_number;
use crate::app::logs::{LogView, PromptKind, SINCE_PRESETS, TAIL_PRESETS};
use crate::app::state::AppState;
use crate::model::log_buffer::LineKind;
use crate::model::log_line::{AnsiStyle, LogLevel};
use crate::protocol::logs::LogTarget;
use crate::ui::theme::Theme;

/// Colours for sources' prefixes (no red: red means error).
const SOURCE_COLORS: [Color; 6] = [
    Color::Cyan,
    Color::Green,
    Color::Magenta,
    Color::Blue,
    Color::Yellow,
    Color::LightCyan,
];

fn ansi_color(index: u8) -> Color {
    match index {
        0 => Color::Black,
        1 => Color::Red,
        2 => Color::Green,
        3 => Color::Yellow,
        4 => Color::Blue,
        5 => Color::Magenta,
        6 => Color::Cyan,
        7 => Color::Gray,
        8 => Color::DarkGray,
        9 => Color::LightRed,
        10 => Color::LightGreen,
        11 => Color::LightYellow,
        12 => Color::LightBlue,
        13 => Color::LightMagenta,
        14 => Color::LightCyan,
        _ => Color::White,
    }
}

/// The style an ANSI sequence asked for, within the theme's means.
fn ansi_style(style: &AnsiStyle, theme: &Theme) -> Style {
    let mut out = Style::default();
    if theme.color {
        if let Some(fg) = style.fg {
            out = out.fg(ansi_color(fg.index()));
        }
        if let Some(bg) = style.bg {
            out = out.bg(ansi_color(bg.index()));
        }
    }
    let mut modifiers = Modifier::empty();
    if style.bold() {
        modifiers |= Modifier::BOLD;
    }
    if style.dim() && theme.color {
        modifiers |= Modifier::DIM;
    }
    if style.italic() {
        modifiers |= Modifier::ITALIC;
    }
    if style.underline() {
        modifiers |= Modifier::UNDERLINED;
    }
    if style.reverse() {
        modifiers |= Modifier::REVERSED;
    }
    out.add_modifier(modifiers)
}

/// The base style of a line of this level.
fn level_style(level: Option<LogLevel>, theme: &Theme) -> Style {
    match level {
        Some(LogLevel::Error) => theme.error(),
        Some(LogLevel::Warn) => theme.warning(),
        Some(LogLevel::Debug | LogLevel::Trace) => theme.dim(),
        _ => Style::default(),
    }
}

fn match_style(current: bool, theme: &Theme) -> Style {
    let style = if theme.color {
        Style::default().fg(Color::Black).bg(Color::Yellow)
    } else {
        Style::default().add_modifier(Modifier::REVERSED)
    };
    if current {
        style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    } else {
        style
    }
}

/// Cut `text` into spans at every boundary of the ANSI spans and matches.
fn styled_text(
    text: &str,
    ansi: &[(Range<usize>, Style)],
    matches: &[Range<usize>],
    base: Style,
    matched: Style,
) -> Vec<Span<'static>> {
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for (range, _) in ansi {
        cuts.extend([range.start, range.end]);
    }
    for range in matches {
        cuts.extend([range.start, range.end]);
    }
    cuts.retain(|&c| c <= text.len() && text.is_char_boundary(c));
    cuts.sort_unstable();
    cuts.dedup();
    let mut spans = Vec::new();
    for pair in cuts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        if start == end {
            continue;
        }
        let mut style = base;
        if let Some((_, ansi)) = ansi.iter().find(|(r, _)| r.start <= start && end <= r.end) {
            style = style.patch(*ansi);
        }
        if matches.iter().any(|r| r.start <= start && end <= r.end) {
            style = style.patch(matched);
        }
        spans.push(Span::styled(text[start..end].to_string(), style));
    }
    spans
}

/// One buffer line as spans, before wrapping.
fn line_spans(logs: &LogView, seq: u64, theme: &Theme) -> Vec<Span<'static>> {
    let Some(line) = logs.buffer.get(seq) else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    if logs.timestamps {
        let stamp = line
            .timestamp
            .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
            .unwrap_or_else(|| " ".repeat(24));
        spans.push(Span::styled(format!("{stamp} "), theme.dim()));
    }
    if logs.several_sources() {
        let source = source_number(line.source);
        if let Some(prefix) = logs.prefix(source) {
            let color = SOURCE_COLORS[source as usize % SOURCE_COLORS.len()];
            let style = if theme.color {
                Style::default().fg(color)
            } else {
                Style::default().add_modifier(Modifier::BOLD)
            };
            spans.push(Span::styled(format!("{} ", prefix.as_str()), style));
        }
    }
    let text = line.text.as_str();
    match line.kind {
        LineKind::Marker => {
            let style = if theme.color {
                Style::default()
                    .fg(Color::Black)
                    .bg(Color::Yellow)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
            };
            spans.push(Span::styled(format!("── {text} ──"), style));
            return spans;
        }
        LineKind::Notice => {
            spans.push(Span::styled(
                format!("── {text}"),
                theme.dim().add_modifier(Modifier::ITALIC),
            ));
            return spans;
        }
        LineKind::Log => {}
    }
    let ansi: Vec<(Range<usize>, Style)> = line
        .spans
        .iter()
        .map(|span| (span.range(), ansi_style(&span.style, theme)))
        .collect();
    // Lines with their own colours keep them; others get their level's.
    let base = if ansi.is_empty() {
        level_style(line.level, theme)
    } else {
        Style::default()
    };
    let matches = logs.match_ranges(text);
    let current = logs.current_match == Some(seq);
    spans.extend(styled_text(
        text,
        &ansi,
        &matches,
        base,
        match_style(current, theme),
    ));
    if line.cut_bytes > 0 {
        spans.push(Span::styled(
            format!(" … {} cut", bytes(line.cut_bytes)),
            theme.warning(),
        ));
    }
    spans
}

fn bytes(count: usize) -> String {
    const KIB: f64 = 1024.0;
    let count_f = count as f64;
    if count_f >= KIB * KIB {
        format!("{:.1} MiB", count_f / KIB / KIB)
    } else if count_f >= KIB {
        format!("{:.1} KiB", count_f / KIB)
    } else {
        format!("{count} bytes")
    }
}

/// Split spans into rows of at most `width` columns.
fn wrap(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in spans {
        let mut piece = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && used > 0 {
                if !piece.is_empty() {
                    row.push(Span::styled(std::mem::take(&mut piece), span.style));
                }
                rows.push(Line::from(std::mem::take(&mut row)));
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        if !piece.is_empty() {
            row.push(Span::styled(piece, span.style));
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(Line::from(row));
    }
    rows
}

/// The rows on screen: `height` rows from the view's position. Only the
/// lines that can appear are read from the buffer.
pub fn rows(logs: &LogView, width: usize, height: usize, theme: &Theme) -> Vec<Line<'static>> {
    let length = logs.visible_len();
    if length == 0 || height == 0 {
        return Vec::new();
    }
    if !logs.wrap {
        let top = logs.top_index(height);
        return (top..length.min(top + height))
            .filter_map(|i| logs.visible_seq(i))
            .map(|seq| Line::from(line_spans(logs, seq, theme)))
            .collect();
    }
    if logs.pinned {
        // From the newest line up until the screen is full.
        let mut rows: Vec<Line<'static>> = Vec::new();
        let mut index = length;
        while index > 0 && rows.len() < height {
            index -= 1;
            let Some(seq) = logs.visible_seq(index) else {
                break;
            };
            let mut wrapped = wrap(line_spans(logs, seq, theme), width);
            wrapped.append(&mut rows);
            rows = wrapped;
        }
        let extra = rows.len().saturating_sub(height);
        return rows.split_off(extra);
    }
    let mut rows = Vec::new();
    let mut index = logs.top_index(height);
    while index < length && rows.len() < height {
        if let Some(seq) = logs.visible_seq(index) {
            rows.extend(wrap(line_spans(logs, seq, theme), width));
        }
        index += 1;
    }
    rows.truncate(height);
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(logs) = &state.logs.view else {
        return;
    };
    if let (Some(error), 0) = (&logs.error, logs.visible_len()) {
        let text = Line::from(Span::styled(error.as_str().to_string(), theme.error()));
        frame.render_widget(
            Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
            area.inner(ratatui::layout::Margin::new(2, 0)),
        );
        return;
    }
    let mut body = rows(
        logs,
        usize::from(area.width),
        usize::from(area.height),
        theme,
    );
    if body.is_empty() {
        let text = if logs.loading {
            Span::styled("  reading logs…", theme.dim())
        } else if logs.filter.is_some() && !logs.buffer.is_empty() {
            Span::styled("  no line matches the filter", theme.dim())
        } else {
            Span::styled("  no log lines", theme.dim())
        };
        body.push(Line::from(text));
    }
    frame.render_widget(Paragraph::new(body), area);
}

/// The title line of the log view.
pub fn title(logs: &LogView, theme: &Theme) -> Line<'static> {
    let mut spans = vec![
        Span::styled(" Logs ".to_string(), theme.title()),
        Span::raw(format!("{} ", logs.title.as_str())),
    ];
    if let LogTarget::Selector { .. } = logs.target {
        let pods = {
            let mut pods: Vec<&str> = logs.sources.iter().map(|s| s.source.pod.as_str()).collect();
            pods.sort_unstable();
            pods.dedup();
            pods.len()
        };
        spans.push(Span::styled(format!("[{pods} pods] "), theme.dim()));
    }
    let mode = if logs.error.is_some() {
        Span::styled(" FAILED ".to_string(), theme.badge())
    } else if logs.stored {
        Span::styled(" KEPT ".to_string(), theme.badge())
    } else if logs.previous {
        Span::styled(" PREVIOUS ".to_string(), theme.badge())
    } else if logs.pinned {
        Span::styled(" FOLLOWING ".to_string(), theme.header())
    } else if logs.unseen > 0 {
        Span::styled(
            format!(" PAUSED +{} new (G to follow) ", logs.unseen),
            theme.warning().add_modifier(Modifier::REVERSED),
        )
    } else {
        Span::styled(" PAUSED ".to_string(), theme.warning())
    };
    spans.push(mode);
    // Kept lines were read once, when the instance ended: no options.
    let mut options = if logs.stored {
        vec!["from the history".to_string()]
    } else {
        vec![
            format!("since {}", SINCE_PRESETS[logs.since].1),
            format!("tail {}", TAIL_PRESETS[logs.tail].1),
        ]
    };
    if logs.wrap {
        options.push("wrap".to_string());
    }
    if logs.timestamps {
        options.push("time".to_string());
    }
    if let Some((query, invert)) = &logs.filter {
        let sign = if *invert { "!" } else { "&" };
        let re = if query.regex { "re:" } else { "" };
        options.push(format!("{sign}{re}{}", query.text.shown().as_str()));
    }
    spans.push(Span::styled(
        format!(" {}", options.join(" · ")),
        theme.dim(),
    ));
    Line::from(spans)
}

/// The status line of the log view: the prompt while typing; otherwise the
/// streams' worst state, lines lost, match count and the line count.
pub fn status(logs: &LogView, theme: &Theme) -> Vec<Span<'static>> {
    if let Some(prompt) = &logs.prompt {
        let sign = match prompt.kind {
            PromptKind::Search => "/",
            PromptKind::Filter => "&",
            PromptKind::FilterOut => "!",
        };
        let mode = if prompt.regex { "regex" } else { "text" };
        let mut spans = vec![
            Span::styled(sign.to_string(), theme.title()),
            Span::styled(prompt.input.shown().to_string(), theme.matched()),
            Span::raw("█ "),
            Span::styled(format!("[{mode}, ctrl-r toggles]"), theme.dim()),
        ];
        if let Some(error) = &prompt.error {
            spans.push(Span::styled(format!(" {}", error.as_str()), theme.error()));
        }
        return spans;
    }
    let mut spans = Vec::new();
    if let Some(error) = &logs.error {
        spans.push(Span::styled(format!(" {} ", error.as_str()), theme.error()));
    } else if let Some((bad, text)) = logs.stream_summary() {
        let style = if bad { theme.warning() } else { theme.dim() };
        spans.push(Span::styled(format!(" {} ", text.as_str()), style));
    } else if logs.finished {
        spans.push(Span::styled(" all lines read ".to_string(), theme.dim()));
    }
    if logs.buffer.evicted() > 0 {
        spans.push(Span::styled(
            format!(
                " {} oldest lines dropped (buffer {}) ",
                logs.buffer.evicted(),
                logs.buffer.capacity()
            ),
            theme.warning(),
        ));
    }
    if let Some(query) = &logs.search {
        let (current, count) = logs.match_count();
        let current = current.map_or_else(|| "-".to_string(), |c| c.to_string());
        spans.push(Span::styled(
            format!(" /{} {current}/{count} ", query.text.shown().as_str()),
            theme.matched(),
        ));
    }
    spans.push(Span::styled(
        format!(" {} lines ", logs.visible_len()),
        theme.dim(),
    ));
    spans
}
