use super::*;

fn at(minute: i64) -> Timestamp {
    Timestamp::from_second(1_717_236_000 + minute * 60).unwrap()
}

fn ended(id: &str, started: i64, finished: i64, exit_code: i32, reason: &str) -> Terminated {
    Terminated {
        container_id: id.to_string(),
        started: Some(at(started)),
        finished: Some(at(finished)),
        exit_code,
        signal: None,
        reason: reason.to_string(),
        message: String::new(),
    }
}

/// The container `app` of pod `uid-1` with `restart_count` and states,
/// running a newer instance unless `current` is set.
fn snapshot(
    restart_count: u32,
    current: Option<Terminated>,
    last: Option<Terminated>,
) -> ContainerSnapshot {
    let running = current.is_none();
    let container_id = match &current {
        Some(current) => current.container_id.clone(),
        None => format!("id-running-{restart_count}"),
    };
    ContainerSnapshot {
        cluster: "c0ffee".into(),
        namespace: "shop".into(),
        pod: "web-7d4b9c-x2x8z".into(),
        pod_uid: "uid-1".into(),
        pod_created: Some(at(0)),
        owner: None,
        container: "app".into(),
        kind: ContainerKind::Regular,
        restart_count,
        container_id,
        running,
        current,
        last,
    }
}

/// The container waiting in a back-off after `last`, its latest instance.
fn backing_off(restart_count: u32, last: Terminated) -> ContainerSnapshot {
    ContainerSnapshot {
        container_id: last.container_id.clone(),
        running: false,
        ..snapshot(restart_count, None, Some(last))
    }
}

/// The observations as short strings: `T id count source` and
/// `G missed after before count`.
fn read(observations: &[Observation]) -> Vec<String> {
    let minute = |time: Timestamp| (time.as_second() - 1_717_236_000) / 60;
    observations
        .iter()
        .map(|observation| match observation {
            Observation::Termination(termination) => format!(
                "T {} {} {:?}",
                termination.record_key(),
                termination.restart_count,
                termination.source
            ),
            Observation::Gap(gap) => format!(
                "G {} {:?} {} {}",
                gap.missed,
                gap.after.map(minute),
                minute(gap.before),
                gap.ended
            ),
        })
        .collect()
}

#[test]
fn a_restart_while_watching_is_one_observed_termination() {
    let mut detector = Detector::new();
    assert!(read(&detector.observe(&snapshot(0, None, None), at(1))).is_empty());
    let crashed = ended("containerd://a", 1, 5, 1, "Error");
    let restarted = snapshot(1, None, Some(crashed.clone()));
    assert_eq!(
        read(&detector.observe(&restarted, at(6))),
        ["T containerd://a 0 Observed"]
    );
    assert!(detector.observe(&restarted, at(7)).is_empty());
}

#[test]
fn a_crash_is_read_once_from_the_current_and_then_the_last_state() {
    let mut detector = Detector::new();
    detector.observe(&snapshot(0, None, None), at(1));
    let crashed = ended("containerd://a", 1, 5, 137, "OOMKilled");
    assert_eq!(
        read(&detector.observe(&snapshot(0, Some(crashed.clone()), None), at(5))),
        ["T containerd://a 0 Observed"]
    );
    // The kubelet restarts it: the same instance moves to lastState.
    assert!(
        detector
            .observe(&snapshot(1, None, Some(crashed)), at(6))
            .is_empty()
    );
}

#[test]
fn two_restarts_between_two_looks_are_one_termination_and_a_gap() {
    let mut detector = Detector::new();
    detector.observe(
        &snapshot(3, None, Some(ended("id-c", 1, 2, 1, "Error"))),
        at(2),
    );
    let later = snapshot(5, None, Some(ended("id-e", 8, 9, 1, "Error")));
    assert_eq!(
        read(&detector.observe(&later, at(10))),
        ["T id-e 4 Observed", "G 1 Some(2) 8 5"]
    );
}

#[test]
fn an_empty_last_state_with_a_higher_count_is_only_a_gap() {
    let mut detector = Detector::new();
    detector.observe(
        &snapshot(1, None, Some(ended("id-a", 1, 2, 1, "Error"))),
        at(3),
    );
    assert_eq!(
        read(&detector.observe(&snapshot(4, None, None), at(20))),
        ["G 3 Some(3) 20 4"]
    );
}

#[test]
fn first_sight_reports_the_last_state_and_the_restarts_before_it_as_a_gap() {
    let mut detector = Detector::new();
    let seen = snapshot(7, None, Some(ended("id-g", 30, 31, 2, "Error")));
    assert_eq!(
        read(&detector.observe(&seen, at(40))),
        ["T id-g 6 PodStatus", "G 6 Some(0) 30 7"]
    );
}

#[test]
fn a_restarted_ktriage_seeded_from_the_store_reports_nothing_twice() {
    let mut detector = Detector::new();
    detector.seed(
        "uid-1",
        "app",
        Known {
            ended: 7,
            recorded: vec![("id-g".into(), 6)],
            until: Some(at(31)),
        },
    );
    let seen = snapshot(7, None, Some(ended("id-g", 30, 31, 2, "Error")));
    assert!(detector.observe(&seen, at(50)).is_empty());
    // It keeps watching from there.
    let next = snapshot(8, None, Some(ended("id-h", 51, 52, 2, "Error")));
    assert_eq!(
        read(&detector.observe(&next, at(53))),
        ["T id-h 7 Observed"]
    );
}

