//! Computed resources: SelfSubjectAccessReview, SelfSubjectRulesReview and
//! SelfSubjectReview (JSON, or protobuf from kubectl >= 1.32), answered from
//! the rules that guard every request; and the metrics.k8s.io API, answered
//! from what the kubelet's containers are doing.
//!
//! Reviews are answered, never stored; it must not write to the store.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::super::protobuf;
use super::super::quantity::{format_cpu, format_memory};
use super::super::resources::{NODES, PODS};
use super::super::status::ApiError;
use super::super::store::ListRequest;
use super::request::{Query, ResourcePath};
use super::rest::{selected, selectors};
use super::{Caller, Shared, body_bytes, json_response};

pub async fn create(
    shared: &Arc<Shared>,
    caller: &Caller,
    path: &ResourcePath,
    request: Request,
) -> Result<Response, ApiError> {
    let (headers, body) = body_bytes(request).await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    let review: Value = if content_type.starts_with("application/vnd.kubernetes.protobuf") {
        protobuf::decode_review(&body).map_err(|error| {
            ApiError::bad_request(format!("failed to decode protobuf body: {error}"))
        })?
    } else {
        super::decode_body(&headers, &body)?
    };
    let authorizer = &shared.cluster.authorizer;
    let answer = match path.resource.plural {
        "selfsubjectaccessreviews" => authorizer.access_review(&caller.user, review),
        "selfsubjectrulesreviews" => authorizer.rules_review(&caller.user, review),
        "selfsubjectreviews" => authorizer.self_review(&caller.user),
        other => return Err(ApiError::method_not_supported(other, "create")),
    };
    Ok(json_response(StatusCode::CREATED, &answer))
}

pub fn metrics(
    shared: &Arc<Shared>,
    path: &ResourcePath,
    query: &Query,
) -> Result<Response, ApiError> {
    let store = &shared.cluster.store;
    match path.resource.plural {
        "pods" => {
            let (labels, fields) = selectors(&PODS, query)?;
            let labels_of = |namespace: &str, name: &str| {
                store.get(&PODS, namespace, name).map(|o| o.labels.clone())
            };
            let wanted = |namespace: &str, name: &str| {
                store
                    .get(&PODS, namespace, name)
                    .is_some_and(|object| selected(&object, &labels, &fields))
            };
            let mut items: Vec<Value> = shared
                .cluster
                .kubelet
                .pod_metrics(path.namespace.as_deref(), &labels_of)
                .into_iter()
                .filter(|item| {
                    wanted(
                        item["metadata"]["namespace"].as_str().unwrap_or_default(),
                        item["metadata"]["name"].as_str().unwrap_or_default(),
                    )
                })
                .collect();
            if let Some(name) = &path.name {
                let item = items
                    .into_iter()
                    .find(|i| i["metadata"]["name"] == *name.as_str())
                    .ok_or_else(|| ApiError::not_found("metrics.k8s.io", "pods", name))?;
                return Ok(json_response(StatusCode::OK, &item));
            }
            items.sort_by(|a, b| {
                (
                    a["metadata"]["namespace"].as_str(),
                    a["metadata"]["name"].as_str(),
                )
                    .cmp(&(
                        b["metadata"]["namespace"].as_str(),
                        b["metadata"]["name"].as_str(),
                    ))
            });
            Ok(json_response(
                StatusCode::OK,
                &json!({"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}),
            ))
        }
        _ => {
            let usage = shared.cluster.kubelet.node_usage();
            let now = super::super::store::now_rfc3339();
            let nodes = store.list(&NODES, &ListRequest::default())?;
            let items: Vec<Value> = nodes
                .items
                .iter()
                .filter(|node| path.name.as_ref().is_none_or(|n| *n == node.name))
                .map(|node| {
                    let (cpu, memory) = usage.get(&node.name).copied().unwrap_or_default();
                    json!({
                        "kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
                        "metadata": {"name": node.name, "creationTimestamp": now, "labels": node.labels},
                        "timestamp": now, "window": "20.022s",
                        "usage": {"cpu": format_cpu(cpu), "memory": format_memory(memory)},
                    })
                })
                .collect();
            if let Some(name) = &path.name {
                let item = items
                    .into_iter()
                    .next()
                    .ok_or_else(|| ApiError::not_found("metrics.k8s.io", "nodes", name))?;
                return Ok(json_response(StatusCode::OK, &item));
            }
            Ok(json_response(
                StatusCode::OK,
                &json!({"kind": "NodeMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}),
            ))
        }
    }
}
