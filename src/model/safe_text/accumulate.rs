//! Neutralised text built piece by piece or stored many lines together:
//! [`SafeTextBuilder`] (one line, written through the neutralising rules of
//! the parent module), [`SafeLines`] (an arena of finished lines) and
//! [`SafeStr`] (a borrowed piece of either). This module must not offer a way
//! to put text into any of them without it having been neutralised, or to
//! get a `SafeStr` that spans more than one line.

use std::fmt;
use std::ops::Range;

use unicode_width::UnicodeWidthStr;

use super::{SafeText, push_neutralised};

/// Borrowed neutralised text: a piece of a [`SafeText`], a
/// [`SafeTextBuilder`] or one line of [`SafeLines`]. It is `Copy`, so views
/// can hold one per visible line without allocating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SafeStr<'text>(&'text str);

impl<'text> SafeStr<'text> {
    pub(super) fn from_safe_text(text: &'text SafeText) -> SafeStr<'text> {
        SafeStr(&text.0)
    }

    /// The neutralised text.
    pub fn as_str(self) -> &'text str {
        self.0
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        self.0.len()
    }

    /// True when there is no text at all.
    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }

    /// The number of terminal columns the text takes (unicode-width).
    pub fn width(self) -> usize {
        UnicodeWidthStr::width(self.0)
    }

    /// A piece of the text, or `None` when `range` is out of bounds or does
    /// not fall on character boundaries. A piece of neutralised text is still
    /// neutralised: at worst it splits a visible `^[` into `^` and `[`.
    pub fn slice(self, range: Range<usize>) -> Option<SafeStr<'text>> {
        self.0.get(range).map(SafeStr)
    }

    /// An owned copy.
    pub fn to_safe_text(self) -> SafeText {
        SafeText(self.0.into())
    }
}

impl fmt::Display for SafeStr<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.0)
    }
}

impl AsRef<str> for SafeStr<'_> {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// One line of neutralised text under construction. Every character that
/// goes in passes through the rules of [`SafeText::from_untrusted`]; tabs
/// expand against the columns written since the last [`clear`](Self::clear).
/// Reuse one builder for many lines to avoid an allocation per line.
#[derive(Debug, Clone, Default)]
pub struct SafeTextBuilder {
    text: String,
    column: usize,
}

impl SafeTextBuilder {
    pub fn new() -> SafeTextBuilder {
        SafeTextBuilder::default()
    }

    /// Empties the builder (keeping its allocation) to start a new line.
    pub fn clear(&mut self) {
        self.text.clear();
        self.column = 0;
    }

    /// Appends `raw`, neutralised.
    pub fn push_untrusted(&mut self, raw: &str) {
        self.push_untrusted_within(raw, usize::MAX);
    }

    /// Appends as much of `raw`, neutralised, as keeps the text within
    /// `limit` bytes, stopping before the first character whose displayable
    /// form would not fit. Returns how many bytes of `raw` went in (always a
    /// character boundary of `raw`); less than `raw.len()` means the limit
    /// was reached.
    pub fn push_untrusted_within(&mut self, raw: &str, limit: usize) -> usize {
        let bytes = raw.as_bytes();
        let mut index = 0;
        while index < bytes.len() {
            let printable = bytes[index..]
                .iter()
                .position(|byte| !(0x20..0x7f).contains(byte))
                .unwrap_or(bytes.len() - index);
            if printable > 0 {
                // Printable ASCII is kept as is, one column a byte.
                let room = limit.saturating_sub(self.text.len());
                let take = printable.min(room);
                self.text.push_str(&raw[index..index + take]);
                self.column += take;
                index += take;
                if take < printable {
                    return index;
                }
                continue;
            }
            let Some(character) = raw[index..].chars().next() else {
                break;
            };
            let (length, column) = (self.text.len(), self.column);
            push_neutralised(&mut self.text, &mut self.column, character);
            if self.text.len() > limit {
                self.text.truncate(length);
                self.column = column;
                return index;
            }
            index += character.len_utf8();
        }
        index
    }

    /// Length of the text so far, in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// True when nothing has been written since the last clear.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text so far.
    pub fn as_safe_str(&self) -> SafeStr<'_> {
        SafeStr(&self.text)
    }

    /// The text so far, as an owned `SafeText`; the builder is left empty.
    pub fn take(&mut self) -> SafeText {
        self.column = 0;
        SafeText(std::mem::take(&mut self.text).into_boxed_str())
    }
}

