//! Last lines on the hand-made history of `queries`: attached to their
//! termination, read on demand, cut to the newest whole lines past the
//! limit, and never replaced by a reason they are missing.

use ktriage::history::LAST_LINES_LIMIT;
use ktriage::model::restart::timeline::LastLinesState;
use ktriage::model::restart::{LastLines, TerminationKey};

use super::queries::hand_made;
use super::{CLUSTER, at, history_path, open};

#[test]
fn last_lines_attach_to_their_termination_and_are_read_on_demand() {
    let (_directory, path) = history_path();
    let mut store = open(&path);
    let (_, new, _) = hand_made(&mut store);
    let key = |number: u32| TerminationKey {
        cluster: CLUSTER.into(),
        pod_uid: new.uid.clone(),
        container: "app".into(),
        record_key: format!("containerd://{}-{number}", new.uid),
    };
    let text: String = (0..200)
        .map(|line| format!("line {line}: allocating\n"))
        .collect();
    let captured = LastLines::Captured {
        text: text.clone(),
        lines: 200,
        cut: false,
    };
    assert!(store.attach_last_lines(&key(9), &captured).unwrap());
    let forbidden = LastLines::Missing {
        reason: "forbidden: get pods/log".into(),
    };
    assert!(store.attach_last_lines(&key(8), &forbidden).unwrap());
    // A reason they are missing does not replace lines already kept.
    store.attach_last_lines(&key(9), &forbidden).unwrap();
    assert_eq!(store.last_lines(&key(9)).unwrap(), Some(captured));
    assert_eq!(store.last_lines(&key(8)).unwrap(), Some(forbidden));
    assert_eq!(store.last_lines(&key(7)).unwrap(), None);
    assert!(
        !store
            .attach_last_lines(&key(42), &LastLines::Missing { reason: "x".into() })
            .unwrap()
    );
    let timeline = store
        .pod_timeline(CLUSTER, "shop", &new.uid, at("2024-06-01T11:15:00Z"))
        .unwrap();
    let states: Vec<LastLinesState> = timeline
        .terminations()
        .map(|stored| stored.last_lines.clone())
        .collect();
    assert_eq!(
        states,
        [
            LastLinesState::Captured {
                lines: 200,
                cut: false
            },
            LastLinesState::Missing {
                reason: "forbidden: get pods/log".into()
            },
        ]
    );
}

#[test]
fn last_lines_over_the_limit_keep_the_newest_whole_lines() {
    let (_directory, path) = history_path();
    let mut store = open(&path);
    let (_, new, _) = hand_made(&mut store);
    let key = TerminationKey {
        cluster: CLUSTER.into(),
        pod_uid: new.uid.clone(),
        container: "app".into(),
        record_key: format!("containerd://{}-9", new.uid),
    };
    let text: String = (0..2_000)
        .map(|line| format!("{line:05} ünïcode line of fifty bytes or so\n"))
        .collect();
    assert!(text.len() > LAST_LINES_LIMIT);
    let lines = LastLines::Captured {
        text: text.clone(),
        lines: 2_000,
        cut: false,
    };
    assert!(store.attach_last_lines(&key, &lines).unwrap());
    let Some(LastLines::Captured {
        text: kept,
        lines,
        cut,
    }) = store.last_lines(&key).unwrap()
    else {
        panic!("the lines are kept");
    };
    assert!(cut);
    assert!(kept.len() <= LAST_LINES_LIMIT);
    assert!(text.ends_with(&kept));
    assert!(kept.starts_with(char::is_numeric), "{}", &kept[..40]);
    assert_eq!(lines as usize, kept.lines().count());
    assert!(kept.ends_with("01999 ünïcode line of fifty bytes or so\n"));
}
