//! `LogBuffer`: the bounded store of the log lines a log view shows. It owns
//! the lines (display text, colour spans, level, source, kind, timestamp),
//! numbers them with sequence numbers that are never reused, evicts the
//! oldest past its capacity, and scans its text for a [`Query`]. It does no
//! I/O except writing a copy of the text to a caller's writer, and knows
//! nothing of streams, screens or the source table its `SourceId`s index.
//!
//! Memory: display text lives in chunks of [`CHUNK_BYTES`] shared by many
//! lines (each line followed by a line feed, so a chunk is searched in one
//! pass), colour spans in one array per chunk, and each line has a 32-byte
//! record. A line costs no allocation of its own; a chunk is freed when its
//! last line is evicted.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::ops::Range;

use jiff::Timestamp;

use super::log_line::{LineParser, LogLevel, MAX_LINE_BYTES, ParsedLineRef, StyleSpan};
use super::log_query::{Query, Scan};
use super::safe_text::{SafeLines, SafeStr};

/// How many lines a buffer keeps unless told otherwise.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// The size of one chunk of text. A line's text is at most
/// [`MAX_LINE_BYTES`], so at most that much of a chunk is left unused.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// Scans of more lines than this are split over threads.
pub const PARALLEL_SCAN_LINES: usize = 100_000;

const NO_TIMESTAMP: i64 = i64::MIN;

/// Which pod and container a line came from: an index into a table the
/// caller keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u16);

/// What a line is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum LineKind {
    /// A line the container wrote.
    #[default]
    Log = 0,
    /// An event in the container's life shown between its lines, such as
    /// `container app restarted: exit 137 OOMKilled`.
    Marker = 1,
    /// Something about the stream itself: `reconnected`, `120 lines lost`.
    Notice = 2,
}

impl LineKind {
    fn unpack(byte: u8) -> LineKind {
        match byte {
            1 => LineKind::Marker,
            2 => LineKind::Notice,
            _ => LineKind::Log,
        }
    }
}

/// Where a line came from and when, given with each line pushed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineMeta {
    /// The time the kubelet stamped on the line, when asked for.
    pub timestamp: Option<Timestamp>,
    pub source: SourceId,
    pub kind: LineKind,
}

/// One stored line, borrowed from the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLine<'buffer> {
    /// The line's sequence number.
    pub seq: u64,
    pub text: SafeStr<'buffer>,
    /// Styled ranges of `text`, in order; empty for most lines.
    pub spans: &'buffer [StyleSpan],
    pub level: Option<LogLevel>,
    pub kind: LineKind,
    pub source: SourceId,
    pub timestamp: Option<Timestamp>,
    /// Raw bytes not shown because the line was too long.
    pub cut_bytes: usize,
}

/// The fixed part of a stored line: 32 bytes.
#[derive(Debug, Clone, Copy)]
struct LineRecord {
    timestamp: i64,
    chunk: u32,
    start: u32,
    spans_start: u32,
    cut_bytes: u32,
    text_length: u16,
    spans_length: u16,
    source: u16,
    kind: u8,
    level: u8,
}

#[derive(Debug, Clone)]
struct Chunk {
    id: u32,
    text: SafeLines,
    spans: Vec<StyleSpan>,
}

/// A bounded, append-only store of log lines. Every line gets the next
/// sequence number (`seq`), starting at 0; when more than `capacity` lines
/// are stored the oldest are evicted, and their numbers are never reused,
/// so a seq held by a view or an index stays valid or becomes absent, never
/// wrong. Lookups by seq are O(1).
#[derive(Debug, Clone)]
pub struct LogBuffer {
    capacity: usize,
    first_seq: u64,
    evicted: u64,
    lines: VecDeque<LineRecord>,
    chunks: VecDeque<Chunk>,
    next_chunk_id: u32,
    parser: LineParser,
}

impl Default for LogBuffer {
    fn default() -> LogBuffer {
        LogBuffer::new(DEFAULT_CAPACITY)
    }
}

