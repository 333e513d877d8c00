//! The restart history view drawn at 80x24 and 160x48 with a fixed clock:
//! reading, empty, a pod's timeline, one with a counted gap, a workload's
//! across a rollout, a store that cannot be read, and a termination's last
//! lines in the log view. The timelines are fed as the history room sends
//! them; the store itself is tested in tests/units.

use jiff::{SignedDuration, Timestamp};
use ktriage::app::msg::Msg;
use ktriage::app::state::{AppState, View};
use ktriage::app::update;
use ktriage::model::restart::TerminationKey;
use ktriage::model::safe_text::SafeText;
use ktriage::model::timeline::{
    GapEntry, LastLines, RestartEntry, Timeline, TimelineEntry, TimelineScope,
};
use ktriage::protocol::ClusterEvent;
use ktriage::protocol::history::{HistoryEffect, HistoryEvent, StoredLines};
use ktriage::protocol::{Effect, RequestId};

use crate::support::{SIZES, char_key, fixture_rows, key, now, pods_reset, render, state};

fn at(minutes_ago: i64) -> Timestamp {
    now() - SignedDuration::from_mins(minutes_ago)
}

fn restart(
    id: i64,
    minutes_ago: i64,
    pod: &str,
    exit: &str,
    reason: &str,
    count: u32,
) -> RestartEntry {
    RestartEntry {
        key: TerminationKey {
            cluster: "demo".into(),
            pod_uid: format!("uid-{pod}"),
            container: "app".into(),
            record_key: format!("containerd://{id}"),
        },
        started: Some(at(minutes_ago) - SignedDuration::from_secs(40)),
        finished: Some(at(minutes_ago)),
        pod: SafeText::from_untrusted(pod),
        container: SafeText::from_untrusted("app"),
        exit: SafeText::from_untrusted(exit),
        reason: SafeText::from_untrusted(reason),
        message: SafeText::from_untrusted(if reason == "OOMKilled" {
            ""
        } else {
            "panic: runtime error: invalid memory address"
        }),
        restart_count: count,
        source: SafeText::from_untrusted("observed"),
        events: vec![SafeText::from_untrusted(
            "BackOff ×6 Back-off restarting failed container app",
        )],
        last_lines: if id == 3 {
            LastLines::Missing(SafeText::from_untrusted("forbidden: get pods/log"))
        } else {
            LastLines::Kept(20)
        },
    }
}

fn pod_scope() -> TimelineScope {
    TimelineScope::Pod {
        namespace: "argocd".into(),
        pod: "my-pod".into(),
    }
}

/// The pods view with `h` pressed on the first pod; the request it made.
fn opened() -> (AppState, RequestId) {
    let mut state = state(Some("argocd"), false);
    ktriage::app::start(&mut state);
    update(&mut state, pods_reset(1, fixture_rows()));
    state.prepare();
    update(&mut state, char_key('j'));
    let effects = update(&mut state, char_key('h'));
    let request = match effects.as_slice() {
        [Effect::History(HistoryEffect::Read { request, .. })] => *request,
        other => panic!("h asked for {other:?}"),
    };
    assert_eq!(state.navigation.view, View::History);
    (state, request)
}

fn reply(state: &mut AppState, request: RequestId, result: Result<Timeline, SafeText>) {
    update(
        state,
        Msg::Cluster(ClusterEvent::History(HistoryEvent::Read {
            request,
            result,
        })),
    );
}

fn snapshot(name: &str, build: impl Fn(&mut AppState, RequestId)) {
    for (width, height) in SIZES {
        let (mut state, request) = opened();
        state.session.size = (width, height);
        build(&mut state, request);
        let screen = render(&mut state, width, height);
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), screen);
    }
}

fn pod_timeline() -> Timeline {
    Timeline {
        scope: pod_scope(),
        summary: SafeText::from_untrusted(
            "4 restarts in 2h: 3 Error (exit 1), 1 OOMKilled; crash-looping since 10:12",
        ),
        entries: vec![
            TimelineEntry::Restart(Box::new(restart(4, 3, "my-pod", "1", "Error", 4))),
            TimelineEntry::Restart(Box::new(restart(3, 9, "my-pod", "1", "Error", 3))),
            TimelineEntry::Restart(Box::new(restart(
                2,
                20,
                "my-pod",
                "137 SIGKILL",
                "OOMKilled",
                2,
            ))),
            TimelineEntry::Restart(Box::new(restart(1, 95, "my-pod", "1", "Error", 1))),
        ],
        notice: None,
    }
}

#[test]
fn reading() {
    snapshot("history_reading", |_, _| {});
}

