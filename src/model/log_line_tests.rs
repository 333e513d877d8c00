//! Unit tests of the log line parser: SGR colours and attributes, the
//! neutralising of every other sequence, level detection per format, cut
//! lines; then the real logs in `tests/fixtures/logs/` (see SOURCES.md).

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

#[test]
fn plain_text_is_kept_and_unstyled() {
    let line = parse_line("hello world");
    assert_eq!(line.text.as_str(), "hello world");
    assert!(line.spans.is_empty());
    assert_eq!(line.cut_bytes, 0);
    assert_eq!(line.level, None);
}

#[test]
fn basic_colours_become_spans() {
    let line = parse_line("a\x1b[31mred\x1b[0m b \x1b[1;4;42mx\x1b[m");
    assert_eq!(line.text.as_str(), "ared b x");
    let underlined = style(
        None,
        Some(AnsiColor::Green),
        &[Attributes::BOLD, Attributes::UNDERLINE],
    );
    assert_eq!(
        line.spans,
        [span(1, 4, fg(AnsiColor::Red)), span(7, 8, underlined)]
    );
}

#[test]
fn bright_colours_and_defaults() {
    let line = parse_line("\x1b[91;104mA\x1b[39mB\x1b[49mC");
    assert_eq!(line.text.as_str(), "ABC");
    assert_eq!(
        line.spans,
        [
            span(
                0,
                1,
                style(Some(AnsiColor::BrightRed), Some(AnsiColor::BrightBlue), &[])
            ),
            span(1, 2, style(None, Some(AnsiColor::BrightBlue), &[])),
        ]
    );
}

#[test]
fn attributes_and_their_resets() {
    let line = parse_line("\x1b[1;2;3;4;7ma\x1b[22mb\x1b[23mc\x1b[24md\x1b[27me");
    assert_eq!(line.text.as_str(), "abcde");
    let all = [
        Attributes::BOLD,
        Attributes::DIM,
        Attributes::ITALIC,
        Attributes::UNDERLINE,
        Attributes::REVERSE,
    ];
    assert_eq!(
        line.spans,
        [
            span(0, 1, style(None, None, &all)),
            span(1, 2, style(None, None, &all[2..])),
            span(2, 3, style(None, None, &all[3..])),
            span(3, 4, style(None, None, &all[4..])),
        ]
    );
    let first = line.spans[0].style;
    assert!(first.bold() && first.dim() && first.italic() && first.underline() && first.reverse());
}

#[test]
fn extended_colours_map_to_the_nearest_of_sixteen() {
    assert_eq!(AnsiColor::from_256(1), AnsiColor::Red);
    assert_eq!(AnsiColor::from_256(12), AnsiColor::BrightBlue);
    assert_eq!(AnsiColor::from_256(196), AnsiColor::BrightRed);
    assert_eq!(AnsiColor::from_256(46), AnsiColor::BrightGreen);
    assert_eq!(AnsiColor::from_256(16), AnsiColor::Black);
    assert_eq!(AnsiColor::from_256(231), AnsiColor::BrightWhite);
    assert_eq!(AnsiColor::from_256(244), AnsiColor::BrightBlack);
    assert_eq!(AnsiColor::from_256(252), AnsiColor::White);
    assert_eq!(AnsiColor::from_256(232), AnsiColor::Black);
    assert_eq!(AnsiColor::from_256(214), AnsiColor::Yellow);
    assert_eq!(AnsiColor::nearest_rgb(255, 0, 0), AnsiColor::BrightRed);
    assert_eq!(AnsiColor::nearest_rgb(0, 0, 200), AnsiColor::Blue);
    assert_eq!(AnsiColor::nearest_rgb(0, 180, 180), AnsiColor::Cyan);
    assert_eq!(AnsiColor::nearest_rgb(10, 10, 10), AnsiColor::Black);
    assert_eq!(
        AnsiColor::nearest_rgb(128, 128, 128),
        AnsiColor::BrightBlack
    );
}

