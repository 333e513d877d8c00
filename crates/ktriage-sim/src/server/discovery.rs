//! Discovery and the other non-resource paths: `/version`, `/healthz`,
//! `/api`, `/apis` (legacy or aggregated, negotiated on `Accept`), the
//! APIResourceLists, and the OpenAPI documents kubectl consults before `apply`
//! (v3 as JSON, v2 as protobuf for kubectl 1.27 and 1.28).
//!
//! It must not read the store: discovery describes types, not objects.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use super::super::resources;
use super::super::status::ApiError;
use super::openapi_v2;
use super::request::{Route, Wanted, wanted};
use super::{Shared, bytes_response, json_response};

pub fn serve(shared: &Shared, route: Route, headers: &HeaderMap) -> Result<Response, ApiError> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    match route {
        Route::Version => Ok(json_response(StatusCode::OK, &version())),
        Route::Health => Ok(bytes_response(
            StatusCode::OK,
            "text/plain; charset=utf-8",
            Bytes::from_static(b"ok"),
        )),
        Route::CoreVersions => Ok(match wanted(accept, true) {
            Wanted::AggregatedDiscovery(version) => {
                aggregated(resources::aggregated(true, version), version)
            }
            _ => json_response(
                StatusCode::OK,
                &resources::legacy_core_versions(&shared.address.to_string()),
            ),
        }),
        Route::Groups => Ok(match wanted(accept, true) {
            Wanted::AggregatedDiscovery(version) => {
                aggregated(resources::aggregated(false, version), version)
            }
            _ => json_response(StatusCode::OK, &resources::legacy_group_list()),
        }),
        Route::Group(group) => resources::legacy_group(&group)
            .map(|v| json_response(StatusCode::OK, &v))
            .ok_or_else(ApiError::path_not_found),
        Route::ResourceList(group, version) => resources::resource_list(&group, &version)
            .map(|v| json_response(StatusCode::OK, &v))
            .ok_or_else(ApiError::path_not_found),
        Route::OpenApi(rest) => openapi(&rest),
        Route::Resource(_) | Route::NotFound => Err(ApiError::path_not_found()),
    }
}

fn aggregated(document: Value, version: &str) -> Response {
    let content_type =
        format!("application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList");
    bytes_response(
        StatusCode::OK,
        &content_type,
        Bytes::from(serde_json::to_vec(&document).unwrap_or_default()),
    )
}

/// The server's version, as `kubectl version` and kube-rs read it.
pub fn version() -> Value {
    json!({
        "major": "1", "minor": "33", "emulationMajor": "1", "emulationMinor": "33",
        "minCompatibilityMajor": "1", "minCompatibilityMinor": "32",
        "gitVersion": "v1.33.2", "gitCommit": "a57b6f7709f6c2722b92f07b8b4c48210a51fc40",
        "gitTreeState": "clean", "buildDate": "2025-06-17T18:32:37Z",
        "goVersion": "go1.24.4", "compiler": "gc", "platform": "linux/amd64",
    })
}

pub(super) fn group_version_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// `/openapi/v2` (one protobuf document), `/openapi/v3` (the index) and
/// `/openapi/v3/<gv path>` (a document per group version). The documents
/// declare each type's group-version-kind and that writes accept
/// `fieldValidation`, so kubectl leaves validation to the server instead of
/// checking schemas it would need to download.
fn openapi(rest: &str) -> Result<Response, ApiError> {
    if rest == "v2" {
        let stored: Vec<&resources::ResourceType> = resources::stored().collect();
        return Ok(bytes_response(
            StatusCode::OK,
            openapi_v2::CONTENT_TYPE,
            Bytes::from(openapi_v2::document(&stored)),
        ));
    }
    let mut group_versions: Vec<(&str, &str)> = vec![("", "v1")];
    group_versions.extend(resources::groups());
    if rest == "v3" {
        let paths: serde_json::Map<String, Value> = group_versions
            .iter()
            .map(|(group, version)| {
                let path = group_version_path(group, version);
                let url = format!("/openapi/v3/{path}?hash=0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000{}", path.len());
                (path, json!({"serverRelativeURL": url}))
            })
            .collect();
        return Ok(json_response(StatusCode::OK, &json!({"paths": paths})));
    }
    let Some(path) = rest.strip_prefix("v3/") else {
        return Err(ApiError::path_not_found());
    };
    let (group, version) = group_versions
        .iter()
        .find(|(group, version)| group_version_path(group, version) == path)
        .ok_or_else(ApiError::path_not_found)?;
    let mut schemas = serde_json::Map::new();
    let mut paths = serde_json::Map::new();
    let field_validation = json!({"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}});
    for resource in resources::ALL
        .iter()
        .filter(|r| r.group == *group && r.version == *version)
    {
        let schema_group = if group.is_empty() {
            "core"
        } else {
            group.split('.').next().unwrap_or(group)
        };
        let schema_name = format!("io.k8s.api.{schema_group}.{version}.{}", resource.kind);
        schemas.insert(schema_name, json!({
            "type": "object",
            "x-kubernetes-group-version-kind": [{"group": group, "version": version, "kind": resource.kind}],
        }));
        let collection = if resource.namespaced {
            format!(
                "/{}/namespaces/{{namespace}}/{}",
                group_version_path(group, version),
                resource.plural
            )
        } else {
            format!(
                "/{}/{}",
                group_version_path(group, version),
                resource.plural
            )
        };
        let operation = json!({"parameters": [field_validation], "x-kubernetes-group-version-kind": {"group": group, "version": version, "kind": resource.kind}});
        paths.insert(collection.clone(), json!({"post": operation}));
        paths.insert(
            format!("{collection}/{{name}}"),
            json!({"patch": operation, "put": operation}),
        );
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": "v1.33.2"},
            "paths": paths,
            "components": {"schemas": schemas},
        }),
    ))
}
