//! The log view: its state, the keys that move and change it, and the
//! reports of the reading that fill it. Lines are kept in a bounded
//! [`LogBuffer`]; the view is either pinned to the newest line (following)
//! or paused at a line, counting what arrived since.

use jiff::Timestamp;

use super::log_msg::{
    IncomingLine, LineKind, LogEvent, LogRequest, LogSource, LogTarget, StreamState, VIEW_SOURCE,
};
use crate::model::log_buffer::{self, LineMeta, LogBuffer, SourceId};
use crate::model::log_index::{IndexMode, LineIndex};
use crate::model::log_line::LineParser;
use crate::model::log_query::{Query, QueryKind};
use crate::model::safe_text::SafeText;

/// `since` choices, cycled in order.
pub const SINCE_PRESETS: &[(Option<i64>, &str)] = &[
    (None, "all"),
    (Some(60), "1m"),
    (Some(300), "5m"),
    (Some(900), "15m"),
    (Some(3600), "1h"),
];

/// Tail lengths (lines from the end of each container's log), cycled.
pub const TAIL_PRESETS: &[(Option<i64>, &str)] = &[
    (Some(1000), "1000"),
    (Some(10_000), "10000"),
    (None, "all"),
    (Some(100), "100"),
];

/// Lines kept per view unless configured otherwise.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// One container being read, as the view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceView {
    pub source: LogSource,
    pub state: StreamState,
}

/// What a prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Search,
    /// Show only matching lines.
    Filter,
    /// Show only lines that do not match.
    FilterOut,
}

/// Text being typed for a search or a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: String,
    pub regex: bool,
    /// Why the last Enter was refused (an invalid regex).
    pub error: Option<String>,
}

/// A query in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveQuery {
    pub text: String,
    pub regex: bool,
}

/// The log view.
#[derive(Debug, Clone)]
pub struct LogView {
    /// Ties reports to the reading this view asked for.
    pub id: u64,
    pub target: LogTarget,
    pub previous: bool,
    pub since: usize,
    pub tail: usize,
    pub timestamps: bool,
    pub wrap: bool,
    pub buffer: LogBuffer,
    parser: LineParser,
    /// By source id.
    pub sources: Vec<SourceView>,
    /// Showing the newest lines as they come.
    pub pinned: bool,
    /// When paused: the sequence number of the line at the top.
    pub top: u64,
    /// Lines that arrived while paused.
    pub unseen: u64,
    pub prompt: Option<Prompt>,
    pub search: Option<ActiveQuery>,
    /// The lines the search matches.
    pub search_index: Option<LineIndex>,
    /// The match the view was moved to (a sequence number).
    pub current_match: Option<u64>,
    pub filter: Option<(ActiveQuery, bool)>,
    /// The lines the filter keeps.
    pub filter_index: Option<LineIndex>,
    /// The whole reading failed.
    pub error: Option<SafeText>,
    /// A reading that does not follow has ended.
    pub finished: bool,
    /// Nothing has been reported yet.
    pub loading: bool,
}

impl LogView {
    pub fn new(id: u64, target: LogTarget, capacity: usize) -> LogView {
        LogView {
            id,
            target,
            previous: false,
            since: 0,
            tail: 0,
            timestamps: false,
            wrap: false,
            buffer: LogBuffer::new(capacity),
            parser: LineParser::new(),
            sources: Vec::new(),
            pinned: true,
            top: 0,
            unseen: 0,
            prompt: None,
            search: None,
            search_index: None,
            current_match: None,
            filter: None,
            filter_index: None,
            error: None,
            finished: false,
            loading: true,
        }
    }

    /// The reading this view's options ask for.
    pub fn request(&self) -> LogRequest {
        LogRequest {
            view: self.id,
            target: self.target.clone(),
            follow: !self.previous,
            previous: self.previous,
            since_seconds: SINCE_PRESETS[self.since].0,
            tail_lines: TAIL_PRESETS[self.tail].0,
        }
    }

    /// Start again with a new reading id: empties the lines, keeps the
    /// options and the queries.
    pub fn restart(&mut self, id: u64) -> LogRequest {
        self.id = id;
        self.buffer = LogBuffer::new(self.buffer.capacity());
        self.refresh_indexes();
        self.sources.clear();
        self.pinned = true;
        self.unseen = 0;
        self.current_match = None;
        self.error = None;
        self.finished = false;
        self.loading = true;
        self.request()
    }

    pub fn source(&self, id: u32) -> Option<&SourceView> {
        self.sources.iter().find(|s| s.source.id == id)
    }

    /// More than one container: lines carry a prefix.
    pub fn several_sources(&self) -> bool {
        self.sources.len() > 1 || matches!(self.target, LogTarget::Selector { .. })
    }

    /// Fold in a report of the reading.
    pub fn event(&mut self, event: LogEvent) {
        match event {
            LogEvent::Source(source) => {
                self.sources.push(SourceView {
                    source,
                    state: StreamState::Waiting("starting".to_string()),
                });
            }
            LogEvent::Lines(lines) => {
                self.loading = false;
                self.append(lines);
            }
            LogEvent::State { source, state } => {
                // A stream has started (or said why it cannot): the first
                // read is over even if it found no line.
                self.loading = false;
                if let Some(view) = self.sources.iter_mut().find(|s| s.source.id == source) {
                    view.state = state;
                }
            }
            LogEvent::Failed(error) => {
                self.loading = false;
                self.error = Some(SafeText::from_untrusted(&error));
            }
            LogEvent::Finished => {
                self.loading = false;
                self.finished = true;
            }
        }
    }