/// Many lines of neutralised text in one allocation, each followed by a line
/// feed (which neutralised text never holds), so that the whole can be
/// searched in one pass without a match running from one line into the next.
/// Lines are addressed by their byte offset and length.
#[derive(Debug, Clone, Default)]
pub struct SafeLines {
    text: String,
}

impl SafeLines {
    /// An empty arena that can take `bytes` bytes of lines and line feeds
    /// before it reallocates.
    pub fn with_capacity(bytes: usize) -> SafeLines {
        SafeLines {
            text: String::with_capacity(bytes),
        }
    }

    /// Appends one line and its line feed; returns the line's offset.
    pub fn push_line(&mut self, line: SafeStr<'_>) -> usize {
        let start = self.text.len();
        self.text.push_str(line.as_str());
        self.text.push('\n');
        start
    }

    /// The line of `length` bytes at `start`, or `None` unless those bytes
    /// are exactly one whole line pushed earlier.
    pub fn line(&self, start: usize, length: usize) -> Option<SafeStr<'_>> {
        let end = start.checked_add(length)?;
        let line = self.text.get(start..end)?;
        let starts_a_line = start == 0 || self.text.as_bytes().get(start - 1) == Some(&b'\n');
        let ends_a_line = self.text.as_bytes().get(end) == Some(&b'\n');
        let one_line = memchr::memchr(b'\n', line.as_bytes()).is_none();
        (starts_a_line && ends_a_line && one_line).then_some(SafeStr(line))
    }

    /// All the lines, each followed by a line feed, for searching.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Bytes used, line feeds included.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// True when no line has been pushed.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Bytes allocated.
    pub fn capacity(&self) -> usize {
        self.text.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_neutralises_like_from_untrusted() {
        let raw = "a\x1b]0;pwned\x07\tb\u{9b}1m\u{202e}日本\tc\x7f";
        let mut builder = SafeTextBuilder::new();
        builder.push_untrusted(&raw[..7]);
        builder.push_untrusted(&raw[7..]);
        assert_eq!(builder.take(), SafeText::from_untrusted(raw));
        assert!(builder.is_empty());
    }

    #[test]
    fn builder_stops_before_a_character_that_does_not_fit() {
        let mut builder = SafeTextBuilder::new();
        assert_eq!(builder.push_untrusted_within("abcdef", 4), 4);
        assert_eq!(builder.as_safe_str().as_str(), "abcd");
        builder.clear();
        // "é" is two bytes: it does not fit in the last byte.
        assert_eq!(builder.push_untrusted_within("abcé", 4), 3);
        assert_eq!(builder.len(), 3);
        builder.clear();
        // ESC becomes two bytes "^[".
        assert_eq!(builder.push_untrusted_within("ab\x1bc", 3), 2);
        assert_eq!(builder.as_safe_str().as_str(), "ab");
        builder.clear();
        assert_eq!(builder.push_untrusted_within("\u{9b}", 7), 0);
        assert_eq!(builder.push_untrusted_within("\u{9b}", 8), 2);
        assert_eq!(builder.as_safe_str().as_str(), "<U+009B>");
    }

    #[test]
    fn lines_are_whole_lines_only() {
        let mut lines = SafeLines::with_capacity(64);
        let first = SafeText::from_untrusted("one");
        let second = SafeText::from_untrusted("two\nlines");
        assert_eq!(lines.push_line(first.as_safe_str()), 0);
        assert_eq!(lines.push_line(second.as_safe_str()), 4);
        assert_eq!(lines.as_str(), "one\ntwo lines\n");
        assert_eq!(lines.line(0, 3).map(SafeStr::as_str), Some("one"));
        assert_eq!(lines.line(4, 9).map(SafeStr::as_str), Some("two lines"));
        assert_eq!(lines.line(0, 5), None);
        assert_eq!(lines.line(1, 2), None);
        assert_eq!(lines.line(4, 3), None);
        assert_eq!(lines.line(40, 3), None);
        assert_eq!(lines.line(usize::MAX, 3), None);
    }

    #[test]
    fn slices_and_copies() {
        let text = SafeText::from_untrusted("hello\x07");
        let borrowed = text.as_safe_str();
        assert_eq!(borrowed.slice(0..2).map(SafeStr::as_str), Some("he"));
        assert_eq!(borrowed.slice(0..99), None);
        assert_eq!(borrowed.to_safe_text(), text);
        assert_eq!(borrowed.width(), 7);
        assert_eq!(borrowed.to_string(), "hello^G");
    }
}
