use jiff::Timestamp;

use super::*;
use crate::protocol::logs::{ContainerKind, LogSource};

fn target() -> LogTarget {
    LogTarget::Pod {
        namespace: "shop".to_string(),
        pod: "web".to_string(),
    }
}

fn line(source: u32, second: i64, text: &str) -> IncomingLine {
    IncomingLine {
        source,
        time: Some(Timestamp::from_second(1_700_000_000 + second).expect("time")),
        kind: LineKind::Log,
        text: text.to_string(),
        cut: 0,
    }
}

fn numbered(view: &mut LogView, from: usize, to: usize) {
    let lines = (from..to)
        .map(|n| line(0, n as i64, &format!("line {n}")))
        .collect();
    view.event(LogEvent::Lines(lines));
}

fn source(id: u32, container: &str) -> LogEvent {
    LogEvent::Source(LogSource {
        id,
        pod: "web".to_string(),
        container: container.to_string(),
        kind: ContainerKind::Regular,
    })
}

fn shown(view: &LogView, height: usize) -> Vec<String> {
    let top = view.top_index(height);
    (top..view.visible_len().min(top + height))
        .filter_map(|i| view.visible_seq(i))
        .filter_map(|seq| view.buffer.get(seq))
        .map(|line| line.text.as_str().to_string())
        .collect()
}

#[test]
fn following_shows_the_newest_lines_and_pausing_counts_new_ones() {
    let mut view = LogView::new(1, target(), 1000);
    numbered(&mut view, 0, 50);
    assert!(view.pinned);
    assert_eq!(shown(&view, 3), ["line 47", "line 48", "line 49"]);
    view.scroll(-2, 3);
    assert!(!view.pinned, "scrolling up pauses");
    assert_eq!(shown(&view, 3), ["line 45", "line 46", "line 47"]);
    numbered(&mut view, 50, 60);
    assert_eq!(view.unseen, 10);
    assert_eq!(
        shown(&view, 3),
        ["line 45", "line 46", "line 47"],
        "a paused view does not move"
    );
    view.follow();
    assert_eq!(view.unseen, 0);
    assert_eq!(shown(&view, 3), ["line 57", "line 58", "line 59"]);
    // Scrolling down to the end follows again.
    view.scroll(-5, 3);
    view.scroll(10, 3);
    assert!(view.pinned);
}

#[test]
fn moving_up_pauses_even_when_every_line_fits() {
    let mut view = LogView::new(1, target(), 1000);
    numbered(&mut view, 0, 3);
    view.scroll(-1, 10);
    assert!(!view.pinned);
    numbered(&mut view, 3, 20);
    assert_eq!(view.unseen, 17);
    assert_eq!(shown(&view, 10)[0], "line 0");
}

#[test]
fn the_buffer_is_bounded_and_a_paused_view_keeps_to_what_is_left() {
    let mut view = LogView::new(1, target(), 10);
    numbered(&mut view, 0, 10);
    view.go_top();
    assert_eq!(shown(&view, 2), ["line 0", "line 1"]);
    numbered(&mut view, 10, 25);
    assert_eq!(view.buffer.len(), 10);
    assert_eq!(view.buffer.evicted(), 15);
    assert_eq!(shown(&view, 2), ["line 15", "line 16"]);
    assert_eq!(view.unseen, 15);
}

#[test]
fn search_moves_between_matches_and_counts_them() {
    let mut view = LogView::new(1, target(), 1000);
    let lines = (0..30)
        .map(|n| {
            let text = if n % 10 == 3 {
                format!("ERROR request {n} failed")
            } else {
                format!("ok {n}")
            };
            line(0, n, &text)
        })
        .collect();
    view.event(LogEvent::Lines(lines));
    view.prompt = Some(Prompt {
        kind: PromptKind::Search,
        input: "error".into(),
        regex: false,
        error: None,
    });
    view.go_top();
    view.submit_prompt(5);
    assert_eq!(
        view.match_count(),
        (Some(1), 3),
        "smart case: lower case matches ERROR"
    );
    assert!(!view.pinned);
    assert!(shown(&view, 5).contains(&"ERROR request 3 failed".to_string()));
    view.next_match(true, 5);
    assert_eq!(view.match_count(), (Some(2), 3));
    view.next_match(true, 5);
    view.next_match(true, 5);
    assert_eq!(view.match_count(), (Some(1), 3), "wraps around");
    view.next_match(false, 5);
    assert_eq!(view.match_count(), (Some(3), 3));
    // New lines that match are counted as they arrive.
    view.event(LogEvent::Lines(vec![line(0, 40, "another ERROR")]));
    assert_eq!(view.match_count().1, 4);
}

