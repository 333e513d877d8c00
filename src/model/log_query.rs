//! What the user searches or filters log lines for: plain text or a regular
//! expression, with smart case (case-insensitive unless the pattern has an
//! upper-case letter). A `Query` matches one line's display text, or finds
//! the next match in the text of many lines kept together, and gives the
//! byte ranges to highlight. It knows nothing of where lines are stored.

use std::ops::Range;

use memchr::memmem;
use regex::{Regex, RegexBuilder};

/// How the pattern is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryKind {
    /// The pattern is literal text.
    Plain,
    /// The pattern is a regular expression (the `regex` crate's syntax).
    Regex,
}

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// The regex crate's own message, which points at the fault.
    #[error("{message}")]
    Invalid { message: String },
}

/// A compiled search pattern. An empty pattern matches every line (and
/// highlights nothing).
#[derive(Debug, Clone)]
pub struct Query {
    pattern: String,
    kind: QueryKind,
    case_sensitive: bool,
    matcher: Matcher,
    /// For a case-insensitive query that can be run case-sensitively on
    /// text with ASCII letters lowered: the much faster way to scan.
    folded: Option<Matcher>,
}

#[derive(Debug, Clone)]
enum Matcher {
    /// Case-sensitive plain text: a substring search.
    Literal(Box<memmem::Finder<'static>>),
    Regex(Regex),
}

/// The compiled program may grow to this before a pattern is refused.
const REGEX_SIZE_LIMIT: usize = 16 * 1024 * 1024;

impl Query {
    /// Compiles `pattern`; smart case decides whether case matters.
    pub fn new(pattern: &str, kind: QueryKind) -> Result<Query, QueryError> {
        let case_sensitive = has_uppercase(pattern, kind);
        let matcher = match (kind, case_sensitive) {
            (QueryKind::Plain, true) => {
                Matcher::Literal(Box::new(memmem::Finder::new(pattern).into_owned()))
            }
            (QueryKind::Plain, false) => Matcher::Regex(compile(&regex::escape(pattern), false)?),
            (QueryKind::Regex, _) => Matcher::Regex(compile(pattern, case_sensitive)?),
        };
        let folded = if case_sensitive {
            None
        } else {
            folded_matcher(pattern, kind)
        };
        Ok(Query {
            pattern: pattern.to_owned(),
            kind,
            case_sensitive,
            matcher,
            folded,
        })
    }

    /// A plain-text query.
    pub fn plain(pattern: &str) -> Result<Query, QueryError> {
        Query::new(pattern, QueryKind::Plain)
    }

    /// A regular-expression query.
    pub fn regex(pattern: &str) -> Result<Query, QueryError> {
        Query::new(pattern, QueryKind::Regex)
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    pub fn kind(&self) -> QueryKind {
        self.kind
    }

    /// False when smart case made the query case-insensitive.
    pub fn is_case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    /// True when `line` (one line of display text) matches.
    pub fn is_match(&self, line: &str) -> bool {
        self.matcher.is_match(line)
    }

    /// How to scan many lines for this query: with ASCII letters lowered
    /// first ([`Scan::folds_ascii`]) when that gives the same lines faster.
    pub(crate) fn scan(&self) -> Scan<'_> {
        match &self.folded {
            Some(folded) => Scan {
                matcher: folded,
                folds_ascii: true,
            },
            None => Scan {
                matcher: &self.matcher,
                folds_ascii: false,
            },
        }
    }

    /// The ranges of `line` to highlight: every non-empty, non-overlapping
    /// match, in order. Meant for the lines on screen, not for scanning.
    pub fn match_ranges(&self, line: &str) -> Vec<Range<usize>> {
        match &self.matcher {
            Matcher::Literal(finder) if !finder.needle().is_empty() => {
                let length = finder.needle().len();
                finder
                    .find_iter(line.as_bytes())
                    .map(|start| start..start + length)
                    .collect()
            }
            Matcher::Literal(_) => Vec::new(),
            Matcher::Regex(regex) => regex
                .find_iter(line)
                .map(|found| found.range())
                .filter(|range| !range.is_empty())
                .collect(),
        }
    }
}

/// A query's matcher for scanning many lines kept together.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scan<'query> {
    matcher: &'query Matcher,
    folds_ascii: bool,
}

