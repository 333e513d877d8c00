//! get, list, create, update, patch and delete of stored objects, with the
//! list semantics of the real apiserver: `limit`/`continue` pages from one
//! snapshot, `resourceVersion`/`resourceVersionMatch`, label and field
//! selectors, Tables for `kubectl get`, and the validation errors it returns.
//!
//! Pod status is the kubelet's: this module stores what clients send and
//! must not compute status itself.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use serde_json::{Value, json};

use super::super::fields;
use super::super::objects;
use super::super::patch;
use super::super::resources::{PODS, ResourceType};
use super::super::selector::{FieldSelector, LabelSelector};
use super::super::status::ApiError;
use super::super::store::{ListRequest, StoredObject};
use super::request::{Query, ResourcePath, Wanted, wanted};
use super::{Shared, body_bytes, bytes_response, decode_body, json_response, table, watch};

pub async fn serve(
    shared: &Arc<Shared>,
    path: &ResourcePath,
    query: &Query,
    verb: &str,
    request: Request,
) -> Result<Response, ApiError> {
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let wants_table = wanted(accept.as_deref(), false) == Wanted::Table;
    match verb {
        "get" => get(shared, path, wants_table),
        "list" => list(shared, path, query, wants_table),
        "watch" => watch::serve(shared, path, query, wants_table),
        "create" => {
            let (headers, body) = body_bytes(request).await?;
            create(shared, path, query, &headers, &body)
        }
        "update" => {
            let (headers, body) = body_bytes(request).await?;
            update(shared, path, &headers, &body)
        }
        "patch" => {
            let (headers, body) = body_bytes(request).await?;
            patch_object(shared, path, &headers, &body)
        }
        "delete" => delete(shared, path, query),
        _ => Err(ApiError::method_not_supported(path.resource.plural, verb)),
    }
}

fn name_of(path: &ResourcePath) -> &str {
    path.name.as_deref().unwrap_or_default()
}

fn namespace_of(path: &ResourcePath) -> &str {
    if path.resource.namespaced {
        path.namespace.as_deref().unwrap_or_default()
    } else {
        ""
    }
}

fn get(shared: &Shared, path: &ResourcePath, wants_table: bool) -> Result<Response, ApiError> {
    let resource = path.resource;
    let object = shared
        .cluster
        .store
        .get(resource, namespace_of(path), name_of(path))
        .ok_or_else(|| ApiError::not_found(resource.group, resource.plural, name_of(path)))?;
    if wants_table
        && let Some(value) = table::table(
            resource,
            std::slice::from_ref(&object),
            object.resource_version,
            None,
            true,
        )
    {
        return Ok(json_response(StatusCode::OK, &value));
    }
    Ok(bytes_response(
        StatusCode::OK,
        "application/json",
        object.json.clone(),
    ))
}

/// Selectors from the query, checked against what the resource supports.
pub fn selectors(
    resource: &ResourceType,
    query: &Query,
) -> Result<(LabelSelector, FieldSelector), ApiError> {
    let labels = LabelSelector::parse(query.get("labelSelector").unwrap_or_default())
        .map_err(ApiError::bad_request)?;
    let fields = FieldSelector::parse(
        query.get("fieldSelector").unwrap_or_default(),
        fields::supported(resource),
    )
    .map_err(ApiError::bad_request)?;
    Ok((labels, fields))
}

/// Whether a stored object passes both selectors.
pub fn selected(object: &StoredObject, labels: &LabelSelector, fields: &FieldSelector) -> bool {
    labels.matches(&object.labels) && fields.matches(&|field| object.field(field))
}

fn invalid_list_options(message: &str) -> ApiError {
    ApiError::invalid(
        "meta.k8s.io",
        "ListOptions",
        "",
        format!("ListOptions.meta.k8s.io \"\" is invalid: {message}"),
        vec![json!({"reason": "FieldValueForbidden", "message": message})],
    )
}

