//! The timeline and summary queries on a hand-made history: the Deployment
//! `web` rolled from revision `web-5f6a7b` to `web-7d4b9c`; the new pods
//! crash-loop on OOM kills, with a gap of restarts not seen and events
//! beside them; another Deployment's restarts stay out.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use ktriage::history::Store;
use ktriage::model::restart::timeline::{LastLinesState, Subject, TimelineItem, TimelineQuery};
use ktriage::model::restart::{Gap, Observation, OwnerKind, PodEventRecord};

use super::{CLUSTER, PodRef, at, history_path, open, termination, web_pod};

fn minutes(start: &str, minutes: i64) -> Timestamp {
    at(start) + SignedDuration::from_mins(minutes)
}

fn event(
    pod: &PodRef,
    reason: &str,
    first: Timestamp,
    last: Timestamp,
    count: u32,
) -> PodEventRecord {
    PodEventRecord {
        cluster: CLUSTER.into(),
        namespace: "shop".into(),
        pod: pod.name.clone(),
        pod_uid: pod.uid.clone(),
        container: Some("app".into()),
        reason: reason.into(),
        message: format!("{reason} message"),
        type_: "Warning".into(),
        first,
        last,
        count,
    }
}

/// The history, and the pods in it.
pub(super) fn hand_made(store: &mut Store) -> (PodRef, PodRef, PodRef) {
    let old = web_pod("5f6a7b", "a1b2c");
    let new = web_pod("7d4b9c", "x2x8z");
    let mut other = web_pod("9e8d7c", "q1w2e");
    if let Some(owner) = other.owner.as_mut() {
        owner.workload = "api".into();
        owner.name = "api-9e8d7c".into();
        owner.revision = Some("api-9e8d7c".into());
    }
    other.name = "api-9e8d7c-q1w2e".into();
    let mut batch = vec![
        // Two errors on the old revision, hours apart.
        Observation::Termination(termination(&old, 0, at("2024-06-01T05:10:00Z"), 1, "Error")),
        Observation::Termination(termination(&old, 1, at("2024-06-01T07:40:00Z"), 1, "Error")),
        Observation::Termination(termination(
            &other,
            0,
            at("2024-06-01T10:00:00Z"),
            2,
            "Error",
        )),
    ];
    // The new revision: OOM kills every 5 minutes from 10:42 ...
    for number in 0..4 {
        let finished = minutes("2024-06-01T10:42:00Z", 5 * i64::from(number));
        batch.push(Observation::Termination(termination(
            &new,
            number,
            finished,
            137,
            "OOMKilled",
        )));
    }
    // ... three restarts not seen while ktriage was stopped ...
    batch.push(Observation::Gap(Gap {
        cluster: CLUSTER.into(),
        namespace: "shop".into(),
        pod: new.name.clone(),
        pod_uid: new.uid.clone(),
        owner: new.owner.clone(),
        container: "app".into(),
        missed: 3,
        after: Some(at("2024-06-01T10:58:00Z")),
        before: at("2024-06-01T11:12:00Z"),
        ended: 7,
    }));
    // ... and more, one of them a SIGKILL that was not said to be an OOM.
    for (number, code, reason) in [
        (7, 137, "OOMKilled"),
        (8, 137, "Error"),
        (9, 137, "OOMKilled"),
    ] {
        let finished = minutes("2024-06-01T11:13:00Z", 5 * i64::from(number - 7));
        batch.push(Observation::Termination(termination(
            &new, number, finished, code, reason,
        )));
    }
    assert_eq!(store.record(&batch).unwrap(), batch.len());
    let events = [
        event(
            &new,
            "BackOff",
            at("2024-06-01T10:43:00Z"),
            at("2024-06-01T11:20:00Z"),
            9,
        ),
        event(
            &old,
            "Unhealthy",
            at("2024-06-01T07:39:00Z"),
            at("2024-06-01T07:39:30Z"),
            3,
        ),
    ];
    assert_eq!(store.record_events(&events).unwrap(), 2);
    (old, new, other)
}

