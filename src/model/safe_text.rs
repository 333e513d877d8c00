//! `SafeText`: text that is safe to put on a terminal. Every string that comes
//! from a cluster (names, labels, reasons, messages, log lines) becomes
//! `SafeText` once, here, and views accept only `SafeText` for cluster text.
//! This module owns the neutralising rules; it must not offer any way to wrap
//! a raw string without passing through them.
//!
//! The rules, applied to each character:
//!
//! * ESC becomes the two visible characters `^[`, so an escape sequence such as
//!   `ESC [ 3 1 m` shows as `^[[31m` instead of acting on the terminal.
//! * Other C0 controls become caret notation (`^@` to `^_`: BEL is `^G`, BS
//!   `^H`, CR `^M`), and DEL becomes `^?`.
//! * A line feed becomes a single space: a `SafeText` is one line. Use
//!   [`SafeText::lines_from_untrusted`] to keep the line structure instead.
//! * A tab becomes spaces up to the next multiple of 8 columns.
//! * C1 controls (U+0080 to U+009F, including the one-byte CSI U+009B) and the
//!   characters that reorder or separate text invisibly (bidirectional
//!   embeddings, overrides, isolates and marks; the Unicode line and paragraph
//!   separators) become a visible `<U+XXXX>`.
//!
//! Everything else, including wide characters and emoji, is kept as is.
//!
//! Text that is built up piece by piece (the log parser, which drops the
//! colour sequences it understands and neutralises the rest) goes through a
//! [`SafeTextBuilder`], whose only way in is the same neutralising rules; many
//! lines kept together without one allocation each live in [`SafeLines`]; a
//! borrowed piece of either is a [`SafeStr`]. None of them can wrap a raw
//! string either.

use std::borrow::Borrow;
use std::fmt;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

mod accumulate;

pub use accumulate::{SafeLines, SafeStr, SafeTextBuilder};

const TAB_STOP: usize = 8;
const ESCAPE: char = '\u{1b}';
const DELETE: char = '\u{7f}';

/// One line of text in which no character can control the terminal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SafeText(Box<str>);

impl SafeText {
    /// Neutralises `raw`, which may hold anything a cluster sends, into one
    /// displayable line. Line feeds become spaces; see the module rules.
    pub fn from_untrusted(raw: &str) -> SafeText {
        let mut output = String::with_capacity(raw.len());
        let mut column = 0;
        for character in raw.chars() {
            push_neutralised(&mut output, &mut column, character);
        }
        SafeText(output.into_boxed_str())
    }

    /// Neutralises `raw` into one `SafeText` per line. Lines end at a line
    /// feed; a carriage return just before it (CRLF) is dropped, other
    /// carriage returns show as `^M`. A final line feed does not start an
    /// extra empty line; an empty input gives no lines.
    pub fn lines_from_untrusted(raw: &str) -> Vec<SafeText> {
        if raw.is_empty() {
            return Vec::new();
        }
        let body = raw.strip_suffix('\n').unwrap_or(raw);
        body.split('\n')
            .map(|line| SafeText::from_untrusted(line.strip_suffix('\r').unwrap_or(line)))
            .collect()
    }

    /// Wraps one of the program's own string literals. The literal still goes
    /// through the same rules, so the guarantee holds whatever it contains.
    pub fn from_trusted_static(text: &'static str) -> SafeText {
        SafeText::from_untrusted(text)
    }

    /// The neutralised text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number of terminal columns the text takes (unicode-width).
    pub fn width(&self) -> usize {
        UnicodeWidthStr::width(self.as_str())
    }

    /// The text borrowed as a [`SafeStr`].
    pub fn as_safe_str(&self) -> SafeStr<'_> {
        SafeStr::from_safe_text(self)
    }

    /// True when there is no text at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Appends `character` to `output` in its displayable form, keeping `column`
/// (the display column of the end of `output`) up to date for tab stops.
fn push_neutralised(output: &mut String, column: &mut usize, character: char) {
    match character {
        '\t' => {
            let spaces = TAB_STOP - (*column % TAB_STOP);
            output.extend(std::iter::repeat_n(' ', spaces));
            *column += spaces;
        }
        '\n' => {
            output.push(' ');
            *column += 1;
        }
        ESCAPE => push_visible(output, column, "^["),
        DELETE => push_visible(output, column, "^?"),
        control if u32::from(control) < 0x20 => {
            let caret = char::from_u32(u32::from(control) + 0x40).unwrap_or('?');
            output.push('^');
            output.push(caret);
            *column += 2;
        }
        hidden if is_shown_as_code_point(hidden) => {
            let placeholder = format!("<U+{:04X}>", u32::from(hidden));
            push_visible(output, column, &placeholder);
        }
        other => {
            output.push(other);
            *column += UnicodeWidthChar::width(other).unwrap_or(0);
        }
    }
}

fn push_visible(output: &mut String, column: &mut usize, placeholder: &str) {
    output.push_str(placeholder);
    *column += placeholder.len();
}

