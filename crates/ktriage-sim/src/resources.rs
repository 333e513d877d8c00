//! The resource types the simulated API server serves, and the discovery
//! documents (legacy and aggregated v2 / v2beta1) that describe them.
//!
//! This table is the one place that knows a resource's group, version, kind,
//! scope, verbs, short names and subresources. It holds no objects.

use serde_json::{Value, json};

/// One served resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResourceType {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    pub verbs: &'static [&'static str],
    /// `(subresource, response kind, verbs)`.
    pub subresources: &'static [(&'static str, &'static str, &'static [&'static str])],
    /// Whether the store keeps objects of this type (reviews and metrics are computed).
    pub stored: bool,
}

impl ResourceType {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }
}

const CRUD: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const READ: &[&str] = &["get", "list"];
const CREATE_ONLY: &[&str] = &["create"];

const POD_SUBRESOURCES: &[(&str, &str, &[&str])] = &[
    ("attach", "PodAttachOptions", &["create", "get"]),
    ("ephemeralcontainers", "Pod", &["get", "patch", "update"]),
    ("exec", "PodExecOptions", &["create", "get"]),
    ("log", "Pod", &["get"]),
    ("status", "Pod", &["get", "patch", "update"]),
];
const STATUS_ONLY: &[(&str, &str, &[&str])] = &[("status", "", &["get", "patch", "update"])];

macro_rules! resource {
    ($group:expr, $version:expr, $plural:expr, $singular:expr, $kind:expr, $namespaced:expr,
     $short:expr, $categories:expr, $verbs:expr, $subresources:expr, $stored:expr) => {
        ResourceType {
            group: $group,
            version: $version,
            plural: $plural,
            singular: $singular,
            kind: $kind,
            namespaced: $namespaced,
            short_names: $short,
            categories: $categories,
            verbs: $verbs,
            subresources: $subresources,
            stored: $stored,
        }
    };
}

pub const NAMESPACES: ResourceType = resource!(
    "",
    "v1",
    "namespaces",
    "namespace",
    "Namespace",
    false,
    &["ns"],
    &[],
    CRUD,
    STATUS_ONLY,
    true
);
pub const NODES: ResourceType = resource!(
    "",
    "v1",
    "nodes",
    "node",
    "Node",
    false,
    &["no"],
    &[],
    CRUD,
    STATUS_ONLY,
    true
);
pub const PODS: ResourceType = resource!(
    "",
    "v1",
    "pods",
    "pod",
    "Pod",
    true,
    &["po"],
    &["all"],
    CRUD,
    POD_SUBRESOURCES,
    true
);
pub const EVENTS: ResourceType = resource!(
    "",
    "v1",
    "events",
    "event",
    "Event",
    true,
    &["ev"],
    &[],
    CRUD,
    &[],
    true
);
pub const SERVICES: ResourceType = resource!(
    "",
    "v1",
    "services",
    "service",
    "Service",
    true,
    &["svc"],
    &["all"],
    CRUD,
    &[
        (
            "proxy",
            "ServiceProxyOptions",
            &["create", "delete", "get", "patch", "update"]
        ),
        ("status", "Service", &["get", "patch", "update"])
    ],
    true
);
pub const DEPLOYMENTS: ResourceType = resource!(
    "apps",
    "v1",
    "deployments",
    "deployment",
    "Deployment",
    true,
    &["deploy"],
    &["all"],
    CRUD,
    STATUS_ONLY,
    true
);
pub const REPLICASETS: ResourceType = resource!(
    "apps",
    "v1",
    "replicasets",
    "replicaset",
    "ReplicaSet",
    true,
    &["rs"],
    &["all"],
    CRUD,
    STATUS_ONLY,
    true
);
pub const STATEFULSETS: ResourceType = resource!(
    "apps",
    "v1",
    "statefulsets",
    "statefulset",
    "StatefulSet",
    true,
    &["sts"],
    &["all"],
    CRUD,
    STATUS_ONLY,
    true
);
pub const DAEMONSETS: ResourceType = resource!(
    "apps",
    "v1",
    "daemonsets",
    "daemonset",
    "DaemonSet",
    true,
    &["ds"],
    &["all"],
    CRUD,
    STATUS_ONLY,
    true
);
pub const JOBS: ResourceType = resource!(
    "batch",
    "v1",
    "jobs",
    "job",
    "Job",
    true,
    &[],
    &["all"],
    CRUD,
    STATUS_ONLY,
    true
);
pub const SELF_SUBJECT_ACCESS_REVIEWS: ResourceType = resource!(
    "authorization.k8s.io",
    "v1",
    "selfsubjectaccessreviews",
    "selfsubjectaccessreview",
    "SelfSubjectAccessReview",
    false,
    &[],
    &[],
    CREATE_ONLY,
    &[],
    false
);
pub const SELF_SUBJECT_RULES_REVIEWS: ResourceType = resource!(
    "authorization.k8s.io",
    "v1",
    "selfsubjectrulesreviews",
    "selfsubjectrulesreview",
    "SelfSubjectRulesReview",
    false,
    &[],
    &[],
    CREATE_ONLY,
    &[],
    false
);
pub const SELF_SUBJECT_REVIEWS: ResourceType = resource!(
    "authentication.k8s.io",
    "v1",
    "selfsubjectreviews",
    "selfsubjectreview",
    "SelfSubjectReview",
    false,
    &[],
    &[],
    CREATE_ONLY,
    &[],
    false
);
pub const POD_METRICS: ResourceType = resource!(
    "metrics.k8s.io",
    "v1beta1",
    "pods",
    "",
    "PodMetrics",
    true,
    &[],
    &[],
    READ,
    &[],
    false
);
pub const NODE_METRICS: ResourceType = resource!(
    "metrics.k8s.io",
    "v1beta1",
    "nodes",
    "",
    "NodeMetrics",
    false,
    &[],
    &[],
    READ,
    &[],
    false
);

