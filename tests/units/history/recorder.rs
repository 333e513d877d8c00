//! The recorder on its own thread: it detects in the snapshots it is sent,
//! answers queries after the writes sent before them, and, started again
//! on the same file (ktriage restarted), seeds its detector from the store
//! so that nothing is recorded twice and no recorded restart becomes a gap.

use ktriage::history::{HistoryError, Recorder, Status};
use ktriage::model::restart::snapshot::{ContainerSnapshot, Terminated, snapshots};
use ktriage::model::restart::timeline::{Subject, Timeline, TimelineItem, TimelineQuery};

use super::{CLUSTER, at, history_path};

/// The crash-looping pod of `tests/fixtures/pods/`, backing off after its
/// instance 3.
fn crash_looping() -> Vec<ContainerSnapshot> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pods/crashloopbackoff-error-exit1.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let pod = serde_saphyr::from_str(&text).unwrap();
    snapshots(&pod, CLUSTER)
}

/// The same pod later: backing off after instance `number`, which ran for
/// ten seconds before `finished`.
fn later(number: u32, finished: &str) -> Vec<ContainerSnapshot> {
    crash_looping()
        .into_iter()
        .map(|mut snapshot| {
            let finished = at(finished);
            let id = format!("docker://instance-{number}");
            snapshot.restart_count = number;
            snapshot.container_id = id.clone();
            snapshot.last = Some(Terminated {
                container_id: id,
                started: Some(finished - jiff::SignedDuration::from_secs(10)),
                finished: Some(finished),
                exit_code: 1,
                signal: None,
                reason: "Error".into(),
                message: String::new(),
            });
            snapshot
        })
        .collect()
}

fn status(recorder: &Recorder) -> Status {
    recorder.status().unwrap().blocking_recv().unwrap().unwrap()
}

fn timeline(recorder: &Recorder) -> Timeline {
    let query = TimelineQuery {
        cluster: CLUSTER.into(),
        namespace: "argocd".into(),
        subject: Subject::Pod("my-pod".into()),
        since: at("2018-01-01T00:00:00Z"),
    };
    recorder
        .timeline(query)
        .unwrap()
        .blocking_recv()
        .unwrap()
        .unwrap()
}

/// `T<number>` and `G<missed>` entries, newest first.
fn read(timeline: &Timeline) -> Vec<String> {
    timeline
        .entries
        .iter()
        .map(|entry| match &entry.item {
            TimelineItem::Termination(stored) => format!("T{}", stored.termination.restart_count),
            TimelineItem::Gap(gap) => format!("G{}", gap.missed),
            TimelineItem::Event(event) => format!("E {}", event.reason),
        })
        .collect()
}

#[test]
fn a_restarted_recorder_records_nothing_twice_and_only_real_gaps() {
    let (_directory, path) = history_path();
    let (recorder, moved) = Recorder::start(&path).unwrap();
    assert_eq!(moved, None);
    recorder
        .observe(crash_looping(), at("2018-12-02T09:20:30Z"))
        .unwrap();
    // The query waits for the write sent before it.
    assert_eq!(read(&timeline(&recorder)), ["T3", "G3"]);
    assert_eq!(
        status(&recorder),
        Status {
            recorded: 2,
            last_error: None
        }
    );
    recorder.shutdown().unwrap();

    // ktriage starts again and sees the pod as it left it.
    let (recorder, _) = Recorder::start(&path).unwrap();
    recorder
        .observe(crash_looping(), at("2018-12-02T09:25:00Z"))
        .unwrap();
    assert_eq!(status(&recorder).recorded, 0);
    recorder.shutdown().unwrap();

    // Started again after two more crashes, it saw only the last.
    let (recorder, _) = Recorder::start(&path).unwrap();
    recorder
        .observe(later(5, "2018-12-02T09:40:00Z"), at("2018-12-02T09:41:00Z"))
        .unwrap();
    assert_eq!(read(&timeline(&recorder)), ["T5", "G1", "T3", "G3"]);
    let gap = timeline(&recorder).gaps().next().cloned().unwrap();
    assert_eq!(
        gap.after,
        Some(at("2018-12-02T09:20:25Z")),
        "after the records"
    );
    assert_eq!(
        gap.before,
        at("2018-12-02T09:39:50Z"),
        "before the last start"
    );
    // While it keeps watching, a crash is one termination.
    recorder
        .observe(later(6, "2018-12-02T09:45:00Z"), at("2018-12-02T09:45:05Z"))
        .unwrap();
    assert_eq!(read(&timeline(&recorder))[0], "T6");
    assert_eq!(status(&recorder).recorded, 3);
    recorder.shutdown().unwrap();
}

#[test]
fn a_forgotten_pod_met_again_is_seeded_again() {
    let (_directory, path) = history_path();
    let (recorder, _) = Recorder::start(&path).unwrap();
    let now = at("2018-12-02T09:20:30Z");
    recorder.observe(crash_looping(), now).unwrap();
    let uid = crash_looping()[0].pod_uid.clone();
    recorder.forget(uid).unwrap();
    // In the same batch as the first sight, and in a later one.
    recorder.observe(crash_looping(), now).unwrap();
    assert_eq!(status(&recorder).recorded, 2);
    recorder.observe(crash_looping(), now).unwrap();
    assert_eq!(read(&timeline(&recorder)), ["T3", "G3"]);
    recorder.shutdown().unwrap();
}

#[test]
fn a_recorder_that_cannot_write_says_where_and_why() {
    let directory = tempfile::tempdir().unwrap();
    let blocker = directory.path().join("state");
    std::fs::write(&blocker, b"").unwrap();
    let error = Recorder::start(&blocker.join("history.db")).err().unwrap();
    assert!(
        matches!(error, HistoryError::Unwritable { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "cannot write the history in {}: {} is not a directory",
            blocker.display(),
            blocker.display()
        )
    );
}
