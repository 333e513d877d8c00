use jiff::tz::TimeZone;

use super::*;
use crate::model::restart::timeline::{
    LastLinesState, StoredTermination, TimelineEntry, TimelineItem,
};
use crate::model::restart::{ContainerKind, Gap, Source, Termination};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn termination(
    pod_uid: &str,
    started: &str,
    finished: &str,
    code: i32,
    reason: &str,
) -> TimelineEntry {
    TimelineEntry {
        at: at(finished),
        revision: None,
        item: TimelineItem::Termination(Box::new(StoredTermination {
            termination: Termination {
                cluster: "c".into(),
                namespace: "shop".into(),
                pod: pod_uid.into(),
                pod_uid: pod_uid.into(),
                owner: None,
                container: "app".into(),
                container_kind: ContainerKind::Regular,
                container_id: format!("id-{finished}"),
                started: Some(at(started)),
                finished: Some(at(finished)),
                exit_code: code,
                signal: None,
                reason: reason.into(),
                message: String::new(),
                restart_count: 0,
                source: Source::Observed,
            },
            last_lines: LastLinesState::Absent,
        })),
    }
}

fn gap(missed: u32, before: &str) -> TimelineEntry {
    TimelineEntry {
        at: at(before),
        revision: None,
        item: TimelineItem::Gap(Gap {
            cluster: "c".into(),
            namespace: "shop".into(),
            pod: "p1".into(),
            pod_uid: "p1".into(),
            owner: None,
            container: "app".into(),
            missed,
            after: None,
            before: at(before),
            ended: 9,
        }),
    }
}

/// Six hours of a pod: two early errors far apart, then a loop of OOM
/// kills every few minutes from 10:42, with a gap inside it.
fn history() -> Timeline {
    let mut entries = vec![
        termination(
            "p1",
            "2024-06-01T06:00:00Z",
            "2024-06-01T06:30:00Z",
            1,
            "Error",
        ),
        termination(
            "p1",
            "2024-06-01T06:31:00Z",
            "2024-06-01T08:00:00Z",
            1,
            "Error",
        ),
        gap(3, "2024-06-01T10:50:00Z"),
    ];
    for minute in [42, 46, 52, 58] {
        let finished = format!("2024-06-01T10:{minute}:00Z");
        let started = format!("2024-06-01T10:{:02}:00Z", minute - 2);
        entries.push(termination("p1", &started, &finished, 137, "OOMKilled"));
    }
    entries.push(termination(
        "p1",
        "2024-06-01T11:02:00Z",
        "2024-06-01T11:04:00Z",
        137,
        "Error",
    ));
    Timeline::new(entries)
}

#[test]
fn the_summary_counts_reasons_and_finds_the_loop() {
    let now = at("2024-06-01T11:08:00Z");
    let summary = RestartSummary::of(&history(), now, &LoopRule::default());
    assert_eq!(summary.terminations, 7);
    assert_eq!(summary.missed, 3);
    assert_eq!(
        summary.reasons_text(),
        "4 OOMKilled, 2 Error (exit 1), 1 SIGKILL (OOM?)"
    );
    assert_eq!(summary.first, Some(at("2024-06-01T06:30:00Z")));
    assert_eq!(summary.last, Some(at("2024-06-01T11:04:00Z")));
    assert_eq!(
        summary.crash_looping_since,
        Some(at("2024-06-01T10:42:00Z"))
    );
    assert_eq!(
        summary.sentence("6h", now, &TimeZone::UTC),
        "7 restarts in 6h (3 more not seen): 4 OOMKilled, 2 Error (exit 1), \
         1 SIGKILL (OOM?); crash-looping since 10:42"
    );
}

#[test]
fn a_container_that_has_run_for_a_while_is_not_looping_any_more() {
    let later = at("2024-06-01T11:30:00Z");
    let summary = RestartSummary::of(&history(), later, &LoopRule::default());
    assert_eq!(summary.crash_looping_since, None);
    assert!(
        !summary
            .sentence("6h", later, &TimeZone::UTC)
            .contains("crash-looping")
    );
}