/// Every served resource, core first, then groups in preference order.
pub const ALL: &[ResourceType] = &[
    PODS,
    EVENTS,
    NAMESPACES,
    NODES,
    SERVICES,
    DEPLOYMENTS,
    REPLICASETS,
    STATEFULSETS,
    DAEMONSETS,
    JOBS,
    SELF_SUBJECT_ACCESS_REVIEWS,
    SELF_SUBJECT_RULES_REVIEWS,
    SELF_SUBJECT_REVIEWS,
    POD_METRICS,
    NODE_METRICS,
];

/// Resource types kept in the store.
pub fn stored() -> impl Iterator<Item = &'static ResourceType> {
    ALL.iter().filter(|resource| resource.stored)
}

/// Find a resource by group, version and plural.
pub fn find(group: &str, version: &str, plural: &str) -> Option<&'static ResourceType> {
    ALL.iter().find(|resource| {
        resource.group == group && resource.version == version && resource.plural == plural
    })
}

/// The named groups, in the order discovery lists them, with their version.
pub fn groups() -> Vec<(&'static str, &'static str)> {
    let mut groups: Vec<(&'static str, &'static str)> = Vec::new();
    for resource in ALL {
        if !resource.group.is_empty()
            && !groups
                .iter()
                .any(|(group, version)| *group == resource.group && *version == resource.version)
        {
            groups.push((resource.group, resource.version));
        }
    }
    groups
}

fn in_group_version<'a>(
    group: &'a str,
    version: &'a str,
) -> impl Iterator<Item = &'static ResourceType> + 'a {
    ALL.iter()
        .filter(move |resource| resource.group == group && resource.version == version)
}

/// `GET /api` in the legacy format.
pub fn legacy_core_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    })
}