impl Scan<'_> {
    /// True when the text scanned must have its ASCII letters lowered
    /// (`make_ascii_lowercase`, which keeps every offset).
    pub(crate) fn folds_ascii(&self) -> bool {
        self.folds_ascii
    }

    /// The first match in `haystack` that starts at or after `start`. The
    /// text before `start` still counts for anchors and word boundaries.
    pub(crate) fn find_at(&self, haystack: &str, start: usize) -> Option<Range<usize>> {
        self.matcher.find_at(haystack, start)
    }

    pub(crate) fn is_match(&self, line: &str) -> bool {
        self.matcher.is_match(line)
    }
}

impl Matcher {
    fn is_match(&self, line: &str) -> bool {
        match self {
            Matcher::Literal(finder) => finder.find(line.as_bytes()).is_some(),
            Matcher::Regex(regex) => regex.is_match(line),
        }
    }

    fn find_at(&self, haystack: &str, start: usize) -> Option<Range<usize>> {
        match self {
            Matcher::Literal(finder) => {
                let rest = haystack.as_bytes().get(start..)?;
                let found = start + finder.find(rest)?;
                Some(found..found + finder.needle().len())
            }
            Matcher::Regex(regex) => regex.find_at(haystack, start).map(|found| found.range()),
        }
    }
}

/// A case-sensitive matcher that, run on text whose ASCII letters are
/// lowered, selects the same lines as the case-insensitive query: when the
/// pattern is ASCII (and, by smart case, has no upper-case letter) and, for
/// a regex, uses no inline flags, Unicode classes, POSIX classes or
/// character escapes, whose meaning lowering could change. Case-insensitive
/// search in the regex engine is several times slower than this. (The one
/// difference: the Kelvin sign and the long s no longer match k and s.)
fn folded_matcher(pattern: &str, kind: QueryKind) -> Option<Matcher> {
    if !pattern.is_ascii() {
        return None;
    }
    match kind {
        QueryKind::Plain => Some(Matcher::Literal(Box::new(
            memmem::Finder::new(pattern).into_owned(),
        ))),
        QueryKind::Regex => {
            let unsafe_to_fold = ["(?", "\\p", "\\P", "[[:", "\\x", "\\u", "\\U"];
            if unsafe_to_fold
                .iter()
                .any(|construct| pattern.contains(construct))
            {
                return None;
            }
            compile(pattern, true).ok().map(Matcher::Regex)
        }
    }
}

/// `^` and `$` match at line ends, so that searching many lines kept
/// together, one per line feed, anchors on each line.
fn compile(pattern: &str, case_sensitive: bool) -> Result<Regex, QueryError> {
    RegexBuilder::new(pattern)
        .case_insensitive(!case_sensitive)
        .multi_line(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|error| QueryError::Invalid {
            message: error.to_string(),
        })
}

/// Smart case: does the pattern ask for case by holding an upper-case
/// letter? In a regex, escapes are not letters the user typed as text:
/// `\S`, `\W`, `\D`, `\B`, `\A`, `\z`, `\p{Lu}`, `\x{1F}` do not count.
fn has_uppercase(pattern: &str, kind: QueryKind) -> bool {
    if kind == QueryKind::Plain {
        return pattern.chars().any(char::is_uppercase);
    }
    let mut characters = pattern.chars();
    while let Some(character) = characters.next() {
        if character == '\\' {
            // How much of an escape's argument to pass over.
            let (braces, digits) = match characters.next() {
                Some('p' | 'P') => (true, 1),
                Some('x') => (true, 2),
                Some('u') => (true, 4),
                Some('U') => (true, 8),
                _ => (false, 0),
            };
            if braces && characters.clone().next() == Some('{') {
                for skipped in characters.by_ref() {
                    if skipped == '}' {
                        break;
                    }
                }
            } else {
                for _ in 0..digits {
                    if characters
                        .clone()
                        .next()
                        .is_some_and(|next| next.is_ascii_alphanumeric())
                    {
                        characters.next();
                    }
                }
            }
            continue;
        }
        if character.is_uppercase() {
            return true;
        }
    }
    false
}
