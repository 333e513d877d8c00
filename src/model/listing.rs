//! Row projections for the other lists the UI shows: namespaces, workloads
//! (deployments, statefulsets, daemonsets, jobs), nodes, contexts and a
//! pod's events. Cluster text becomes `SafeText` here. No I/O.

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Event, Namespace, Node};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::safe_text::SafeText;

fn text(value: Option<&str>) -> SafeText {
    SafeText::from_untrusted(value.unwrap_or_default())
}

fn created(metadata: &ObjectMeta) -> Option<Timestamp> {
    metadata.creation_timestamp.as_ref().map(|t| t.0)
}

#[derive(Debug, Clone, PartialEq)]
pub struct NamespaceRow {
    pub name: SafeText,
    pub phase: SafeText,
    pub created: Option<Timestamp>,
}

impl NamespaceRow {
    pub fn from_namespace(namespace: &Namespace) -> NamespaceRow {
        NamespaceRow {
            name: text(namespace.metadata.name.as_deref()),
            phase: text(namespace.status.as_ref().and_then(|s| s.phase.as_deref())),
            created: created(&namespace.metadata),
        }
    }

    /// A namespace known without listing (the context's, or one typed in).
    pub fn named(name: &str) -> NamespaceRow {
        NamespaceRow {
            name: SafeText::from_untrusted(name),
            phase: SafeText::default(),
            created: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
}

impl WorkloadKind {
    pub fn label(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Job => "Job",
        }
    }
}

/// A controller with its ready counts.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadRow {
    pub kind: WorkloadKind,
    pub uid: String,
    pub namespace: SafeText,
    pub name: SafeText,
    pub ready: u32,
    pub desired: u32,
    pub up_to_date: u32,
    pub available: u32,
    /// `key=value,…` to list its pods.
    pub selector: String,
    pub created: Option<Timestamp>,
}