fn list(
    shared: &Shared,
    path: &ResourcePath,
    query: &Query,
    wants_table: bool,
) -> Result<Response, ApiError> {
    let resource = path.resource;
    let store = &shared.cluster.store;
    let resource_version = query.get("resourceVersion").filter(|v| !v.is_empty());
    let version_match = query.get("resourceVersionMatch").filter(|v| !v.is_empty());
    if query.flag("sendInitialEvents") {
        return Err(invalid_list_options(
            "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list",
        ));
    }
    if version_match.is_some() && resource_version.is_none() {
        return Err(invalid_list_options(
            "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
        ));
    }
    let current = store.resource_version();
    if let Some(text) = resource_version {
        let requested: u64 = text
            .parse()
            .map_err(|_| ApiError::bad_request(format!("invalid resource version \"{text}\"")))?;
        match version_match {
            Some("Exact") if requested == 0 => {
                return Err(invalid_list_options(
                    "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
                ));
            }
            Some("Exact") if requested != current => {
                return Err(if requested > current {
                    ApiError::too_large_resource_version(requested, current)
                } else {
                    ApiError::expired("The resourceVersion for the provided list is too old.")
                });
            }
            Some("NotOlderThan") | None if requested > current => {
                return Err(ApiError::too_large_resource_version(requested, current));
            }
            Some("Exact" | "NotOlderThan") | None => {}
            Some(other) => {
                return Err(invalid_list_options(&format!(
                    "resourceVersionMatch: Unsupported value: \"{other}\""
                )));
            }
        }
    }
    let (labels, fields) = selectors(resource, query)?;
    let limit = query
        .integer("limit")?
        .filter(|l| *l > 0)
        .map(|l| l as usize);
    let filter = |object: &StoredObject| selected(object, &labels, &fields);
    let filtered = !labels.is_empty() || !fields.is_empty();
    let page = store.list(
        resource,
        &ListRequest {
            namespace: path.namespace.as_deref(),
            limit,
            continue_token: query.get("continue"),
            filter: filtered.then_some(&filter as &dyn Fn(&StoredObject) -> bool),
        },
    )?;
    if wants_table
        && let Some(value) = table::table(
            resource,
            &page.items,
            page.resource_version,
            page.continue_token.as_deref(),
            true,
        )
    {
        return Ok(json_response(StatusCode::OK, &value));
    }
    let mut metadata = json!({"resourceVersion": page.resource_version.to_string()});
    if let Some(token) = &page.continue_token {
        metadata["continue"] = json!(token);
    }
    if let Some(remaining) = page.remaining_item_count {
        metadata["remainingItemCount"] = json!(remaining);
    }
    let mut body =
        BytesMut::with_capacity(64 + page.items.iter().map(|i| i.json.len() + 1).sum::<usize>());
    body.put_slice(
        format!(
            "{{\"kind\":\"{}\",\"apiVersion\":\"{}\",\"metadata\":{metadata},\"items\":[",
            resource.list_kind(),
            resource.api_version()
        )
        .as_bytes(),
    );
    for (index, item) in page.items.iter().enumerate() {
        if index > 0 {
            body.put_u8(b',');
        }
        body.put_slice(&item.json);
    }
    body.put_slice(b"]}");
    Ok(bytes_response(
        StatusCode::OK,
        "application/json",
        body.freeze(),
    ))
}

fn check_identity(path: &ResourcePath, value: &mut Value) -> Result<(), ApiError> {
    let resource = path.resource;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request is not an object",
        ));
    }
    let kind = value["kind"].as_str().unwrap_or(resource.kind);
    if kind != resource.kind {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({}) does not match the expected API version ({})",
            value["apiVersion"].as_str().unwrap_or_default(),
            resource.api_version()
        )));
    }
    value["kind"] = json!(resource.kind);
    value["apiVersion"] = json!(resource.api_version());
    if resource.namespaced {
        let namespace = path.namespace.clone().unwrap_or_default();
        match value["metadata"]["namespace"].as_str() {
            Some(given) if !given.is_empty() && given != namespace => {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            _ => value["metadata"]["namespace"] = json!(namespace),
        }
    }
    Ok(())
}

fn create(
    shared: &Shared,
    path: &ResourcePath,
    query: &Query,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let resource = path.resource;
    let mut value = decode_body(headers, body)?;
    check_identity(path, &mut value)?;
    if value["metadata"]["name"].as_str().is_none_or(str::is_empty)
        && let Some(prefix) = value["metadata"]["generateName"].as_str()
    {
        let name = format!(
            "{prefix}{}",
            objects::suffix(
                &format!("{prefix}{}", shared.cluster.store.resource_version()),
                5
            )
        );
        value["metadata"]["name"] = json!(name);
    }
    for field in [
        "resourceVersion",
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
    ] {
        if let Some(metadata) = value["metadata"].as_object_mut() {
            metadata.remove(field);
        }
    }
    if resource.namespaced
        && shared
            .cluster
            .store
            .get(&super::super::resources::NAMESPACES, "", namespace_of(path))
            .is_none()
    {
        return Err(ApiError::not_found("", "namespaces", namespace_of(path)));
    }
    let is_pod =
        std::ptr::eq(resource, &PODS) || (resource.group.is_empty() && resource.plural == "pods");
    if is_pod {
        if let Some(metadata) = value.get_mut("status").and_then(Value::as_object_mut) {
            metadata.clear();
        }
        if let Some(object) = value.as_object_mut() {
            object.remove("status");
        }
        objects::apply_pod_defaults(&mut value);
        if value["spec"]["nodeName"].as_str().is_none_or(str::is_empty) {
            let nodes = shared.cluster.scenario.nodes.len().max(1);
            let index = shared.cluster.store.count(resource) % nodes;
            if let Some(node) = shared.cluster.scenario.nodes.get(index) {
                value["spec"]["nodeName"] = json!(node.name);
            }
        }
    }
    if query.get("dryRun") == Some("All") {
        return Ok(json_response(StatusCode::CREATED, &value));
    }
    let stored = shared.cluster.store.create(resource, value)?;
    if is_pod {
        shared.cluster.kubelet.admit(&stored.value()?, None);
    }
    Ok(bytes_response(
        StatusCode::CREATED,
        "application/json",
        stored.json.clone(),
    ))
}