    fn append(&mut self, lines: Vec<IncomingLine>) {
        let start = self.buffer.next_seq();
        for line in lines {
            let kind = match line.kind {
                LineKind::Log => log_buffer::LineKind::Log,
                LineKind::Marker => log_buffer::LineKind::Marker,
                LineKind::Notice => log_buffer::LineKind::Notice,
            };
            let meta = LineMeta {
                timestamp: line.time,
                source: source_id(line.source),
                kind,
            };
            let mut parsed = self.parser.parse(&line.text);
            parsed.cut_bytes += line.cut;
            self.buffer.push(parsed, meta);
        }
        self.update_indexes();
        if !self.pinned {
            let arrived = match &self.filter_index {
                Some(index) => {
                    let seqs = index.seqs();
                    (seqs.len() - seqs.partition_point(|&seq| seq < start)) as u64
                }
                None => self.buffer.next_seq() - start,
            };
            self.unseen += arrived;
            // The paused line may have been evicted: stay on the oldest kept.
            self.top = self.top.max(self.buffer.first_seq());
        }
    }

    /// Bring the search and filter up to date with the buffer: only new
    /// lines are scanned, evicted ones forgotten.
    fn update_indexes(&mut self) {
        if let Some(index) = self.search_index.as_mut() {
            index.update(&self.buffer);
        }
        if let Some(index) = self.filter_index.as_mut() {
            index.update(&self.buffer);
        }
    }

    /// Rebuild the indexes (the buffer was replaced).
    fn refresh_indexes(&mut self) {
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
        let compiled = match Query::new(&query.text, kind) {
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
                    prompt.error = Some(reason);
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

    /// The file name a save of this view gets.
    pub fn file_name(&self, now: Timestamp) -> String {
        let title: String = self
            .target
            .title()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{title}-{}.log", now.strftime("%Y%m%dT%H%M%SZ"))
    }

    /// The text a save writes: the lines shown (filtered or all), with the
    /// container of each line when there are several, and timestamps when
    /// they are on.
    pub fn saved_text(&self) -> (String, usize) {
        let mut text = String::new();
        let mut count = 0;
        for index in 0..self.visible_len() {
            let Some(seq) = self.visible_seq(index) else {
                continue;
            };
            let Some(line) = self.buffer.get(seq) else {
                continue;
            };
            if self.timestamps
                && let Some(time) = line.timestamp
            {
                text.push_str(&time.to_string());
                text.push(' ');
            }
            let prefix = self.prefix(source_number(line.source));
            if self.several_sources() && !prefix.is_empty() {
                text.push_str(&prefix);
                text.push(' ');
            }
            text.push_str(line.text.as_str());
            text.push('\n');
            count += 1;
        }
        (text, count)
    }

    /// The prefix of a source's lines: `[container]` for one pod,
    /// `pod container` for a workload, nothing for the view's own notices.
    pub fn prefix(&self, source: u32) -> String {
        if source == VIEW_SOURCE {
            return String::new();
        }
        let Some(view) = self.source(source) else {
            return String::new();
        };
        match self.target {
            LogTarget::Selector { .. } => {
                format!("{} {}", view.source.pod, view.source.container)
            }
            _ => format!("[{}]", view.source.container),
        }
    }

    /// A short account of the streams for the status line: the worst
    /// state wins (failed, reconnecting, waiting).
    pub fn stream_summary(&self) -> Option<(bool, String)> {
        let name = |s: &SourceView| match self.target {
            LogTarget::Selector { .. } => format!("{}/{}", s.source.pod, s.source.container),
            _ => s.source.container.clone(),
        };
        let worst = self
            .sources
            .iter()
            .filter_map(|s| match &s.state {
                StreamState::Failed(why) => Some((0, true, format!("{}: {why}", name(s)))),
                StreamState::Reconnecting { attempt, reason } => Some((
                    1,
                    true,
                    format!("reconnecting {} (attempt {attempt}): {reason}", name(s)),
                )),
                // "starting" is what the view says while loading.
                StreamState::Waiting(why) if why != "starting" => {
                    Some((2, false, format!("{}: {why}", name(s))))
                }
                StreamState::Ended(why) if !self.several_sources() => {
                    Some((3, false, format!("{}: {why}", name(s))))
                }
                _ => None,
            })
            .min_by_key(|(rank, ..)| *rank)?;
        Some((worst.1, worst.2))
    }
}

/// The buffer's source id of a reading's source number.
fn source_id(source: u32) -> SourceId {
    if source == VIEW_SOURCE {
        SourceId(u16::MAX)
    } else {
        SourceId(u16::try_from(source).unwrap_or(u16::MAX - 1))
    }
}

/// The reading's source number of a buffer's source id.
pub fn source_number(id: SourceId) -> u32 {
    if id.0 == u16::MAX {
        VIEW_SOURCE
    } else {
        u32::from(id.0)
    }
}

#[cfg(test)]
#[path = "logs_tests.rs"]
mod tests;
