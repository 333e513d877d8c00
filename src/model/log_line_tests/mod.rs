//! Unit tests of the log line parser, one file per idea: SGR colours and
//! attributes, the neutralising of every other sequence and cut lines,
//! level detection per format, and the real logs in `tests/fixtures/logs/`
//! (see SOURCES.md). The helpers they share are here.

mod colours;
mod fixtures;
mod levels;
mod neutralised;

use super::*;

fn style(fg: Option<AnsiColor>, bg: Option<AnsiColor>, attributes: &[Attributes]) -> AnsiStyle {
    let mut all = Attributes::empty();
    for attribute in attributes {
        all.insert(*attribute);
    }
    AnsiStyle {
        fg,
        bg,
        attributes: all,
    }
}

fn span(start: u16, end: u16, style: AnsiStyle) -> StyleSpan {
    StyleSpan { start, end, style }
}

fn fg(color: AnsiColor) -> AnsiStyle {
    style(Some(color), None, &[])
}

/// No byte that could act on a terminal: C0 controls, DEL, ESC, BEL, C1.
fn assert_inert(line: &ParsedLine) {
    let text = line.text.as_str();
    for character in text.chars() {
        let code = u32::from(character);
        assert!(
            code >= 0x20 && code != 0x7f && !(0x80..=0x9f).contains(&code),
            "control character {code:#x} left in {text:?}"
        );
    }
    assert!(!text.contains(['\u{202e}', '\u{2066}', '\u{200f}']));
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/logs/{name}", env!("CARGO_MANIFEST_DIR"));
    match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => panic!("fixture {path}: {error}"),
    }
}

fn fixture_lines(name: &str) -> Vec<ParsedLine> {
    fixture(name).lines().map(parse_line).collect()
}