#[test]
fn extended_colours_in_both_separator_forms() {
    let red = fg(AnsiColor::BrightRed);
    for sequence in [
        "\x1b[38;5;196m",
        "\x1b[38:5:196m",
        "\x1b[38;2;255;0;0m",
        "\x1b[38:2:255:0:0m",
        "\x1b[38:2::255:0:0m",
        "\x1b[38:2:0:255:0:0m",
    ] {
        let line = parse_line(&format!("{sequence}x"));
        assert_eq!(line.text.as_str(), "x", "{sequence:?}");
        assert_eq!(line.spans, [span(0, 1, red)], "{sequence:?}");
    }
    let line = parse_line("\x1b[48;5;21;1mx");
    assert_eq!(
        line.spans,
        [span(
            0,
            1,
            style(None, Some(AnsiColor::Blue), &[Attributes::BOLD])
        )]
    );
    // A code after a semicolon true colour is not swallowed.
    let line = parse_line("\x1b[38;2;0;205;0;4mx");
    assert_eq!(
        line.spans,
        [span(
            0,
            1,
            style(Some(AnsiColor::Green), None, &[Attributes::UNDERLINE])
        )]
    );
}

#[test]
fn empty_parameters_are_zero() {
    let line = parse_line("\x1b[31ma\x1b[;1mb\x1b[;mc");
    assert_eq!(line.text.as_str(), "abc");
    assert_eq!(
        line.spans,
        [
            span(0, 1, fg(AnsiColor::Red)),
            span(1, 2, style(None, None, &[Attributes::BOLD])),
        ]
    );
}

