//! The log view drawn on a TestBackend at 80x24 and 160x48 with a fixed
//! clock: following, paused with new lines, searching, filtered, wrapped,
//! reconnecting, the previous instance, a workload's pods, and a 403.
//! A changed screen fails here until its new snapshot is reviewed.

use crossterm::event::KeyCode;
use jiff::Timestamp;
use ktriage::app::logs::LogView;
use ktriage::app::msg::Msg;
use ktriage::app::state::{AppState, View};
use ktriage::app::update;
use ktriage::protocol::ClusterEvent;
use ktriage::protocol::logs::{
    ContainerKind, IncomingLine, LineKind, LogEvent, LogSource, LogTarget, StreamState,
};

use crate::support::{SIZES, char_key, key, now, render, state};

/// Build the state at each size (keys depend on the screen height).
fn snapshot(name: &str, build: impl Fn(&mut AppState)) {
    for (width, height) in SIZES {
        let mut state = opened(container_target());
        state.session.size = (width, height);
        build(&mut state);
        let screen = render(&mut state, width, height);
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), screen);
    }
}

fn container_target() -> LogTarget {
    LogTarget::Container {
        namespace: "shop".to_string(),
        pod: "orders-db-0".to_string(),
        container: "postgres".to_string(),
    }
}

/// The pods view with the log view opened over it (view 1).
fn opened(target: LogTarget) -> AppState {
    let mut state = state(Some("shop"), false);
    state.logs.view = Some(LogView::new(1, target, 100_000));
    state.logs.serial = 1;
    state.navigation.back.push(View::Pods);
    state.navigation.view = View::Logs;
    state
}

fn report(state: &mut AppState, view: u64, event: LogEvent) {
    update(state, Msg::Cluster(ClusterEvent::Logs { view, event }));
}

fn at(second: i64) -> Option<Timestamp> {
    Some(Timestamp::from_second(now().as_second() - 600 + second).expect("time"))
}

fn log(source: u32, second: i64, text: &str) -> IncomingLine {
    IncomingLine {
        source,
        time: at(second),
        kind: LineKind::Log,
        text: text.to_string(),
        cut: 0,
    }
}

fn source(id: u32, pod: &str, container: &str) -> LogEvent {
    LogEvent::Source(LogSource {
        id,
        pod: pod.to_string(),
        container: container.to_string(),
        kind: ContainerKind::Regular,
    })
}

/// A database's log: startup, checkpoints, a warning, errors, JSON, colour.
fn database_lines(count: usize) -> Vec<IncomingLine> {
    (0..count)
        .map(|n| {
            let text = match n % 8 {
                0 => format!("LOG:  checkpoint starting: time (run {n})"),
                1 => format!("{{\"level\":\"info\",\"msg\":\"query served\",\"rows\":{n}}}"),
                2 => format!("WARNING:  could not fsync segment {n}: retrying"),
                3 => format!("ERROR:  duplicate key value violates unique constraint \"orders_pkey\" ({n})"),
                4 => format!("\u{1b}[32mINFO\u{1b}[0m replication slot active [GREEN] {n}"),
                5 => format!("{{\"level\":\"error\",\"msg\":\"connection reset\",\"peer\":[\"10.0.0.{n}\",5432]}}"),
                6 => format!("LOG:  automatic vacuum of table \"orders\": index scans: {n}"),
                _ => format!("LOG:  statement: SELECT * FROM orders WHERE id = {n}"),
            };
            log(0, n as i64, &text)
        })
        .collect()
}

fn streaming(state: &mut AppState, lines: usize) {
    report(state, 1, source(0, "orders-db-0", "postgres"));
    report(state, 1, LogEvent::Lines(database_lines(lines)));
    report(
        state,
        1,
        LogEvent::State {
            source: 0,
            state: StreamState::Streaming,
        },
    );
}

#[test]
fn logs_following() {
    snapshot("logs_following", |state| streaming(state, 60));
}

#[test]
fn logs_loading() {
    snapshot("logs_loading", |state| {
        report(state, 1, source(0, "orders-db-0", "postgres"));
    });
}

#[test]
fn logs_paused_with_new_lines() {
    snapshot("logs_paused_with_new_lines", |state| {
        streaming(state, 60);
        for _ in 0..5 {
            update(state, key(KeyCode::Up));
        }
        let more = (60..72)
            .map(|n| log(0, n, &format!("LOG:  statement: SELECT {n}")))
            .collect();
        report(state, 1, LogEvent::Lines(more));
    });
}

