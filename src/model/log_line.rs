//! One raw log line turned into what the log view shows: neutralised display
//! text ([`SafeText`]), the colour spans its ANSI SGR sequences asked for,
//! its level and how much of it was cut. SGR sequences (`ESC [ ... m`) are
//! the only thing taken out of the text; every other escape sequence and
//! control character stays visible exactly as [`SafeText::from_untrusted`]
//! shows it (`ESC ] 0;title BEL` reads `^[]0;title^G`, `ESC [ 2 K` reads
//! `^[[2K`). JSON and other structured lines are kept as written, never
//! reformatted. This module does no I/O and knows nothing of the terminal
//! or ratatui.

use memchr::memchr;

use super::safe_text::{SafeStr, SafeText, SafeTextBuilder};

pub use super::log_level::{LogLevel, detect_level};
pub use super::log_style::{AnsiColor, AnsiStyle, Attributes, StyleSpan};

/// The most display text kept of one line, in bytes (16 KiB). The rest is
/// cut, and the line records how many raw bytes were cut so the view can
/// say so.
pub const MAX_LINE_BYTES: usize = 16 * 1024;

// Span offsets are u16.
const _: () = assert!(MAX_LINE_BYTES <= u16::MAX as usize);

const ESCAPE: u8 = 0x1b;

/// A parsed line that owns its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedLine {
    /// The display text, at most [`MAX_LINE_BYTES`] long.
    pub text: SafeText,
    /// Styled ranges of `text`, in order, never empty, never overlapping.
    pub spans: Vec<StyleSpan>,
    pub level: Option<LogLevel>,
    /// Bytes of the raw line that were not shown because the line was too
    /// long (0 for most lines).
    pub cut_bytes: usize,
}

impl ParsedLine {
    /// Parses one raw line (without its line feed).
    pub fn parse(raw: &str) -> ParsedLine {
        LineParser::new().parse(raw).to_parsed_line()
    }

    /// A line of the program's own text (a marker such as "container app
    /// restarted", or a notice): no colour parsing, no level.
    pub fn plain(text: SafeText) -> ParsedLine {
        ParsedLine {
            text,
            ..ParsedLine::default()
        }
    }

    /// Borrows the line in the form [`LogBuffer`](super::log_buffer::LogBuffer)
    /// stores.
    pub fn as_line_ref(&self) -> ParsedLineRef<'_> {
        ParsedLineRef {
            text: self.text.as_safe_str(),
            spans: &self.spans,
            level: self.level,
            cut_bytes: self.cut_bytes,
        }
    }
}

/// Parses one raw line (without its line feed). Allocates the result; the
/// ingest path uses a reused [`LineParser`] instead.
pub fn parse_line(raw: &str) -> ParsedLine {
    ParsedLine::parse(raw)
}

/// A parsed line borrowed from a [`LineParser`] or a [`ParsedLine`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedLineRef<'line> {
    pub text: SafeStr<'line>,
    pub spans: &'line [StyleSpan],
    pub level: Option<LogLevel>,
    pub cut_bytes: usize,
}

impl ParsedLineRef<'_> {
    pub fn to_parsed_line(&self) -> ParsedLine {
        ParsedLine {
            text: self.text.to_safe_text(),
            spans: self.spans.to_vec(),
            level: self.level,
            cut_bytes: self.cut_bytes,
        }
    }
}

/// A line parser that keeps its buffers between lines, so parsing a line
/// allocates nothing once the buffers have grown.
#[derive(Debug, Clone, Default)]
pub struct LineParser {
    text: SafeTextBuilder,
    spans: Vec<StyleSpan>,
}

impl LineParser {
    pub fn new() -> LineParser {
        LineParser::default()
    }

    /// Parses one raw line (without its line feed); the result borrows the
    /// parser until the next call.
    pub fn parse(&mut self, raw: &str) -> ParsedLineRef<'_> {
        self.text.clear();
        self.spans.clear();
        let bytes = raw.as_bytes();
        let mut style = AnsiStyle::default();
        let mut style_start = 0;
        let mut position = 0;
        let mut cut_bytes = 0;
        while position < bytes.len() {
            let escape = memchr(ESCAPE, &bytes[position..]).map_or(bytes.len(), |at| position + at);
            let segment = &raw[position..escape];
            let taken = self.text.push_untrusted_within(segment, MAX_LINE_BYTES);
            if taken < segment.len() {
                cut_bytes = bytes.len() - (position + taken);
                break;
            }
            position = escape;
            if position == bytes.len() {
                break;
            }
            match sgr_at(bytes, position) {
                Some((parameters, end)) => {
                    let mut next = style;
                    next.apply_sgr(parameters);
                    if next != style {
                        self.close_span(style, style_start);
                        style = next;
                        style_start = self.text.len();
                    }
                    position = end;
                }
                None => {
                    // Not a colour: ESC shows as `^[` and the rest of the
                    // sequence as the plain text it is.
                    if self.text.push_untrusted_within("\x1b", MAX_LINE_BYTES) == 0 {
                        cut_bytes = bytes.len() - position;
                        break;
                    }
                    position += 1;
                }
            }
        }
        self.close_span(style, style_start);
        let text = self.text.as_safe_str();
        ParsedLineRef {
            text,
            spans: &self.spans,
            level: detect_level(text.as_str()),
            cut_bytes,
        }
    }

    /// Records the span of `style` from `start` to the end of the text so
    /// far, unless it is empty or plain; joins it to the previous span when
    /// they touch and look the same.
    fn close_span(&mut self, style: AnsiStyle, start: usize) {
        let end = self.text.len();
        if style.is_plain() || end <= start {
            return;
        }
        // Both fit: the text never exceeds MAX_LINE_BYTES.
        let (Ok(start), Ok(end)) = (u16::try_from(start), u16::try_from(end)) else {
            return;
        };
        if let Some(last) = self.spans.last_mut()
            && last.end == start
            && last.style == style
        {
            last.end = end;
            return;
        }
        self.spans.push(StyleSpan { start, end, style });
    }
}

/// If a complete SGR sequence starts at `escape` (`ESC [`, parameters of
/// digits, `;` and `:` only, then `m`), its parameters and the index after
/// it. Any other control sequence, and an unterminated one, gives `None`.
fn sgr_at(bytes: &[u8], escape: usize) -> Option<(&[u8], usize)> {
    if bytes.get(escape + 1) != Some(&b'[') {
        return None;
    }
    let start = escape + 2;
    let mut index = start;
    while bytes
        .get(index)
        .is_some_and(|byte| byte.is_ascii_digit() || matches!(byte, b';' | b':'))
    {
        index += 1;
    }
    (bytes.get(index) == Some(&b'm')).then(|| (&bytes[start..index], index + 1))
}

#[cfg(test)]
#[path = "log_line_tests/mod.rs"]
mod tests;
