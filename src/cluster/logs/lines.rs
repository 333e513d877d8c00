//! The text of a log stream: bytes split into lines of bounded length with
//! the kubelet's timestamp read off, and where a reading stands (`Resume`)
//! so that a reading that starts again skips exactly the lines it has.

use jiff::Timestamp;

/// Bytes of one line kept before the rest is cut (and counted).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Splits a byte stream into lines, keeping at most [`MAX_LINE_BYTES`] of
/// each and counting the rest. Reads the kubelet's timestamp prefix.
#[derive(Debug, Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
    cut: usize,
}

/// A line read from a stream, before it is checked against what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadLine {
    pub time: Option<Timestamp>,
    pub text: String,
    pub cut: usize,
}

impl LineSplitter {
    /// Feed bytes; complete lines are appended to `out`.
    pub fn feed(&mut self, mut bytes: &[u8], out: &mut Vec<ReadLine>) {
        while let Some(end) = bytes.iter().position(|&b| b == b'\n') {
            self.keep(&bytes[..end]);
            out.push(self.take());
            bytes = &bytes[end + 1..];
        }
        self.keep(bytes);
    }

    /// The stream ended cleanly: a last line without a line feed is a line.
    pub fn finish(&mut self) -> Option<ReadLine> {
        (!self.partial.is_empty() || self.cut > 0).then(|| self.take())
    }

    /// The stream broke: a partial line is dropped (it is read again whole
    /// when the stream resumes).
    pub fn discard(&mut self) {
        self.partial.clear();
        self.cut = 0;
    }

    fn keep(&mut self, piece: &[u8]) {
        let room = MAX_LINE_BYTES.saturating_sub(self.partial.len());
        let kept = room.min(piece.len());
        self.partial.extend_from_slice(&piece[..kept]);
        self.cut += piece.len() - kept;
    }

    fn take(&mut self) -> ReadLine {
        let mut bytes = std::mem::take(&mut self.partial);
        if self.cut == 0 && bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        let cut = std::mem::take(&mut self.cut);
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
        };
        split_timestamp(text, cut)
    }
}

/// Separates `2024-05-01T10:00:00.123456789Z message` into its parts.
fn split_timestamp(text: String, cut: usize) -> ReadLine {
    if let Some((stamp, _)) = text.split_once(' ')
        && stamp.len() >= 20
        && stamp.as_bytes()[4] == b'-'
        && let Ok(time) = stamp.parse::<Timestamp>()
    {
        let rest = text[stamp.len() + 1..].to_string();
        return ReadLine {
            time: Some(time),
            text: rest,
            cut,
        };
    }
    ReadLine {
        time: None,
        text,
        cut,
    }
}

/// Where a reading of one container instance stands: the timestamp of the
/// last line kept, and how many kept lines carry exactly that timestamp.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resume {
    last: Option<Timestamp>,
    at_last: usize,
}

impl Resume {
    /// Record a kept line.
    pub fn kept(&mut self, time: Option<Timestamp>) {
        let Some(time) = time else { return };
        if self.last == Some(time) {
            self.at_last += 1;
        } else {
            self.last = Some(time);
            self.at_last = 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.last.is_none()
    }

    /// The `sinceTime` to ask for: the last second seen, rounded down (the
    /// API takes whole seconds, so the answer starts before or at the last
    /// line kept and [`Dedup`] skips what was already seen).
    pub fn since_time(&self) -> Option<Timestamp> {
        self.last
            .and_then(|time| Timestamp::from_second(time.as_second()).ok())
    }

    /// A filter for the lines of a read that resumes here.
    pub fn dedup(&self) -> Dedup {
        Dedup {
            until: self.last.map(|time| (time, self.at_last)),
        }
    }
}

/// Skips, in a resumed read, the lines already kept.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dedup {
    until: Option<(Timestamp, usize)>,
}

impl Dedup {
    /// True when the line is new.
    pub fn admit(&mut self, time: Option<Timestamp>) -> bool {
        let (Some((last, seen)), Some(time)) = (self.until, time) else {
            return true;
        };
        if time < last {
            return false;
        }
        if time == last && seen > 0 {
            self.until = Some((last, seen - 1));
            return false;
        }
        self.until = None;
        true
    }
}