#[test]
fn logs_searching() {
    snapshot("logs_search_prompt", |state| {
        streaming(state, 60);
        update(state, char_key('/'));
        for c in "connection".chars() {
            update(state, char_key(c));
        }
    });
    snapshot("logs_search_matches", |state| {
        streaming(state, 60);
        update(state, char_key('/'));
        for c in "orders".chars() {
            update(state, char_key(c));
        }
        update(state, key(KeyCode::Enter));
        update(state, char_key('n'));
    });
}

#[test]
fn logs_filtered() {
    snapshot("logs_filtered", |state| {
        streaming(state, 60);
        update(state, char_key('&'));
        for c in "error".chars() {
            update(state, char_key(c));
        }
        update(state, key(KeyCode::Enter));
    });
    snapshot("logs_invalid_regex", |state| {
        streaming(state, 20);
        update(state, char_key('!'));
        update(
            state,
            Msg::Key(crossterm::event::KeyEvent::new(
                KeyCode::Char('r'),
                crossterm::event::KeyModifiers::CONTROL,
            )),
        );
        for c in "LOG:  (".chars() {
            update(state, char_key(c));
        }
        update(state, key(KeyCode::Enter));
    });
}

#[test]
fn logs_wrapped_with_timestamps() {
    snapshot("logs_wrapped", |state| {
        report(state, 1, source(0, "orders-db-0", "postgres"));
        let mut lines = database_lines(10);
        lines.push(log(
            0,
            20,
            &format!(
                "ERROR:  long statement: {}",
                (0..60)
                    .map(|n| format!("value{n}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ));
        let huge = IncomingLine {
            cut: 3 << 20,
            ..log(0, 21, "x-huge-line-start")
        };
        lines.push(huge);
        report(state, 1, LogEvent::Lines(lines));
        update(state, char_key('w'));
        update(state, char_key('t'));
    });
}

#[test]
fn logs_reconnecting() {
    snapshot("logs_reconnecting", |state| {
        streaming(state, 30);
        report(
            state,
            1,
            LogEvent::State {
                source: 0,
                state: StreamState::Reconnecting {
                    attempt: 3,
                    reason: "connection reset by peer".to_string(),
                },
            },
        );
    });
}

#[test]
fn logs_previous_instance_after_an_oom_kill() {
    snapshot("logs_previous_instance", |state| {
        streaming(state, 10);
        update(state, char_key('p'));
        // A new reading: view 2.
        report(state, 2, source(0, "orders-db-0", "postgres"));
        let mut lines = database_lines(12);
        lines.push(log(
            0,
            30,
            "LOG:  server process (PID 4211) was terminated by signal 9: Killed",
        ));
        report(state, 2, LogEvent::Lines(lines));
        report(state, 2, LogEvent::Finished);
    });
}

#[test]
fn logs_of_a_workload_across_a_restart() {
    for (width, height) in SIZES {
        let mut state = opened(LogTarget::Selector {
            namespace: "shop".to_string(),
            selector: "app=checkout".to_string(),
            title: "deployment/checkout".to_string(),
        });
        state.session.size = (width, height);
        report(&mut state, 1, source(0, "checkout-6f7d9-abcde", "app"));
        report(&mut state, 1, source(1, "checkout-6f7d9-fghij", "app"));
        let mut lines = Vec::new();
        for n in 0..6 {
            lines.push(log(
                n % 2,
                n as i64,
                &format!("{{\"level\":\"info\",\"msg\":\"cart total\",\"n\":{n}}}"),
            ));
        }
        lines.push(log(
            0,
            7,
            "panic: runtime error: invalid memory address or nil pointer dereference",
        ));
        lines.push(IncomingLine {
            kind: LineKind::Marker,
            ..log(0, 8, "container app restarted: exit 137 OOMKilled")
        });
        lines.push(IncomingLine {
            kind: LineKind::Notice,
            ..log(
                ktriage::protocol::logs::VIEW_SOURCE,
                9,
                "pod checkout-6f7d9-klmno joined",
            )
        });
        lines.push(log(0, 10, "starting checkout 1.9.0"));
        report(&mut state, 1, LogEvent::Lines(lines));
        let screen = render(&mut state, width, height);
        insta::assert_snapshot!(format!("logs_workload_{width}x{height}"), screen);
    }
}

#[test]
fn logs_forbidden() {
    snapshot("logs_forbidden", |state| {
        report(
            state,
            1,
            LogEvent::Failed(
                "pods \"orders-db-0\" is forbidden: User \"viewer\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"shop\""
                    .to_string(),
            ),
        );
    });
}

#[test]
fn logs_help_lists_the_log_keys() {
    snapshot("logs_help", |state| {
        streaming(state, 10);
        update(state, char_key('?'));
    });
}
