//! Every sequence but SGR is shown, not obeyed; huge lines are cut.

use super::*;

#[test]
fn unterminated_or_foreign_sequences_stay_visible() {
    let cases = [
        ("a\x1b[31", "a^[[31"),
        ("a\x1b[", "a^[["),
        ("a\x1b", "a^["),
        ("\x1b[31;hello", "^[[31;hello"),
        ("\x1b[1;31 m x", "^[[1;31 m x"),
        ("\x1b[?25lhidden", "^[[?25lhidden"),
        ("\x1b[>4;2mkeys", "^[[>4;2mkeys"),
        ("\x1b\x1b[31mred", "^[red"),
        ("\x1b[2Kclear", "^[[2Kclear"),
        ("\x1b[10;20Hmoved\x1b[3A", "^[[10;20Hmoved^[[3A"),
        ("\x1b(0line", "^[(0line"),
    ];
    for (raw, shown) in cases {
        let line = parse_line(raw);
        assert_eq!(line.text.as_str(), shown, "{raw:?}");
        assert_inert(&line);
    }
    let line = parse_line("\x1b\x1b[31mred");
    assert_eq!(line.spans, [span(2, 5, fg(AnsiColor::Red))]);
}

#[test]
fn hostile_lines_are_neutralised() {
    let cases = [
        ("\x1b]52;c;cm0gLXJmIH4=\x07", "^[]52;c;cm0gLXJmIH4=^G"),
        ("pod\x1b]0;pwned\x07name", "pod^[]0;pwned^Gname"),
        (
            "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
            "^[]8;;http://evil^[\\link^[]8;;^[\\",
        ),
        (
            "a\u{9b}31mb\u{9d}0;t\u{9c}",
            "a<U+009B>31mb<U+009D>0;t<U+009C>",
        ),
        (
            "abc\u{202e}fed\u{2066}x\u{2069}",
            "abc<U+202E>fed<U+2066>x<U+2069>",
        ),
        ("\x1bPq#0;2;0;0;0\x1b\\", "^[Pq#0;2;0;0;0^[\\"),
        ("bell\x07\x08\r\x7f", "bell^G^H^M^?"),
        ("\x1b[31m\x1b]0;x\x07red", "^[]0;x^Gred"),
    ];
    for (raw, shown) in cases {
        let line = parse_line(raw);
        assert_eq!(line.text.as_str(), shown, "{raw:?}");
        assert_inert(&line);
    }
}

#[test]
fn every_control_character_is_neutralised_between_colours() {
    let mut raw = String::new();
    for code in (0u32..=0x9f).chain(0x2000..=0x206f) {
        if let Some(character) = char::from_u32(code) {
            raw.push_str("\x1b[32m");
            raw.push(character);
        }
    }
    assert_inert(&parse_line(&raw));
}

#[test]
fn tabs_expand_within_the_display_text() {
    let line = parse_line("\x1b[1mab\x1b[0m\tc");
    assert_eq!(line.text.as_str(), "ab      c");
    assert_eq!(
        line.spans,
        [span(0, 2, style(None, None, &[Attributes::BOLD]))]
    );
}

#[test]
fn bracketed_text_is_not_a_colour() {
    for raw in [
        "[GREEN] ok",
        "[1, 2, 3]",
        "[ERROR] failed",
        "[31m not escaped",
        "x[0m",
    ] {
        let line = parse_line(raw);
        assert_eq!(line.text.as_str(), raw);
        assert!(line.spans.is_empty());
    }
    assert_eq!(parse_line("[ERROR] failed").level, Some(LogLevel::Error));
}

#[test]
fn huge_lines_are_cut_and_say_by_how_much() {
    let raw = "x".repeat(MAX_LINE_BYTES + 2_300_000);
    let line = parse_line(&raw);
    assert_eq!(line.text.as_str().len(), MAX_LINE_BYTES);
    assert_eq!(line.cut_bytes, 2_300_000);

    // A multi-byte character across the limit is cut whole.
    let raw = format!("{}é and more", "a".repeat(MAX_LINE_BYTES - 1));
    let line = parse_line(&raw);
    assert_eq!(line.text.as_str().len(), MAX_LINE_BYTES - 1);
    assert_eq!(line.cut_bytes, raw.len() - (MAX_LINE_BYTES - 1));

    // A placeholder that does not fit is cut whole, and spans stop at the cut.
    let raw = format!("\x1b[31m{}\u{9b}tail", "b".repeat(MAX_LINE_BYTES - 3));
    let line = parse_line(&raw);
    assert_eq!(line.text.as_str().len(), MAX_LINE_BYTES - 3);
    assert_eq!(line.cut_bytes, "\u{9b}tail".len());
    assert_eq!(
        line.spans,
        [span(0, (MAX_LINE_BYTES - 3) as u16, fg(AnsiColor::Red))]
    );

    // Colour sequences after the last shown character are not "cut".
    let raw = format!("\x1b[31m{}\x1b[0m", "c".repeat(MAX_LINE_BYTES));
    let line = parse_line(&raw);
    assert_eq!(line.cut_bytes, 0);
    assert_eq!(line.spans.len(), 1);

    let raw = "日本語".repeat(MAX_LINE_BYTES);
    let line = parse_line(&raw);
    assert!(line.text.as_str().len() <= MAX_LINE_BYTES);
    assert_eq!(line.text.as_str().len() + line.cut_bytes, raw.len());
}

#[test]
fn many_escapes_in_a_huge_line_stay_within_the_limit() {
    let raw = "\x1b]0;x\x07".repeat(MAX_LINE_BYTES);
    let line = parse_line(&raw);
    assert!(line.text.as_str().len() <= MAX_LINE_BYTES);
    assert!(line.cut_bytes > 0);
    assert_inert(&line);
}

#[test]
fn parser_reuse_gives_the_same_result() {
    let mut parser = LineParser::new();
    let first = parser.parse("\x1b[31mred\x1b[0m\tx").to_parsed_line();
    let second = parser.parse("plain").to_parsed_line();
    assert_eq!(first, parse_line("\x1b[31mred\x1b[0m\tx"));
    assert_eq!(second, parse_line("plain"));
    assert!(second.spans.is_empty());
}
