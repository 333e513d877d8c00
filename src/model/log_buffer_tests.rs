//! Unit tests of the log buffer: sequence numbers across eviction, chunk
//! release, stored fields, cut lines, scanning for a query against a plain
//! line-by-line scan, and the saved text.

use super::*;
use crate::model::log_line::{AnsiColor, ParsedLine, parse_line};
use crate::model::log_query::QueryKind;
use crate::model::safe_text::SafeText;

fn meta(source: u16) -> LineMeta {
    LineMeta {
        source: SourceId(source),
        ..LineMeta::default()
    }
}

fn texts(buffer: &LogBuffer) -> Vec<String> {
    buffer
        .iter()
        .map(|line| line.text.as_str().to_owned())
        .collect()
}

fn matches(buffer: &LogBuffer, query: &Query) -> Vec<u64> {
    let mut found = Vec::new();
    buffer.for_each_match(query, 0..u64::MAX, |seq| found.push(seq));
    found
}

fn brute_force(buffer: &LogBuffer, query: &Query) -> Vec<u64> {
    buffer
        .iter()
        .filter(|line| query.is_match(line.text.as_str()))
        .map(|line| line.seq)
        .collect()
}

#[test]
fn lines_get_increasing_seqs_and_keep_their_fields() {
    let mut buffer = LogBuffer::new(10);
    assert!(buffer.is_empty());
    assert_eq!((buffer.first_seq(), buffer.next_seq()), (0, 0));
    let time: Timestamp = "2024-06-01T12:00:00.5Z".parse().expect("a timestamp");
    let first = buffer.push_raw(
        "\x1b[31mERROR\x1b[0m boom",
        LineMeta {
            timestamp: Some(time),
            source: SourceId(7),
            kind: LineKind::Log,
        },
    );
    let second = buffer.push(
        ParsedLine::plain(SafeText::from_untrusted("container app restarted")).as_line_ref(),
        LineMeta {
            kind: LineKind::Marker,
            ..meta(1)
        },
    );
    assert_eq!((first, second), (0, 1));
    assert_eq!(buffer.len(), 2);
    let line = buffer.get(0).expect("line 0");
    assert_eq!(line.seq, 0);
    assert_eq!(line.text.as_str(), "ERROR boom");
    assert_eq!(line.spans.len(), 1);
    assert_eq!(line.spans[0].style.fg, Some(AnsiColor::Red));
    assert_eq!(line.level, Some(LogLevel::Error));
    assert_eq!(line.timestamp, Some(time));
    assert_eq!(line.source, SourceId(7));
    assert_eq!(line.kind, LineKind::Log);
    assert_eq!(line.cut_bytes, 0);
    let marker = buffer.get(1).expect("line 1");
    assert_eq!(marker.kind, LineKind::Marker);
    assert_eq!(marker.timestamp, None);
    assert!(marker.spans.is_empty());
    assert_eq!(buffer.get(2), None);
}

#[test]
fn eviction_keeps_seqs_and_counts() {
    let mut buffer = LogBuffer::new(3);
    let seqs = buffer.extend((0..5).map(|number| (format!("line {number}"), meta(0))));
    assert_eq!(seqs, 0..5);
    assert_eq!(buffer.len(), 3);
    assert_eq!(buffer.evicted(), 2);
    assert_eq!((buffer.first_seq(), buffer.next_seq()), (2, 5));
    assert_eq!(buffer.get(1), None);
    assert_eq!(buffer.get(2).map(|line| line.text.as_str()), Some("line 2"));
    assert_eq!(texts(&buffer), ["line 2", "line 3", "line 4"]);
    let range: Vec<u64> = buffer.range(0..4).map(|line| line.seq).collect();
    assert_eq!(range, [2, 3]);
    assert_eq!(buffer.range(Range { start: 4, end: 2 }).count(), 0);
    assert_eq!(buffer.range(9..20).count(), 0);
    let backwards: Vec<u64> = buffer.iter().rev().map(|line| line.seq).collect();
    assert_eq!(backwards, [4, 3, 2]);

    buffer.set_capacity(1);
    assert_eq!(texts(&buffer), ["line 4"]);
    assert_eq!(buffer.evicted(), 4);
    assert_eq!(buffer.push_raw("line 5", meta(0)), 5);
    assert_eq!(texts(&buffer), ["line 5"]);
}

