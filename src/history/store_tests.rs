use super::*;
use crate::model::restart::{ContainerKind, Source};

fn termination(number: u32) -> Observation {
    Observation::Termination(Termination {
        cluster: "c".into(),
        namespace: "shop".into(),
        pod: "web-1".into(),
        pod_uid: "uid-1".into(),
        owner: None,
        container: "app".into(),
        container_kind: ContainerKind::Regular,
        container_id: format!("containerd://{number}"),
        started: None,
        finished: Some(Timestamp::from_second(1_717_236_000 + i64::from(number)).unwrap()),
        exit_code: 1,
        signal: None,
        reason: "Error".into(),
        message: "x".repeat(2_000),
        restart_count: number,
        source: Source::Observed,
    })
}

#[test]
fn a_full_disk_is_named_and_the_batch_is_not_half_written() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("history.db");
    let mut store = Store::open(&path).unwrap().store;
    store.record(&[termination(0)]).unwrap();
    // SQLite reports a database that cannot grow as a full disk.
    let pages: i64 = store
        .connection
        .pragma_query_value(None, "page_count", |row| row.get(0))
        .unwrap();
    store
        .connection
        .pragma_update(None, "max_page_count", pages + 4)
        .unwrap();
    let batch: Vec<Observation> = (1..200).map(termination).collect();
    let error = store.record(&batch).unwrap_err();
    assert!(matches!(error, HistoryError::DiskFull { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "cannot write the history in {}: the disk is full",
            directory.path().display()
        )
    );
    assert_eq!(store.counts().unwrap().terminations, 1);
}