fn selector(match_labels: Option<&std::collections::BTreeMap<String, String>>) -> String {
    match_labels
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn count(value: Option<i32>) -> u32 {
    value.unwrap_or(0).max(0) as u32
}

impl WorkloadRow {
    fn base(kind: WorkloadKind, metadata: &ObjectMeta, selector: String) -> WorkloadRow {
        WorkloadRow {
            kind,
            uid: metadata.uid.clone().unwrap_or_default(),
            namespace: text(metadata.namespace.as_deref()),
            name: text(metadata.name.as_deref()),
            ready: 0,
            desired: 0,
            up_to_date: 0,
            available: 0,
            selector,
            created: created(metadata),
        }
    }

    pub fn from_deployment(object: &Deployment) -> WorkloadRow {
        let spec = object.spec.as_ref();
        let mut row = WorkloadRow::base(
            WorkloadKind::Deployment,
            &object.metadata,
            selector(spec.and_then(|s| s.selector.match_labels.as_ref())),
        );
        let status = object.status.as_ref();
        row.desired = count(spec.and_then(|s| s.replicas).or(Some(1)));
        row.ready = count(status.and_then(|s| s.ready_replicas));
        row.up_to_date = count(status.and_then(|s| s.updated_replicas));
        row.available = count(status.and_then(|s| s.available_replicas));
        row
    }

    pub fn from_stateful_set(object: &StatefulSet) -> WorkloadRow {
        let spec = object.spec.as_ref();
        let mut row = WorkloadRow::base(
            WorkloadKind::StatefulSet,
            &object.metadata,
            selector(spec.and_then(|s| s.selector.match_labels.as_ref())),
        );
        let status = object.status.as_ref();
        row.desired = count(spec.and_then(|s| s.replicas).or(Some(1)));
        row.ready = count(status.and_then(|s| s.ready_replicas));
        row.up_to_date = count(status.and_then(|s| s.updated_replicas));
        row.available = count(status.and_then(|s| s.available_replicas));
        row
    }

    pub fn from_daemon_set(object: &DaemonSet) -> WorkloadRow {
        let spec = object.spec.as_ref();
        let mut row = WorkloadRow::base(
            WorkloadKind::DaemonSet,
            &object.metadata,
            selector(spec.and_then(|s| s.selector.match_labels.as_ref())),
        );
        if let Some(status) = object.status.as_ref() {
            row.desired = count(Some(status.desired_number_scheduled));
            row.ready = count(Some(status.number_ready));
            row.up_to_date = count(status.updated_number_scheduled);
            row.available = count(status.number_available);
        }
        row
    }

    pub fn from_job(object: &Job) -> WorkloadRow {
        let spec = object.spec.as_ref();
        let mut row = WorkloadRow::base(
            WorkloadKind::Job,
            &object.metadata,
            selector(
                spec.and_then(|s| s.selector.as_ref())
                    .and_then(|s| s.match_labels.as_ref()),
            ),
        );
        row.desired = count(spec.and_then(|s| s.completions).or(Some(1)));
        let status = object.status.as_ref();
        row.ready = count(status.and_then(|s| s.succeeded));
        row.available = count(status.and_then(|s| s.active));
        row
    }

    /// `ready/desired`, as kubectl's READY column.
    pub fn ready_column(&self) -> String {
        format!("{}/{}", self.ready, self.desired)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeRow {
    pub name: SafeText,
    pub ready: bool,
    pub roles: SafeText,
    pub version: SafeText,
    pub created: Option<Timestamp>,
}

impl NodeRow {
    pub fn from_node(node: &Node) -> NodeRow {
        let ready = node
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True");
        let roles: Vec<&str> = node
            .metadata
            .labels
            .iter()
            .flatten()
            .filter_map(|(key, _)| key.strip_prefix("node-role.kubernetes.io/"))
            .collect();
        NodeRow {
            name: text(node.metadata.name.as_deref()),
            ready,
            roles: SafeText::from_untrusted(&if roles.is_empty() {
                "<none>".to_string()
            } else {
                roles.join(",")
            }),
            version: text(
                node.status
                    .as_ref()
                    .and_then(|s| s.node_info.as_ref())
                    .map(|i| i.kubelet_version.as_str()),
            ),
            created: created(&node.metadata),
        }
    }
}

/// A kubeconfig context.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextRow {
    pub name: SafeText,
    pub cluster: SafeText,
    pub user: SafeText,
    pub namespace: SafeText,
}

/// One event about a pod, for the detail view.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub kind: SafeText,
    pub reason: SafeText,
    pub message: SafeText,
    pub source: SafeText,
    pub count: i32,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
}

impl EventRow {
    pub fn from_event(event: &Event) -> EventRow {
        let first = event
            .event_time
            .as_ref()
            .map(|t| t.0)
            .or(event.first_timestamp.as_ref().map(|t| t.0));
        let (count, last) = match &event.series {
            Some(series) => (
                series.count.unwrap_or(1),
                series.last_observed_time.as_ref().map(|t| t.0),
            ),
            None => (
                event.count.unwrap_or(1),
                event.last_timestamp.as_ref().map(|t| t.0).or(first),
            ),
        };
        let source = event
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .or(event.reporting_component.clone());
        EventRow {
            kind: text(event.type_.as_deref()),
            reason: text(event.reason.as_deref()),
            message: text(event.message.as_deref()),
            source: text(source.as_deref()),
            count,
            first,
            last,
        }
    }

    /// kubectl describe's age: `12s`, or `2m (x7 over 10m)` for repeats.
    pub fn age_column(&self, now: Timestamp) -> String {
        let since = |t: Option<Timestamp>| {
            t.map_or_else(|| "<unknown>".to_string(), |t| super::duration::age(t, now))
        };
        if self.count > 1 {
            format!(
                "{} (x{} over {})",
                since(self.last),
                self.count,
                since(self.first)
            )
        } else {
            since(self.first)
        }
    }
}
