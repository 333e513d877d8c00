//! Benchmarks of the restart history on a real SQLite file: recording
//! 10,000 terminations in the recorder's batches, reading the timeline (and
//! its summary) of a workload with 5,000 restarts over 30 days among other
//! workloads' restarts, and, printed once, the bytes on disk per 1,000
//! terminations that each keep 200 last lines (typical lines, and lines
//! long enough to reach the 64 KiB cap).

// A benchmark is a measuring harness, not the product: it may stop on a
// broken fixture and print what it measured.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp};
use ktriage::history::{LAST_LINES_LIMIT, Store};
use ktriage::model::restart::timeline::{Subject, TimelineQuery};
use ktriage::model::restart::{
    ContainerKind, Gap, LastLines, Observation, Owner, OwnerKind, PodEventRecord, Source,
    Termination,
};

const CLUSTER: &str = "5e1f0c0ffee5e1f0c0ffee5e1f0c0ffe";
/// The recorder writes at most this many commands' findings at once.
const BATCH: usize = 256;

fn now() -> Timestamp {
    "2024-06-30T12:00:00Z".parse().unwrap()
}

fn owner(workload: &str, revision: usize) -> Owner {
    let replica_set = format!("{workload}-{revision:x}7d4b9c");
    Owner {
        kind: OwnerKind::ReplicaSet,
        name: replica_set.clone(),
        workload: workload.into(),
        revision: Some(replica_set),
    }
}

/// Termination `index` of `count` of `workload`: ten pods per revision,
/// three revisions in turn, spread evenly over `span` before now.
fn termination(workload: &str, index: usize, count: usize, span: SignedDuration) -> Termination {
    let revision = index * 3 / count;
    let pod = index % 10;
    let step = span / i32::try_from(count).unwrap();
    let finished = now() - span + step * i32::try_from(index).unwrap();
    let owner = owner(workload, revision);
    let reason = if index.is_multiple_of(3) {
        "Error"
    } else {
        "OOMKilled"
    };
    Termination {
        cluster: CLUSTER.into(),
        namespace: "shop".into(),
        pod: format!("{}-{pod}", owner.name),
        pod_uid: format!("{workload}-{revision}-{pod}"),
        owner: Some(owner),
        container: "app".into(),
        container_kind: ContainerKind::Regular,
        container_id: format!("containerd://{workload}-{index:016x}"),
        started: Some(finished - SignedDuration::from_secs(90)),
        finished: Some(finished),
        exit_code: if reason == "Error" { 1 } else { 137 },
        signal: None,
        reason: reason.into(),
        message: String::new(),
        restart_count: u32::try_from(index / 10).unwrap(),
        source: Source::Observed,
    }
}

fn terminations(workload: &str, count: usize, span: SignedDuration) -> Vec<Observation> {
    (0..count)
        .map(|index| Observation::Termination(termination(workload, index, count, span)))
        .collect()
}

fn record_in_batches(store: &mut Store, observations: &[Observation]) -> usize {
    observations
        .chunks(BATCH)
        .map(|batch| store.record(batch).unwrap())
        .sum()
}

fn record(criterion: &mut Criterion) {
    let observations = terminations("web", 10_000, SignedDuration::from_hours(24));
    criterion.bench_function("record 10,000 terminations in batches of 256", |bencher| {
        bencher.iter_batched(
            || {
                let directory = tempfile::tempdir().unwrap();
                let store = Store::open(&directory.path().join("history.db"))
                    .unwrap()
                    .store;
                (directory, store)
            },
            |(directory, mut store)| {
                assert_eq!(record_in_batches(&mut store, &observations), 10_000);
                (directory, store)
            },
            BatchSize::PerIteration,
        );
    });
}

