//! The log view as the program runs it: reports of lines folded into the
//! view (parse, store, keep a search and a filter up to date), and frames
//! drawn from buffers of 1,000 and 100,000 lines, following and paused,
//! clipped and wrapped. The frame cost should not grow with the buffer.
//!
//! `cargo bench --bench log_view`

// A benchmark is a measuring harness, not the product: it may stop on a
// broken fixture and print what it measured.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use ktriage::app::logs::{LogView, Prompt, PromptKind};
use ktriage::app::state::{AppState, Target, View};
use ktriage::model::safe_text::SafeText;
use ktriage::protocol::logs::{IncomingLine, LineKind, LogEvent, LogTarget};
use ktriage::ui::{Theme, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn target() -> LogTarget {
    LogTarget::Container {
        namespace: "shop".to_string(),
        pod: "chatty".to_string(),
        container: "app".to_string(),
    }
}

/// A realistic mix: logfmt, JSON, ANSI-coloured and plain lines.
fn lines(count: usize) -> Vec<IncomingLine> {
    let start = Timestamp::from_second(1_700_000_000).expect("time");
    (0..count)
        .map(|n| {
            let text = match n % 4 {
                0 => format!("seq={n} level=info msg=\"tick\" path=/api/v1/orders status=200 ms=12"),
                1 => format!(
                    "{{\"level\":\"warn\",\"ts\":\"2024-05-01T10:00:00Z\",\"msg\":\"slow request\",\"n\":{n},\"peer\":[\"10.0.0.1\",443]}}"
                ),
                2 => format!("\u{1b}[32mINFO\u{1b}[0m [GREEN] request {n} served in \u{1b}[1m12ms\u{1b}[0m"),
                _ => format!("ERROR: duplicate key value violates unique constraint \"orders_pkey\" ({n})"),
            };
            IncomingLine {
                source: 0,
                time: Some(start + Duration::from_millis(n as u64)),
                kind: LineKind::Log,
                text,
                cut: 0,
            }
        })
        .collect()
}

fn view_with(count: usize) -> LogView {
    let mut view = LogView::new(1, target(), count.max(1000));
    for chunk in lines(count).chunks(4096) {
        view.event(LogEvent::Lines(chunk.to_vec()));
    }
    view
}

fn state_with(view: LogView, width: u16, height: u16) -> AppState {
    let target = Target {
        context: SafeText::from_untrusted("admin"),
        cluster: SafeText::from_untrusted("demo"),
        user: SafeText::from_untrusted("admin"),
        namespace: Some("shop".to_string()),
        home_namespace: "shop".to_string(),
        read_only: false,
    };
    let mut state = AppState::new(
        target,
        Vec::new(),
        ktriage::app::keymap::Keymap::default(),
        Timestamp::from_second(1_700_000_100).expect("time"),
    );
    state.session.size = (width, height);
    state.logs.view = Some(view);
    state.navigation.view = View::Logs;
    state
}

fn search(view: &mut LogView, pattern: &str, kind: PromptKind) {
    view.prompt = Some(Prompt {
        kind,
        input: pattern.into(),
        regex: false,
        error: None,
    });
    view.submit_prompt(40);
}

fn bench_log_view(criterion: &mut Criterion) {
    // Reports folded into the view: 200,000 lines in batches, with a search
    // and a filter kept up to date.
    let batches: Vec<Vec<IncomingLine>> = lines(200_000).chunks(1000).map(<[_]>::to_vec).collect();
    let started = Instant::now();
    let mut view = LogView::new(1, target(), 100_000);
    search(&mut view, "orders", PromptKind::Search);
    search(&mut view, "level=info", PromptKind::FilterOut);
    for batch in &batches {
        view.event(LogEvent::Lines(batch.clone()));
    }
    let elapsed = started.elapsed();
    eprintln!(
        "log view ingest: 200,000 lines in {elapsed:.2?} ({:.0} lines/s) with a search and a filter kept; {} matches, {} shown, {} evicted",
        200_000.0 / elapsed.as_secs_f64(),
        view.matches().len(),
        view.visible_len(),
        view.buffer.evicted()
    );

    let mut group = criterion.benchmark_group("log_view");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("fold_1000_lines", |bencher| {
        let batch = lines(1000);
        let mut view = view_with(100_000);
        search(&mut view, "orders", PromptKind::Search);
        bencher.iter(|| view.event(LogEvent::Lines(batch.clone())))
    });
    for count in [1_000, 100_000] {
        for (width, height) in [(160u16, 48u16), (80, 24)] {
            let state = state_with(view_with(count), width, height);
            group.bench_function(
                format!("frame_{count}_lines_{width}x{height}_following"),
                |bencher| {
                    let mut terminal =
                        Terminal::new(TestBackend::new(width, height)).expect("terminal");
                    bencher.iter(|| {
                        terminal
                            .draw(|frame| draw(frame, &state, &Theme::colored()))
                            .expect("draw");
                    })
                },
            );
        }
        let mut paused = view_with(count);
        paused.wrap = true;
        paused.timestamps = true;
        search(&mut paused, "orders", PromptKind::Search);
        paused.scroll(-((count / 2) as isize), 45);
        let state = state_with(paused, 160, 48);
        group.bench_function(
            format!("frame_{count}_lines_160x48_paused_wrapped_searching"),
            |bencher| {
                let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
                bencher.iter(|| {
                    terminal
                        .draw(|frame| draw(frame, black_box(&state), &Theme::colored()))
                        .expect("draw");
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_log_view);
criterion_main!(benches);
