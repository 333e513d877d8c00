//! `LineIndex`: the seqs of the lines of a [`LogBuffer`] that a [`Query`]
//! matches (search results, for `n`/`N` and a count) or does not match (a
//! filter that hides lines), kept up to date as lines arrive and are
//! evicted. After each batch of pushes, `update` scans only the new lines
//! and forgets the evicted ones, so keeping an index costs the new lines,
//! not the buffer. It holds seqs only, never text, and does no I/O.

use std::ops::Range;

use super::log_buffer::LogBuffer;
use super::log_query::Query;

/// Which lines an index keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexMode {
    /// The lines the query matches (search results, or "only matching").
    Matching,
    /// The lines it does not match ("hide matching").
    NotMatching,
}

/// Sorted seqs of the buffer lines selected by a query. An index belongs to
/// the one buffer it was built from.
#[derive(Debug, Clone)]
pub struct LineIndex {
    query: Query,
    mode: IndexMode,
    /// Ascending; entries before `head` are evicted lines not yet dropped.
    seqs: Vec<u64>,
    head: usize,
    /// Every line before this seq has been looked at.
    scanned_to: u64,
}

/// Evicted entries are dropped from the front in batches of at least this
/// many (and at least half the vector), so dropping is amortised O(1).
const COMPACT_AFTER: usize = 4096;

impl LineIndex {
    /// Scans every line of `buffer`.
    pub fn new(query: Query, mode: IndexMode, buffer: &LogBuffer) -> LineIndex {
        let mut index = LineIndex {
            query,
            mode,
            seqs: Vec::new(),
            head: 0,
            scanned_to: buffer.first_seq(),
        };
        index.update(buffer);
        index
    }

    /// Catches up with `buffer`: forgets evicted lines, scans lines pushed
    /// since the last update. Call it after each batch of pushes.
    pub fn update(&mut self, buffer: &LogBuffer) {
        let first = buffer.first_seq();
        let evicted = self.seqs().partition_point(|seq| *seq < first);
        self.head += evicted;
        if self.head >= COMPACT_AFTER.max(self.seqs.len() / 2) || self.head == self.seqs.len() {
            self.seqs.drain(..self.head);
            self.head = 0;
        }
        let new = self.scanned_to.max(first)..buffer.next_seq();
        if !new.is_empty() {
            select(buffer, &self.query, self.mode, new, &mut self.seqs);
        }
        self.scanned_to = self.scanned_to.max(buffer.next_seq());
    }

    pub fn query(&self) -> &Query {
        &self.query
    }

    pub fn mode(&self) -> IndexMode {
        self.mode
    }

    /// The selected seqs, ascending: page through them by position.
    pub fn seqs(&self) -> &[u64] {
        self.seqs.get(self.head..).unwrap_or_default()
    }

    /// How many lines are selected.
    pub fn len(&self) -> usize {
        self.seqs().len()
    }

    pub fn is_empty(&self) -> bool {
        self.seqs().is_empty()
    }

    /// The seq at `position` (0 is the oldest selected line).
    pub fn get(&self, position: usize) -> Option<u64> {
        self.seqs().get(position).copied()
    }

    /// The position of `seq`, or where it would be (as `binary_search`).
    pub fn position_of(&self, seq: u64) -> Result<usize, usize> {
        self.seqs().binary_search(&seq)
    }

    pub fn contains(&self, seq: u64) -> bool {
        self.position_of(seq).is_ok()
    }

    /// The first selected seq after `seq` (the next search result).
    pub fn next_after(&self, seq: u64) -> Option<u64> {
        let seqs = self.seqs();
        seqs.get(seqs.partition_point(|selected| *selected <= seq))
            .copied()
    }

    /// The last selected seq before `seq` (the previous search result).
    pub fn previous_before(&self, seq: u64) -> Option<u64> {
        let seqs = self.seqs();
        let position = seqs.partition_point(|selected| *selected < seq);
        position
            .checked_sub(1)
            .and_then(|before| seqs.get(before))
            .copied()
    }

    pub fn first(&self) -> Option<u64> {
        self.seqs().first().copied()
    }

    pub fn last(&self) -> Option<u64> {
        self.seqs().last().copied()
    }

    /// The ranges of `line` to highlight for this index's query.
    pub fn match_ranges(&self, line: &str) -> Vec<Range<usize>> {
        self.query.match_ranges(line)
    }
}

/// Appends to `out` the seqs in `seqs` that `mode` selects, ascending.
pub fn select(
    buffer: &LogBuffer,
    query: &Query,
    mode: IndexMode,
    seqs: Range<u64>,
    out: &mut Vec<u64>,
) {
    let seqs = seqs.start.max(buffer.first_seq())..seqs.end.min(buffer.next_seq());
    match mode {
        IndexMode::Matching => buffer.for_each_match(query, seqs, |seq| out.push(seq)),
        IndexMode::NotMatching => {
            let mut next = seqs.start;
            let end = seqs.end;
            buffer.for_each_match(query, seqs, |seq| {
                out.extend(next..seq);
                next = seq + 1;
            });
            out.extend(next..end);
        }
    }
}

#[cfg(test)]
#[path = "log_index_tests.rs"]
mod tests;
