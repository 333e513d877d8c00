//! Events that real clusters produced (`tests/fixtures/other/`), read into
//! records both ways Kubernetes writes them (old `count` and timestamps,
//! new `eventTime` and `series`), and kept by the store to the microsecond.

use std::path::Path;

use k8s_openapi::api::core::v1::Event;
use ktriage::model::restart::PodEventRecord;
use serde_json::Value;

use super::{CLUSTER, at, history_path, open};

fn load_events(name: &str) -> Vec<Event> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/other")
        .join(name);
    let text = std::fs::read_to_string(path).expect("the fixture exists");
    let mut document: Value = if name.ends_with(".json") {
        serde_json::from_str(&text).expect("JSON")
    } else {
        serde_saphyr::from_str(&text).expect("YAML")
    };
    let items = document.get_mut("items").map(Value::take).expect("a list");
    serde_json::from_value(items).expect("events")
}

fn records(name: &str) -> Vec<PodEventRecord> {
    load_events(name)
        .iter()
        .filter_map(|event| PodEventRecord::from_event(event, CLUSTER))
        .collect()
}

#[test]
fn old_style_events_give_their_container_count_and_times() {
    let read: Vec<(String, Option<String>, u32, String, String)> =
        records("eventlist-k3d-default-backoff.json")
            .into_iter()
            .map(|record| {
                (
                    record.reason,
                    record.container,
                    record.count,
                    record.first.to_string(),
                    record.last.to_string(),
                )
            })
            .collect();
    let row = |reason: &str, container: Option<&str>, count: u32, first: &str, last: &str| {
        (
            reason.to_string(),
            container.map(str::to_string),
            count,
            first.to_string(),
            last.to_string(),
        )
    };
    assert_eq!(
        read,
        [
            // Written through events.k8s.io: only eventTime.
            row(
                "Scheduled",
                None,
                1,
                "2022-12-21T16:43:07.860897Z",
                "2022-12-21T16:43:07.860897Z"
            ),
            row(
                "Pulled",
                Some("static-hi"),
                2,
                "2022-12-21T16:43:08Z",
                "2022-12-21T16:43:08Z"
            ),
            row(
                "Created",
                Some("static-hi"),
                2,
                "2022-12-21T16:43:08Z",
                "2022-12-21T16:43:08Z"
            ),
            row(
                "Started",
                Some("static-hi"),
                2,
                "2022-12-21T16:43:08Z",
                "2022-12-21T16:43:09Z"
            ),
            row(
                "BackOff",
                Some("static-hi"),
                1,
                "2022-12-21T16:43:09Z",
                "2022-12-21T16:43:09Z"
            ),
        ]
    );
}

#[test]
fn a_series_counts_and_events_about_other_objects_are_skipped() {
    let read = records("list-events-series-failedscheduling.yaml");
    assert_eq!(
        read.len(),
        1,
        "the PersistentVolumeClaim's event is not a pod's"
    );
    let scheduling = &read[0];
    assert_eq!(
        (
            scheduling.pod.as_str(),
            scheduling.reason.as_str(),
            scheduling.count
        ),
        ("ga-edge-0", "FailedScheduling", 3432)
    );
    assert_eq!(scheduling.first, at("2026-02-11T06:46:30.776466Z"));
    assert_eq!(scheduling.last, at("2026-02-23T04:41:50.537584Z"));
}

#[test]
fn recorded_events_read_back_exactly() {
    let (_directory, path) = history_path();
    let mut store = open(&path);
    let written = records("eventlist-k3d-default-backoff.json");
    assert_eq!(store.record_events(&written).unwrap(), 5);
    assert_eq!(
        store.record_events(&written).unwrap(),
        0,
        "seen again, nothing changes"
    );
    let timeline = store
        .pod_timeline(CLUSTER, "default", "static-hi", at("2022-01-01T00:00:00Z"))
        .unwrap();
    let read: Vec<PodEventRecord> = timeline.events().cloned().collect();
    assert_eq!(read.len(), written.len());
    for record in &written {
        assert!(read.contains(record), "{record:?} was not read back");
    }
}