#[test]
fn a_long_run_ends_a_loop_and_two_crashes_are_not_one() {
    let entries = vec![
        termination(
            "p1",
            "2024-06-01T10:00:00Z",
            "2024-06-01T10:01:00Z",
            1,
            "Error",
        ),
        termination(
            "p1",
            "2024-06-01T10:02:00Z",
            "2024-06-01T10:03:00Z",
            1,
            "Error",
        ),
        // Ran 20 minutes: healthy for a while.
        termination(
            "p1",
            "2024-06-01T10:03:30Z",
            "2024-06-01T10:23:30Z",
            1,
            "Error",
        ),
        termination(
            "p1",
            "2024-06-01T10:24:00Z",
            "2024-06-01T10:25:00Z",
            1,
            "Error",
        ),
        termination(
            "p1",
            "2024-06-01T10:26:00Z",
            "2024-06-01T10:27:00Z",
            1,
            "Error",
        ),
    ];
    let now = at("2024-06-01T10:28:00Z");
    let summary = RestartSummary::of(&Timeline::new(entries), now, &LoopRule::default());
    assert_eq!(summary.crash_looping_since, None);
    let rule = LoopRule {
        at_least: 2,
        ..LoopRule::default()
    };
    let summary = RestartSummary::of(&history_of_two(), now, &rule);
    assert_eq!(
        summary.crash_looping_since,
        Some(at("2024-06-01T10:25:00Z"))
    );
}

fn history_of_two() -> Timeline {
    Timeline::new(vec![
        termination(
            "p1",
            "2024-06-01T10:24:00Z",
            "2024-06-01T10:25:00Z",
            1,
            "Error",
        ),
        termination(
            "p1",
            "2024-06-01T10:26:00Z",
            "2024-06-01T10:27:00Z",
            1,
            "Error",
        ),
    ])
}

#[test]
fn the_earliest_loop_over_the_pods_of_a_workload_is_reported() {
    let mut entries = Vec::new();
    for (pod, hour) in [("p1", "10"), ("p2", "09")] {
        for minute in [50, 53, 56] {
            let finished = format!("2024-06-01T{hour}:{minute}:00Z");
            let started = format!("2024-06-01T{hour}:{}:00Z", minute - 1);
            entries.push(termination(pod, &started, &finished, 1, "Error"));
        }
    }
    entries.push(termination(
        "p2",
        "2024-06-01T10:54:00Z",
        "2024-06-01T10:55:00Z",
        1,
        "Error",
    ));
    entries.push(termination(
        "p2",
        "2024-06-01T09:59:00Z",
        "2024-06-01T10:05:00Z",
        1,
        "Error",
    ));
    // p2 looped from 09:50 to 10:05, then ran fine until 10:55: its loop
    // now is one termination long; p1 loops since 10:50.
    let now = at("2024-06-01T10:57:00Z");
    let summary = RestartSummary::of(&Timeline::new(entries), now, &LoopRule::default());
    assert_eq!(
        summary.crash_looping_since,
        Some(at("2024-06-01T10:50:00Z"))
    );
    assert_eq!(
        summary.sentence("2h", now, &TimeZone::UTC),
        "8 restarts in 2h: 8 Error (exit 1); crash-looping since 10:50"
    );
}

#[test]
fn an_empty_timeline_says_so() {
    let now = at("2024-06-01T10:00:00Z");
    let summary = RestartSummary::of(&Timeline::default(), now, &LoopRule::default());
    assert_eq!(summary, RestartSummary::default());
    assert_eq!(
        summary.sentence("30d", now, &TimeZone::UTC),
        "no restarts in 30d"
    );
}

#[test]
fn a_loop_that_began_on_another_day_carries_its_date() {
    let entries = (0..4)
        .map(|index| {
            let finished = at("2024-05-31T23:52:00Z") + SignedDuration::from_mins(4 * index);
            let started = finished - SignedDuration::from_mins(1);
            termination(
                "p1",
                &started.to_string(),
                &finished.to_string(),
                2,
                "Error",
            )
        })
        .collect();
    let now = at("2024-06-01T00:05:00Z");
    let summary = RestartSummary::of(&Timeline::new(entries), now, &LoopRule::default());
    assert_eq!(
        summary.sentence("1h", now, &TimeZone::UTC),
        "4 restarts in 1h: 4 Error (exit 2); crash-looping since May 31 23:52"
    );
}

#[test]
fn restarts_missed_inside_a_loop_do_not_break_it() {
    let ends = [
        "2024-06-01T10:00:00Z",
        "2024-06-01T10:05:00Z",
        "2024-06-01T10:30:00Z",
    ];
    let entries = |with_gap: bool| {
        let mut entries: Vec<TimelineEntry> = ends
            .iter()
            .map(|finished| {
                let started = at(finished) - SignedDuration::from_mins(1);
                termination("p1", &started.to_string(), finished, 1, "Error")
            })
            .collect();
        if with_gap {
            entries.push(gap(4, "2024-06-01T10:28:00Z"));
        }
        Timeline::new(entries)
    };
    let now = at("2024-06-01T10:31:00Z");
    let rule = LoopRule::default();
    assert_eq!(
        RestartSummary::of(&entries(false), now, &rule).crash_looping_since,
        None
    );
    assert_eq!(
        RestartSummary::of(&entries(true), now, &rule).crash_looping_since,
        Some(at("2024-06-01T10:00:00Z"))
    );
}
