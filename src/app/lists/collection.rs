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

/// Whether every character of `pattern` appears in `text` in order: the
/// fuzzy filter's test (the same matches as the highlighter's). Both sides
/// are lowercased by the caller, once.
pub fn fuzzy_contains(text: &str, pattern: &str) -> bool {
    if pattern.is_ascii() {
        let mut rest = text.as_bytes();
        for &wanted in pattern.as_bytes() {
            match rest.iter().position(|&byte| byte == wanted) {
                Some(found) => rest = &rest[found + 1..],
                None => return false,
            }
        }
        return true;
    }
    let mut characters = text.chars();
    pattern
        .chars()
        .all(|wanted| characters.any(|c| c == wanted))
}

#[derive(Debug, Clone)]
pub struct Collection<T: Listable> {
    rows: Vec<T>,
    keys: Vec<String>,
    /// Each row's filter text, lowercased once.
    search: Vec<String>,
    index: HashMap<String, usize>,
    /// Every row, in sort order.
    order: Vec<usize>,
    /// The rows in view: `order` less what the filter hides.
    visible: Vec<usize>,
    filter: String,
    order_stale: bool,
    visible_stale: bool,
    /// The filter may have changed: compare it at the next reindex.
    recheck: bool,
    pub selected: usize,
    pub offset: usize,
    pub sort_column: usize,
    pub descending: bool,
    pub sync: Sync,
    /// A row to select at the next reindex.
    wanted: Option<String>,
}

impl<T: Listable> Default for Collection<T> {
    fn default() -> Self {
        Collection {
            rows: Vec::new(),
            keys: Vec::new(),
            search: Vec::new(),
            index: HashMap::new(),
            order: Vec::new(),
            visible: Vec::new(),
            filter: String::new(),
            order_stale: false,
            visible_stale: false,
            recheck: false,
            selected: 0,
            offset: 0,
            sort_column: 0,
            descending: false,
            sync: Sync::Loading,
            wanted: None,
        }
    }
}

impl<T: Listable> Collection<T> {
    pub fn reset(&mut self, rows: Vec<T>, now: Timestamp) {
        self.keys = rows.iter().map(Listable::key).collect();
        self.search = rows
            .iter()
            .map(|row| row.filter_text().to_lowercase())
            .collect();
        self.index = self
            .keys
            .iter()
            .enumerate()
            .map(|(index, key)| (key.clone(), index))
            .collect();
        self.rows = rows;
        self.sync = Sync::Synced { at: now };
        self.order_stale = true;
    }

    pub fn apply(&mut self, row: T, now: Timestamp) {
        let key = row.key();
        match self.index.get(&key).copied() {
            Some(index) => {
                if self.rows[index].sort_key(self.sort_column) != row.sort_key(self.sort_column) {
                    self.order_stale = true;
                }
                let search = row.filter_text().to_lowercase();
                if search != self.search[index] {
                    self.search[index] = search;
                    self.visible_stale = true;
                }
                self.rows[index] = row;
            }
            None => {
                let index = self.rows.len();
                self.search.push(row.filter_text().to_lowercase());
                self.keys.push(key.clone());
                self.index.insert(key, index);
                if !self.order_stale {
                    let wanted = (row.sort_key(self.sort_column), self.keys[index].clone());
                    let descending = self.descending;
                    let position = self.order.partition_point(|&other| {
                        let existing = (
                            self.rows[other].sort_key(self.sort_column),
                            self.keys[other].clone(),
                        );
                        if descending {
                            existing > wanted
                        } else {
                            existing < wanted
                        }
                    });
                    self.order.insert(position, index);
                }
                self.rows.push(row);
                self.visible_stale = true;
            }
        }
        if !matches!(self.sync, Sync::Reconnecting { .. }) {
            self.sync = Sync::Synced { at: now };
        }
    }

