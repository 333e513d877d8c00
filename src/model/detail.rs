//! Everything the pod detail view shows about one pod, projected from the
//! full Pod and its events. Pure: the read itself happens in `cluster/`.

use k8s_openapi::api::core::v1::{Event, Pod};

use super::listing::EventRow;
use super::rows::{ContainerDetail, PodRow, container_details};
use super::safe_text::SafeText;

/// Everything the detail view shows about one pod.
#[derive(Debug, Clone, PartialEq)]
pub struct PodDetail {
    pub row: PodRow,
    pub containers: Vec<ContainerDetail>,
    pub conditions: Vec<(SafeText, SafeText, SafeText)>,
    pub labels: Vec<(SafeText, SafeText)>,
    pub annotations: Vec<(SafeText, SafeText)>,
    pub events: Vec<EventRow>,
    /// Set when events could not be read (the pod itself could).
    pub events_error: Option<SafeText>,
}

fn text(value: &str) -> SafeText {
    SafeText::from_untrusted(value)
}

fn pairs(map: Option<&std::collections::BTreeMap<String, String>>) -> Vec<(SafeText, SafeText)> {
    map.into_iter()
        .flatten()
        .map(|(k, v)| (text(k), text(v)))
        .collect()
}

impl PodDetail {
    /// The detail of `pod`. `events` are the events about it, or why they
    /// could not be read; they are shown newest first.
    pub fn from_pod(pod: &Pod, events: Result<&[Event], SafeText>) -> PodDetail {
        let conditions = pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .map(|c| {
                (
                    text(&c.type_),
                    text(&c.status),
                    text(c.reason.as_deref().unwrap_or_default()),
                )
            })
            .collect();
        let (events, events_error) = match events {
            Ok(events) => {
                let mut rows: Vec<EventRow> = events.iter().map(EventRow::from_event).collect();
                rows.sort_by_key(|row| std::cmp::Reverse(row.last));
                (rows, None)
            }
            Err(error) => (Vec::new(), Some(error)),
        };
        PodDetail {
            row: PodRow::from_pod(pod),
            containers: container_details(pod),
            conditions,
            labels: pairs(pod.metadata.labels.as_ref()),
            annotations: pairs(pod.metadata.annotations.as_ref()),
            events,
            events_error,
        }
    }
}
