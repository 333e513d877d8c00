//! `pods/{name}/ephemeralcontainers`: GET, PUT and PATCH (strategic merge
//! with `$setElementOrder`, JSON merge, JSON patch), validated as the
//! apiserver validates ephemeral container updates, after which the kubelet
//! starts the new container.
//!
//! It must not start containers itself; the kubelet does once the update
//! is stored.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::super::admission::check_ephemeral;
use super::super::objects::apply_container_defaults;
use super::super::patch::{drop_non_ephemeral_changes, invalid_message, validate_ephemeral_update};
use super::super::resources::{NAMESPACES, PODS};
use super::super::status::ApiError;
use super::request::ResourcePath;
use super::rest::apply_patch;
use super::{Shared, body_bytes, bytes_response, decode_body};

pub async fn serve(
    shared: &Arc<Shared>,
    path: &ResourcePath,
    request: Request,
) -> Result<Response, ApiError> {
    let namespace = path.namespace.clone().unwrap_or_default();
    let name = path.name.clone().unwrap_or_default();
    let store = &shared.cluster.store;
    let method = request.method().clone();
    let current = store
        .get(&PODS, &namespace, &name)
        .ok_or_else(|| ApiError::not_found("", "pods", &name))?;
    if method == Method::GET {
        return Ok(bytes_response(
            StatusCode::OK,
            "application/json",
            current.json.clone(),
        ));
    }
    let (headers, body) = body_bytes(request).await?;
    let before = current.value()?;
    let mut after = before.clone();
    if method == Method::PUT {
        let replacement = decode_body(&headers, &body)?;
        after["spec"]["ephemeralContainers"] = replacement["spec"]["ephemeralContainers"].clone();
    } else {
        apply_patch(&headers, &body, &mut after)?;
    }
    if let Some(containers) = after["spec"]
        .get_mut("ephemeralContainers")
        .and_then(Value::as_array_mut)
    {
        for container in containers {
            apply_container_defaults(container);
            if let Some(map) = container.as_object_mut() {
                // kubectl sends `resources: {}`; the defaulted object must stay empty.
                if map
                    .get("resources")
                    .is_some_and(|r| r.as_object().is_some_and(|m| m.is_empty()))
                {
                    map.insert("resources".to_string(), json!({}));
                }
            }
        }
    }
    // Like the apiserver, this subresource changes ephemeral containers only.
    let after = drop_non_ephemeral_changes(&before, &after);
    let causes = validate_ephemeral_update(&before, &after);
    if !causes.is_empty() {
        let message = invalid_message("Pod", &name, &causes);
        let causes = causes
            .iter()
            .map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field}))
            .collect();
        return Err(ApiError::invalid("", "Pod", &name, message, causes));
    }
    if pod_is_static(&before) {
        let message = format!(
            "Pod \"{name}\" is invalid: spec.ephemeralContainers: Forbidden: static pods do not support ephemeral containers"
        );
        return Err(ApiError::invalid(
            "",
            "Pod",
            &name,
            message,
            vec![
                json!({"reason": "FieldValueForbidden", "message": "Forbidden: static pods do not support ephemeral containers", "field": "spec.ephemeralContainers"}),
            ],
        ));
    }
    let new_containers: Vec<Value> = {
        let existing: Vec<&str> = before["spec"]["ephemeralContainers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str())
            .collect();
        after["spec"]["ephemeralContainers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["name"].as_str().is_some_and(|n| !existing.contains(&n)))
            .cloned()
            .collect()
    };
    let namespace_object = store
        .get(&NAMESPACES, "", &namespace)
        .map(|stored| stored.value())
        .transpose()?
        .unwrap_or(Value::Null);
    check_ephemeral(&namespace_object, &before, &new_containers)?;
    let containers = after["spec"]["ephemeralContainers"].clone();
    let stored = store.modify(&PODS, &namespace, &name, |pod| {
        pod["spec"]["ephemeralContainers"] = containers;
        Ok(())
    })?;
    for container in &new_containers {
        shared
            .cluster
            .kubelet
            .add_ephemeral(&namespace, &name, container);
    }
    Ok(bytes_response(
        StatusCode::OK,
        "application/json",
        stored.json.clone(),
    ))
}

fn pod_is_static(pod: &Value) -> bool {
    pod["metadata"]["annotations"]["kubernetes.io/config.mirror"].is_string()
}
