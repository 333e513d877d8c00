//! A core/v1 Event about a pod read into a `PodEventRecord`. Events come
//! written two ways: the old one (`firstTimestamp`, `lastTimestamp`,
//! `count`) and the events.k8s.io one (`eventTime`, `series.count`,
//! `series.lastObservedTime`, the old fields null); both are read. The
//! container comes from `involvedObject.fieldPath`
//! (`spec.containers{name}`, `spec.initContainers{name}`,
//! `spec.ephemeralContainers{name}`). Pure.

use k8s_openapi::api::core::v1::Event;

use super::PodEventRecord;

/// The container a field path names: `spec.containers{app}` is `app`.
pub fn container_of(field_path: &str) -> Option<&str> {
    [
        "spec.containers{",
        "spec.initContainers{",
        "spec.ephemeralContainers{",
    ]
    .iter()
    .find_map(|prefix| field_path.strip_prefix(prefix))
    .and_then(|rest| rest.strip_suffix('}'))
    .filter(|name| !name.is_empty())
}

impl PodEventRecord {
    /// The record of `event` in the cluster whose id is `cluster`, or None
    /// when the event is not about a pod with a uid, or carries no time.
    pub fn from_event(event: &Event, cluster: &str) -> Option<PodEventRecord> {
        let object = &event.involved_object;
        if object.kind.as_deref() != Some("Pod") {
            return None;
        }
        let pod_uid = object.uid.clone().filter(|uid| !uid.is_empty())?;
        let series = event.series.as_ref();
        let event_time = event.event_time.as_ref().map(|time| time.0);
        let first = event
            .first_timestamp
            .as_ref()
            .map(|time| time.0)
            .or(event_time);
        let last = series
            .and_then(|series| series.last_observed_time.as_ref())
            .map(|time| time.0)
            .or(event.last_timestamp.as_ref().map(|time| time.0))
            .or(event_time);
        let (first, last) = match (first, last) {
            (Some(first), Some(last)) => (first, last.max(first)),
            (Some(only), None) | (None, Some(only)) => (only, only),
            (None, None) => return None,
        };
        let count = series
            .and_then(|series| series.count)
            .or(event.count)
            .and_then(|count| u32::try_from(count).ok())
            .unwrap_or(1)
            .max(1);
        Some(PodEventRecord {
            cluster: cluster.to_string(),
            namespace: object
                .namespace
                .clone()
                .or_else(|| event.metadata.namespace.clone())
                .unwrap_or_default(),
            pod: object.name.clone().unwrap_or_default(),
            pod_uid,
            container: object
                .field_path
                .as_deref()
                .and_then(container_of)
                .map(str::to_string),
            reason: event.reason.clone().unwrap_or_default(),
            message: event.message.clone().unwrap_or_default(),
            type_: event.type_.clone().unwrap_or_default(),
            first,
            last,
            count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_name_their_container() {
        assert_eq!(container_of("spec.containers{c1}"), Some("c1"));
        assert_eq!(container_of("spec.initContainers{setup}"), Some("setup"));
        assert_eq!(
            container_of("spec.ephemeralContainers{debugger-x7k2p}"),
            Some("debugger-x7k2p")
        );
        for path in [
            "",
            "spec.containers{}",
            "spec.containers{c1",
            "metadata.name",
        ] {
            assert_eq!(container_of(path), None, "{path:?}");
        }
    }
}
