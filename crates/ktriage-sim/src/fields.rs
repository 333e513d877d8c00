//! The fields each resource type lets a field selector match, and how each is
//! read from an object (kubernetes `ToSelectableFields` per registry).
//!
//! It must not parse or apply selectors; `selector` does.

use serde_json::Value;

use super::resources::ResourceType;

const POD_FIELDS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
];
const EVENT_FIELDS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
];
const NODE_FIELDS: &[&str] = &["metadata.name", "spec.unschedulable"];
const NAMESPACE_FIELDS: &[&str] = &["metadata.name", "status.phase"];
const DEFAULT_FIELDS: &[&str] = &["metadata.name", "metadata.namespace"];

/// The field names a selector may use on this resource.
pub fn supported(resource: &ResourceType) -> &'static [&'static str] {
    match (resource.group, resource.plural) {
        ("", "pods") => POD_FIELDS,
        ("", "events") => EVENT_FIELDS,
        ("", "nodes") => NODE_FIELDS,
        ("", "namespaces") => NAMESPACE_FIELDS,
        _ => DEFAULT_FIELDS,
    }
}

/// Every selectable field of an object with its value as the API renders it.
pub fn selectable(resource: &ResourceType, value: &Value) -> Vec<(&'static str, String)> {
    supported(resource)
        .iter()
        .map(|field| (*field, read(resource, value, field)))
        .collect()
}

fn read(resource: &ResourceType, value: &Value, field: &str) -> String {
    if resource.plural == "events" && field == "source" {
        return text(&value["source"]["component"]);
    }
    let mut current = value;
    for part in field.split('.') {
        current = &current[part];
    }
    match (field, current) {
        ("spec.hostNetwork" | "spec.unschedulable", Value::Null) => "false".to_string(),
        _ => text(current),
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{EVENTS, PODS};
    use serde_json::json;

    #[test]
    fn pod_fields_default_host_network_to_false() {
        let pod = json!({"metadata": {"name": "web-1", "namespace": "shop"}, "spec": {"nodeName": "node-1"}, "status": {"phase": "Running"}});
        let fields = selectable(&PODS, &pod);
        assert!(fields.contains(&("spec.nodeName", "node-1".to_string())));
        assert!(fields.contains(&("spec.hostNetwork", "false".to_string())));
        assert!(fields.contains(&("status.phase", "Running".to_string())));
    }

    #[test]
    fn event_source_is_the_component() {
        let event = json!({"source": {"component": "kubelet", "host": "node-1"}, "involvedObject": {"name": "web-1", "kind": "Pod"}});
        let fields = selectable(&EVENTS, &event);
        assert!(fields.contains(&("source", "kubelet".to_string())));
        assert!(fields.contains(&("involvedObject.name", "web-1".to_string())));
    }
}
