//! `TypedText`: text the user types (a filter, a search, an image name, a
//! command). The program keeps it as typed, for its own use, and beside it
//! the `SafeText` the screen shows: a paste may carry escape sequences, and
//! the only way to draw typed text is through [`TypedText::shown`].

use super::safe_text::SafeText;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypedText {
    raw: String,
    shown: SafeText,
}

impl TypedText {
    pub fn new(raw: &str) -> TypedText {
        TypedText {
            raw: raw.to_string(),
            shown: SafeText::from_untrusted(raw),
        }
    }

    /// The text as typed, for the program's use (never for the screen).
    pub fn as_typed(&self) -> &str {
        &self.raw
    }

    /// The text as the screen shows it.
    pub fn shown(&self) -> &SafeText {
        &self.shown
    }

    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    pub fn push(&mut self, character: char) {
        self.raw.push(character);
        self.refresh();
    }

    pub fn pop(&mut self) {
        self.raw.pop();
        self.refresh();
    }

    pub fn clear(&mut self) {
        self.raw.clear();
        self.refresh();
    }

    /// Replace the whole text (a completion, a remembered value).
    pub fn set(&mut self, raw: &str) {
        raw.clone_into(&mut self.raw);
        self.refresh();
    }

    fn refresh(&mut self) {
        self.shown = SafeText::from_untrusted(&self.raw);
    }
}

impl PartialEq<&str> for TypedText {
    fn eq(&self, other: &&str) -> bool {
        self.raw == *other
    }
}

impl PartialEq<String> for TypedText {
    fn eq(&self, other: &String) -> bool {
        &self.raw == other
    }
}

impl From<&str> for TypedText {
    fn from(raw: &str) -> TypedText {
        TypedText::new(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_escape_is_kept_as_typed_and_shown_neutralised() {
        let mut text = TypedText::new("web");
        text.push('\u{1b}');
        text.push('[');
        text.push('2');
        text.push('J');
        assert_eq!(text.as_typed(), "web\u{1b}[2J");
        assert_eq!(text.shown().as_str(), "web^[[2J");
        text.pop();
        assert_eq!(text.shown().as_str(), "web^[[2");
        text.set("a\tb");
        assert_eq!(text.shown().as_str(), "a       b");
        text.clear();
        assert!(text.is_empty() && text.shown().as_str().is_empty());
    }
}