#[test]
fn malformed_colour_requests_do_nothing_harmful() {
    for raw in [
        "\x1b[38;5mx",
        "\x1b[38;5;999mx",
        "\x1b[38;2;1;2mx",
        "\x1b[38;9mx",
        "\x1b[99999999999999999999mx",
        "\x1b[38:2:300:0:0mx",
        "\x1b[58;5;1mx",
        "\x1b[5;9mx",
    ] {
        let line = parse_line(raw);
        assert_eq!(line.text.as_str(), "x", "{raw:?}");
        assert!(line.spans.is_empty(), "{raw:?}: {:?}", line.spans);
    }
}

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
fn adjacent_equal_spans_are_joined() {
    let line = parse_line("\x1b[31ma\x1b[1m\x1b[22mb\x1b[31mc");
    assert_eq!(line.text.as_str(), "abc");
    assert_eq!(line.spans, [span(0, 3, fg(AnsiColor::Red))]);
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

#[test]
fn json_levels_by_name_and_number() {
    let cases = [
        (r#"{"level":"error","msg":"x"}"#, Some(LogLevel::Error)),
        (r#"{"lvl":"WARN"}"#, Some(LogLevel::Warn)),
        (
            r#"{"severity":"INFO","message":"level=error"}"#,
            Some(LogLevel::Info),
        ),
        (r#"{"log.level":"debug"}"#, Some(LogLevel::Debug)),
        (r#"{"levelname":"CRITICAL"}"#, Some(LogLevel::Error)),
        (r#"{"loglevel":"trace"}"#, Some(LogLevel::Trace)),
        (r#"{"Level" : "Fatal"}"#, Some(LogLevel::Error)),
        (r#"{"level":"panic"}"#, Some(LogLevel::Error)),
        (r#"{"level":10}"#, Some(LogLevel::Trace)),
        (r#"{"level":20}"#, Some(LogLevel::Debug)),
        (r#"{"level":30}"#, Some(LogLevel::Info)),
        (r#"{"level":40}"#, Some(LogLevel::Warn)),
        (r#"{"level":50}"#, Some(LogLevel::Error)),
        (r#"{"level":60}"#, Some(LogLevel::Error)),
        (
            r#"{"msg":"the \"level\":\"error\" text","level":"info"}"#,
            Some(LogLevel::Info),
        ),
        (
            r#"{"nested":{"level":"warn"},"level":"error"}"#,
            Some(LogLevel::Error),
        ),
        (r#"{"log":{"level":"warn"}}"#, Some(LogLevel::Warn)),
        (r#"{"msg":"no level here"}"#, None),
        (r#"{"level":true}"#, None),
        // Cut short, as a line past the length limit is.
        (r#"{"level":"err"#, Some(LogLevel::Error)),
        ("{\"level", None),
    ];
    for (raw, level) in cases {
        let line = parse_line(raw);
        assert_eq!(line.level, level, "{raw}");
        assert_eq!(line.text.as_str(), raw, "JSON is shown as written");
    }
    // A JSON line cut short keeps the level it stated; a cut line with no
    // level key does not borrow a word from its message.
    let long = format!(
        r#"{{"level":"warn","msg":"{}"}}"#,
        "x".repeat(MAX_LINE_BYTES)
    );
    assert_eq!(parse_line(&long).level, Some(LogLevel::Warn));
    let long = format!(
        r#"{{"ts":1717 "msg":" error {}"}}"#,
        "x".repeat(MAX_LINE_BYTES)
    );
    assert_eq!(parse_line(&long).level, None);
}

#[test]
fn logfmt_klog_and_prefix_levels() {
    let cases = [
        (
            r#"time="2021-09-15T21:17:10Z" level=error msg="x""#,
            Some(LogLevel::Error),
        ),
        ("ts=1 lvl=warn msg=y", Some(LogLevel::Warn)),
        (r#"level="info" msg=z"#, Some(LogLevel::Info)),
        ("msg=a loglevel=debug", Some(LogLevel::Debug)),
        ("sublevel=error msg=a", None),
        (
            "E1129 12:00:00.000000       1 controller.go:1] boom",
            Some(LogLevel::Error),
        ),
        (
            "W1129 12:00:00.000000       1 x.go:1] careful",
            Some(LogLevel::Warn),
        ),
        (
            "I1129 12:00:00.000000       1 x.go:1] fine",
            Some(LogLevel::Info),
        ),
        (
            "F0101 00:00:00.000000       1 x.go:1] dead",
            Some(LogLevel::Error),
        ),
        ("ERROR something broke", Some(LogLevel::Error)),
        ("[WARN] disk almost full", Some(LogLevel::Warn)),
        ("WARN  retrying", Some(LogLevel::Warn)),
        (
            "2024-01-01T00:00:00.000Z\tERROR\tmain.go:12\tfailed",
            Some(LogLevel::Error),
        ),
        ("2024-01-01T00:00:00.000Z\tdebug\tx", Some(LogLevel::Debug)),
        (
            "2025-05-29 10:14:26,367 - INFO - started",
            Some(LogLevel::Info),
        ),
        (
            "panic: runtime error: index out of range",
            Some(LogLevel::Error),
        ),
        ("Error: unable to load", Some(LogLevel::Error)),
        ("<info> ok", Some(LogLevel::Info)),
        ("no error found", None),
        ("Information is power", None),
        ("goroutine 1 [running]:", None),
        ("[GREEN] ok", None),
        ("", None),
        ("\x1b[31mERROR\x1b[0m coloured", Some(LogLevel::Error)),
    ];
    for (raw, level) in cases {
        assert_eq!(parse_line(raw).level, level, "{raw:?}");
    }
}

#[test]
fn level_names_and_numbers() {
    assert_eq!(LogLevel::from_name("Warning"), Some(LogLevel::Warn));
    assert_eq!(LogLevel::from_name("emerg"), Some(LogLevel::Error));
    assert_eq!(LogLevel::from_name("er"), None);
    assert_eq!(LogLevel::from_number(5), None);
    assert_eq!(LogLevel::Warn.as_str(), "WARN");
    for level in [
        None,
        Some(LogLevel::Error),
        Some(LogLevel::Warn),
        Some(LogLevel::Info),
        Some(LogLevel::Debug),
        Some(LogLevel::Trace),
    ] {
        assert_eq!(LogLevel::unpack(LogLevel::pack(level)), level);
    }
}

#[test]
fn fixture_docker_compose_keeps_text_and_gets_colours() {
    let lines = fixture_lines("ansi-docker-compose-flask-redis.log");
    assert_eq!(lines.len(), 22);
    for line in &lines {
        assert_inert(line);
        // The erase-line sequence is not a colour: it stays visible.
        assert!(line.text.as_str().starts_with("^[[2K"), "{:?}", line.text);
    }
    let warning = &lines[2];
    assert_eq!(
        warning.text.as_str(),
        "^[[2Kweb-1  | WARNING: This is a development server. Do not use it in a \
         production deployment. Use a production WSGI server instead."
    );
    let start = "^[[2Kweb-1  | ".len() as u16;
    assert_eq!(
        warning.spans,
        [span(
            start,
            warning.text.as_str().len() as u16,
            style(Some(AnsiColor::Red), None, &[Attributes::BOLD])
        )]
    );
    assert_eq!(warning.level, Some(LogLevel::Warn));
    let press = &lines[6];
    assert_eq!(press.text.as_str(), "^[[2Kweb-1  | Press CTRL+C to quit");
    assert_eq!(
        press.spans,
        [span(start, start + 20, fg(AnsiColor::Yellow))]
    );
    let coloured = lines.iter().filter(|line| !line.spans.is_empty()).count();
    assert_eq!(coloured, 2);
}

#[test]
fn fixture_python_traceback_with_ansi_access_lines() {
    let lines = fixture_lines("ansi-python-traceback-previous-container-holmes.txt");
    // The first two lines are the fixture's metadata, not log output.
    let log = &lines[2..];
    let access = log
        .iter()
        .find(|line| line.text.as_str().contains("GET / HTTP/1.1"))
        .expect("an access line");
    assert!(access.text.as_str().ends_with(r#""GET / HTTP/1.1" 200 -"#));
    assert_eq!(access.spans.len(), 1);
    let range = access.spans[0].range();
    assert_eq!(&access.text.as_str()[range], "GET / HTTP/1.1");
    assert_eq!(access.spans[0].style, fg(AnsiColor::White));
    assert_eq!(access.level, Some(LogLevel::Info));
    let levels = |level| log.iter().filter(|line| line.level == Some(level)).count();
    assert_eq!(levels(LogLevel::Error), 1);
    // "   WARNING: This is a development server." and the expired certificate.
    assert_eq!(levels(LogLevel::Warn), 2);
    assert!(levels(LogLevel::Debug) > 10);
    for line in log {
        assert_inert(line);
    }
}

#[test]
fn fixture_bunyan_json_levels() {
    let lines = fixture_lines("json-bunyan-renovate-pod.log");
    let raw = fixture("json-bunyan-renovate-pod.log");
    let levels: Vec<Option<LogLevel>> = lines.iter().map(|line| line.level).collect();
    let expected: Vec<Option<LogLevel>> = raw
        .lines()
        .map(
            |line| match serde_json::from_str::<serde_json::Value>(line) {
                Ok(value) => value["level"].as_u64().and_then(LogLevel::from_number),
                Err(error) => panic!("fixture line is not JSON: {error}"),
            },
        )
        .collect();
    assert_eq!(levels, expected);
    assert_eq!(levels[3], Some(LogLevel::Info));
    assert_eq!(levels[0], Some(LogLevel::Debug));
    for (line, raw) in lines.iter().zip(raw.lines()) {
        assert_eq!(line.text.as_str(), raw);
    }
}

#[test]
fn fixture_logfmt_levels() {
    let levels: Vec<_> = fixture_lines("logfmt-virtual-kubelet.log")
        .iter()
        .map(|line| line.level)
        .collect();
    use LogLevel::{Error, Info, Warn};
    assert_eq!(
        levels,
        [Some(Error), Some(Warn), Some(Info), Some(Info), Some(Error)]
    );
    let fatal = fixture_lines("logrus-fatal-local-path-provisioner-previous.log");
    assert_eq!(fatal[0].level, Some(Error));
    assert_eq!(fatal[1].level, None);
    let alertmanager = fixture_lines("timestamps-alertmanager-logfmt-last50.log");
    assert_eq!(alertmanager[0].level, Some(Info));
    assert_eq!(alertmanager[2].level, Some(Warn));
    assert!(alertmanager.iter().all(|line| line.level.is_some()));
}

#[test]
fn fixture_zap_console_levels() {
    let lines = fixture_lines("go-zap-console-otel-collector-stacktrace.log");
    assert_eq!(lines[0].level, Some(LogLevel::Info));
    assert!(
        lines[0]
            .text
            .as_str()
            .starts_with("2025-04-24T22:09:20.854Z        info    Metrics")
    );
    assert_eq!(lines[1].level, Some(LogLevel::Error));
    // The stack trace lines have no level of their own.
    assert!(lines[2..8].iter().all(|line| line.level.is_none()));
    assert_eq!(lines[8].level, Some(LogLevel::Info));
}

#[test]
fn fixture_go_panic() {
    let lines = fixture_lines("go-panic-goroutine-metrics-server-previous.log");
    assert_eq!(lines[0].level, Some(LogLevel::Error));
    let panic = lines
        .iter()
        .find(|line| line.text.as_str().starts_with("panic: "))
        .expect("a panic line");
    assert_eq!(panic.level, Some(LogLevel::Error));
    let frame = lines.last().expect("a last line");
    assert!(
        frame
            .text
            .as_str()
            .starts_with("        /go/src/sigs.k8s.io/")
    );
    assert_eq!(frame.level, None);
    let errors = lines
        .iter()
        .filter(|line| line.level == Some(LogLevel::Error))
        .count();
    assert_eq!(errors, 2, "usage text must not read as errors");
}
