//! Unit tests of line indexes: search results and filters kept right while
//! lines arrive and are evicted (checked against a fresh scan of the buffer
//! after every batch), navigation, and smart-case queries.

use super::*;
use crate::model::log_buffer::{LineMeta, LogBuffer};
use crate::model::log_query::{QueryError, QueryKind};

fn push_all(buffer: &mut LogBuffer, lines: &[&str]) {
    buffer.extend(lines.iter().map(|raw| (*raw, LineMeta::default())));
}

/// The seqs `mode` selects, by matching every stored line on its own.
fn brute_force(buffer: &LogBuffer, query: &Query, mode: IndexMode) -> Vec<u64> {
    buffer
        .iter()
        .filter(|line| query.is_match(line.text.as_str()) == (mode == IndexMode::Matching))
        .map(|line| line.seq)
        .collect()
}

#[test]
fn search_results_and_navigation() {
    let mut buffer = LogBuffer::new(100);
    push_all(&mut buffer, &["a error", "b", "c ERROR", "d error", "e"]);
    let index = LineIndex::new(
        Query::plain("error").expect("a query"),
        IndexMode::Matching,
        &buffer,
    );
    assert_eq!(index.seqs(), [0, 2, 3]);
    assert_eq!(index.len(), 3);
    assert_eq!(index.next_after(0), Some(2));
    assert_eq!(index.next_after(1), Some(2));
    assert_eq!(index.next_after(3), None);
    assert_eq!(index.previous_before(3), Some(2));
    assert_eq!(index.previous_before(0), None);
    assert_eq!((index.first(), index.last()), (Some(0), Some(3)));
    assert_eq!(index.get(1), Some(2));
    assert_eq!(index.position_of(3), Ok(2));
    assert_eq!(index.position_of(1), Err(1));
    assert!(index.contains(2) && !index.contains(1));
    assert_eq!(index.match_ranges("c ERROR error"), [2..7, 8..13]);
    assert_eq!(index.mode(), IndexMode::Matching);
    assert_eq!(index.query().pattern(), "error");
}

#[test]
fn filter_keeps_the_lines_that_do_not_match() {
    let mut buffer = LogBuffer::new(100);
    push_all(
        &mut buffer,
        &["GET /health", "GET /api", "POST /api", "GET /health"],
    );
    let query = Query::plain("/health").expect("a query");
    let hidden = LineIndex::new(query.clone(), IndexMode::NotMatching, &buffer);
    assert_eq!(hidden.seqs(), [1, 2]);
    let only = LineIndex::new(query, IndexMode::Matching, &buffer);
    assert_eq!(only.seqs(), [0, 3]);
    let empty = LogBuffer::new(10);
    let index = LineIndex::new(
        Query::plain("x").expect("a query"),
        IndexMode::NotMatching,
        &empty,
    );
    assert!(index.is_empty());
}

#[test]
fn smart_case() {
    let mut buffer = LogBuffer::new(100);
    push_all(
        &mut buffer,
        &["Error one", "error two", "ERROR three", "Straße", "STRASSE"],
    );
    let seqs = |pattern: &str, kind| {
        let query = Query::new(pattern, kind).expect("a query");
        LineIndex::new(query, IndexMode::Matching, &buffer)
            .seqs()
            .to_vec()
    };
    assert_eq!(seqs("error", QueryKind::Plain), [0, 1, 2]);
    assert_eq!(seqs("Error", QueryKind::Plain), [0]);
    assert_eq!(seqs("error", QueryKind::Regex), [0, 1, 2]);
    assert_eq!(seqs("ERR", QueryKind::Regex), [2]);
    assert_eq!(seqs(r"\w+\S", QueryKind::Regex).len(), 5);
    assert_eq!(seqs(r"e\Srror", QueryKind::Regex), Vec::<u64>::new());
    assert_eq!(seqs(r"\berror\b", QueryKind::Regex), [0, 1, 2]);
    // Escapes are not upper-case text, so these stay case-insensitive.
    assert_eq!(seqs(r"\p{Lu}rror", QueryKind::Regex), [0, 1, 2]);
    assert_eq!(seqs(r"\x45rror", QueryKind::Regex), [0, 1, 2]);
    assert_eq!(seqs("(?-i)error", QueryKind::Regex), [1]);
    assert_eq!(seqs("straße", QueryKind::Plain), [3]);
    assert!(!Query::plain("abc").expect("a query").is_case_sensitive());
    assert!(
        Query::regex(r"a\Dc")
            .map(|query| !query.is_case_sensitive())
            .unwrap_or(false)
    );
    assert!(
        Query::regex("[A-Z]")
            .map(|query| query.is_case_sensitive())
            .unwrap_or(false)
    );
}