fn update(
    shared: &Shared,
    path: &ResourcePath,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let resource = path.resource;
    let mut value = decode_body(headers, body)?;
    check_identity(path, &mut value)?;
    let name = name_of(path).to_string();
    if value["metadata"]["name"].as_str() != Some(name.as_str()) {
        return Err(ApiError::bad_request(
            "the name of the object does not match the name on the URL",
        ));
    }
    let stored = shared
        .cluster
        .store
        .modify(resource, namespace_of(path), &name, |current| {
            if let Some(given) = value["metadata"]["resourceVersion"].as_str()
                && !given.is_empty()
                && Some(given) != current["metadata"]["resourceVersion"].as_str()
            {
                return Err(ApiError::conflict(resource.group, resource.plural, &name));
            }
            let status = current["status"].clone();
            *current = value;
            if !status.is_null() {
                current["status"] = status;
            }
            Ok(())
        })?;
    Ok(bytes_response(
        StatusCode::OK,
        "application/json",
        stored.json.clone(),
    ))
}

/// Apply a patch body of any supported type to `target`.
pub fn apply_patch(headers: &HeaderMap, body: &[u8], target: &mut Value) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if media == "application/apply-patch+yaml" {
        return Err(ApiError::unsupported_media_type(media));
    }
    let patch_body: Value = serde_json::from_slice(body)
        .map_err(|error| ApiError::bad_request(format!("error decoding patch: {error}")))?;
    match media {
        "application/merge-patch+json" => {
            patch::json_merge_patch(target, &patch_body);
            Ok(())
        }
        "application/strategic-merge-patch+json" => {
            patch::strategic_merge_patch(target, &patch_body)
                .map_err(|error| ApiError::bad_request(error.to_string()))
        }
        "application/json-patch+json" => patch::json_patch(target, &patch_body)
            .map_err(|error| ApiError::invalid("", "", "", error.to_string(), Vec::new())),
        other => Err(ApiError::unsupported_media_type(other)),
    }
}

fn patch_object(
    shared: &Shared,
    path: &ResourcePath,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let stored = shared.cluster.store.modify(
        path.resource,
        namespace_of(path),
        name_of(path),
        |current| {
            let before = current.clone();
            apply_patch(headers, body, current)?;
            // Identity is not patchable.
            current["metadata"]["name"] = before["metadata"]["name"].clone();
            current["metadata"]["uid"] = before["metadata"]["uid"].clone();
            current["status"] = before["status"].clone();
            Ok(())
        },
    )?;
    Ok(bytes_response(
        StatusCode::OK,
        "application/json",
        stored.json.clone(),
    ))
}

fn delete(shared: &Shared, path: &ResourcePath, query: &Query) -> Result<Response, ApiError> {
    let resource = path.resource;
    let store = &shared.cluster.store;
    if resource.group.is_empty() && resource.plural == "pods" {
        let grace = query.integer("gracePeriodSeconds")?.unwrap_or(30).max(0) as u64;
        let stored = store.modify(resource, namespace_of(path), name_of(path), |pod| {
            if pod["metadata"]["deletionTimestamp"].is_null() {
                pod["metadata"]["deletionTimestamp"] = json!(super::super::store::now_rfc3339());
                pod["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
            }
            Ok(())
        })?;
        shared.cluster.kubelet.delete_pod(
            namespace_of(path),
            name_of(path),
            Duration::from_secs(grace),
        );
        return Ok(bytes_response(
            StatusCode::OK,
            "application/json",
            stored.json.clone(),
        ));
    }
    let removed = store.delete(resource, namespace_of(path), name_of(path))?;
    Ok(bytes_response(
        StatusCode::OK,
        "application/json",
        removed.json.clone(),
    ))
}
