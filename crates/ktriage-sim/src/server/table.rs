//! `meta.k8s.io/v1` Tables, so `kubectl get` prints the columns it prints
//! against a real cluster. Pods use the simulator's own reading of the
//! server's printPod (`printers::pod`). Types without a printer here return
//! `None` and are served as plain lists (kubectl then prints NAME, AGE).
//!
//! It lays Tables out; pod cells come from `printers` and it must not
//! compute them itself.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::super::printers::{print_pod, since};
use super::super::resources::ResourceType;
use super::super::store::StoredObject;

fn column(name: &str, kind: &str, format: &str, priority: u8, description: &str) -> Value {
    json!({"name": name, "type": kind, "format": format, "description": description, "priority": priority})
}

fn created(value: &Value) -> Option<Timestamp> {
    value["metadata"]["creationTimestamp"]
        .as_str()
        .and_then(|t| t.parse().ok())
}

fn age_of(value: &Value, now: Timestamp) -> String {
    since(created(value), now)
}

fn partial_metadata(value: &Value) -> Value {
    let mut metadata = value["metadata"].clone();
    if let Some(map) = metadata.as_object_mut() {
        map.remove("managedFields");
    }
    json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": metadata})
}

type Columns = (
    Vec<Value>,
    fn(&Value, Timestamp) -> (Vec<Value>, Option<Value>),
);

fn printer(resource: &ResourceType) -> Option<Columns> {
    let name = column(
        "Name",
        "string",
        "name",
        0,
        "Name must be unique within a namespace.",
    );
    let age_column = column(
        "Age",
        "string",
        "",
        0,
        "CreationTimestamp is a timestamp representing the server time when this object was created.",
    );
    match (resource.group, resource.plural) {
        ("", "pods") => Some((
            vec![
                name,
                column(
                    "Ready",
                    "string",
                    "",
                    0,
                    "The aggregate readiness state of this pod for accepting traffic.",
                ),
                column(
                    "Status",
                    "string",
                    "",
                    0,
                    "The aggregate status of the containers in this pod.",
                ),
                column(
                    "Restarts",
                    "string",
                    "",
                    0,
                    "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
                ),
                age_column,
                column(
                    "IP",
                    "string",
                    "",
                    1,
                    "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
                ),
                column(
                    "Node",
                    "string",
                    "",
                    1,
                    "NodeName is a request to schedule this pod onto a specific node.",
                ),
                column(
                    "Nominated Node",
                    "string",
                    "",
                    1,
                    "nominatedNodeName is set only when this pod preempts other pods on the node.",
                ),
                column(
                    "Readiness Gates",
                    "string",
                    "",
                    1,
                    "If specified, all readiness gates will be evaluated for pod readiness.",
                ),
            ],
            pod_row,
        )),
        ("", "namespaces") => Some((
            vec![
                name,
                column("Status", "string", "", 0, "The status of the namespace"),
                age_column,
            ],
            |value, now| {
                (
                    vec![
                        value["metadata"]["name"].clone(),
                        value["status"]["phase"].clone(),
                        json!(age_of(value, now)),
                    ],
                    None,
                )
            },
        )),
        ("", "nodes") => Some((
            vec![
                name,
                column("Status", "string", "", 0, "The status of the node"),
                column("Roles", "string", "", 0, "The roles of the node"),
                age_column,
                column(
                    "Version",
                    "string",
                    "",
                    0,
                    "Kubelet Version reported by the node.",
                ),
            ],
            |value, now| {
                let ready = value["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True");
                let status = if ready { "Ready" } else { "NotReady" };
                (
                    vec![
                        value["metadata"]["name"].clone(),
                        json!(status),
                        json!("<none>"),
                        json!(age_of(value, now)),
                        value["status"]["nodeInfo"]["kubeletVersion"].clone(),
                    ],
                    None,
                )
            },
        )),
        ("apps", "deployments") => Some((
            vec![
                name,
                column(
                    "Ready",
                    "string",
                    "",
                    0,
                    "Number of the pod with ready state",
                ),
                column(
                    "Up-to-date",
                    "string",
                    "",
                    0,
                    "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
                ),
                column(
                    "Available",
                    "string",
                    "",
                    0,
                    "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
                ),
                age_column.clone(),
                containers_column(),
                images_column(),
                selector_column(),
            ],
            |value, now| {
                let status = &value["status"];
                let count = |field: &str| status[field].as_i64().unwrap_or(0);
                let desired = value["spec"]["replicas"].as_i64().unwrap_or(1);
                let (containers, images, selector) = template_cells(value);
                (
                    vec![
                        value["metadata"]["name"].clone(),
                        json!(format!("{}/{desired}", count("readyReplicas"))),
                        json!(count("updatedReplicas")),
                        json!(count("availableReplicas")),
                        json!(age_of(value, now)),
                        json!(containers),
                        json!(images),
                        json!(selector),
                    ],
                    None,
                )
            },
        )),
        ("apps", "replicasets") => Some((
            vec![
                name,
                column(
                    "Desired",
                    "integer",
                    "",
                    0,
                    "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.",
                ),
                column(
                    "Current",
                    "integer",
                    "",
                    0,
                    "Replicas is the most recently observed number of non-terminating pods.",
                ),
                column(
                    "Ready",
                    "integer",
                    "",
                    0,
                    "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.",
                ),
                age_column,
                containers_column(),
                images_column(),
                selector_column(),
            ],
            |value, now| {
                let count = |field: &str| value["status"][field].as_i64().unwrap_or(0);
                let (containers, images, selector) = template_cells(value);
                (
                    vec![
                        value["metadata"]["name"].clone(),
                        json!(value["spec"]["replicas"].as_i64().unwrap_or(1)),
                        json!(count("replicas")),
                        json!(count("readyReplicas")),
                        json!(age_of(value, now)),
                        json!(containers),
                        json!(images),
                        json!(selector),
                    ],
                    None,
                )
            },
        )),
        ("", "events") => Some((
            vec![
                column(
                    "Last Seen",
                    "string",
                    "",
                    0,
                    "The time the event was last seen",
                ),
                column("Type", "string", "", 0, "Type of this event"),
                column("Reason", "string", "", 0, "Reason for this event"),
                column("Object", "string", "", 0, "Object this event is about"),
                column("Message", "string", "", 0, "Message for this event"),
            ],
            |value, now| {
                let last = value["lastTimestamp"]
                    .as_str()
                    .and_then(|t| t.parse::<Timestamp>().ok());
                let last_seen = since(last, now);
                let involved = &value["involvedObject"];
                let object = format!(
                    "{}/{}",
                    involved["kind"].as_str().unwrap_or_default().to_lowercase(),
                    involved["name"].as_str().unwrap_or_default()
                );
                (
                    vec![
                        json!(last_seen),
                        value["type"].clone(),
                        value["reason"].clone(),
                        json!(object),
                        value["message"].clone(),
                    ],
                    None,
                )
            },
        )),
        _ => None,
    }
}

