//! The severity of a log line, read from the formats containers commonly
//! write: JSON objects (a `level`-like key with a name or a bunyan/pino
//! number), klog headers (`E1129 12:00:00.000000`), logfmt (`level=error`)
//! and a level word among the first fields (`ERROR`, `[WARN]`, zap console,
//! Python `- INFO -`, Go `panic:`). It reads the display text with fast
//! byte scans (no JSON parser, no regex) and never changes the text. It
//! guesses: a line with no recognisable level has none.

use memchr::memchr_iter;

/// How severe a line is. Fatal, panic, critical, alert and emergency count
/// as `Error`. The order is from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum LogLevel {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

impl LogLevel {
    /// A short upper-case name: `ERROR`, `WARN`, `INFO`, `DEBUG`, `TRACE`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "ERROR",
            LogLevel::Warn => "WARN",
            LogLevel::Info => "INFO",
            LogLevel::Debug => "DEBUG",
            LogLevel::Trace => "TRACE",
        }
    }

    /// The level a name stands for, in any case: `error`, `ERR`, `fatal`,
    /// `panic`, `Warning`, `info`, `notice`, `debug`, `trace`, ...
    pub fn from_name(name: &str) -> Option<LogLevel> {
        let name = name.as_bytes();
        if name.len() < 3 || name.len() > 11 {
            return None;
        }
        let is = |word: &str| name.eq_ignore_ascii_case(word.as_bytes());
        if [
            "error", "err", "eror", "fatal", "panic", "dpanic", "critical", "crit", "alert",
        ]
        .into_iter()
        .chain(["emerg", "emergency", "severe"])
        .any(is)
        {
            Some(LogLevel::Error)
        } else if ["warn", "warning", "wrn"].into_iter().any(is) {
            Some(LogLevel::Warn)
        } else if ["info", "inf", "information", "notice"].into_iter().any(is) {
            Some(LogLevel::Info)
        } else if ["debug", "dbg", "dbug"].into_iter().any(is) {
            Some(LogLevel::Debug)
        } else if ["trace", "trc", "verbose"].into_iter().any(is) {
            Some(LogLevel::Trace)
        } else {
            None
        }
    }

    /// The level of a bunyan, pino or Python numeric level: 10 trace,
    /// 20 debug, 30 info, 40 warn, 50 error, 60 fatal (and the values
    /// between). Numbers under 10 are not levels of these schemes.
    pub fn from_number(number: u64) -> Option<LogLevel> {
        match number {
            0..=9 => None,
            10..=19 => Some(LogLevel::Trace),
            20..=29 => Some(LogLevel::Debug),
            30..=39 => Some(LogLevel::Info),
            40..=49 => Some(LogLevel::Warn),
            _ => Some(LogLevel::Error),
        }
    }

    /// The level packed in one byte (0 for none), and back.
    pub(crate) fn pack(level: Option<LogLevel>) -> u8 {
        level.map_or(0, |level| level as u8)
    }

    pub(crate) fn unpack(byte: u8) -> Option<LogLevel> {
        match byte {
            1 => Some(LogLevel::Error),
            2 => Some(LogLevel::Warn),
            3 => Some(LogLevel::Info),
            4 => Some(LogLevel::Debug),
            5 => Some(LogLevel::Trace),
            _ => None,
        }
    }
}

/// The level of one line of display text, if one can be told.
pub fn detect_level(text: &str) -> Option<LogLevel> {
    let trimmed = text.trim_ascii();
    if trimmed.starts_with('{') {
        // A JSON line, or one cut short: its level is in a key or nowhere.
        let level = json_level(trimmed.as_bytes());
        if level.is_some() || trimmed.ends_with('}') {
            return level;
        }
    }
    klog_level(text.as_bytes())
        .or_else(|| leading_word_level(text))
        .or_else(|| logfmt_level(text.as_bytes()))
}

/// Keys that hold a level in JSON lines, compared without case.
const JSON_KEYS: [&str; 9] = [
    "level",
    "lvl",
    "severity",
    "log.level",
    "levelname",
    "loglevel",
    "log_level",
    "level_name",
    "@l",
];

/// Keys that hold a level in logfmt lines, compared without case.
const LOGFMT_KEYS: [&str; 5] = ["level", "lvl", "severity", "log.level", "loglevel"];

/// Scans a JSON object for the first level key at the top level (or, if
/// there is none, the first one nested) whose value is a level name or
/// number. Strings are skipped whole, so a key-like text inside a value does
/// not count. Malformed JSON just yields what the scan saw.
fn json_level(bytes: &[u8]) -> Option<LogLevel> {
    let mut depth = 0usize;
    let mut nested = None;
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let (contents, after) = json_string(bytes, index);
                index = after;
                let colon = skip_spaces(bytes, after);
                if bytes.get(colon) != Some(&b':') || !is_key(contents, &JSON_KEYS) {
                    continue;
                }
                let value = skip_spaces(bytes, colon + 1);
                let level = match bytes.get(value) {
                    Some(b'"') => {
                        let (name, _) = json_string(bytes, value);
                        std::str::from_utf8(name).ok().and_then(LogLevel::from_name)
                    }
                    Some(b'0'..=b'9') => {
                        leading_number(&bytes[value..]).and_then(LogLevel::from_number)
                    }
                    _ => None,
                };
                if level.is_some() {
                    if depth == 1 {
                        return level;
                    }
                    nested = nested.or(level);
                }
                continue;
            }
            _ => {}
        }
        index += 1;
    }
    nested
}