#[test]
fn chunks_are_released_as_their_lines_go() {
    let mut buffer = LogBuffer::new(1_000);
    let line = "x".repeat(1_000);
    for _ in 0..5_000 {
        buffer.push_raw(&line, meta(0));
    }
    assert_eq!(buffer.len(), 1_000);
    assert_eq!(buffer.first_seq(), 4_000);
    // About 1 MB of text: 4 or 5 chunks, not 20.
    assert!(buffer.chunks.len() <= 5, "{} chunks", buffer.chunks.len());
    assert!(buffer.heap_bytes() < 2 * 1024 * 1024);
    assert!(buffer.iter().all(|stored| stored.text.as_str() == line));
}

#[test]
fn long_lines_are_cut_on_push() {
    let mut buffer = LogBuffer::new(10);
    let long = format!("\x1b[32m{}", "é".repeat(MAX_LINE_BYTES));
    buffer.push_raw(&long, meta(0));
    let line = buffer.get(0).expect("a line");
    assert_eq!(line.text.as_str().len(), MAX_LINE_BYTES);
    assert_eq!(line.cut_bytes, MAX_LINE_BYTES);
    // A parsed line longer than the limit (built from a SafeText) is cut too,
    // on a character boundary, with its spans clipped.
    let mut parsed = ParsedLine::plain(SafeText::from_untrusted(&"é".repeat(MAX_LINE_BYTES)));
    parsed.spans = parse_line(&format!("\x1b[1m{}", "a".repeat(MAX_LINE_BYTES + 10))).spans;
    parsed.spans[0].end = u16::MAX;
    buffer.push(parsed.as_line_ref(), meta(0));
    let line = buffer.get(1).expect("a line");
    assert_eq!(line.text.as_str().len(), MAX_LINE_BYTES);
    assert_eq!(line.cut_bytes, MAX_LINE_BYTES);
    assert_eq!(line.spans.len(), 1);
    assert_eq!(line.spans[0].range(), 0..MAX_LINE_BYTES);
}

#[test]
fn lines_never_span_lines() {
    let mut buffer = LogBuffer::new(10);
    buffer.push_raw("one\ntwo", meta(0));
    buffer.push_raw("", meta(0));
    buffer.push_raw("three\r", meta(0));
    assert_eq!(texts(&buffer), ["one two", "", "three^M"]);
}

#[test]
fn scanning_finds_each_matching_line_once() {
    let mut buffer = LogBuffer::new(100);
    buffer.extend(
        [
            "alpha beta",
            "beta beta beta",
            "",
            "gamma",
            "BETA",
            "alphabet",
            "end of beta",
        ]
        .into_iter()
        .map(|raw| (raw, meta(0))),
    );
    let query = Query::plain("beta").expect("a query");
    assert_eq!(matches(&buffer, &query), [0, 1, 4, 6]);
    let query = Query::plain("Beta").expect("a query");
    assert!(matches(&buffer, &query).is_empty());
    let query = Query::regex("^beta|a$").expect("a query");
    assert_eq!(matches(&buffer, &query), [0, 1, 3, 4, 6]);
    let query = Query::regex("^$").expect("a query");
    assert_eq!(matches(&buffer, &query), [2]);
    let query = Query::plain("").expect("a query");
    assert_eq!(matches(&buffer, &query), [0, 1, 2, 3, 4, 5, 6]);
    let mut part = Vec::new();
    let query = Query::plain("beta").expect("a query");
    buffer.for_each_match(&query, 1..5, |seq| part.push(seq));
    assert_eq!(part, [1, 4]);
}

#[test]
fn a_match_across_a_line_feed_does_not_count() {
    let mut buffer = LogBuffer::new(100);
    buffer.extend(
        ["end a", "b start", "a b"]
            .into_iter()
            .map(|raw| (raw, meta(0))),
    );
    for pattern in [r"a\sb", r"a[^x]b", r"a\s*b", r"(?s)a.b"] {
        let query = Query::regex(pattern).expect("a query");
        assert_eq!(matches(&buffer, &query), [2], "{pattern}");
    }
    let query = Query::regex(r"a\s+b|start").expect("a query");
    assert_eq!(matches(&buffer, &query), [1, 2]);
}