impl LogBuffer {
    /// An empty buffer that keeps at most `capacity` lines (at least one).
    pub fn new(capacity: usize) -> LogBuffer {
        LogBuffer {
            capacity: capacity.max(1),
            first_seq: 0,
            evicted: 0,
            lines: VecDeque::new(),
            chunks: VecDeque::new(),
            next_chunk_id: 0,
            parser: LineParser::new(),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Changes the capacity, evicting the oldest lines if there are more.
    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity.max(1);
        self.evict();
    }

    /// Number of lines stored.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The seq of the oldest stored line (equal to `next_seq` when empty).
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// The seq the next pushed line will get.
    pub fn next_seq(&self) -> u64 {
        self.first_seq + self.lines.len() as u64
    }

    /// How many lines have been evicted since the buffer was made.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Parses a raw line (without its line feed) and stores it; returns its
    /// seq. The fastest way in: no allocation per line.
    pub fn push_raw(&mut self, raw: &str, meta: LineMeta) -> u64 {
        let mut parser = std::mem::take(&mut self.parser);
        let seq = self.push(parser.parse(raw), meta);
        self.parser = parser;
        seq
    }

    /// Parses and stores raw lines in order; returns their seqs.
    pub fn extend<I, S>(&mut self, lines: I) -> Range<u64>
    where
        I: IntoIterator<Item = (S, LineMeta)>,
        S: AsRef<str>,
    {
        let start = self.next_seq();
        for (raw, meta) in lines {
            self.push_raw(raw.as_ref(), meta);
        }
        start..self.next_seq()
    }

    /// Stores a line parsed elsewhere (for example off the UI task); returns
    /// its seq. Text past [`MAX_LINE_BYTES`] is cut and counted as cut.
    pub fn push(&mut self, line: ParsedLineRef<'_>, meta: LineMeta) -> u64 {
        let seq = self.next_seq();
        let mut text = line.text;
        let mut cut_bytes = line.cut_bytes;
        let mut clipped_spans = Vec::new();
        let mut spans = line.spans;
        if text.len() > MAX_LINE_BYTES {
            let mut end = MAX_LINE_BYTES;
            while text.slice(0..end).is_none() {
                end -= 1;
            }
            cut_bytes += text.len() - end;
            text = text.slice(0..end).unwrap_or_default();
        }
        // Spans past the (possibly cut) text are clipped or dropped.
        let length = u16::try_from(text.len()).unwrap_or(u16::MAX);
        if spans
            .iter()
            .any(|span| span.end > length || span.start >= span.end)
        {
            clipped_spans.extend(
                spans
                    .iter()
                    .map(|span| StyleSpan {
                        end: span.end.min(length),
                        ..*span
                    })
                    .filter(|span| span.start < span.end),
            );
            spans = &clipped_spans;
        }
        let chunk = self.chunk_for(text.len() + 1);
        let start = chunk.text.push_line(text);
        let spans_start = chunk.spans.len();
        chunk.spans.extend_from_slice(spans);
        let record = LineRecord {
            timestamp: meta
                .timestamp
                .and_then(|time| i64::try_from(time.as_nanosecond()).ok())
                .unwrap_or(NO_TIMESTAMP),
            chunk: chunk.id,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            spans_start: u32::try_from(spans_start).unwrap_or(u32::MAX),
            cut_bytes: u32::try_from(cut_bytes).unwrap_or(u32::MAX),
            text_length: u16::try_from(text.len()).unwrap_or(u16::MAX),
            spans_length: u16::try_from(spans.len()).unwrap_or(u16::MAX),
            source: meta.source.0,
            kind: meta.kind as u8,
            level: LogLevel::pack(line.level),
        };
        self.lines.push_back(record);
        self.evict();
        seq
    }

    /// The line numbered `seq`, if it is stored.
    pub fn get(&self, seq: u64) -> Option<LogLine<'_>> {
        let index = usize::try_from(seq.checked_sub(self.first_seq)?).ok()?;
        self.line_at(index)
    }

    /// The stored lines whose seqs fall in `seqs`, oldest first. Costs the
    /// number of lines returned, whatever the size of the buffer.
    pub fn range(&self, seqs: Range<u64>) -> impl DoubleEndedIterator<Item = LogLine<'_>> + '_ {
        self.indices(seqs)
            .filter_map(move |index| self.line_at(index))
    }