#[test]
fn plain_text_is_not_a_pattern() {
    let mut buffer = LogBuffer::new(100);
    push_all(&mut buffer, &["a.b", "axb", "[1, 2]", "(x"]);
    let seqs = |pattern: &str| {
        let query = Query::plain(pattern).expect("a query");
        LineIndex::new(query, IndexMode::Matching, &buffer)
            .seqs()
            .to_vec()
    };
    assert_eq!(seqs("a.b"), [0]);
    assert_eq!(seqs("[1, 2]"), [2]);
    assert_eq!(seqs("(X"), Vec::<u64>::new());
    assert_eq!(seqs("(x"), [3]);
    let query = Query::plain("a.b").expect("a query");
    assert_eq!(query.kind(), QueryKind::Plain);
}

#[test]
fn an_invalid_regex_gives_the_regex_message() {
    for pattern in ["(unclosed", "a{2,1}", "[z-a]", r"\p{Nope}"] {
        match Query::regex(pattern) {
            Err(QueryError::Invalid { message }) => {
                assert!(message.contains("error"), "{pattern}: {message}");
            }
            Ok(_) => panic!("{pattern} compiled"),
        }
    }
    let error = Query::regex("(unclosed")
        .err()
        .map(|error| error.to_string());
    assert!(error.is_some_and(|message| message.contains("unclosed group")));
    assert!(Query::regex(r"\w{1000}{1000}").is_err());
}

#[test]
fn indexes_follow_appends_and_evictions() {
    let mut buffer = LogBuffer::new(700);
    let queries = [
        Query::plain("error").expect("a query"),
        Query::plain("Error").expect("a query"),
        Query::regex(r"^\d+ (warn|error)$").expect("a query"),
        Query::regex(r"code=5\d\d").expect("a query"),
        Query::plain("").expect("a query"),
    ];
    let mut indexes: Vec<LineIndex> = queries
        .iter()
        .flat_map(|query| {
            [IndexMode::Matching, IndexMode::NotMatching]
                .map(|mode| LineIndex::new(query.clone(), mode, &buffer))
        })
        .collect();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut random = move |bound: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % bound
    };
    let words = ["error", "Error", "warn", "code=503", "code=200", "ok", "x"];
    let mut number = 0;
    for round in 0..150 {
        // Batches from empty to larger than the whole buffer.
        let batch = match round % 10 {
            0 => 0,
            9 => 900,
            _ => random(60),
        };
        for _ in 0..batch {
            number += 1;
            let word = words[random(words.len() as u64) as usize];
            let raw = match random(4) {
                0 => format!("{number} {word}"),
                1 => format!("{word} and {word}"),
                2 => format!("{}{word}", "y".repeat(random(20) as usize)),
                _ => word.to_owned(),
            };
            buffer.push_raw(&raw, LineMeta::default());
        }
        if round == 75 {
            buffer.set_capacity(300);
        }
        // Not every index is updated every round.
        for (position, index) in indexes.iter_mut().enumerate() {
            if round % 10 == 9 || (round + position) % 3 != 0 {
                index.update(&buffer);
                let expected = brute_force(&buffer, index.query(), index.mode());
                assert_eq!(
                    index.seqs(),
                    expected,
                    "round {round}, {:?} {:?}",
                    index.query().pattern(),
                    index.mode()
                );
            }
        }
    }
    assert!(buffer.evicted() > 10_000);
}
