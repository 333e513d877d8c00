//! One-off reads: the full pod and its events for the detail view, any
//! object as YAML (managedFields dropped unless asked), and pod metrics.

use k8s_openapi::api::core::v1::{Event, Pod};
use kube::Client;
use kube::api::{Api, ApiResource, DynamicObject, ListParams};

use super::watch::describe_client_error;
use crate::model::detail::PodDetail;
use crate::model::listing::WorkloadKind;
use crate::model::quantity::{cpu_nanocores, memory_bytes};
use crate::model::rows::Usage;
use crate::model::safe_text::SafeText;
use crate::protocol::ObjectKind;

fn text(value: &str) -> SafeText {
    SafeText::from_untrusted(value)
}

pub async fn pod_detail(
    client: Client,
    namespace: &str,
    name: &str,
) -> Result<PodDetail, SafeText> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let pod = pods
        .get(name)
        .await
        .map_err(|error| text(&describe_client_error(&error)))?;
    let events: Api<Event> = Api::namespaced(client, namespace);
    let selector = format!("involvedObject.name={name},involvedObject.namespace={namespace}");
    let listed = events.list(&ListParams::default().fields(&selector)).await;
    let events = match &listed {
        Ok(list) => Ok(list.items.as_slice()),
        Err(error) => Err(text(&describe_client_error(error))),
    };
    Ok(PodDetail::from_pod(&pod, events))
}

fn api_resource(kind: ObjectKind) -> ApiResource {
    let (group, version, kind, plural) = match kind {
        ObjectKind::Pod => ("", "v1", "Pod", "pods"),
        ObjectKind::Node => ("", "v1", "Node", "nodes"),
        ObjectKind::Namespace => ("", "v1", "Namespace", "namespaces"),
        ObjectKind::Workload(WorkloadKind::Deployment) => {
            ("apps", "v1", "Deployment", "deployments")
        }
        ObjectKind::Workload(WorkloadKind::StatefulSet) => {
            ("apps", "v1", "StatefulSet", "statefulsets")
        }
        ObjectKind::Workload(WorkloadKind::DaemonSet) => ("apps", "v1", "DaemonSet", "daemonsets"),
        ObjectKind::Workload(WorkloadKind::Job) => ("batch", "v1", "Job", "jobs"),
    };
    let api_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    ApiResource {
        group: group.to_string(),
        version: version.to_string(),
        api_version,
        kind: kind.to_string(),
        plural: plural.to_string(),
    }
}

pub async fn yaml(
    client: Client,
    kind: ObjectKind,
    namespace: Option<&str>,
    name: &str,
    show_managed_fields: bool,
) -> Result<String, SafeText> {
    let resource = api_resource(kind);
    let api: Api<DynamicObject> = match namespace {
        Some(namespace) => Api::namespaced_with(client, namespace, &resource),
        None => Api::all_with(client, &resource),
    };
    let object = api
        .get(name)
        .await
        .map_err(|error| text(&describe_client_error(&error)))?;
    let mut value = serde_json::to_value(&object).map_err(|error| text(&error.to_string()))?;
    if !show_managed_fields
        && let Some(metadata) = value
            .get_mut("metadata")
            .and_then(serde_json::Value::as_object_mut)
    {
        metadata.remove("managedFields");
    }
    serde_saphyr::to_string(&value).map_err(|error| text(&error.to_string()))
}

/// Pod usage from the metrics API, summed over containers.
pub async fn pod_metrics(
    client: Client,
    namespace: Option<&str>,
) -> Result<Vec<(String, String, Usage)>, SafeText> {
    // Only the fields the table reads are parsed: at 50,000 pods the full
    // objects would cost far more memory than the usage figures.
    #[derive(serde::Deserialize)]
    struct List {
        #[serde(default)]
        items: Vec<Item>,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        metadata: Meta,
        #[serde(default)]
        containers: Vec<ContainerUsage>,
    }
    #[derive(serde::Deserialize)]
    struct Meta {
        #[serde(default)]
        name: String,
        #[serde(default)]
        namespace: String,
    }
    #[derive(serde::Deserialize)]
    struct ContainerUsage {
        usage: Quantities,
    }
    #[derive(serde::Deserialize)]
    struct Quantities {
        #[serde(default)]
        cpu: String,
        #[serde(default)]
        memory: String,
    }
    let path = match namespace {
        Some(namespace) => format!("/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods"),
        None => "/apis/metrics.k8s.io/v1beta1/pods".to_string(),
    };
    let request = http::Request::get(path)
        .body(Vec::new())
        .map_err(|error| text(&error.to_string()))?;
    let list: List = client
        .request(request)
        .await
        .map_err(|error| text(&describe_client_error(&error)))?;
    Ok(list
        .items
        .into_iter()
        .map(|item| {
            let mut usage = Usage::default();
            for container in &item.containers {
                usage.cpu_nanocores += cpu_nanocores(&container.usage.cpu).unwrap_or(0);
                usage.memory_bytes += memory_bytes(&container.usage.memory).unwrap_or(0);
            }
            (item.metadata.namespace, item.metadata.name, usage)
        })
        .collect())
}

/// The rules that apply to the user in `namespace` (SelfSubjectRulesReview).
pub async fn access(
    client: Client,
    namespace: &str,
) -> Result<crate::model::access::Access, SafeText> {
    use k8s_openapi::api::authorization::v1::{SelfSubjectRulesReview, SelfSubjectRulesReviewSpec};
    let api: Api<SelfSubjectRulesReview> = Api::all(client);
    let review = SelfSubjectRulesReview {
        spec: SelfSubjectRulesReviewSpec {
            namespace: Some(namespace.to_string()),
        },
        ..Default::default()
    };
    let answer = api
        .create(&kube::api::PostParams::default(), &review)
        .await
        .map_err(|error| text(&describe_client_error(&error)))?;
    let status = answer.status.unwrap_or_default();
    let rules = status
        .resource_rules
        .into_iter()
        .map(|rule| crate::model::access::ResourceRule {
            verbs: rule.verbs,
            api_groups: rule.api_groups.unwrap_or_default(),
            resources: rule.resources.unwrap_or_default(),
            resource_names: rule.resource_names.unwrap_or_default(),
        })
        .collect();
    Ok(crate::model::access::Access {
        namespace: namespace.to_string(),
        rules,
        incomplete: status.incomplete,
    })
}
