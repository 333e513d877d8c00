//! Two writers on one history: two stores on two threads, each with its own
//! connection, and two processes (this test binary started again as the
//! second writer) record the same 1,000 terminations at the same time and
//! leave exactly 1,000 rows, without an error: `BEGIN IMMEDIATE` and the
//! busy timeout make one writer wait for the other. A store opened again
//! records nothing twice.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use ktriage::history::Store;
use ktriage::model::restart::Observation;

use super::{at, history_path, many_terminations, open};

const TERMINATIONS: u32 = 1_000;
const BATCH: usize = 20;

/// The same terminations for every writer.
fn batch() -> Vec<Observation> {
    many_terminations(TERMINATIONS, at("2024-06-01T00:00:00Z"))
}

/// Record `observations` in batches, forwards or backwards; the rows added.
fn record_all(store: &mut Store, observations: &[Observation], backwards: bool) -> usize {
    let chunks: Vec<&[Observation]> = observations.chunks(BATCH).collect();
    let order: Box<dyn Iterator<Item = &&[Observation]>> = if backwards {
        Box::new(chunks.iter().rev())
    } else {
        Box::new(chunks.iter())
    };
    order
        .map(|chunk| {
            store
                .record(chunk)
                .expect("a busy history waits, it does not fail")
        })
        .sum()
}

#[test]
fn every_termination_is_recorded_once_across_a_reopen() {
    let (_directory, path) = history_path();
    let observations = batch();
    let mut store = open(&path);
    assert_eq!(store.record(&observations[..600]).unwrap(), 600);
    drop(store);
    let mut store = open(&path);
    assert_eq!(store.record(&observations).unwrap(), 400);
    assert_eq!(store.record(&observations).unwrap(), 0);
    assert_eq!(
        store.counts().unwrap().terminations,
        u64::from(TERMINATIONS)
    );
    assert_eq!(store.counts().unwrap().pods, 10);
}

#[test]
fn two_stores_on_two_threads_record_the_same_terminations_once() {
    let (_directory, path) = history_path();
    let barrier = Arc::new(Barrier::new(2));
    let writers: Vec<_> = [false, true]
        .into_iter()
        .map(|backwards| {
            let path = path.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                // Both open the new file at once too.
                barrier.wait();
                let mut store = Store::open(&path).expect("the history opens").store;
                barrier.wait();
                record_all(&mut store, &batch(), backwards)
            })
        })
        .collect();
    let added: usize = writers
        .into_iter()
        .map(|writer| writer.join().expect("the writer finishes"))
        .sum();
    assert_eq!(added, TERMINATIONS as usize);
    let store = open(&path);
    assert_eq!(
        store.counts().unwrap().terminations,
        u64::from(TERMINATIONS)
    );
}

/// Where the second process finds its history, and how it reports.
const CHILD_PATH: &str = "KTRIAGE_HISTORY_SECOND_WRITER";

fn wait_for(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn companion(path: &Path, name: &str) -> PathBuf {
    path.with_file_name(name)
}

/// Two processes: this test starts its own binary again, running this same
/// test, which then plays the second writer (it finds `CHILD_PATH` set).
#[test]
fn two_processes_record_the_same_terminations_once() {
    if let Some(path) = std::env::var_os(CHILD_PATH) {
        second_writer(PathBuf::from(path));
        return;
    }
    let (_directory, path) = history_path();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "history::concurrent::two_processes_record_the_same_terminations_once",
            "--exact",
            "--test-threads=1",
        ])
        .env(CHILD_PATH, &path)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the test binary starts again");
    wait_for(&companion(&path, "ready"));
    let mut store = open(&path);
    std::fs::write(companion(&path, "go"), b"").unwrap();
    let added_here = record_all(&mut store, &batch(), false);
    let status = child.wait().unwrap();
    assert!(status.success(), "the second writer failed: {status}");
    let added_there: usize = std::fs::read_to_string(companion(&path, "added"))
        .expect("the second writer reports")
        .parse()
        .unwrap();
    assert_eq!(added_here + added_there, TERMINATIONS as usize);
    assert_eq!(
        store.counts().unwrap().terminations,
        u64::from(TERMINATIONS)
    );
}

/// The second writer of `two_processes_record_the_same_terminations_once`,
/// in its own process.
fn second_writer(path: PathBuf) {
    let mut store = Store::open(&path).expect("the history opens").store;
    std::fs::write(companion(&path, "ready"), b"").unwrap();
    wait_for(&companion(&path, "go"));
    let added = record_all(&mut store, &batch(), true);
    std::fs::write(companion(&path, "added"), added.to_string()).unwrap();
}