    pub fn remove(&mut self, key: &str) {
        let Some(index) = self.index.remove(key) else {
            return;
        };
        let last = self.rows.len() - 1;
        self.rows.swap_remove(index);
        self.keys.swap_remove(index);
        self.search.swap_remove(index);
        if index != last {
            self.index.insert(self.keys[index].clone(), index);
        }
        // Keep the order: drop the removed row, renumber the moved one.
        self.order.retain(|&i| i != index);
        for slot in self.order.iter_mut() {
            if *slot == last {
                *slot = index;
            }
        }
        self.visible_stale = true;
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
        self.reset(Vec::new(), Timestamp::UNIX_EPOCH);
        self.sync = Sync::Forbidden(message);
    }

    /// Forget everything (a new context or namespace).
    pub fn clear(&mut self) {
        let sort_column = self.sort_column;
        let descending = self.descending;
        *self = Collection {
            sort_column,
            descending,
            ..Collection::default()
        };
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
        self.order_stale || self.visible_stale || self.recheck || self.wanted.is_some()
    }

    pub fn get(&self, key: &str) -> Option<&T> {
        self.index.get(key).map(|&index| &self.rows[index])
    }

    /// The rows in view order from `start`, at most `count` of them.
    pub fn window(&self, start: usize, count: usize) -> impl Iterator<Item = &T> {
        self.visible
            .iter()
            .skip(start)
            .take(count)
            .map(|&index| &self.rows[index])
    }

    pub fn selected_row(&self) -> Option<&T> {
        self.visible
            .get(self.selected)
            .map(|&index| &self.rows[index])
    }

    /// Rebuild what changed: the sort order, then the filtered view; keep the
    /// selected row selected.
    pub fn reindex(&mut self, filter: &str) {
        let selected_key = self.wanted.take().or_else(|| {
            self.visible
                .get(self.selected)
                .map(|&i| self.keys[i].clone())
        });
        let filter = filter.to_lowercase();
        let narrowing = !self.order_stale
            && !self.visible_stale
            && filter.starts_with(&self.filter)
            && !self.filter.is_empty();
        if self.order_stale {
            let column = self.sort_column;
            let mut order: Vec<usize> = (0..self.rows.len()).collect();
            order.sort_by_cached_key(|&index| {
                (self.rows[index].sort_key(column), self.keys[index].clone())
            });
            if self.descending {
                order.reverse();
            }
            self.order = order;
        }
        if filter.is_empty() {
            self.visible.clone_from(&self.order);
        } else if narrowing {
            // Typing more narrows what is shown already.
            let search = &self.search;
            self.visible
                .retain(|&index| fuzzy_contains(&search[index], &filter));
        } else {
            self.visible = self
                .order
                .iter()
                .copied()
                .filter(|&index| fuzzy_contains(&self.search[index], &filter))
                .collect();
        }
        self.filter = filter;
        self.order_stale = false;
        self.visible_stale = false;
        self.recheck = false;
        if let Some(key) = selected_key
            && let Some(&index) = self.index.get(&key)
            && let Some(position) = self.visible.iter().position(|&i| i == index)
        {
            self.selected = position;
        }
        self.clamp();
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
        self.selected = (self.selected as isize)
            .saturating_add(delta)
            .clamp(0, last.max(0)) as usize;
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
        self.order_stale = true;
    }

    pub fn reverse_sort(&mut self) {
        self.descending = !self.descending;
        self.order_stale = true;
    }

    /// Select the row with this key (now, or once it is listed).
    pub fn select(&mut self, key: &str) {
        self.wanted = Some(key.to_string());
    }

    /// The filter the view was last built with.
    pub fn applied_filter(&self) -> &str {
        &self.filter
    }

    /// The filter may have changed: compare it at the next reindex.
    pub fn mark_stale(&mut self) {
        self.recheck = true;
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

#[cfg(test)]
mod tests {
    use super::fuzzy_contains;

    #[test]
    fn fuzzy_contains_wants_every_character_in_order() {
        assert!(fuzzy_contains("shop/checkout-9tgf", "chk9"));
        assert!(fuzzy_contains("shop/checkout", ""));
        assert!(!fuzzy_contains("shop/checkout", "kc"));
        assert!(fuzzy_contains("ns/pod-ü", "dü"));
        assert!(!fuzzy_contains("ns/pod", "dü"));
    }
}