/// `GET /apis` in the legacy format.
pub fn legacy_group_list() -> Value {
    let groups: Vec<Value> = groups()
        .into_iter()
        .map(|(group, version)| {
            let group_version = json!({"groupVersion": format!("{group}/{version}"), "version": version});
            json!({"name": group, "versions": [group_version.clone()], "preferredVersion": group_version})
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `GET /apis/{group}` in the legacy format.
pub fn legacy_group(group: &str) -> Option<Value> {
    let (name, version) = groups().into_iter().find(|(name, _)| *name == group)?;
    let group_version = json!({"groupVersion": format!("{name}/{version}"), "version": version});
    Some(json!({
        "kind": "APIGroup", "apiVersion": "v1", "name": name,
        "versions": [group_version.clone()], "preferredVersion": group_version,
    }))
}

/// `GET /api/v1` or `GET /apis/{group}/{version}`: an APIResourceList.
pub fn resource_list(group: &str, version: &str) -> Option<Value> {
    let mut resources = Vec::new();
    for resource in in_group_version(group, version) {
        resources.push(json!({
            "name": resource.plural,
            "singularName": resource.singular,
            "namespaced": resource.namespaced,
            "kind": resource.kind,
            "verbs": resource.verbs,
            "shortNames": resource.short_names,
            "categories": resource.categories,
        }));
        for (subresource, kind, verbs) in resource.subresources {
            let kind = if kind.is_empty() { resource.kind } else { kind };
            resources.push(json!({
                "name": format!("{}/{subresource}", resource.plural),
                "singularName": "",
                "namespaced": resource.namespaced,
                "kind": kind,
                "verbs": verbs,
            }));
        }
    }
    if resources.is_empty() {
        return None;
    }
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(json!({
        "kind": "APIResourceList", "apiVersion": "v1",
        "groupVersion": group_version, "resources": resources,
    }))
}

/// The aggregated discovery document for `/api` (core) or `/apis` (named groups),
/// in `apidiscovery.k8s.io/{discovery_version}`.
pub fn aggregated(core: bool, discovery_version: &str) -> Value {
    let group_versions: Vec<(&str, &str)> = if core { vec![("", "v1")] } else { groups() };
    let items: Vec<Value> = group_versions
        .into_iter()
        .map(|(group, version)| {
            let resources: Vec<Value> = in_group_version(group, version)
                .map(aggregated_resource)
                .collect();
            let metadata = if group.is_empty() {
                json!({"creationTimestamp": null})
            } else {
                json!({"name": group, "creationTimestamp": null})
            };
            json!({
                "metadata": metadata,
                "versions": [{"version": version, "resources": resources, "freshness": "Current"}],
            })
        })
        .collect();
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": format!("apidiscovery.k8s.io/{discovery_version}"),
        "metadata": {},
        "items": items,
    })
}

fn aggregated_resource(resource: &ResourceType) -> Value {
    let response_kind =
        |kind: &str| json!({"group": resource.group, "version": resource.version, "kind": kind});
    let subresources: Vec<Value> = resource
        .subresources
        .iter()
        .map(|(subresource, kind, verbs)| {
            let kind = if kind.is_empty() { resource.kind } else { kind };
            json!({"subresource": subresource, "responseKind": response_kind(kind), "verbs": verbs})
        })
        .collect();
    let mut value = json!({
        "resource": resource.plural,
        "responseKind": response_kind(resource.kind),
        "scope": if resource.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": resource.singular,
        "verbs": resource.verbs,
    });
    if !resource.short_names.is_empty() {
        value["shortNames"] = json!(resource.short_names);
    }
    if !resource.categories.is_empty() {
        value["categories"] = json!(resource.categories);
    }
    if !subresources.is_empty() {
        value["subresources"] = json!(subresources);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_list_names_pod_subresources() {
        let list = resource_list("", "v1").unwrap_or_default();
        let names: Vec<&str> = list["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|resource| resource["name"].as_str())
            .collect();
        for expected in [
            "pods",
            "pods/log",
            "pods/exec",
            "pods/attach",
            "pods/ephemeralcontainers",
            "events",
            "nodes",
            "namespaces",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
    }

    #[test]
    fn groups_include_metrics_and_apps_once() {
        let groups = groups();
        assert_eq!(
            groups.iter().filter(|(group, _)| *group == "apps").count(),
            1
        );
        assert!(groups.contains(&("metrics.k8s.io", "v1beta1")));
    }

    #[test]
    fn aggregated_core_has_no_group_name() {
        let document = aggregated(true, "v2");
        assert_eq!(document["apiVersion"], "apidiscovery.k8s.io/v2");
        assert!(document["items"][0]["metadata"].get("name").is_none());
        let aggregated_apis = aggregated(false, "v2beta1");
        assert_eq!(aggregated_apis["items"][0]["metadata"]["name"], "apps");
    }
}