fn query(subject: Subject, since: &str) -> TimelineQuery {
    TimelineQuery {
        cluster: CLUSTER.into(),
        namespace: "shop".into(),
        subject,
        since: at(since),
    }
}

/// Each entry as `kind at revision`.
fn read(timeline: &ktriage::model::restart::timeline::Timeline) -> Vec<String> {
    timeline
        .entries
        .iter()
        .map(|entry| {
            let what = match &entry.item {
                TimelineItem::Termination(stored) => format!(
                    "T{} {}",
                    stored.termination.restart_count, stored.termination.reason
                ),
                TimelineItem::Gap(gap) => format!("G{}", gap.missed),
                TimelineItem::Event(event) => format!("E {}x{}", event.reason, event.count),
            };
            let revision = entry.revision.as_deref().unwrap_or("-");
            format!("{what} {} {revision}", entry.at.strftime("%H:%M"))
        })
        .collect()
}

fn strings(lines: &[&str]) -> Vec<String> {
    lines.iter().map(ToString::to_string).collect()
}

#[test]
fn a_workloads_timeline_is_newest_first_and_grouped_by_revision() {
    let (_directory, path) = history_path();
    let mut store = open(&path);
    hand_made(&mut store);
    let timeline = store
        .workload_timeline(CLUSTER, "shop", "web", at("2024-06-01T00:00:00Z"))
        .unwrap();
    assert_eq!(
        read(&timeline),
        strings(&[
            "T9 OOMKilled 11:23 web-7d4b9c",
            "E BackOffx9 11:20 web-7d4b9c",
            "T8 Error 11:18 web-7d4b9c",
            "T7 OOMKilled 11:13 web-7d4b9c",
            "G3 11:12 web-7d4b9c",
            "T3 OOMKilled 10:57 web-7d4b9c",
            "T2 OOMKilled 10:52 web-7d4b9c",
            "T1 OOMKilled 10:47 web-7d4b9c",
            "T0 OOMKilled 10:42 web-7d4b9c",
            "T1 Error 07:40 web-5f6a7b",
            "E Unhealthyx3 07:39 web-5f6a7b",
            "T0 Error 05:10 web-5f6a7b",
        ])
    );
    let revisions = timeline.revisions();
    let runs: Vec<(Option<&str>, usize, usize)> = revisions
        .iter()
        .map(|run| (run.revision.as_deref(), run.entries.len(), run.terminations))
        .collect();
    assert_eq!(
        runs,
        [(Some("web-7d4b9c"), 9, 7), (Some("web-5f6a7b"), 3, 2)]
    );
    // The records read back as they were written.
    let first = timeline.terminations().next().unwrap();
    let owner = first.termination.owner.as_ref().unwrap();
    assert_eq!(owner.kind, OwnerKind::ReplicaSet);
    assert_eq!(owner.workload_kind(), "Deployment");
    assert_eq!(first.termination.message, "instance 9 ended");
    assert_eq!(first.termination.started, Some(at("2024-06-01T11:22:00Z")));
    assert_eq!(first.last_lines, LastLinesState::Absent);
    let gap = timeline.gaps().next().unwrap();
    assert_eq!(
        (gap.missed, gap.after, gap.ended),
        (3, Some(at("2024-06-01T10:58:00Z")), 7)
    );
}

#[test]
fn the_summary_counts_reasons_and_finds_the_loop_across_the_gap() {
    let (_directory, path) = history_path();
    let mut store = open(&path);
    hand_made(&mut store);
    let now = at("2024-06-01T11:25:00Z");
    let summary = store
        .summary(
            &query(Subject::Workload("web".into()), "2024-06-01T05:25:00Z"),
            now,
        )
        .unwrap();
    assert_eq!(
        summary.sentence("6h", now, &TimeZone::UTC),
        "8 restarts in 6h (3 more not seen): 6 OOMKilled, 1 Error (exit 1), \
         1 SIGKILL (OOM?); crash-looping since 10:42"
    );
    let pod = store
        .summary(
            &query(
                Subject::Pod("web-5f6a7b-a1b2c".into()),
                "2024-06-01T00:00:00Z",
            ),
            now,
        )
        .unwrap();
    assert_eq!(
        pod.sentence("1d", now, &TimeZone::UTC),
        "2 restarts in 1d: 2 Error (exit 1)"
    );
}