#[test]
fn an_invalid_regex_stays_in_the_prompt_with_the_reason() {
    let mut view = LogView::new(1, target(), 100);
    numbered(&mut view, 0, 5);
    view.prompt = Some(Prompt {
        kind: PromptKind::Filter,
        input: "line (".into(),
        regex: true,
        error: None,
    });
    view.submit_prompt(5);
    let prompt = view.prompt.as_ref().expect("the prompt stays open");
    assert!(prompt.error.as_deref().is_some_and(|e| !e.is_empty()));
    assert!(view.filter.is_none());
    assert_eq!(view.visible_len(), 5);
}

#[test]
fn filters_keep_or_hide_matching_lines() {
    let mut view = LogView::new(1, target(), 100);
    numbered(&mut view, 0, 20);
    view.prompt = Some(Prompt {
        kind: PromptKind::Filter,
        input: r"line 1\d".into(),
        regex: true,
        error: None,
    });
    view.submit_prompt(5);
    assert_eq!(view.visible_len(), 10);
    assert_eq!(shown(&view, 2), ["line 18", "line 19"]);
    numbered(&mut view, 20, 22);
    assert_eq!(
        view.visible_len(),
        10,
        "new lines are filtered as they come"
    );
    view.prompt = Some(Prompt {
        kind: PromptKind::FilterOut,
        input: r"line 1\d".into(),
        regex: true,
        error: None,
    });
    view.submit_prompt(5);
    assert_eq!(view.visible_len(), 12);
    view.clear_filter();
    assert_eq!(view.visible_len(), 22);
}

#[test]
fn saving_writes_the_lines_shown_with_their_container() {
    let mut view = LogView::new(1, target(), 100);
    view.event(source(0, "app"));
    view.event(source(1, "sidecar"));
    view.event(LogEvent::Lines(vec![
        line(0, 0, "from app"),
        line(1, 1, "from \u{1b}[31msidecar\u{1b}[0m"),
        line(0, 2, "again"),
    ]));
    let (text, count) = view.saved_text();
    assert_eq!(count, 3);
    assert_eq!(
        text, "[app] from app\n[sidecar] from sidecar\n[app] again\n",
        "colours are not written; every line names its container"
    );
    view.timestamps = true;
    view.prompt = Some(Prompt {
        kind: PromptKind::FilterOut,
        input: "again".into(),
        regex: false,
        error: None,
    });
    view.submit_prompt(5);
    let (text, count) = view.saved_text();
    assert_eq!(count, 2);
    assert!(
        text.starts_with("2023-11-14T22:13:20Z [app] from app\n"),
        "{text}"
    );
}

#[test]
fn reports_set_source_states_errors_and_the_end() {
    let mut view = LogView::new(4, target(), 100);
    view.event(source(0, "app"));
    assert!(view.loading);
    view.event(LogEvent::State {
        source: 0,
        state: StreamState::Reconnecting {
            attempt: 2,
            reason: "connection reset".to_string(),
        },
    });
    assert_eq!(
        view.stream_summary(),
        Some((
            true,
            SafeText::from_untrusted("reconnecting app (attempt 2): connection reset")
        ))
    );
    view.event(LogEvent::Failed("\u{1b}]0;pwned\u{7}forbidden".to_string()));
    assert_eq!(
        view.error.as_ref().map(|e| e.as_str()),
        Some("^[]0;pwned^Gforbidden")
    );
    let request = view.restart(5);
    assert_eq!(request.view, 5);
    assert!(view.error.is_none() && view.sources.is_empty() && view.buffer.is_empty());
    view.event(LogEvent::Finished);
    assert!(view.finished && !view.loading);
}

#[test]
fn the_request_follows_the_options() {
    let mut view = LogView::new(9, target(), 100);
    let request = view.request();
    assert!(request.follow && !request.previous);
    assert_eq!(request.tail_lines, Some(1000));
    assert_eq!(request.since_seconds, None);
    view.previous = true;
    view.since = 2;
    view.tail = 2;
    let request = view.request();
    assert!(!request.follow && request.previous);
    assert_eq!(request.since_seconds, Some(300));
    assert_eq!(request.tail_lines, None);
}