#[test]
fn restarts_while_ktriage_was_stopped_are_a_gap_after_the_records() {
    let mut detector = Detector::new();
    detector.seed(
        "uid-1",
        "app",
        Known {
            ended: 7,
            recorded: vec![("id-g".into(), 6)],
            until: Some(at(31)),
        },
    );
    let seen = snapshot(10, None, Some(ended("id-k", 70, 71, 2, "Error")));
    assert_eq!(
        read(&detector.observe(&seen, at(80))),
        ["T id-k 9 PodStatus", "G 2 Some(31) 70 10"]
    );
}

#[test]
fn a_termination_recorded_before_its_restart_is_not_a_gap_after_a_seed() {
    // The store holds the instance 2 that ended in state.terminated.
    let mut detector = Detector::new();
    detector.seed(
        "uid-1",
        "app",
        Known {
            ended: 3,
            recorded: vec![("id-c".into(), 2)],
            until: Some(at(10)),
        },
    );
    let restarted = snapshot(3, None, Some(ended("id-c", 9, 10, 1, "Error")));
    assert!(detector.observe(&restarted, at(12)).is_empty());
}

#[test]
fn an_empty_seed_is_a_first_sight() {
    let mut detector = Detector::new();
    detector.seed("uid-1", "app", Known::default());
    assert!(!detector.knows_pod("uid-1"));
    let seen = snapshot(2, None, Some(ended("id-b", 3, 4, 1, "Error")));
    assert_eq!(
        read(&detector.observe(&seen, at(5))),
        ["T id-b 1 PodStatus", "G 1 Some(0) 3 2"]
    );
}

#[test]
fn a_count_reset_by_the_kubelet_is_no_gap_and_starts_over() {
    let mut detector = Detector::new();
    detector.observe(
        &snapshot(96, None, Some(ended("id-x", 1, 2, 1, "Error"))),
        at(3),
    );
    let rebooted = snapshot(0, None, Some(ended("id-y", 4, 5, 255, "Unknown")));
    assert_eq!(
        read(&detector.observe(&rebooted, at(6))),
        ["T id-y 0 Observed"]
    );
    let again = snapshot(2, None, Some(ended("id-z", 8, 9, 1, "Error")));
    assert_eq!(
        read(&detector.observe(&again, at(10))),
        ["T id-z 1 Observed", "G 1 Some(6) 8 2"]
    );
}

#[test]
fn without_container_ids_the_restart_count_keys_the_termination() {
    let mut detector = Detector::new();
    detector.observe(&snapshot(0, None, None), at(1));
    let failed = ended("", 1, 2, 128, "StartError");
    assert_eq!(
        read(&detector.observe(&snapshot(0, Some(failed.clone()), None), at(2))),
        ["T restart:0 0 Observed"]
    );
    assert!(
        detector
            .observe(&snapshot(1, None, Some(failed)), at(3))
            .is_empty()
    );
}

#[test]
fn a_completed_init_container_is_not_a_termination() {
    let mut detector = Detector::new();
    let mut init = snapshot(0, Some(ended("id-i", 0, 1, 0, "Completed")), None);
    init.kind = ContainerKind::Init;
    assert!(detector.observe(&init, at(2)).is_empty());
    // A failed init container is.
    init.current = Some(ended("id-j", 0, 1, 1, "Error"));
    init.container = "setup".into();
    assert_eq!(
        read(&detector.observe(&init, at(2))),
        ["T id-j 0 PodStatus"]
    );
}

#[test]
fn a_forgotten_pod_is_seen_anew() {
    let mut detector = Detector::new();
    let seen = snapshot(1, None, Some(ended("id-a", 1, 2, 1, "Error")));
    assert_eq!(detector.observe(&seen, at(3)).len(), 1);
    detector.forget("uid-1");
    assert!(!detector.knows_pod("uid-1"));
    assert_eq!(
        read(&detector.observe(&seen, at(4))),
        ["T id-a 0 PodStatus"]
    );
}

#[test]
fn in_a_back_off_the_last_state_is_the_latest_instance() {
    let mut detector = Detector::new();
    // restartCount 3 while waiting: instances 0 to 3 ended, 3 is shown.
    let waiting = backing_off(3, ended("id-d", 20, 21, 1, "Error"));
    assert_eq!(waiting.ended(), 4);
    assert_eq!(
        read(&detector.observe(&waiting, at(22))),
        ["T id-d 3 PodStatus", "G 3 Some(0) 20 4"]
    );
    // The kubelet starts instance 4: the same termination, now beside it.
    let running = snapshot(4, None, Some(ended("id-d", 20, 21, 1, "Error")));
    assert_eq!(running.ended(), 4);
    assert!(detector.observe(&running, at(23)).is_empty());
    // Instance 4 dies and backs off: one new termination, no gap.
    let again = backing_off(4, ended("id-e", 23, 24, 1, "Error"));
    assert_eq!(
        read(&detector.observe(&again, at(25))),
        ["T id-e 4 Observed"]
    );
}

#[test]
fn a_terminated_instance_then_a_back_off_after_the_next_one() {
    let mut detector = Detector::new();
    let terminated = snapshot(
        2,
        Some(ended("id-c", 5, 6, 1, "Error")),
        Some(ended("id-b", 3, 4, 1, "Error")),
    );
    assert_eq!(
        read(&detector.observe(&terminated, at(6))),
        [
            "T id-b 1 PodStatus",
            "T id-c 2 PodStatus",
            "G 1 Some(0) 3 3"
        ]
    );
    let waiting = backing_off(3, ended("id-d", 7, 8, 1, "Error"));
    assert_eq!(
        read(&detector.observe(&waiting, at(9))),
        ["T id-d 3 Observed"]
    );
}
