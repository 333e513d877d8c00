//! Reading a request: its path as a Kubernetes resource path, its query
//! parameters (kube-rs sends `?&limit=500`, kubectl repeats `command=`), and
//! what the client accepts (Tables, aggregated discovery).
//!
//! It only reads; it must not decide what a request may do or answer it.

use super::super::resources::{self, ResourceType};
use super::super::status::ApiError;

/// Query parameters in order, repeated keys kept.
#[derive(Debug, Default, Clone)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn parse(raw: Option<&str>) -> Query {
        let pairs = raw
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(key), decode(value))
            })
            .collect();
        Query { pairs }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1" | "True"))
    }

    /// A non-negative integer parameter; a malformed one is a 400.
    pub fn integer(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(text) => text.parse::<i64>().map(Some).map_err(|_| {
                ApiError::bad_request(format!(
                    "invalid value for {key}: strconv.ParseInt: parsing \"{text}\": invalid syntax"
                ))
            }),
        }
    }
}

/// Percent-decoding with `+` as a space, as Go's url.ParseQuery does.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        index += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A parsed resource path.
#[derive(Debug, Clone)]
pub struct ResourcePath {
    pub resource: &'static ResourceType,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
    /// What follows the subresource (the service proxy's upstream path).
    pub rest: String,
}

/// Everything a path can address.
#[derive(Debug, Clone)]
pub enum Route {
    Version,
    Health,
    CoreVersions,
    Groups,
    Group(String),
    ResourceList(String, String),
    OpenApi(String),
    Resource(ResourcePath),
    NotFound,
}

pub fn route(path: &str) -> Route {
    let segments: Vec<String> = path
        .trim_end_matches('/')
        .split('/')
        .skip(1)
        .map(decode)
        .collect();
    let parts: Vec<&str> = segments.iter().map(String::as_str).collect();
    match parts.as_slice() {
        ["version"] => Route::Version,
        ["healthz" | "livez" | "readyz"] => Route::Health,
        ["api"] => Route::CoreVersions,
        ["apis"] => Route::Groups,
        ["apis", group] => Route::Group(group.to_string()),
        ["api", "v1"] => Route::ResourceList(String::new(), "v1".to_string()),
        ["apis", group, version] => Route::ResourceList(group.to_string(), version.to_string()),
        ["openapi", rest @ ..] => Route::OpenApi(rest.join("/")),
        ["api", "v1", rest @ ..] => resource_route("", "v1", rest),
        ["apis", group, version, rest @ ..] => resource_route(group, version, rest),
        _ => Route::NotFound,
    }
}

fn resource_route(group: &str, version: &str, rest: &[&str]) -> Route {
    let build = |plural: &str,
                 namespace: Option<&str>,
                 name: Option<&str>,
                 subresource: Option<&str>,
                 tail: &[&str]| {
        match resources::find(group, version, plural) {
            Some(resource) if resource.namespaced || namespace.is_none() => {
                Route::Resource(ResourcePath {
                    resource,
                    namespace: namespace.map(str::to_string),
                    name: name.map(str::to_string),
                    subresource: subresource.map(str::to_string),
                    rest: tail.join("/"),
                })
            }
            _ => Route::NotFound,
        }
    };
    match rest {
        ["namespaces", namespace, plural] => build(plural, Some(namespace), None, None, &[]),
        ["namespaces", namespace, plural, name] => {
            build(plural, Some(namespace), Some(name), None, &[])
        }
        [
            "namespaces",
            namespace,
            plural,
            name,
            subresource,
            tail @ ..,
        ] => build(plural, Some(namespace), Some(name), Some(subresource), tail),
        [plural] => build(plural, None, None, None, &[]),
        [plural, name] => build(plural, None, Some(name), None, &[]),
        [plural, name, subresource, tail @ ..] => {
            build(plural, None, Some(name), Some(subresource), tail)
        }
        _ => Route::NotFound,
    }
}

/// What the `Accept` header asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    Json,
    Table,
    AggregatedDiscovery(&'static str),
}

/// Walk the Accept list in order; the first entry the server can serve wins.
pub fn wanted(accept: Option<&str>, discovery: bool) -> Wanted {
    for entry in accept.unwrap_or_default().split(',') {
        let parameters: Vec<&str> = entry.split(';').map(str::trim).collect();
        let media = parameters.first().copied().unwrap_or_default();
        let has = |p: &str| parameters.contains(&p);
        if media == "application/json" || media == "*/*" || media == "application/*" {
            if discovery && has("g=apidiscovery.k8s.io") && has("as=APIGroupDiscoveryList") {
                if has("v=v2") {
                    return Wanted::AggregatedDiscovery("v2");
                }
                if has("v=v2beta1") {
                    return Wanted::AggregatedDiscovery("v2beta1");
                }
                continue;
            }
            if has("as=Table") && has("g=meta.k8s.io") {
                if has("v=v1") || has("v=v1beta1") {
                    return Wanted::Table;
                }
                continue;
            }
            if parameters.iter().any(|p| p.starts_with("as=")) {
                continue;
            }
            return Wanted::Json;
        }
    }
    Wanted::Json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_tolerate_leading_ampersands_and_repeats() {
        let query = Query::parse(Some("&limit=500&command=sh&command=-c&command=echo+hi%21"));
        assert_eq!(query.get("limit"), Some("500"));
        assert_eq!(query.all("command"), vec!["sh", "-c", "echo hi!"]);
    }

    #[test]
    fn routes_resolve_namespaced_and_cluster_paths() {
        match route("/api/v1/namespaces/shop/pods/web-1/log") {
            Route::Resource(path) => {
                assert_eq!(path.resource.plural, "pods");
                assert_eq!(path.namespace.as_deref(), Some("shop"));
                assert_eq!(path.name.as_deref(), Some("web-1"));
                assert_eq!(path.subresource.as_deref(), Some("log"));
            }
            other => panic!("{other:?}"),
        }
        match route("/api/v1/namespaces/shop") {
            Route::Resource(path) => {
                assert_eq!(path.resource.plural, "namespaces");
                assert_eq!(path.name.as_deref(), Some("shop"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            route("/apis/apps/v1/deployments"),
            Route::Resource(_)
        ));
        assert!(matches!(route("/apis/nope/v1/things"), Route::NotFound));
        match route("/api/v1/namespaces/mon/services/prometheus:9090/proxy/api/v1/query") {
            Route::Resource(path) => assert_eq!(path.rest, "api/v1/query"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn accept_negotiation_follows_the_list_order() {
        let old = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
        assert_eq!(
            wanted(Some(old), true),
            Wanted::AggregatedDiscovery("v2beta1")
        );
        let new = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
        assert_eq!(wanted(Some(new), true), Wanted::AggregatedDiscovery("v2"));
        assert_eq!(wanted(Some("application/json"), true), Wanted::Json);
        assert_eq!(wanted(None, true), Wanted::Json);
        let table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
        assert_eq!(wanted(Some(table), false), Wanted::Table);
    }
}