/// A history of 5,000 restarts of `web` over 30 days (three revisions, with
/// gaps and events), beside 20,000 of other workloads.
fn filled(path: &Path) -> Store {
    let mut store = Store::open(path).unwrap().store;
    let month = SignedDuration::from_hours(30 * 24);
    let web = terminations("web", 5_000, month);
    record_in_batches(&mut store, &web);
    for other in ["api", "cart", "search", "queue"] {
        record_in_batches(&mut store, &terminations(other, 5_000, month));
    }
    let mut gaps = Vec::new();
    let mut events = Vec::new();
    for observation in web.iter().step_by(100) {
        let Observation::Termination(termination) = observation else {
            continue;
        };
        let finished = termination.finished.unwrap();
        gaps.push(Observation::Gap(Gap {
            cluster: CLUSTER.into(),
            namespace: termination.namespace.clone(),
            pod: termination.pod.clone(),
            pod_uid: termination.pod_uid.clone(),
            owner: termination.owner.clone(),
            container: "app".into(),
            missed: 2,
            after: Some(finished - SignedDuration::from_mins(30)),
            before: finished - SignedDuration::from_mins(2),
            ended: termination.restart_count,
        }));
        events.push(PodEventRecord {
            cluster: CLUSTER.into(),
            namespace: termination.namespace.clone(),
            pod: termination.pod.clone(),
            pod_uid: termination.pod_uid.clone(),
            container: Some("app".into()),
            reason: "BackOff".into(),
            message: "Back-off restarting failed container app".into(),
            type_: "Warning".into(),
            first: finished - SignedDuration::from_mins(20),
            last: finished,
            count: 12,
        });
    }
    store.record(&gaps).unwrap();
    store.record_events(&events).unwrap();
    store
}

fn timeline(criterion: &mut Criterion) {
    let directory = tempfile::tempdir().unwrap();
    let store = filled(&directory.path().join("history.db"));
    let query = TimelineQuery {
        cluster: CLUSTER.into(),
        namespace: "shop".into(),
        subject: Subject::Workload("web".into()),
        since: now() - SignedDuration::from_hours(30 * 24),
    };
    let read = store.timeline(&query).unwrap();
    println!(
        "timeline of web: {} entries, {} terminations, {} revision runs",
        read.entries.len(),
        read.terminations().count(),
        read.revisions().len()
    );
    criterion.bench_function(
        "workload timeline, 5,000 restarts over 30 days",
        |bencher| {
            bencher.iter(|| black_box(store.timeline(&query).unwrap().entries.len()));
        },
    );
    criterion.bench_function("workload summary, 5,000 restarts over 30 days", |bencher| {
        bencher.iter(|| black_box(store.summary(&query, now()).unwrap().terminations));
    });
}

/// 200 lines of `width` bytes or so, like a JSON logger's.
fn last_lines(index: usize, width: usize) -> String {
    (0..200)
        .map(|line| {
            let head = format!(
                "{{\"ts\":\"2024-06-30T11:{:02}:{:02}.{line:03}Z\",\"level\":\"error\",\"msg\":\"request failed\",\"id\":\"{index:08x}-{line:04}\",\"detail\":\"",
                line % 60,
                index % 60
            );
            let pad = width.saturating_sub(head.len() + 3);
            format!("{head}{}\"}}\n", "x".repeat(pad))
        })
        .collect()
}

/// The bytes on disk of 1,000 terminations each with 200 lines of `width`.
fn bytes_on_disk(width: usize) -> (u64, usize) {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("history.db");
    let mut store = Store::open(&path).unwrap().store;
    let observations = terminations("web", 1_000, SignedDuration::from_hours(24));
    record_in_batches(&mut store, &observations);
    let mut text_bytes = 0;
    for (index, observation) in observations.iter().enumerate() {
        let Observation::Termination(termination) = observation else {
            continue;
        };
        let text = last_lines(index, width);
        text_bytes += text.len().min(LAST_LINES_LIMIT);
        let lines = LastLines::Captured {
            text,
            lines: 200,
            cut: false,
        };
        assert!(store.attach_last_lines(&termination.key(), &lines).unwrap());
    }
    drop(store);
    // The last connection closed: the log is checkpointed into the file.
    let on_disk: u64 = ["history.db", "history.db-wal", "history.db-shm"]
        .iter()
        .filter_map(|name| std::fs::metadata(directory.path().join(name)).ok())
        .map(|metadata| metadata.len())
        .sum();
    (on_disk, text_bytes)
}

fn report_bytes() {
    for width in [120, 400] {
        let (on_disk, text) = bytes_on_disk(width);
        println!(
            "1,000 terminations with 200 lines of ~{width} bytes: {:.1} MiB on disk \
             ({} bytes a termination; the text kept is {:.1} MiB, {:.0}% of the file)",
            on_disk as f64 / 1_048_576.0,
            on_disk / 1_000,
            text as f64 / 1_048_576.0,
            100.0 * text as f64 / on_disk as f64
        );
    }
}

fn benches(criterion: &mut Criterion) {
    report_bytes();
    record(criterion);
    timeline(criterion);
}

criterion_group! {
    name = history;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = benches
}
criterion_main!(history);
