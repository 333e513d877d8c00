//! Benchmarks of the log viewer's data layer on realistic lines (a mix of
//! JSON, klog, logfmt, ANSI-coloured and plain lines): ingest (parse and
//! push), search and filter over 1,000,000 lines (plain and regex), keeping
//! an index up to date after a batch, and, printed once, the heap bytes a
//! stored line costs, measured by a counting allocator.

// A benchmark is a measuring harness, not the product: it may stop on a
// broken fixture and print what it measured.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ktriage::model::log_buffer::{DEFAULT_CAPACITY, LineMeta, LogBuffer, SourceId};
use ktriage::model::log_index::{IndexMode, LineIndex};
use ktriage::model::log_query::{Query, QueryKind};

/// Counts the bytes allocated and not yet freed, to measure the buffer.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed straight to the system allocator with the
// caller's arguments; only a counter is updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `dealloc`'s contract.
        unsafe { System.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `realloc`'s contract.
        unsafe { System.realloc(pointer, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MILLION: usize = 1_000_000;

/// A small deterministic generator, so every run sees the same lines.
struct Random(u64);

impl Random {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

/// `count` lines in the mix a busy namespace produces: 30% bunyan JSON,
/// 25% klog, 20% logfmt, 15% ANSI-coloured, 10% plain access lines.
fn realistic_lines(count: usize) -> Vec<String> {
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    let levels = ["info", "info", "info", "debug", "warn", "error"];
    (0..count)
        .map(|number| {
            let second = number / 1000 % 60;
            let micros = random.next(1_000_000);
            match random.next(20) {
                0..=5 => format!(
                    r#"{{"name":"orders-api","hostname":"orders-api-7d9f8c-{:05}","pid":7,"level":{},"req_id":"{:016x}","msg":"request finished","method":"GET","path":"/api/v1/orders/{}","status":{},"took_ms":{},"time":"2024-06-01T12:00:{second:02}.{:03}Z","v":0}}"#,
                    random.next(100_000),
                    [30, 30, 30, 20, 40, 50][random.next(6) as usize],
                    random.next(u64::MAX),
                    random.next(1_000_000),
                    [200, 200, 200, 201, 404, 503][random.next(6) as usize],
                    random.next(5_000),
                    micros / 1000,
                ),
                6..=10 => format!(
                    "{}0601 12:00:{second:02}.{micros:06}       1 controller.go:{}] \"Reconciling\" object=\"team-{}/worker-{}\" generation={}",
                    ["I", "I", "I", "W", "E"][random.next(5) as usize],
                    random.next(900),
                    random.next(50),
                    random.next(10_000),
                    random.next(100),
                ),
                11..=14 => format!(
                    "time=\"2024-06-01T12:00:{second:02}.{micros:06}Z\" level={} msg=\"slow query\" duration={}ms table=orders shard={}",
                    levels[random.next(6) as usize],
                    random.next(10_000),
                    random.next(64),
                ),
                15..=17 => match random.next(4) {
                    0 => format!(
                        "\x1b[1;31mERROR\x1b[0m [worker-{}] upstream connection refused after {}ms",
                        random.next(16),
                        random.next(3_000)
                    ),
                    _ => format!(
                        "\x1b[32mINFO\x1b[0m [worker-{}] processed batch \x1b[36m{}\x1b[0m in {}ms",
                        random.next(16),
                        random.next(1_000_000),
                        random.next(900)
                    ),
                },
                _ => format!(
                    "10.0.{}.{} - - [01/Jun/2024:12:00:{second:02} +0000] \"GET /healthz HTTP/1.1\" 200 {} \"-\" \"kube-probe/1.30\"",
                    random.next(256),
                    random.next(256),
                    random.next(100),
                ),
            }
        })
        .collect()
}

fn meta(number: usize) -> LineMeta {
    LineMeta {
        timestamp: None,
        source: SourceId((number % 8) as u16),
        ..LineMeta::default()
    }
}

fn filled(lines: &[String], capacity: usize) -> LogBuffer {
    let mut buffer = LogBuffer::new(capacity);
    for (number, raw) in lines.iter().enumerate() {
        buffer.push_raw(raw, meta(number));
    }
    buffer
}

/// Heap bytes per stored line in a full buffer at the default capacity,
/// after enough lines that eviction is in its steady state; printed once.
fn report_memory(lines: &[String]) {
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let buffer = filled(lines, DEFAULT_CAPACITY);
    let after = LIVE_BYTES.load(Ordering::Relaxed);
    let bytes = after.saturating_sub(before) as f64;
    let stored = buffer.len() as f64;
    let raw: usize = lines[lines.len() - buffer.len()..]
        .iter()
        .map(String::len)
        .sum();
    let text: usize = buffer.iter().map(|line| line.text.len()).sum();
    println!(
        "memory: {} lines stored ({} evicted): {:.1} bytes per line allocated \
         (display text {:.1}, raw input {:.1}); heap_bytes() says {:.1}",
        buffer.len(),
        buffer.evicted(),
        bytes / stored,
        text as f64 / stored,
        raw as f64 / stored,
        buffer.heap_bytes() as f64 / stored,
    );

    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let million = filled(&lines[..MILLION], MILLION);
    let after = LIVE_BYTES.load(Ordering::Relaxed);
    println!(
        "memory: {} lines stored: {:.1} MiB, {:.1} bytes per line",
        million.len(),
        after.saturating_sub(before) as f64 / 1_048_576.0,
        after.saturating_sub(before) as f64 / million.len() as f64,
    );
}

/// One pass of parse and push over every line, timed once, printed.
fn report_ingest_rate(lines: &[String]) {
    let started = Instant::now();
    let buffer = filled(lines, DEFAULT_CAPACITY);
    let elapsed = started.elapsed();
    black_box(&buffer);
    println!(
        "ingest: {} lines in {:.0} ms: {:.0} lines/s",
        lines.len(),
        elapsed.as_secs_f64() * 1000.0,
        lines.len() as f64 / elapsed.as_secs_f64(),
    );
}

fn ingest(criterion: &mut Criterion, lines: &[String]) {
    let batch = &lines[..DEFAULT_CAPACITY];
    let mut group = criterion.benchmark_group("ingest");
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function("parse_and_push_100k_mixed", |bencher| {
        bencher.iter(|| black_box(filled(batch, DEFAULT_CAPACITY)));
    });
    // Steady state: a full buffer evicting one line per line pushed.
    let mut full = filled(batch, DEFAULT_CAPACITY);
    group.bench_function("parse_and_push_100k_mixed_evicting", |bencher| {
        bencher.iter(|| {
            for (number, raw) in batch.iter().enumerate() {
                full.push_raw(raw, meta(number));
            }
        });
    });
    group.finish();
}

fn search(criterion: &mut Criterion, buffer: &LogBuffer) {
    let queries = [
        (
            "plain_case_sensitive",
            "connection refused",
            QueryKind::Plain,
        ),
        ("plain_smart_case", "slow query", QueryKind::Plain),
        ("plain_rare", "worker-3] upstream", QueryKind::Plain),
        ("regex_status_5xx", r#""status":5\d\d"#, QueryKind::Regex),
        ("regex_slow_ms", r"duration=\d{4}ms", QueryKind::Regex),
        (
            "regex_alternation",
            r"refused|timeout|E0601",
            QueryKind::Regex,
        ),
    ];
    let mut group = criterion.benchmark_group("search_1m");
    group.throughput(Throughput::Elements(buffer.len() as u64));
    for (name, pattern, kind) in queries {
        let query = Query::new(pattern, kind).unwrap_or_else(|error| panic!("{pattern}: {error}"));
        let count = LineIndex::new(query.clone(), IndexMode::Matching, buffer).len();
        println!(
            "search {name} ({pattern:?}): {count} of {} lines match",
            buffer.len()
        );
        group.bench_with_input(
            BenchmarkId::new("matching", name),
            &query,
            |bencher, query| {
                bencher.iter(|| LineIndex::new(query.clone(), IndexMode::Matching, buffer).len());
            },
        );
    }
    group.finish();

    let mut group = criterion.benchmark_group("filter_1m");
    group.throughput(Throughput::Elements(buffer.len() as u64));
    for (name, pattern, kind) in [
        ("hide_plain_healthz", "kube-probe", QueryKind::Plain),
        (
            "hide_regex_info",
            r"level=(info|debug)|^I0601",
            QueryKind::Regex,
        ),
        ("only_plain_common", "info", QueryKind::Plain),
    ] {
        let query = Query::new(pattern, kind).unwrap_or_else(|error| panic!("{pattern}: {error}"));
        let mode = if name.starts_with("only") {
            IndexMode::Matching
        } else {
            IndexMode::NotMatching
        };
        group.bench_with_input(BenchmarkId::new("index", name), &query, |bencher, query| {
            bencher.iter(|| LineIndex::new(query.clone(), mode, buffer).len());
        });
    }
    group.finish();
}

/// The cost of keeping an index current: a 1,000-line batch arrives at a
/// full buffer (evicting as many) and the index catches up.
fn incremental(criterion: &mut Criterion, lines: &[String]) {
    let mut buffer = filled(&lines[..DEFAULT_CAPACITY], DEFAULT_CAPACITY);
    let query = Query::regex(r#""status":5\d\d|refused"#).unwrap_or_else(|error| panic!("{error}"));
    let mut index = LineIndex::new(query, IndexMode::Matching, &buffer);
    let batch = &lines[DEFAULT_CAPACITY..DEFAULT_CAPACITY + 1_000];
    criterion.bench_function("index_update_after_1000_line_batch", |bencher| {
        bencher.iter(|| {
            for (number, raw) in batch.iter().enumerate() {
                buffer.push_raw(raw, meta(number));
            }
            index.update(&buffer);
            index.len()
        });
    });
}

fn benches(criterion: &mut Criterion) {
    let lines = realistic_lines(MILLION + DEFAULT_CAPACITY);
    let average = lines.iter().map(String::len).sum::<usize>() / lines.len();
    println!(
        "lines: {} generated, {average} bytes on average",
        lines.len()
    );
    report_ingest_rate(&lines[..MILLION]);
    report_memory(&lines);
    ingest(criterion, &lines);
    let buffer = filled(&lines[..MILLION], MILLION);
    search(criterion, &buffer);
    incremental(criterion, &lines);
}

criterion_group! {
    name = logs;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = benches
}
criterion_main!(logs);