#[test]
fn a_pods_timeline_is_found_by_name_or_uid_and_nothing_else_leaks_in() {
    let (_directory, path) = history_path();
    let mut store = open(&path);
    let (_, new, other) = hand_made(&mut store);
    let since = at("2024-06-01T00:00:00Z");
    let by_name = store
        .pod_timeline(CLUSTER, "shop", &new.name, since)
        .unwrap();
    let by_uid = store
        .pod_timeline(CLUSTER, "shop", &new.uid, since)
        .unwrap();
    assert_eq!(by_name, by_uid);
    assert_eq!(by_name.entries.len(), 9);
    assert!(
        by_name
            .terminations()
            .all(|stored| stored.termination.pod_uid == new.uid)
    );
    let recent = store
        .pod_timeline(CLUSTER, "shop", &new.name, at("2024-06-01T11:15:00Z"))
        .unwrap();
    assert_eq!(read(&recent).len(), 3, "{:?}", read(&recent));
    let api = store
        .workload_timeline(CLUSTER, "shop", "api", since)
        .unwrap();
    assert_eq!(read(&api), strings(&["T0 Error 10:00 api-9e8d7c"]));
    assert_eq!(
        api.terminations().next().unwrap().termination.pod,
        other.name
    );
    for (cluster, namespace) in [("another-cluster", "shop"), (CLUSTER, "other")] {
        let none = store
            .workload_timeline(cluster, namespace, "web", since)
            .unwrap();
        assert!(none.entries.is_empty(), "{cluster} {namespace}");
    }
}

#[test]
fn an_event_seen_again_keeps_one_row_with_its_newest_count() {
    let (_directory, path) = history_path();
    let mut store = open(&path);
    let (_, new, _) = hand_made(&mut store);
    let first = at("2024-06-01T10:43:00Z");
    let newer = event(&new, "BackOff", first, at("2024-06-01T11:24:00Z"), 12);
    assert_eq!(store.record_events(&[newer]).unwrap(), 1);
    let older = event(&new, "BackOff", first, at("2024-06-01T11:00:00Z"), 5);
    assert_eq!(store.record_events(&[older]).unwrap(), 0);
    assert_eq!(store.counts().unwrap().events, 2);
    let timeline = store
        .pod_timeline(CLUSTER, "shop", &new.uid, first)
        .unwrap();
    let backoff: Vec<(u32, Timestamp)> = timeline
        .events()
        .map(|event| (event.count, event.last))
        .collect();
    assert_eq!(backoff, [(12, at("2024-06-01T11:24:00Z"))]);
}

#[test]
fn events_recorded_before_a_pods_owner_was_known_join_its_workload() {
    let (_directory, path) = history_path();
    let mut store = open(&path);
    let pod = web_pod("7d4b9c", "late1");
    let started = at("2024-06-01T09:00:00Z");
    store
        .record_events(&[event(&pod, "Killing", started, started, 1)])
        .unwrap();
    let since = at("2024-06-01T00:00:00Z");
    assert!(
        store
            .workload_timeline(CLUSTER, "shop", "web", since)
            .unwrap()
            .entries
            .is_empty()
    );
    let ended = Observation::Termination(termination(
        &pod,
        0,
        at("2024-06-01T09:01:00Z"),
        143,
        "Error",
    ));
    store.record(&[ended]).unwrap();
    let timeline = store
        .workload_timeline(CLUSTER, "shop", "web", since)
        .unwrap();
    assert_eq!(
        read(&timeline),
        strings(&["T0 Error 09:01 web-7d4b9c", "E Killingx1 09:00 web-7d4b9c"])
    );
}