    /// Every stored line, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = LogLine<'_>> + '_ {
        self.range(self.first_seq..self.next_seq())
    }

    /// Calls `on_match` with the seq of every stored line in `seqs` that
    /// `query` matches, in order. Each chunk of text is searched in passes
    /// over many lines at once rather than line by line, and a match is
    /// mapped back to its line by the line offsets. A scan of more than
    /// [`PARALLEL_SCAN_LINES`] lines is split over up to four threads
    /// (scoped, joined before returning); the result is the same.
    pub fn for_each_match(&self, query: &Query, seqs: Range<u64>, mut on_match: impl FnMut(u64)) {
        let indices = self.indices(seqs);
        let scan = query.scan();
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(4);
        if threads < 2 || indices.len() < PARALLEL_SCAN_LINES {
            self.scan(scan, indices, &mut |index| {
                on_match(self.first_seq + index as u64);
            });
            return;
        }
        let step = indices.len().div_ceil(threads);
        let parts = (0..threads).map(|part| {
            let start = (indices.start + part * step).min(indices.end);
            start..(start + step).min(indices.end)
        });
        let found: Vec<Vec<usize>> = std::thread::scope(|scope| {
            let workers: Vec<_> = parts
                .map(|part| {
                    scope.spawn(move || {
                        let mut hits = Vec::new();
                        self.scan(scan, part, &mut |index| hits.push(index));
                        hits
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|worker| {
                    worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        for index in found.into_iter().flatten() {
            on_match(self.first_seq + index as u64);
        }
    }

    /// Calls `on_match` with the position of every line in `indices` that
    /// `scan` matches, in order, one run of lines sharing a chunk at a time.
    fn scan(&self, scan: Scan<'_>, indices: Range<usize>, on_match: &mut dyn FnMut(usize)) {
        let mut lowered = String::new();
        let Range {
            start: mut index,
            end,
        } = indices;
        while index < end {
            let Some((chunk, last)) = self.chunk_run(index, end) else {
                return;
            };
            // The run's text, from its first line to the line feed after its
            // last; `base` is the offset of that text in the chunk.
            let base = self.line_start(index);
            let Some(text) = self
                .lines
                .get(last)
                .and_then(|record| chunk.text.as_str().get(base..line_end(record) + 1))
            else {
                return;
            };
            let haystack = if scan.folds_ascii() {
                lowered.clear();
                lowered.push_str(text);
                lowered.make_ascii_lowercase();
                lowered.as_str()
            } else {
                text
            };
            let mut line = index;
            while line <= last {
                let Some(found) = scan.find_at(haystack, self.line_start(line) - base) else {
                    break;
                };
                let hit = self.line_containing(line, last, base + found.start);
                let Some(record) = self.lines.get(hit) else {
                    return;
                };
                let (start, end) = (record.start as usize - base, line_end(record) - base);
                // A match that runs into the next line is not a match of
                // this one; the line alone decides.
                let matched = found.end <= end
                    || haystack
                        .get(start..end)
                        .is_some_and(|alone| scan.is_match(alone));
                if matched {
                    on_match(hit);
                }
                line = hit + 1;
            }
            index = last + 1;
        }
    }

    /// Writes the display text of the lines in `only` (seqs, ascending, as
    /// a filter index gives them) or of every line, one per line, markers
    /// and notices included; with `timestamps`, each line that has one
    /// starts with its time in fixed-width RFC 3339 (`2024-06-01T12:00:00.
    /// 000000000Z `). Returns the number of lines written.
    pub fn write_to(
        &self,
        out: impl Write,
        only: Option<&[u64]>,
        timestamps: bool,
    ) -> io::Result<u64> {
        let mut out = io::BufWriter::with_capacity(64 * 1024, out);
        let mut written = 0;
        let mut write = |line: LogLine<'_>| -> io::Result<()> {
            if timestamps && let Some(time) = line.timestamp {
                write!(
                    out,
                    "{}.{:09}Z ",
                    time.strftime("%Y-%m-%dT%H:%M:%S"),
                    time.as_nanosecond().rem_euclid(1_000_000_000)
                )?;
            }
            out.write_all(line.text.as_str().as_bytes())?;
            out.write_all(b"\n")?;
            written += 1;
            Ok(())
        };
        match only {
            Some(seqs) => {
                for line in seqs.iter().filter_map(|seq| self.get(*seq)) {
                    write(line)?;
                }
            }
            None => {
                for line in self.iter() {
                    write(line)?;
                }
            }
        }
        out.flush()?;
        Ok(written)
    }

    /// The bytes this buffer has allocated: line records, text chunks and
    /// spans (capacities, not lengths).
    pub fn heap_bytes(&self) -> usize {
        let records = self.lines.capacity() * size_of::<LineRecord>();
        let chunks = self.chunks.capacity() * size_of::<Chunk>();
        let contents: usize = self
            .chunks
            .iter()
            .map(|chunk| chunk.text.capacity() + chunk.spans.capacity() * size_of::<StyleSpan>())
            .sum();
        records + chunks + contents
    }

    fn line_at(&self, index: usize) -> Option<LogLine<'_>> {
        let record = self.lines.get(index)?;
        let chunk = self.chunk(record.chunk)?;
        let text = chunk
            .text
            .line(record.start as usize, usize::from(record.text_length))?;
        let spans_start = record.spans_start as usize;
        let spans = chunk
            .spans
            .get(spans_start..spans_start + usize::from(record.spans_length))?;
        Some(LogLine {
            seq: self.first_seq + index as u64,
            text,
            spans,
            level: LogLevel::unpack(record.level),
            kind: LineKind::unpack(record.kind),
            source: SourceId(record.source),
            timestamp: (record.timestamp != NO_TIMESTAMP)
                .then(|| Timestamp::from_nanosecond(i128::from(record.timestamp)).ok())
                .flatten(),
            cut_bytes: record.cut_bytes as usize,
        })
    }

    /// The positions in `lines` of the stored seqs within `seqs`.
    fn indices(&self, seqs: Range<u64>) -> Range<usize> {
        let clamp = |seq: u64| {
            let index = seq.clamp(self.first_seq, self.next_seq()) - self.first_seq;
            usize::try_from(index).unwrap_or(usize::MAX)
        };
        clamp(seqs.start)..clamp(seqs.end).max(clamp(seqs.start))
    }

    fn chunk(&self, id: u32) -> Option<&Chunk> {
        let front = self.chunks.front()?.id;
        self.chunks.get(id.wrapping_sub(front) as usize)
    }

    /// The chunk of the line at `index`, and the last position before `end`
    /// whose line is in the same chunk.
    fn chunk_run(&self, index: usize, end: usize) -> Option<(&Chunk, usize)> {
        let id = self.lines.get(index)?.chunk;
        let (mut low, mut high) = (index, end);
        while high - low > 1 {
            let middle = low + (high - low) / 2;
            if self
                .lines
                .get(middle)
                .is_some_and(|record| record.chunk == id)
            {
                low = middle;
            } else {
                high = middle;
            }
        }
        Some((self.chunk(id)?, low))
    }

    fn line_start(&self, index: usize) -> usize {
        self.lines
            .get(index)
            .map_or(0, |record| record.start as usize)
    }

    /// The last position in `from..=last` whose line starts at or before
    /// `offset`, found by galloping from `from` (matches are near each
    /// other, so this is usually a step or two).
    fn line_containing(&self, from: usize, last: usize, offset: usize) -> usize {
        let starts_by = |index: usize| self.line_start(index) <= offset;
        let (mut low, mut step) = (from, 1);
        while low + step <= last && starts_by(low + step) {
            low += step;
            step *= 2;
        }
        let mut high = (low + step).min(last + 1);
        while high - low > 1 {
            let middle = low + (high - low) / 2;
            if starts_by(middle) {
                low = middle;
            } else {
                high = middle;
            }
        }
        low
    }

    /// The chunk to write a line of `bytes` (line feed included) into: the
    /// newest, or a new one when the newest is full.
    fn chunk_for(&mut self, bytes: usize) -> &mut Chunk {
        let full = self
            .chunks
            .back()
            .is_none_or(|chunk| chunk.text.len() + bytes > CHUNK_BYTES.max(chunk.text.capacity()));
        if full {
            let id = self.next_chunk_id;
            self.next_chunk_id = id.wrapping_add(1);
            self.chunks.push_back(Chunk {
                id,
                text: SafeLines::with_capacity(CHUNK_BYTES.max(bytes)),
                spans: Vec::new(),
            });
        }
        let newest = self.chunks.len() - 1;
        &mut self.chunks[newest]
    }

    /// Drops the oldest lines past the capacity, then the chunks no stored
    /// line uses (keeping the newest, which takes the next lines).
    fn evict(&mut self) {
        while self.lines.len() > self.capacity {
            self.lines.pop_front();
            self.first_seq += 1;
            self.evicted += 1;
        }
        while self.chunks.len() > 1 {
            let oldest = self.chunks.front().map(|chunk| chunk.id);
            let in_use = self.lines.front().map(|record| record.chunk);
            if in_use.is_some() && in_use == oldest {
                break;
            }
            self.chunks.pop_front();
        }
    }
}

/// The offset of the line feed after a line.
fn line_end(record: &LineRecord) -> usize {
    record.start as usize + usize::from(record.text_length)
}

#[cfg(test)]
#[path = "log_buffer_tests.rs"]
mod tests;
