//! Search and filter: the prompt's text compiled into a query, the
//! indexes of matching lines kept up to date, moving between matches.

use super::{ActiveQuery, LogView, PromptKind};
use crate::model::log_index::{IndexMode, LineIndex};
use crate::model::log_query::{Query, QueryKind};
use crate::model::safe_text::SafeText;

impl LogView {
    /// Bring the search and filter up to date with the buffer: only new
    /// lines are scanned, evicted ones forgotten.
    pub(super) fn update_indexes(&mut self) {
        if let Some(index) = self.search_index.as_mut() {
            index.update(&self.buffer);
        }
        if let Some(index) = self.filter_index.as_mut() {
            index.update(&self.buffer);
        }
    }

    /// Rebuild the indexes (the buffer was replaced).
    pub(super) fn refresh_indexes(&mut self) {
        if let Some(index) = self.search_index.take() {
            self.search_index = Some(LineIndex::new(
                index.query().clone(),
                index.mode(),
                &self.buffer,
            ));
        }
        if let Some(index) = self.filter_index.take() {
            self.filter_index = Some(LineIndex::new(
                index.query().clone(),
                index.mode(),
                &self.buffer,
            ));
        }
    }

    /// The seqs of the search's matches, ascending.
    pub fn matches(&self) -> &[u64] {
        self.search_index.as_ref().map_or(&[], |index| index.seqs())
    }

    /// Where the search matches in a line's text, for highlighting.
    pub fn match_ranges(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        self.search_index
            .as_ref()
            .map(|index| index.match_ranges(text))
            .unwrap_or_default()
    }
    /// Apply the prompt's text. Returns an error (kept in the prompt) for
    /// an invalid regex.
    pub fn submit_prompt(&mut self, height: usize) {
        let Some(prompt) = self.prompt.clone() else {
            return;
        };
        let query = ActiveQuery {
            text: prompt.input.clone(),
            regex: prompt.regex,
        };
        if prompt.input.is_empty() {
            match prompt.kind {
                PromptKind::Search => self.clear_search(),
                PromptKind::Filter | PromptKind::FilterOut => self.clear_filter(),
            }
            self.prompt = None;
            return;
        }
        let kind = if query.regex {
            QueryKind::Regex
        } else {
            QueryKind::Plain
        };
        let compiled = match Query::new(query.text.as_typed(), kind) {
            Ok(compiled) => compiled,
            Err(error) => {
                // The parser's message ends with the reason on its own line.
                let message = error.to_string();
                let reason = message
                    .lines()
                    .rev()
                    .find(|line| !line.trim().is_empty())
                    .unwrap_or("invalid pattern")
                    .trim()
                    .to_string();
                if let Some(prompt) = self.prompt.as_mut() {
                    prompt.error = Some(SafeText::from_untrusted(&reason));
                }
                return;
            }
        };
        // Keep the line at the top in view when the visible set changes.
        let anchor = self
            .visible_seq(self.top_index(height))
            .unwrap_or_else(|| self.buffer.first_seq());
        match prompt.kind {
            PromptKind::Search => {
                self.search_index =
                    Some(LineIndex::new(compiled, IndexMode::Matching, &self.buffer));
                self.search = Some(query);
                self.current_match = None;
                self.next_match(true, height);
            }
            PromptKind::Filter | PromptKind::FilterOut => {
                let invert = prompt.kind == PromptKind::FilterOut;
                let mode = if invert {
                    IndexMode::NotMatching
                } else {
                    IndexMode::Matching
                };
                self.filter_index = Some(LineIndex::new(compiled, mode, &self.buffer));
                self.filter = Some((query, invert));
                if !self.pinned {
                    self.top = anchor;
                }
            }
        }
        self.prompt = None;
    }

    pub fn clear_search(&mut self) {
        self.search_index = None;
        self.search = None;
        self.current_match = None;
    }

    pub fn clear_filter(&mut self) {
        self.filter_index = None;
        self.filter = None;
    }

    /// Move to the next (or previous) match, from the current one or from
    /// what is on screen; wraps around.
    pub fn next_match(&mut self, forward: bool, height: usize) {
        let matches = self.matches();
        if matches.is_empty() {
            self.current_match = None;
            return;
        }
        // A first search from a following view finds the newest match;
        // from a paused one, the first below the top of the screen.
        let from = match self.current_match {
            Some(current) => current,
            None if self.pinned => {
                let last = *matches.last().unwrap_or(&0);
                self.current_match = Some(last);
                let to = self.position(last).saturating_sub(height / 3);
                self.pinned = false;
                self.top = self.visible_seq(to).unwrap_or(last);
                return;
            }
            None => {
                let top = self.top_index(height);
                let seq = self.visible_seq(top).unwrap_or(0);
                if forward { seq.saturating_sub(1) } else { seq }
            }
        };
        let found = if forward {
            matches
                .iter()
                .copied()
                .find(|&m| m > from)
                .or_else(|| matches.first().copied())
        } else {
            matches
                .iter()
                .rev()
                .copied()
                .find(|&m| m < from)
                .or_else(|| matches.last().copied())
        };
        let Some(found) = found else { return };
        self.current_match = Some(found);
        // Show the match a third of the way down, paused.
        let position = self.position(found);
        let to = position.saturating_sub(height / 3);
        self.pinned = false;
        self.top = self.visible_seq(to).unwrap_or(found);
    }

    /// The number of the current match among all (1-based) and the count.
    pub fn match_count(&self) -> (Option<usize>, usize) {
        let matches = self.matches();
        let current = self
            .current_match
            .and_then(|seq| matches.binary_search(&seq).ok())
            .map(|i| i + 1);
        (current, matches.len())
    }
}
