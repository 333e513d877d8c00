//! Retention: records older than the age limit go; past the size limit the
//! oldest go until the live pages fit, and the file on disk shrinks.

use jiff::SignedDuration;
use ktriage::history::{Retention, Store};
use ktriage::model::restart::timeline::{Subject, TimelineQuery};
use ktriage::model::restart::{Gap, LastLines, Observation, PodEventRecord};

use super::{CLUSTER, at, history_path, many_terminations, open, web_pod};

fn everything(store: &Store) -> Vec<jiff::Timestamp> {
    let query = TimelineQuery {
        cluster: CLUSTER.into(),
        namespace: "shop".into(),
        subject: Subject::Workload("web".into()),
        since: jiff::Timestamp::MIN,
    };
    store
        .timeline(&query)
        .unwrap()
        .entries
        .iter()
        .map(|entry| entry.at)
        .collect()
}

#[test]
fn records_older_than_the_age_limit_go_with_their_pods() {
    let (_directory, path) = history_path();
    let mut store = open(&path);
    let start = at("2024-05-01T00:00:00Z");
    // One termination an hour for 40 days, over ten pods.
    let hourly: Vec<Observation> = many_terminations(960, start)
        .into_iter()
        .enumerate()
        .map(|(index, observation)| match observation {
            Observation::Termination(mut termination) => {
                let finished = start + SignedDuration::from_hours(index as i64);
                termination.finished = Some(finished);
                termination.started = Some(finished - SignedDuration::from_mins(1));
                Observation::Termination(termination)
            }
            gap => gap,
        })
        .collect();
    store.record(&hourly).unwrap();
    let old_pod = web_pod("1a2b3c", "gone1");
    store
        .record(&[Observation::Gap(Gap {
            cluster: CLUSTER.into(),
            namespace: "shop".into(),
            pod: old_pod.name.clone(),
            pod_uid: old_pod.uid.clone(),
            owner: old_pod.owner.clone(),
            container: "app".into(),
            missed: 2,
            after: None,
            before: at("2024-05-02T00:00:00Z"),
            ended: 2,
        })])
        .unwrap();
    store
        .record_events(&[PodEventRecord {
            cluster: CLUSTER.into(),
            namespace: "shop".into(),
            pod: old_pod.name.clone(),
            pod_uid: old_pod.uid.clone(),
            container: None,
            reason: "BackOff".into(),
            message: String::new(),
            type_: "Warning".into(),
            first: at("2024-05-01T12:00:00Z"),
            last: at("2024-05-03T12:00:00Z"),
            count: 40,
        }])
        .unwrap();
    assert_eq!(store.counts().unwrap().pods, 11);
    let now = at("2024-06-10T00:00:00Z");
    let pruned = store.retain(&Retention::default(), now).unwrap();
    let cutoff = now - SignedDuration::from_hours(30 * 24);
    // 2024-05-11T00:00 is hour 240: the hours before it go.
    assert_eq!(pruned.by_age, 240 + 2);
    assert_eq!(pruned.by_size, 0);
    let counts = store.counts().unwrap();
    assert_eq!(
        (counts.terminations, counts.gaps, counts.events),
        (720, 0, 0)
    );
    assert_eq!(counts.pods, 10, "the pod with nothing left goes");
    let left = everything(&store);
    assert_eq!(left.len(), 720);
    assert!(left.iter().all(|time| *time >= cutoff));
}

#[test]
fn past_the_size_limit_the_oldest_go_and_the_file_shrinks() {
    let (_directory, path) = history_path();
    let mut store = open(&path);
    let observations = many_terminations(600, at("2024-06-01T00:00:00Z"));
    store.record(&observations).unwrap();
    // 200 lines of about 80 bytes each.
    let text: String = (0..200)
        .map(|line| {
            format!("{line:03} level=error msg=\"allocation failed\" size=1048576 attempt=7\n")
        })
        .collect();
    for observation in &observations {
        let Observation::Termination(termination) = observation else {
            continue;
        };
        let lines = LastLines::Captured {
            text: text.clone(),
            lines: 200,
            cut: false,
        };
        assert!(store.attach_last_lines(&termination.key(), &lines).unwrap());
    }
    let before = store.size().unwrap();
    let on_disk_before = std::fs::metadata(&path).unwrap().len()
        + std::fs::metadata(path.with_file_name("history.db-wal")).map_or(0, |file| file.len());
    let limit = 2 * 1024 * 1024;
    assert!(before.live > 3 * limit, "{before:?}");
    let retention = Retention {
        max_bytes: limit,
        ..Retention::default()
    };
    let pruned = store
        .retain(&retention, at("2024-06-02T00:00:00Z"))
        .unwrap();
    assert_eq!(pruned.by_age, 0);
    assert!(pruned.by_size > 0);
    let after = store.size().unwrap();
    assert!(after.live <= limit, "{after:?}");
    assert!(
        after.file < before.file / 2,
        "the free pages went back: {before:?} {after:?}"
    );
    let on_disk_after = std::fs::metadata(&path).unwrap().len()
        + std::fs::metadata(path.with_file_name("history.db-wal")).map_or(0, |file| file.len());
    assert!(
        on_disk_after < on_disk_before / 2,
        "{on_disk_before} -> {on_disk_after}"
    );
    // The newest records stayed, the oldest went, with their last lines.
    let counts = store.counts().unwrap();
    assert_eq!(counts.terminations, counts.last_lines);
    assert!(counts.terminations > 0 && counts.terminations < 600);
    let left = everything(&store);
    assert_eq!(left.first(), Some(&at("2024-06-01T09:59:00Z")));
    assert!(left.last().unwrap() > &at("2024-06-01T00:00:00Z"));
    let newest = match &observations[599] {
        Observation::Termination(termination) => termination.key(),
        Observation::Gap(_) => unreachable!(),
    };
    assert!(store.last_lines(&newest).unwrap().is_some());
}
