use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;

use super::follower::{BACKOFF_FIRST, BACKOFF_MAX, Backoff};
use super::instance::{containers, instance};
use super::*;

fn time(text: &str) -> Timestamp {
    text.parse().expect("a timestamp")
}

#[test]
fn splitter_reads_timestamps_and_keeps_lines_whole_across_chunks() {
    let mut splitter = LineSplitter::default();
    let mut out = Vec::new();
    splitter.feed(
        b"2024-05-01T10:00:00.100000000Z first\n2024-05-01T10:00:0",
        &mut out,
    );
    assert_eq!(out.len(), 1);
    splitter.feed(
        b"1.000000000Z second [GREEN] {\"a\":[1,2]}\r\nno stamp",
        &mut out,
    );
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].time, Some(time("2024-05-01T10:00:00.1Z")));
    assert_eq!(out[0].text, "first");
    assert_eq!(out[1].text, "second [GREEN] {\"a\":[1,2]}");
    let last = splitter.finish().expect("the unterminated last line");
    assert_eq!(last.time, None);
    assert_eq!(last.text, "no stamp");
    assert!(splitter.finish().is_none());
}

#[test]
fn a_huge_line_is_cut_and_counted_and_the_next_line_is_whole() {
    let mut splitter = LineSplitter::default();
    let mut out = Vec::new();
    let huge = vec![b'x'; MAX_LINE_BYTES * 3 + 5];
    for piece in huge.chunks(1000) {
        splitter.feed(piece, &mut out);
    }
    splitter.feed(b"\nnext\n", &mut out);
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].text.len(), MAX_LINE_BYTES);
    assert_eq!(out[0].cut, MAX_LINE_BYTES * 2 + 5);
    assert_eq!(out[1].text, "next");
    assert_eq!(out[1].cut, 0);
}

#[test]
fn a_broken_stream_drops_its_partial_line() {
    let mut splitter = LineSplitter::default();
    let mut out = Vec::new();
    splitter.feed(b"whole\nhal", &mut out);
    splitter.discard();
    assert!(splitter.finish().is_none());
    assert_eq!(out.len(), 1);
}

#[test]
fn invalid_utf8_is_replaced_not_fatal() {
    let mut splitter = LineSplitter::default();
    let mut out = Vec::new();
    splitter.feed(b"bad \xff\xfe bytes\n", &mut out);
    assert_eq!(out[0].text, "bad \u{fffd}\u{fffd} bytes");
}

#[test]
fn resuming_skips_exactly_the_lines_already_kept() {
    // Lines kept so far: two at .5 (the same nanosecond) and none after.
    let mut resume = Resume::default();
    resume.kept(Some(time("2024-05-01T10:00:00.2Z")));
    resume.kept(Some(time("2024-05-01T10:00:00.5Z")));
    resume.kept(Some(time("2024-05-01T10:00:00.5Z")));
    // Whole seconds, rounded down: the answer starts at or before the last line.
    assert_eq!(resume.since_time(), Some(time("2024-05-01T10:00:00Z")));
    let mut dedup = resume.dedup();
    let answer = [
        "2024-05-01T10:00:00.2Z",
        "2024-05-01T10:00:00.5Z",
        "2024-05-01T10:00:00.5Z",
        "2024-05-01T10:00:00.5Z",
        "2024-05-01T10:00:00.7Z",
        "2024-05-01T10:00:00.1Z",
    ];
    let admitted: Vec<bool> = answer.iter().map(|t| dedup.admit(Some(time(t)))).collect();
    // The third line at .5 is new; once a new line passed, all later ones do.
    assert_eq!(admitted, [false, false, false, true, true, true]);
}

#[test]
fn a_fresh_resume_admits_everything() {
    let mut dedup = Resume::default().dedup();
    assert!(dedup.admit(Some(time("2024-05-01T10:00:00Z"))));
    assert!(dedup.admit(None));
    assert_eq!(Resume::default().since_time(), None);
}

#[test]
fn backoff_doubles_to_its_limit() {
    let mut backoff = Backoff::new();
    let waits: Vec<Duration> = (0..8).map(|_| backoff.step()).collect();
    assert_eq!(waits[0], BACKOFF_FIRST);
    assert_eq!(waits[1], BACKOFF_FIRST * 2);
    assert_eq!(*waits.last().expect("waits"), BACKOFF_MAX);
    assert_eq!(backoff.attempt, 8);
    backoff.reset();
    assert_eq!(backoff.step(), BACKOFF_FIRST);
}

fn pod(json: serde_json::Value) -> Pod {
    serde_json::from_value(json).expect("a pod")
}

#[test]
fn instances_follow_the_container_status() {
    let running = pod(serde_json::json!({
        "metadata": {"name": "web"},
        "spec": {"containers": [{"name": "app"}], "initContainers": [{"name": "init"}]},
        "status": {"containerStatuses": [{
            "name": "app", "image": "x", "imageID": "", "ready": true, "restartCount": 2,
            "containerID": "containerd://b",
            "state": {"running": {"startedAt": "2024-05-01T10:00:00Z"}},
            "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "containerID": "containerd://a"}}
        }]}
    }));
    let now = instance(&running, "app");
    assert_eq!(now.id.as_deref(), Some("containerd://b"));
    assert!(now.running);
    let last = now.last.expect("the last termination");
    assert_eq!(last.describe(), "exit 137 OOMKilled");
    assert_eq!(last.id.as_deref(), Some("containerd://a"));
    assert_eq!(
        containers(&running),
        vec![
            ("init".to_string(), ContainerKind::Init),
            ("app".to_string(), ContainerKind::Regular)
        ]
    );
    let waiting = pod(serde_json::json!({
        "metadata": {"name": "web"},
        "spec": {"containers": [{"name": "app"}]},
        "status": {"containerStatuses": [{
            "name": "app", "image": "x", "imageID": "", "ready": false, "restartCount": 3,
            "containerID": "containerd://c",
            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}}
        }]}
    }));
    let now = instance(&waiting, "app");
    assert_eq!(
        now.id, None,
        "a container waiting to restart has no instance"
    );
    assert_eq!(
        now.waiting.as_deref(),
        Some("CrashLoopBackOff: back-off 40s")
    );
}
