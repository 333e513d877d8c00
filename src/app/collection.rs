//! A watched list as the UI holds it: rows by key, the visible order after
//! the fuzzy filter and the sort, the selection and scroll position, and the
//! watch's sync state. The visible order is rebuilt once per batch of
//! changes (`reindex`), never per row and never per frame.

use std::collections::HashMap;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use jiff::Timestamp;

use crate::model::safe_text::SafeText;

/// A value to sort a column by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Number(i64),
    Text(String),
}

/// What a list needs to know about its rows.
pub trait Listable: Clone {
    fn key(&self) -> String;
    /// The text the filter matches against.
    fn filter_text(&self) -> String;
    fn sort_key(&self, column: usize) -> SortKey;
}

/// The state of the watch behind a list.
#[derive(Debug, Clone, PartialEq)]
pub enum Sync {
    Loading,
    Synced {
        at: Timestamp,
    },
    Reconnecting {
        since: Timestamp,
        last_synced: Option<Timestamp>,
        error: SafeText,
    },
    Forbidden(SafeText),
}

#[derive(Debug, Clone)]
pub struct Collection<T: Listable> {
    rows: HashMap<String, T>,
    visible: Vec<String>,
    pub selected: usize,
    pub offset: usize,
    pub sort_column: usize,
    pub descending: bool,
    pub sync: Sync,
    stale: bool,
    /// A row to select at the next reindex.
    wanted: Option<String>,
}

impl<T: Listable> Default for Collection<T> {
    fn default() -> Self {
        Collection {
            rows: HashMap::new(),
            visible: Vec::new(),
            selected: 0,
            offset: 0,
            sort_column: 0,
            descending: false,
            sync: Sync::Loading,
            stale: false,
            wanted: None,
        }
    }
}

impl<T: Listable> Collection<T> {
    pub fn reset(&mut self, rows: Vec<T>, now: Timestamp) {
        self.rows = rows.into_iter().map(|row| (row.key(), row)).collect();
        self.sync = Sync::Synced { at: now };
        self.stale = true;
    }

    pub fn apply(&mut self, row: T, now: Timestamp) {
        self.rows.insert(row.key(), row);
        if !matches!(self.sync, Sync::Reconnecting { .. }) {
            self.sync = Sync::Synced { at: now };
        }
        self.stale = true;
    }

    pub fn remove(&mut self, key: &str) {
        if self.rows.remove(key).is_some() {
            self.stale = true;
        }
    }

    pub fn reconnecting(&mut self, error: SafeText, now: Timestamp) {
        let last_synced = match &self.sync {
            Sync::Synced { at } => Some(*at),
            Sync::Reconnecting { last_synced, .. } => *last_synced,
            _ => None,
        };
        let since = match &self.sync {
            Sync::Reconnecting { since, .. } => *since,
            _ => now,
        };
        self.sync = Sync::Reconnecting {
            since,
            last_synced,
            error,
        };
    }

    pub fn forbidden(&mut self, message: SafeText) {
        self.rows.clear();
        self.sync = Sync::Forbidden(message);
        self.stale = true;
    }

    /// Forget everything (a new context or namespace).
    pub fn clear(&mut self) {
        self.rows.clear();
        self.visible.clear();
        self.selected = 0;
        self.offset = 0;
        self.sync = Sync::Loading;
        self.stale = false;
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    pub fn is_stale(&self) -> bool {
        self.stale
    }

    pub fn get(&self, key: &str) -> Option<&T> {
        self.rows.get(key)
    }

    /// The rows in view order from `start`, at most `count` of them.
    pub fn window(&self, start: usize, count: usize) -> impl Iterator<Item = &T> {
        self.visible
            .iter()
            .skip(start)
            .take(count)
            .filter_map(|key| self.rows.get(key))
    }

    pub fn selected_row(&self) -> Option<&T> {
        self.visible
            .get(self.selected)
            .and_then(|key| self.rows.get(key))
    }

    /// Rebuild the visible order: filter, then sort; keep the selected row selected.
    pub fn reindex(&mut self, filter: &str) {
        let selected_key = self
            .wanted
            .take()
            .or_else(|| self.visible.get(self.selected).cloned());
        let matcher = SkimMatcherV2::default();
        let mut visible: Vec<(&String, &T)> = if filter.is_empty() {
            self.rows.iter().collect()
        } else {
            self.rows
                .iter()
                .filter(|(_, row)| matcher.fuzzy_match(&row.filter_text(), filter).is_some())
                .collect()
        };
        let column = self.sort_column;
        visible.sort_by(|a, b| {
            let order =
                a.1.sort_key(column)
                    .cmp(&b.1.sort_key(column))
                    .then_with(|| a.0.cmp(b.0));
            if self.descending {
                order.reverse()
            } else {
                order
            }
        });
        self.visible = visible.into_iter().map(|(key, _)| key.clone()).collect();
        self.selected = selected_key
            .and_then(|key| self.visible.iter().position(|k| *k == key))
            .unwrap_or(self.selected);
        self.clamp();
        self.stale = false;
    }

    fn clamp(&mut self) {
        if self.visible.is_empty() {
            self.selected = 0;
        } else if self.selected >= self.visible.len() {
            self.selected = self.visible.len() - 1;
        }
    }

    /// Move the selection by `delta` rows.
    pub fn step(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }

    pub fn first(&mut self) {
        self.selected = 0;
    }

    pub fn last(&mut self) {
        self.selected = self.visible.len().saturating_sub(1);
    }

    /// Keep the selection inside a viewport of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.visible.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }

    pub fn cycle_sort(&mut self, columns: usize) {
        self.sort_column = (self.sort_column + 1) % columns.max(1);
        self.stale = true;
    }

    pub fn reverse_sort(&mut self) {
        self.descending = !self.descending;
        self.stale = true;
    }

    /// Select the row with this key (now, or once it is listed).
    pub fn select(&mut self, key: &str) {
        self.wanted = Some(key.to_string());
        self.stale = true;
    }

    pub fn mark_stale(&mut self) {
        self.stale = true;
    }
}

/// Compare two optional timestamps, newest last.
pub fn timestamp_key(time: Option<Timestamp>) -> SortKey {
    SortKey::Number(time.map_or(i64::MIN, |t| t.as_second()))
}

/// Case-insensitive text order.
pub fn text_key(text: &SafeText) -> SortKey {
    SortKey::Text(text.as_str().to_lowercase())
}

/// The matched character positions of `filter` in `text`, for highlighting.
pub fn match_positions(text: &str, filter: &str) -> Vec<usize> {
    if filter.is_empty() {
        return Vec::new();
    }
    SkimMatcherV2::default()
        .fuzzy_indices(text, filter)
        .map(|(_, indices)| indices)
        .unwrap_or_default()
}