fn containers_column() -> Value {
    column(
        "Containers",
        "string",
        "",
        1,
        "Names of each container in the template.",
    )
}

fn images_column() -> Value {
    column(
        "Images",
        "string",
        "",
        1,
        "Images referenced by each container in the template.",
    )
}

fn selector_column() -> Value {
    column(
        "Selector",
        "string",
        "",
        1,
        "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
    )
}

/// The wide cells of a workload: its template's containers and images, and
/// its selector as `key=value,…`.
fn template_cells(value: &Value) -> (String, String, String) {
    let containers: Vec<&Value> = value["spec"]["template"]["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let joined = |field: &str| {
        containers
            .iter()
            .filter_map(|c| c[field].as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let selector = value["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|labels| {
            labels
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    (joined("name"), joined("image"), selector)
}

fn pod_row(value: &Value, now: Timestamp) -> (Vec<Value>, Option<Value>) {
    let row = print_pod(value, now);
    let cells = vec![
        json!(row.name),
        json!(row.ready),
        json!(row.status),
        json!(row.restarts),
        json!(row.age),
        json!(row.ip),
        json!(row.node),
        json!(row.nominated_node),
        json!(row.readiness_gates),
    ];
    let conditions = row.completion.map(|c| json!([c.condition()]));
    (cells, conditions)
}

/// A Table of these objects, or `None` if the type has no printer here.
pub fn table(
    resource: &ResourceType,
    objects: &[Arc<StoredObject>],
    resource_version: u64,
    continue_token: Option<&str>,
    with_headers: bool,
) -> Option<Value> {
    let (columns, row) = printer(resource)?;
    let now = Timestamp::now();
    let rows: Vec<Value> = objects
        .iter()
        .filter_map(|object| object.value().ok())
        .map(|value| {
            let (cells, conditions) = row(&value, now);
            let mut row = json!({"cells": cells, "object": partial_metadata(&value)});
            if let Some(conditions) = conditions {
                row["conditions"] = conditions;
            }
            row
        })
        .collect();
    let mut metadata = json!({"resourceVersion": resource_version.to_string()});
    if let Some(token) = continue_token {
        metadata["continue"] = json!(token);
    }
    let mut table = json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata, "rows": rows});
    table["columnDefinitions"] = if with_headers {
        json!(columns)
    } else {
        Value::Null
    };
    Some(table)
}