/// The contents of the JSON string whose opening quote is at `quote`, and
/// the index just after its closing quote (or the end).
fn json_string(bytes: &[u8], quote: usize) -> (&[u8], usize) {
    let start = quote + 1;
    let mut index = start;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            b'"' => return (&bytes[start..index], index + 1),
            _ => index += 1,
        }
    }
    (&bytes[start.min(bytes.len())..], bytes.len())
}

fn skip_spaces(bytes: &[u8], mut index: usize) -> usize {
    while bytes.get(index).is_some_and(u8::is_ascii_whitespace) {
        index += 1;
    }
    index
}

fn leading_number(bytes: &[u8]) -> Option<u64> {
    let digits = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    std::str::from_utf8(&bytes[..digits.min(18)])
        .ok()?
        .parse()
        .ok()
}

fn is_key(key: &[u8], keys: &[&str]) -> bool {
    keys.iter()
        .any(|candidate| key.eq_ignore_ascii_case(candidate.as_bytes()))
}

/// klog and glog: `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`, where L
/// is I, W, E or F.
fn klog_level(bytes: &[u8]) -> Option<LogLevel> {
    let header = bytes.get(..9)?;
    let digits = |range: std::ops::Range<usize>| header[range].iter().all(u8::is_ascii_digit);
    if !(digits(1..5) && header[5] == b' ' && digits(6..8) && header[8] == b':') {
        return None;
    }
    match header[0] {
        b'I' => Some(LogLevel::Info),
        b'W' => Some(LogLevel::Warn),
        b'E' | b'F' => Some(LogLevel::Error),
        _ => None,
    }
}

/// A level word among the first few space-separated fields, before any
/// ordinary word: `ERROR ...`, `[WARN] ...`, `2024-01-01T00:00:00Z error ...`
/// (zap console, tabs already expanded), `2024-01-01 10:00:00,1 - INFO - ...`,
/// `panic: ...`. Fields with a digit (dates, times, pids) and fields of
/// punctuation only (`-`, `|`) are passed over; the first other field ends
/// the search, so "no error found" has no level.
fn leading_word_level(text: &str) -> Option<LogLevel> {
    const FIELDS: usize = 5;
    let mut end = text.len().min(160);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let fields = &text[..end];
    for field in fields
        .split(' ')
        .filter(|field| !field.is_empty())
        .take(FIELDS)
    {
        let word = field
            .trim_start_matches(['[', '(', '<', '{'])
            .trim_end_matches([']', ')', '>', '}', ':', ',', ';']);
        if let Some(level) = LogLevel::from_name(word) {
            // Words that open ordinary sentences too are levels only in
            // structured fields.
            let ambiguous = ["information", "notice", "alert", "severe", "verbose"]
                .iter()
                .any(|common| word.eq_ignore_ascii_case(common));
            return (!ambiguous).then_some(level);
        }
        let skippable = word.bytes().any(|byte| byte.is_ascii_digit())
            || word.bytes().all(|byte| byte.is_ascii_punctuation());
        if !skippable {
            return None;
        }
    }
    None
}

/// `level=error` (or `lvl=`, `severity=`, ... with an optionally quoted
/// value) where the key starts the line or follows a space.
fn logfmt_level(bytes: &[u8]) -> Option<LogLevel> {
    const LONGEST_KEY: usize = 9;
    for equals in memchr_iter(b'=', bytes) {
        // Look back no further than the longest key, so that a line full of
        // `=` and no spaces stays linear.
        let window = equals.saturating_sub(LONGEST_KEY + 1);
        let key_start = match bytes[window..equals].iter().rposition(|byte| *byte == b' ') {
            Some(space) => window + space + 1,
            None if window == 0 => 0,
            None => continue,
        };
        if !is_key(&bytes[key_start..equals], &LOGFMT_KEYS) {
            continue;
        }
        let mut value = &bytes[equals + 1..];
        if let Some(quoted) = value.strip_prefix(b"\"") {
            value = quoted;
        }
        let end = value
            .iter()
            .position(|byte| matches!(byte, b' ' | b'"'))
            .unwrap_or(value.len());
        let name = std::str::from_utf8(&value[..end]).ok()?;
        return LogLevel::from_name(name)
            .or_else(|| name.parse().ok().and_then(LogLevel::from_number));
    }
    None
}