/// C1 controls and invisible characters that change how text around them is
/// ordered or broken.
fn is_shown_as_code_point(character: char) -> bool {
    matches!(
        character,
        '\u{80}'..='\u{9f}'
            | '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

impl fmt::Display for SafeText {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl PartialEq<str> for SafeText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SafeText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SafeText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

/// The same as [`SafeText::from_untrusted`].
impl From<&str> for SafeText {
    fn from(raw: &str) -> SafeText {
        SafeText::from_untrusted(raw)
    }
}

impl std::ops::Deref for SafeText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SafeText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SafeText {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl<'text> From<&'text SafeText> for &'text str {
    fn from(text: &'text SafeText) -> &'text str {
        text.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_inert(text: &SafeText) {
        let forbidden = |character: char| {
            u32::from(character) < 0x20
                || character == DELETE
                || ('\u{80}'..='\u{9f}').contains(&character)
        };
        assert!(
            !text.as_str().chars().any(forbidden),
            "control character left in {text:?}"
        );
        assert!(
            !text
                .as_str()
                .bytes()
                .any(|byte| byte == 0x1b || byte == 0x07)
        );
    }

    #[test]
    fn colour_sequence_becomes_visible() {
        let text = SafeText::from_untrusted("\x1b[31mred\x1b[0m");
        assert_eq!(text.as_str(), "^[[31mred^[[0m");
        assert_inert(&text);
    }

    #[test]
    fn clipboard_osc_52_is_neutralised() {
        let text = SafeText::from_untrusted("\x1b]52;c;cm0gLXJmIH4=\x07");
        assert_eq!(text.as_str(), "^[]52;c;cm0gLXJmIH4=^G");
        assert_inert(&text);
    }

    #[test]
    fn title_change_is_neutralised() {
        let text = SafeText::from_untrusted("pod\x1b]0;pwned\x07name");
        assert_eq!(text.as_str(), "pod^[]0;pwned^Gname");
        assert_inert(&text);
    }

    #[test]
    fn c1_csi_becomes_code_point() {
        let text = SafeText::from_untrusted("a\u{9b}31mb\u{85}c");
        assert_eq!(text.as_str(), "a<U+009B>31mb<U+0085>c");
        assert!(!text.as_str().contains('\u{9b}'));
        assert_inert(&text);
    }

    #[test]
    fn other_controls_use_caret_notation() {
        let text = SafeText::from_untrusted("\0a\x07b\x08c\rd\x7fe\x1f");
        assert_eq!(text.as_str(), "^@a^Gb^Hc^Md^?e^_");
        assert_inert(&text);
    }

    #[test]
    fn bidirectional_controls_become_visible() {
        let text = SafeText::from_untrusted("abc\u{202e}fed\u{202c}\u{2066}x\u{2069}\u{200f}");
        assert_eq!(
            text.as_str(),
            "abc<U+202E>fed<U+202C><U+2066>x<U+2069><U+200F>"
        );
    }

    #[test]
    fn line_feeds_become_spaces() {
        let text = SafeText::from_untrusted("first\nsecond\n");
        assert_eq!(text.as_str(), "first second ");
    }

    #[test]
    fn tabs_expand_to_eight_column_stops() {
        assert_eq!(SafeText::from_untrusted("\tx").as_str(), "        x");
        assert_eq!(SafeText::from_untrusted("ab\tc").as_str(), "ab      c");
        assert_eq!(
            SafeText::from_untrusted("12345678\tz").as_str(),
            "12345678        z"
        );
        assert_eq!(SafeText::from_untrusted("\x1b\tz").as_str(), "^[      z");
    }

    #[test]
    fn tab_stops_count_wide_characters_as_two_columns() {
        let text = SafeText::from_untrusted("日本\tx");
        assert_eq!(text.as_str(), "日本    x");
        assert_eq!(text.width(), 9);
    }

    #[test]
    fn wide_characters_are_measured() {
        let text = SafeText::from_untrusted("ポッド-α");
        assert_eq!(text.as_str(), "ポッド-α");
        assert_eq!(text.width(), 8);
        assert_eq!(SafeText::from_untrusted("abc").width(), 3);
    }

    #[test]
    fn lines_keep_structure_and_drop_crlf() {
        let lines = SafeText::lines_from_untrusted("one\r\ntwo\tx\n\nthree\rfour\n");
        let texts: Vec<&str> = lines.iter().map(SafeText::as_str).collect();
        assert_eq!(texts, ["one", "two     x", "", "three^Mfour"]);
        assert!(SafeText::lines_from_untrusted("").is_empty());
        assert_eq!(SafeText::lines_from_untrusted("\n").len(), 1);
    }

    #[test]
    fn trusted_literals_and_accessors() {
        let text = SafeText::from_trusted_static("Pods");
        assert_eq!(text.to_string(), "Pods");
        let borrowed: &str = (&text).into();
        assert_eq!(borrowed, "Pods");
        assert!(!text.is_empty());
        assert!(SafeText::default().is_empty());
        assert_eq!(SafeText::default().width(), 0);
    }

    #[test]
    fn every_control_character_is_neutralised() {
        let all: String = (0u32..=0x9f)
            .chain(0x2000..=0x206f)
            .filter_map(char::from_u32)
            .collect();
        assert_inert(&SafeText::from_untrusted(&all));
    }
}
