//! Where the view is: the visible lines (all, or the filter's), the line
//! at the top, following and pausing.

use super::LogView;

impl LogView {
    /// How many lines the view can show (all, or those the filter keeps).
    pub fn visible_len(&self) -> usize {
        match &self.filter_index {
            Some(index) => index.len(),
            None => self.buffer.len(),
        }
    }

    /// The sequence number of the `index`th visible line.
    pub fn visible_seq(&self, index: usize) -> Option<u64> {
        match &self.filter_index {
            Some(filter) => filter.get(index),
            None => (index < self.buffer.len()).then(|| self.buffer.first_seq() + index as u64),
        }
    }

    /// The index among visible lines of the first line at or after `seq`.
    pub fn position(&self, seq: u64) -> usize {
        match &self.filter_index {
            Some(filter) => filter.seqs().partition_point(|&s| s < seq),
            None => seq.saturating_sub(self.buffer.first_seq()) as usize,
        }
        .min(self.visible_len())
    }

    /// The index of the line at the top when `height` lines are shown.
    pub fn top_index(&self, height: usize) -> usize {
        let last_page = self.visible_len().saturating_sub(height);
        if self.pinned {
            last_page
        } else {
            self.position(self.top).min(last_page)
        }
    }

    /// Move by `delta` lines; reaching the end follows again.
    pub fn scroll(&mut self, delta: isize, height: usize) {
        let length = self.visible_len();
        let last_page = length.saturating_sub(height);
        let from = self.top_index(height) as isize;
        let to = (from + delta).clamp(0, last_page as isize) as usize;
        if to >= last_page && delta > 0 {
            self.follow();
            return;
        }
        // Moving up pauses, even when every line fits on the screen.
        self.pinned = false;
        self.top = self
            .visible_seq(to)
            .unwrap_or_else(|| self.buffer.first_seq());
    }

    /// Pin to the newest line.
    pub fn follow(&mut self) {
        self.pinned = true;
        self.unseen = 0;
    }

    pub fn pause(&mut self, height: usize) {
        if self.pinned {
            let top = self.top_index(height);
            self.pinned = false;
            self.top = self
                .visible_seq(top)
                .unwrap_or_else(|| self.buffer.first_seq());
        }
    }

    pub fn go_top(&mut self) {
        self.pinned = false;
        self.top = self
            .visible_seq(0)
            .unwrap_or_else(|| self.buffer.first_seq());
    }
}
