//! The service proxy subresource
//! (`/api/v1/namespaces/{ns}/services/{name}[:{port}]/proxy/{path}`):
//! forwards to the upstream a scenario names for that service, as the
//! apiserver forwards to a service's endpoints. This is how a cluster's
//! Prometheus is reached through the API server.
//!
//! It must not forward anywhere the scenario does not name.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::super::resources::SERVICES;
use super::super::status::ApiError;
use super::Shared;
use super::request::ResourcePath;

pub async fn serve(
    shared: &Arc<Shared>,
    path: &ResourcePath,
    request: Request,
) -> Result<Response, ApiError> {
    let namespace = path.namespace.clone().unwrap_or_default();
    let raw = path.name.clone().unwrap_or_default();
    // `name`, `name:port` or `scheme:name:port`.
    let parts: Vec<&str> = raw.split(':').collect();
    let name = match parts.as_slice() {
        [name] | [name, _] => *name,
        [_, name, _] => *name,
        _ => {
            return Err(ApiError::bad_request(format!(
                "invalid service request {raw}"
            )));
        }
    };
    if shared
        .cluster
        .store
        .get(&SERVICES, &namespace, name)
        .is_none()
    {
        return Err(ApiError::not_found("", "services", name));
    }
    let upstream = shared
        .cluster
        .scenario
        .services
        .iter()
        .find(|s| s.namespace == namespace && s.name == name)
        .and_then(|s| s.upstream.clone())
        .ok_or_else(|| {
            ApiError::service_unavailable(format!("no endpoints available for service \"{name}\""))
        })?;
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let target: Uri = format!("{}/{}{query}", upstream.trim_end_matches('/'), path.rest)
        .parse()
        .map_err(|_| ApiError::internal(format!("bad upstream for service \"{name}\"")))?;
    let (mut parts, body) = request.into_parts();
    // The request body is read whole first, so the upstream gets an exact length.
    let body = axum::body::to_bytes(body, 16 << 20)
        .await
        .map_err(|error| ApiError::bad_request(format!("unable to read request body: {error}")))?;
    parts.headers.remove(axum::http::header::TRANSFER_ENCODING);
    parts.uri = target;
    parts.headers.remove(axum::http::header::AUTHORIZATION);
    parts.headers.remove(axum::http::header::HOST);
    let client: Client<_, Body> = Client::builder(TokioExecutor::new()).build_http();
    let response = client
        .request(Request::from_parts(parts, Body::from(body)))
        .await
        .map_err(|error| {
            ApiError::service_unavailable(format!("error trying to reach service: {error}"))
        })?;
    let (mut parts, body) = response.into_parts();
    // Hop-by-hop headers belong to the upstream connection, not to ours.
    for header in [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "upgrade",
        "te",
        "trailer",
    ] {
        parts.headers.remove(header);
    }
    let bytes = body
        .collect()
        .await
        .map_err(|error| ApiError::internal(error.to_string()))?
        .to_bytes();
    let mut out = Response::from_parts(parts, Body::from(bytes));
    if out.status() == StatusCode::SWITCHING_PROTOCOLS {
        *out.status_mut() = StatusCode::BAD_GATEWAY;
    }
    Ok(out)
}