#[test]
fn empty() {
    snapshot("history_empty", |state, request| {
        let timeline = Timeline {
            scope: pod_scope(),
            summary: SafeText::from_untrusted("no restarts recorded"),
            entries: Vec::new(),
            notice: None,
        };
        reply(state, request, Ok(timeline));
    });
}

#[test]
fn populated() {
    snapshot("history_populated", |state, request| {
        reply(state, request, Ok(pod_timeline()));
        update(state, key(crossterm::event::KeyCode::Down));
    });
}

#[test]
fn with_a_gap() {
    snapshot("history_gap", |state, request| {
        let mut timeline = pod_timeline();
        timeline.entries.insert(
            2,
            TimelineEntry::Gap(GapEntry {
                pod: SafeText::from_untrusted("my-pod"),
                container: SafeText::from_untrusted("app"),
                missed: 5,
                after: Some(at(80)),
                before: at(25),
            }),
        );
        timeline.notice = Some(SafeText::from_untrusted(
            "recorded since ktriage first watched this pod, 95m ago",
        ));
        reply(state, request, Ok(timeline));
        update(state, key(crossterm::event::KeyCode::Down));
        update(state, key(crossterm::event::KeyCode::Down));
    });
}

#[test]
fn a_workload_across_a_rollout() {
    snapshot("history_rollout", |state, request| {
        let timeline = Timeline {
            scope: TimelineScope::Workload {
                namespace: "shop".into(),
                kind: "Deployment".into(),
                name: "cart".into(),
            },
            summary: SafeText::from_untrusted(
                "3 restarts in 1h: 3 Error (exit 1); crash-looping since the rollout to cart-6f9d8 12m ago",
            ),
            entries: vec![
                TimelineEntry::Revision {
                    name: SafeText::from_untrusted("cart-6f9d8 (revision 2)"),
                },
                TimelineEntry::Restart(Box::new(restart(
                    9,
                    2,
                    "cart-6f9d8-x2k4q",
                    "1",
                    "Error",
                    3,
                ))),
                TimelineEntry::Restart(Box::new(restart(
                    8,
                    6,
                    "cart-6f9d8-x2k4q",
                    "1",
                    "Error",
                    2,
                ))),
                TimelineEntry::Restart(Box::new(restart(
                    7,
                    11,
                    "cart-6f9d8-x2k4q",
                    "1",
                    "Error",
                    1,
                ))),
                TimelineEntry::Revision {
                    name: SafeText::from_untrusted("cart-5b7c4 (revision 1)"),
                },
                TimelineEntry::Restart(Box::new(restart(
                    6,
                    50,
                    "cart-5b7c4-mm2vd",
                    "137 SIGKILL",
                    "Error (OOM?)",
                    1,
                ))),
            ],
            notice: None,
        };
        reply(state, request, Ok(timeline));
    });
}

#[test]
fn a_store_that_cannot_be_read() {
    snapshot("history_error", |state, request| {
        reply(
            state,
            request,
            Err(SafeText::from_untrusted(
                "cannot open the history in /home/me/.local/state/ktriage: permission denied",
            )),
        );
    });
}

#[test]
fn the_last_lines_of_a_termination() {
    snapshot("history_last_lines", |state, request| {
        reply(state, request, Ok(pod_timeline()));
        update(state, key(crossterm::event::KeyCode::Down));
        let effects = update(state, key(crossterm::event::KeyCode::Enter));
        // The third-newest restart's lines were not kept: Enter says so.
        assert!(effects.is_empty(), "{effects:?}");
        update(state, key(crossterm::event::KeyCode::Down));
        let effects = update(state, key(crossterm::event::KeyCode::Enter));
        let lines_request = match effects.as_slice() {
            [Effect::History(HistoryEffect::LastLines { request, key })]
                if key.record_key == "containerd://2" =>
            {
                *request
            }
            other => panic!("Enter asked for {other:?}"),
        };
        update(
            state,
            Msg::Cluster(ClusterEvent::History(HistoryEvent::LastLines {
                request: lines_request,
                result: Ok(StoredLines {
                    lines: vec![
                        "{\"level\":\"info\",\"msg\":\"cache warmed\",\"entries\":120000}"
                            .to_string(),
                        "\u{1b}[33mWARN\u{1b}[0m heap at 96% of limit".to_string(),
                        "\u{1b}[31mERROR\u{1b}[0m allocation failed: 64 MiB".to_string(),
                    ],
                    cut: true,
                }),
            })),
        );
        assert_eq!(state.navigation.view, View::Logs);
    });
}
