//! The simulated API server over HTTP: a loopback TCP listener, the request
//! dispatcher, authentication, fault injection, and the kubeconfig that
//! points clients at it.
//!
//! Handlers live in the sibling modules, one per family of endpoints. They
//! speak the wire protocol of `k8s-wire.md`; nothing here draws or reads the
//! user's own kubeconfig.

mod discovery;
mod ephemeral;
mod logs;
mod openapi_v2;
mod proxy;
mod remote;
pub mod request;
mod rest;
mod reviews;
mod table;
pub mod tls;
mod watch;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::Value;
use tokio::sync::watch as signal;

use super::auth::{Attributes, User};
use super::cluster::Cluster;
use super::status::ApiError;
use request::{Query, ResourcePath, Route};

/// Shared by every handler.
pub struct Shared {
    pub cluster: Cluster,
    pub address: SocketAddr,
    requests: AtomicU64,
    faulted: AtomicU64,
    /// Bumped by a simulated restart: every open stream ends.
    pub generation: signal::Sender<u64>,
    pub shells: remote::Shells,
}

/// A running simulated API server.
pub struct SimServer {
    pub address: SocketAddr,
    /// The PEM of the CA that signed the serving certificate.
    pub ca_pem: String,
    shared: Arc<Shared>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl SimServer {
    /// Bind `listen` (e.g. `127.0.0.1:0`), start the kubelet and the
    /// controllers, and serve.
    pub async fn start(cluster: Cluster, listen: SocketAddr) -> std::io::Result<SimServer> {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let address = listener.local_addr()?;
        let (generation, _) = signal::channel(0);
        let kubelet = cluster.kubelet.clone();
        let controllers = cluster.controllers.clone();
        let shared = Arc::new(Shared {
            cluster,
            address,
            requests: AtomicU64::new(0),
            faulted: AtomicU64::new(0),
            generation,
            shells: Default::default(),
        });
        let app = axum::Router::new()
            .fallback(dispatch)
            .with_state(shared.clone());
        let material = tls::generate().map_err(std::io::Error::other)?;
        let server = tokio::spawn(tls::serve(listener, material.acceptor, app));
        let kubelet_task = kubelet.spawn();
        let controller_task = controllers.spawn();
        Ok(SimServer {
            address,
            ca_pem: material.ca_pem,
            shared,
            tasks: vec![server, kubelet_task, controller_task],
        })
    }

    pub fn url(&self) -> String {
        format!("https://{}", self.address)
    }

    /// How many requests the server has answered.
    pub fn request_count(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    pub fn cluster(&self) -> &Cluster {
        &self.shared.cluster
    }

    /// Simulate an apiserver restart: every stream is cut and the watch
    /// history is compacted, so the next watch from an old version gets 410.
    pub fn restart(&self) {
        self.shared.cluster.store.compact();
        self.shared
            .generation
            .send_modify(|generation| *generation += 1);
    }

    /// A kubeconfig with one context per scenario user.
    pub fn kubeconfig(&self) -> String {
        kubeconfig(&self.url(), &self.ca_pem, &self.shared.cluster)
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// A kubeconfig YAML naming every scenario user as a context.
pub fn kubeconfig(url: &str, ca_pem: &str, cluster: &Cluster) -> String {
    use base64::Engine;
    let name = &cluster.scenario.cluster.name;
    let ca = base64::engine::general_purpose::STANDARD.encode(ca_pem);
    let mut text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {name}\n  cluster:\n    server: {url}\n    certificate-authority-data: {ca}\ncontexts:\n"
    );
    for user in cluster.authorizer.users() {
        let namespace = user
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string());
        text.push_str(&format!("- name: {}\n  context:\n    cluster: {name}\n    user: {}\n    namespace: {namespace}\n", user.name, user.name));
    }
    text.push_str("users:\n");
    for user in cluster.authorizer.users() {
        text.push_str(&format!(
            "- name: {}\n  user:\n    token: {}\n",
            user.name, user.token
        ));
    }
    let current = cluster
        .authorizer
        .users()
        .first()
        .map(|u| u.name.clone())
        .unwrap_or_default();
    text.push_str(&format!("current-context: {current}\npreferences: {{}}\n"));
    text
}

/// Write a JSON value with a status code.
pub fn json_response(code: StatusCode, value: &Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    bytes_response(code, "application/json", Bytes::from(body))
}

pub fn bytes_response(code: StatusCode, content_type: &str, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = code;
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = json_response(code, &self.body);
        response.headers().get(header::CONTENT_TYPE);
        response.headers_mut().insert(
            "x-content-type-options",
            HeaderValue::from_static("nosniff"),
        );
        if let Some(seconds) = self.retry_after_seconds {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Who is calling, after authentication and impersonation.
pub struct Caller {
    pub user: User,
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let authorizer = &shared.cluster.authorizer;
    let ttl = shared
        .cluster
        .scenario
        .faults
        .tokens_expire_after_seconds
        .map(Duration::from_secs);
    let caller = if authorizer.users().is_empty() {
        // A cluster with no users configured runs with authentication off.
        User {
            name: "system:admin".to_string(),
            token: String::new(),
            groups: vec!["system:masters".to_string()],
            rules: vec![super::auth::Rule {
                verbs: vec!["*".into()],
                api_groups: vec!["*".into()],
                resources: vec!["*".into()],
                namespaces: Vec::new(),
                resource_names: Vec::new(),
            }],
            token_expires_after_seconds: None,
            namespace: None,
        }
    } else {
        authorizer.authenticate(bearer(headers), ttl)?.clone()
    };
    let target = headers
        .get("impersonate-user")
        .and_then(|v| v.to_str().ok());
    let groups: Vec<String> = headers
        .get_all("impersonate-group")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    let user = authorizer.impersonate(&caller, target, &groups)?;
    Ok(Caller { user })
}

/// Every request enters here.
async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let route = request::route(&path);
    let caller = match authenticate(&shared, request.headers()) {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    if let Route::Resource(_) = route
        && let Some(error) = injected_fault(&shared).await
    {
        return error.into_response();
    }
    let query = Query::parse(request.uri().query());
    let result = match route {
        Route::Resource(resource_path) => {
            resource(&shared, &caller, resource_path, query, request).await
        }
        other => discovery::serve(&shared, other, request.headers()),
    };
    let mut response = result.unwrap_or_else(IntoResponse::into_response);
    let audit_id = audit_id(shared.requests.fetch_add(1, Ordering::Relaxed));
    if let Ok(value) = HeaderValue::from_str(&audit_id) {
        response.headers_mut().insert("audit-id", value);
    }
    response
}

/// A request's audit ID, in the UUID form the apiserver uses.
fn audit_id(serial: u64) -> String {
    let mixed = serial.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5bd1_e995;
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        mixed >> 32,
        (mixed >> 16) & 0xffff,
        mixed & 0xfff,
        (serial >> 12) & 0xfff,
        serial & 0xffff_ffff_ffff
    )
}

async fn injected_fault(shared: &Shared) -> Option<ApiError> {
    let faults = &shared.cluster.scenario.faults;
    let count = shared.faulted.fetch_add(1, Ordering::Relaxed) + 1;
    if let Some(latency) = faults.latency_milliseconds {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if faults
        .throttle_every_nth_request
        .is_some_and(|n| n > 0 && count.is_multiple_of(n))
    {
        return Some(ApiError::too_many_requests(faults.retry_after_seconds));
    }
    if faults
        .error_every_nth_request
        .is_some_and(|n| n > 0 && count.is_multiple_of(n))
    {
        return Some(ApiError::internal(
            "injected fault: etcdserver: request timed out",
        ));
    }
    None
}

/// The verb the authorizer sees for a method on a path.
fn verb(method: &Method, path: &ResourcePath, query: &Query) -> &'static str {
    match (method.as_str(), path.name.is_some()) {
        ("GET", _) if query.flag("watch") => "watch",
        ("GET", true) => "get",
        ("GET", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => "get",
    }
}

async fn resource(
    shared: &Arc<Shared>,
    caller: &Caller,
    path: ResourcePath,
    query: Query,
    request: Request,
) -> Result<Response, ApiError> {
    let method = request.method().clone();
    let subresource = path.subresource.clone().unwrap_or_default();
    let mut verb = verb(&method, &path, &query);
    if matches!(subresource.as_str(), "exec" | "attach" | "portforward") {
        // WebSocket upgrades are GETs, but need `create` (as apiservers >= 1.31 check).
        verb = "create";
    }
    let attributes = Attributes {
        verb: verb.to_string(),
        group: path.resource.group.to_string(),
        resource: path.resource.plural.to_string(),
        subresource: subresource.clone(),
        namespace: path.namespace.clone().unwrap_or_default(),
        name: path.name.clone().unwrap_or_default(),
    };
    shared
        .cluster
        .authorizer
        .authorize(&caller.user, &attributes)?;
    match (
        path.resource.group,
        path.resource.plural,
        subresource.as_str(),
    ) {
        ("authorization.k8s.io" | "authentication.k8s.io", _, _) => {
            reviews::create(shared, caller, &path, request).await
        }
        ("metrics.k8s.io", _, _) => reviews::metrics(shared, &path, &query),
        ("", "pods", "log") => logs::serve(shared, &path, &query).await,
        ("", "pods", "exec" | "attach") => {
            remote::serve(shared.clone(), path, query, request).await
        }
        ("", "pods", "ephemeralcontainers") => ephemeral::serve(shared, &path, request).await,
        ("", "services", "proxy") => proxy::serve(shared, &path, request).await,
        (_, _, "") => rest::serve(shared, &path, &query, verb, request).await,
        (_, _, "status") if method == Method::GET => {
            rest::serve(
                shared,
                &ResourcePath {
                    subresource: None,
                    ..path
                },
                &query,
                "get",
                request,
            )
            .await
        }
        _ => Err(ApiError::path_not_found()),
    }
}

/// Read a request body up to a limit.
pub async fn body_bytes(request: Request) -> Result<(HeaderMap, Bytes), ApiError> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 16 << 20)
        .await
        .map_err(|error| ApiError::bad_request(format!("unable to read request body: {error}")))?;
    Ok((parts.headers, bytes))
}

/// Decode a JSON or YAML request body.
pub fn decode_body(headers: &HeaderMap, bytes: &[u8]) -> Result<Value, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    if content_type.starts_with("application/yaml")
        || content_type.starts_with("application/apply-patch+yaml")
    {
        let text =
            std::str::from_utf8(bytes).map_err(|_| ApiError::bad_request("body is not UTF-8"))?;
        return serde_saphyr::from_str(text)
            .map_err(|error| ApiError::bad_request(format!("error decoding YAML: {error}")));
    }
    if content_type.starts_with("application/vnd.kubernetes.protobuf") {
        return Err(ApiError::unsupported_media_type(content_type));
    }
    serde_json::from_slice(bytes)
        .map_err(|error| ApiError::bad_request(format!("error decoding JSON: {error}")))
}

/// The status a watch or log stream ends with when the server cuts it.
pub fn stream_cut() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "stream cut by the simulated server",
    )
}
