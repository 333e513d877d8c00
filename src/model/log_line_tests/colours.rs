//! SGR colours and attributes become spans; the text around them stays.

use super::*;

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
fn adjacent_equal_spans_are_joined() {
    let line = parse_line("\x1b[31ma\x1b[1m\x1b[22mb\x1b[31mc");
    assert_eq!(line.text.as_str(), "abc");
    assert_eq!(line.spans, [span(0, 3, fg(AnsiColor::Red))]);
}
