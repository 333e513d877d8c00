//! The command palette's completions: command names, then namespace or
//! context names after `ns ` and `ctx `, fuzzy-ranked against what was typed.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::app::commands::COMMANDS;
use crate::app::state::AppState;

/// At most this many suggestions are shown.
pub const SHOWN: usize = 8;

/// Completions for the palette's current input, best first.
pub fn suggestions(state: &AppState) -> Vec<String> {
    let input = state
        .overlay
        .palette()
        .map(|p| p.input.as_typed())
        .unwrap_or_default();
    let matcher = SkimMatcherV2::default();
    let (prefix, query, candidates): (&str, &str, Vec<String>) = match input.split_once(' ') {
        Some(("ns" | "namespace", rest)) => {
            let mut names: Vec<String> = state
                .lists
                .namespaces
                .window(0, usize::MAX)
                .map(|n| n.name.as_str().to_string())
                .collect();
            for hint in &state.session.namespace_hints {
                if !names.contains(hint) {
                    names.push(hint.clone());
                }
            }
            ("ns ", rest, names)
        }
        Some(("ctx" | "context", rest)) => (
            "ctx ",
            rest,
            state
                .lists
                .contexts
                .window(0, usize::MAX)
                .map(|c| c.name.as_str().to_string())
                .collect(),
        ),
        _ => (
            "",
            input,
            COMMANDS
                .iter()
                .filter(|c| c.acts_in(state.navigation.view))
                .map(|c| c.name.to_string())
                .collect(),
        ),
    };
    let mut scored: Vec<(i64, String)> = candidates
        .into_iter()
        .filter_map(|candidate| {
            if query.is_empty() {
                return Some((0, candidate));
            }
            matcher
                .fuzzy_match(&candidate, query)
                .map(|score| (score, candidate))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(SHOWN)
        .map(|(_, candidate)| format!("{prefix}{candidate}"))
        .collect()
}
