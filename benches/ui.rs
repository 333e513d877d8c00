//! Benchmarks of the browsing UI at 50,000 pods over 50 namespaces: the
//! sort and filter of the pods list (one filter keystroke), drawing one
//! frame, and, printed once, the time from start to the first full frame
//! against the simulated cluster and the memory the rows take.

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
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use ktriage::app::keymap::Keymap;
use ktriage::app::msg::Msg;
use ktriage::app::state::{AppState, Target};
use ktriage::app::{start, update};
use ktriage::cluster::runner::Runner;
use ktriage::model::rows::PodRow;
use ktriage::model::safe_text::SafeText;
use ktriage::protocol::{ClusterEvent, WatchUpdate};
use ktriage::ui::{Theme, draw};
use ktriage_sim::scenario::{Scale, Scenario};
use ktriage_sim::{Cluster, SimServer};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const PODS: usize = 50_000;

fn resident_megabytes() -> f64 {
    let text = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = text
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / 1_048_576.0
}

fn template() -> Pod {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pods/crashloopbackoff-error-exit1.yaml"
    ))
    .expect("fixture");
    serde_saphyr::from_str(&text).expect("pod")
}

fn rows() -> Vec<PodRow> {
    let pod = template();
    (0..PODS)
        .map(|index| {
            let mut pod = pod.clone();
            pod.metadata.name = Some(format!(
                "svc-{:04}-{:06}-x{}",
                index / 10 % 100,
                index,
                index % 7
            ));
            pod.metadata.namespace = Some(format!("ns-{:03}", index % 50));
            pod.metadata.uid = Some(format!("uid-{index}"));
            PodRow::from_pod(&pod)
        })
        .collect()
}

fn state() -> AppState {
    let target = Target {
        context: SafeText::from_untrusted("admin"),
        cluster: SafeText::from_untrusted("bench"),
        user: SafeText::from_untrusted("admin"),
        namespace: None,
        home_namespace: "default".to_string(),
        read_only: false,
    };
    let mut state = AppState::new(target, Vec::new(), Keymap::default(), Timestamp::now());
    state.session.size = (160, 48);
    start(&mut state);
    state
}

fn key(character: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(character), KeyModifiers::NONE))
}

/// Start to first full frame against a 50,000-pod simulated cluster.
fn first_frame_at_scale() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut scenario = Scenario::demo().expect("demo");
    scenario.scale = Some(Scale {
        pods: PODS as u32,
        namespaces: 50,
        nodes: 100,
        crash_loop_every: Some(50),
    });
    let server = runtime
        .block_on(SimServer::start(
            Cluster::build(scenario).expect("cluster"),
            "127.0.0.1:0".parse().expect("address"),
        ))
        .expect("server");
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&server.kubeconfig()).expect("kubeconfig");
    let before = resident_megabytes();
    let started = Instant::now();
    let (frame, rows) = runtime.block_on(async {
        let options = kube::config::KubeConfigOptions {
            context: Some("admin".into()),
            ..Default::default()
        };
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .expect("config");
        let client = kube::Client::try_from(config).expect("client");
        let (sender, mut reports) = tokio::sync::mpsc::channel(1024);
        let mut runner = Runner::new(client, sender);
        let mut state = state();
        for effect in start(&mut state) {
            runner.run(effect);
        }
        let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
        loop {
            let Some(report) = reports.recv().await else {
                break;
            };
            let synced = matches!(
                &report,
                ClusterEvent::Pods {
                    update: WatchUpdate::Reset(_),
                    ..
                }
            );
            update(&mut state, Msg::Cluster(report));
            if synced {
                state.prepare();
                terminal
                    .draw(|frame| draw(frame, &state, &Theme::colored()))
                    .expect("draw");
                return (started.elapsed(), state.lists.pods.len());
            }
        }
        (started.elapsed(), 0)
    });
    eprintln!(
        "all-namespaces pods view: {rows} pods listed, watched and drawn {frame:.2?} after start"
    );
    eprintln!(
        "resident memory of the UI side (client, rows, state): {:.0} MB (process {:.0} MB with the simulator)",
        resident_megabytes() - before,
        resident_megabytes()
    );
}

fn bench_ui(criterion: &mut Criterion) {
    first_frame_at_scale();
    let before = resident_megabytes();
    let rows = rows();
    let mut loaded = state();
    update(
        &mut loaded,
        Msg::Cluster(ClusterEvent::Pods {
            generation: 1,
            update: WatchUpdate::Reset(rows),
        }),
    );
    loaded.prepare();
    eprintln!(
        "{} pod rows held: {:.0} MB resident for rows and index",
        loaded.lists.pods.len(),
        resident_megabytes() - before
    );

    let mut group = criterion.benchmark_group("pods_50000");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("draw_frame_160x48", |bencher| {
        let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
        bencher.iter(|| {
            terminal
                .draw(|frame| draw(frame, &loaded, &Theme::colored()))
                .expect("draw");
        })
    });
    group.bench_function("draw_frame_80x24", |bencher| {
        let mut small = loaded.clone();
        small.session.size = (80, 24);
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        bencher.iter(|| {
            terminal
                .draw(|frame| draw(frame, &small, &Theme::colored()))
                .expect("draw");
        })
    });
    // One keystroke on a typed filter: narrowing (a character added) and
    // widening (a character removed, every row tested again).
    let mut typed = loaded.clone();
    update(&mut typed, key('/'));
    update(&mut typed, key('s'));
    update(&mut typed, key('v'));
    typed.prepare();
    group.bench_function("filter_keystroke_narrowing", |bencher| {
        bencher.iter_batched_ref(
            || typed.clone(),
            |state| {
                update(state, key('9'));
                state.prepare();
                black_box(state.lists.pods.visible_len())
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.bench_function("filter_keystroke_widening", |bencher| {
        bencher.iter_batched_ref(
            || typed.clone(),
            |state| {
                update(
                    state,
                    Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
                );
                state.prepare();
                black_box(state.lists.pods.visible_len())
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.bench_function("resort_all", |bencher| {
        let mut sorting = loaded.clone();
        bencher.iter(|| {
            update(&mut sorting, key('>'));
            sorting.prepare();
        })
    });
    group.finish();
}

criterion_group!(benches, bench_ui);
criterion_main!(benches);