#[test]
fn scanning_agrees_with_a_line_by_line_scan_across_chunks() {
    let mut buffer = LogBuffer::new(3_000);
    let mut state = 0x2545_f491_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let words = [
        "error",
        "Warn",
        "ok",
        "timeout",
        "",
        "é",
        "\x1b[31mred\x1b[0m",
        "\t",
    ];
    for _ in 0..6_000 {
        let length = (next() % 40) as usize;
        let mut raw = String::new();
        for _ in 0..length {
            raw.push_str(words[(next() % words.len() as u64) as usize]);
            raw.push(if next() % 3 == 0 { ' ' } else { '-' });
        }
        if next() % 50 == 0 {
            raw.push_str(&"z".repeat(MAX_LINE_BYTES));
        }
        buffer.push_raw(&raw, meta(0));
    }
    assert!(buffer.chunks.len() > 2);
    let patterns = [
        "error",
        "Warn",
        "warn",
        "^ok",
        "ok$",
        r"red\s",
        "é-",
        "zz",
        "^$",
        "[^a-z]arn",
        r"\Wwarn",
        "[a-z]+ok",
        r"\bok\b",
        "(?-i)warn",
    ];
    for pattern in patterns {
        for kind in [QueryKind::Plain, QueryKind::Regex] {
            let query = Query::new(pattern, kind).expect("a query");
            assert_eq!(
                matches(&buffer, &query),
                brute_force(&buffer, &query),
                "{pattern} {kind:?}"
            );
        }
    }
}

#[test]
fn write_to_saves_plain_text_with_optional_timestamps() {
    let mut buffer = LogBuffer::new(10);
    let time: Timestamp = "2024-06-01T12:00:00.5Z".parse().expect("a timestamp");
    let stamped = LineMeta {
        timestamp: Some(time),
        ..meta(0)
    };
    buffer.push_raw("\x1b[1mfirst\x1b[0m", stamped);
    buffer.push_raw("second\tx", meta(0));
    buffer.push(
        ParsedLine::plain(SafeText::from_untrusted("restarted")).as_line_ref(),
        LineMeta {
            kind: LineKind::Marker,
            ..stamped
        },
    );

    let mut out = Vec::new();
    assert_eq!(buffer.write_to(&mut out, None, false).expect("written"), 3);
    assert_eq!(
        String::from_utf8_lossy(&out),
        "first\nsecond  x\nrestarted\n"
    );

    let mut out = Vec::new();
    assert_eq!(
        buffer
            .write_to(&mut out, Some(&[0, 2, 9]), true)
            .expect("written"),
        2
    );
    assert_eq!(
        String::from_utf8_lossy(&out),
        "2024-06-01T12:00:00.500000000Z first\n2024-06-01T12:00:00.500000000Z restarted\n"
    );

    let mut out = Vec::new();
    let before: Timestamp = "1969-12-31T23:59:59.25Z".parse().expect("a timestamp");
    let mut old = LogBuffer::new(1);
    old.push_raw(
        "old",
        LineMeta {
            timestamp: Some(before),
            ..meta(0)
        },
    );
    old.write_to(&mut out, None, true).expect("written");
    assert_eq!(
        String::from_utf8_lossy(&out),
        "1969-12-31T23:59:59.250000000Z old\n"
    );
}

#[test]
fn records_stay_small() {
    assert_eq!(size_of::<LineRecord>(), 32);
    assert_eq!(size_of::<StyleSpan>(), 8);
}

#[test]
fn a_parallel_scan_gives_the_same_lines() {
    let mut buffer = LogBuffer::new(PARALLEL_SCAN_LINES * 3);
    let words = ["Error", "warn", "ok", "ERROR", "x"];
    for number in 0..PARALLEL_SCAN_LINES * 2 + 77 {
        let word = words[number * 7 % words.len()];
        buffer.push_raw(&format!("{number} {word}"), meta(0));
    }
    for (pattern, kind) in [
        ("error", QueryKind::Plain),
        (r"^\d*7 (ok|x)$", QueryKind::Regex),
    ] {
        let query = Query::new(pattern, kind).expect("a query");
        let found = matches(&buffer, &query);
        assert!(found.len() > 1_000);
        assert_eq!(found, brute_force(&buffer, &query), "{pattern}");
    }
}
