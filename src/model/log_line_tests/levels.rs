//! Levels read from JSON, logfmt, klog and prefixed lines.

use super::*;

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
