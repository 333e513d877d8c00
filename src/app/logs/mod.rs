//! The log view: its state, the keys that move and change it, and the
//! reports of the reading that fill it. Lines are kept in a bounded
//! [`LogBuffer`]; the view is either pinned to the newest line (following)
//! or paused at a line, counting what arrived since.

use crate::model::log_buffer::{self, LineMeta, LogBuffer};
use crate::model::log_index::LineIndex;
use crate::model::log_line::LineParser;
use crate::model::safe_text::SafeText;
use crate::model::typed_text::TypedText;
use crate::protocol::logs::{
    IncomingLine, LineKind, LogEvent, LogRequest, LogSource, LogTarget, StreamState,
};

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
    /// What its lines are prefixed with when there are several sources:
    /// `[container]` for one pod, `pod container` for a workload.
    pub prefix: SafeText,
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
    pub input: TypedText,
    pub regex: bool,
    /// Why the last Enter was refused (an invalid regex).
    pub error: Option<SafeText>,
}

/// A query in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveQuery {
    pub text: TypedText,
    pub regex: bool,
}

/// The log view.
#[derive(Debug, Clone)]
pub struct LogView {
    /// Ties reports to the reading this view asked for.
    pub id: u64,
    pub target: LogTarget,
    /// What the title calls the view: `shop/web-1 app`.
    pub title: SafeText,
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
    /// Lines kept in the history store, not a reading: nothing is read
    /// again when the options change.
    pub stored: bool,
}

impl LogView {
    pub fn new(id: u64, target: LogTarget, capacity: usize) -> LogView {
        LogView {
            id,
            title: SafeText::from_untrusted(&target.title()),
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
            stored: false,
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
                let prefix = match self.target {
                    LogTarget::Selector { .. } => {
                        format!("{} {}", source.pod, source.container)
                    }
                    _ => format!("[{}]", source.container),
                };
                self.sources.push(SourceView {
                    prefix: SafeText::from_untrusted(&prefix),
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
}

mod position;
mod query;
mod text;
pub mod update;

use text::source_id;
pub use text::source_number;

#[cfg(test)]
mod tests;
/// The log view.
#[derive(Debug, Clone)]
pub struct Logs {
    /// The view, while it is open.
    pub view: Option<super::logs::LogView>,
    /// Numbers each log reading.
    pub serial: u64,
    /// Lines a log view keeps.
    pub capacity: usize,
}
