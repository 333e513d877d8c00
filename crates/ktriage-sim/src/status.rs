//! The `Status` objects the simulated API server answers errors with.
//!
//! Each constructor reproduces the message, reason, details and code that the
//! real apiserver builds (apimachinery `pkg/api/errors`), so that kubectl prints
//! the same `Error from server (...)` line and kube-rs sees the same `Status`.
//! This module only builds values; it never decides whether an error applies.

use serde_json::{Value, json};

/// An API error ready to be written as an HTTP response.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: u16,
    pub body: Value,
    pub retry_after_seconds: Option<u64>,
}

impl ApiError {
    fn new(code: u16, reason: &str, message: String, details: Option<Value>) -> ApiError {
        let mut body = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": message,
            "reason": reason,
            "code": code,
        });
        if let (Some(details), Some(map)) = (details, body.as_object_mut()) {
            map.insert("details".to_string(), details);
        }
        ApiError {
            code,
            body,
            retry_after_seconds: None,
        }
    }

    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or_default()
    }

    /// 400 BadRequest, no details.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "BadRequest", message.into(), None)
    }

    /// 401 Unauthorized, as the authentication filter writes it.
    pub fn unauthorized() -> ApiError {
        ApiError::new(401, "Unauthorized", "Unauthorized".to_string(), None)
    }

    /// 404 NotFound for a named object: `pods "web-1" not found`.
    pub fn not_found(group: &str, resource: &str, name: &str) -> ApiError {
        let qualified = qualified_resource(group, resource);
        let mut details = json!({"name": name, "kind": resource});
        if !group.is_empty() {
            details["group"] = json!(group);
        }
        ApiError::new(
            404,
            "NotFound",
            format!("{qualified} \"{name}\" not found"),
            Some(details),
        )
    }

    /// 404 for a path the server does not serve at all.
    pub fn path_not_found() -> ApiError {
        ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource".to_string(),
            Some(json!({})),
        )
    }

    /// 405 for a verb a resource does not support.
    pub fn method_not_supported(resource: &str, verb: &str) -> ApiError {
        ApiError::new(
            405,
            "MethodNotAllowed",
            format!("{verb} is not supported on resources of kind \"{resource}\""),
            Some(json!({"kind": resource})),
        )
    }

    /// 409 AlreadyExists.
    pub fn already_exists(group: &str, resource: &str, name: &str) -> ApiError {
        let qualified = qualified_resource(group, resource);
        let mut details = json!({"name": name, "kind": resource});
        if !group.is_empty() {
            details["group"] = json!(group);
        }
        ApiError::new(
            409,
            "AlreadyExists",
            format!("{qualified} \"{name}\" already exists"),
            Some(details),
        )
    }

    /// 409 Conflict on a stale resourceVersion.
    pub fn conflict(group: &str, resource: &str, name: &str) -> ApiError {
        let qualified = qualified_resource(group, resource);
        ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {qualified} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
            ),
            Some(json!({"name": name, "kind": resource})),
        )
    }

    /// 403 Forbidden with the authorizer's wording.
    pub fn forbidden(attributes: &ForbiddenAttributes<'_>) -> ApiError {
        let ForbiddenAttributes {
            user,
            verb,
            group,
            resource,
            subresource,
            namespace,
            name,
        } = *attributes;
        let qualified = qualified_resource(group, resource);
        let full_resource = if subresource.is_empty() {
            resource.to_string()
        } else {
            format!("{resource}/{subresource}")
        };
        let scope = if namespace.is_empty() {
            "at the cluster scope".to_string()
        } else {
            format!("in the namespace \"{namespace}\"")
        };
        let subject = if name.is_empty() {
            qualified.clone()
        } else {
            format!("{qualified} \"{name}\"")
        };
        let message = html_escape(&format!(
            "{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{full_resource}\" in API group \"{group}\" {scope}"
        ));
        let mut details = serde_json::Map::new();
        if !name.is_empty() {
            details.insert("name".to_string(), json!(name));
        }
        if !group.is_empty() {
            details.insert("group".to_string(), json!(group));
        }
        details.insert("kind".to_string(), json!(resource));
        ApiError::new(403, "Forbidden", message, Some(Value::Object(details)))
    }

    /// 403 for a non-resource path.
    /// 403 from an admission plugin (Pod Security and the like).
    pub fn admission_forbidden(name: &str, message: String) -> ApiError {
        ApiError::new(
            403,
            "Forbidden",
            message,
            Some(json!({"name": name, "kind": "pods"})),
        )
    }

    pub fn forbidden_path(user: &str, verb: &str, path: &str) -> ApiError {
        ApiError::new(
            403,
            "Forbidden",
            html_escape(&format!(
                "forbidden: User \"{user}\" cannot {verb} path \"{path}\""
            )),
            Some(json!({})),
        )
    }

    /// 410 Gone / Expired for a list whose snapshot is gone.
    pub fn expired(message: impl Into<String>) -> ApiError {
        ApiError::new(410, "Expired", message.into(), None)
    }

    /// 422 Invalid with field causes.
    pub fn invalid(
        group: &str,
        kind: &str,
        name: &str,
        message: String,
        causes: Vec<Value>,
    ) -> ApiError {
        let mut details = json!({"name": name, "kind": kind, "causes": causes});
        if !group.is_empty() {
            details["group"] = json!(group);
        }
        ApiError::new(422, "Invalid", message, Some(details))
    }

    /// 415 for a body the server cannot decode.
    pub fn unsupported_media_type(content_type: &str) -> ApiError {
        ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got {content_type})"
            ),
            None,
        )
    }

    /// 429 TooManyRequests with Retry-After.
    pub fn too_many_requests(retry_after_seconds: u64) -> ApiError {
        let mut error = ApiError::new(
            429,
            "TooManyRequests",
            "Too many requests, please try again later.".to_string(),
            Some(json!({"retryAfterSeconds": retry_after_seconds})),
        );
        error.retry_after_seconds = Some(retry_after_seconds);
        error
    }

    /// 503 ServiceUnavailable (a service without endpoints, an upstream down).
    pub fn service_unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(503, "ServiceUnavailable", message.into(), None)
    }

    /// 500 InternalError.
    pub fn internal(message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::new(
            500,
            "InternalError",
            format!("Internal error occurred: {message}"),
            Some(json!({"causes": [{"message": message}]})),
        )
    }

    /// 504 Timeout for a resourceVersion newer than the store has.
    pub fn too_large_resource_version(requested: u64, current: u64) -> ApiError {
        ApiError::new(
            504,
            "Timeout",
            format!("Too large resource version: {requested}, current: {current}"),
            Some(
                json!({"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}], "retryAfterSeconds": 1}),
            ),
        )
    }
}

/// What a 403 names: who was refused which verb on which resource where.
#[derive(Debug, Clone, Copy)]
pub struct ForbiddenAttributes<'a> {
    pub user: &'a str,
    pub verb: &'a str,
    pub group: &'a str,
    pub resource: &'a str,
    pub subresource: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
}

/// The in-stream ERROR event object a watch sends for an expired resourceVersion.
pub fn too_old_resource_version(requested: u64, oldest: u64) -> Value {
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": format!("too old resource version: {requested} ({oldest})"),
        "reason": "Expired",
        "code": 410,
    })
}

/// `pods`, or `deployments.apps` for a named group.
pub fn qualified_resource(group: &str, resource: &str) -> String {
    if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_list_in_namespace_matches_the_apiserver() {
        let error = ApiError::forbidden(&ForbiddenAttributes {
            user: "jane",
            verb: "list",
            group: "",
            resource: "pods",
            subresource: "",
            namespace: "default",
            name: "",
        });
        assert_eq!(error.code, 403);
        assert_eq!(
            error.message(),
            "pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\""
        );
        assert_eq!(error.body["details"], json!({"kind": "pods"}));
    }

    #[test]
    fn forbidden_subresource_with_name_and_cluster_scope() {
        let error = ApiError::forbidden(&ForbiddenAttributes {
            user: "viewer",
            verb: "patch",
            group: "",
            resource: "pods",
            subresource: "ephemeralcontainers",
            namespace: "team-a",
            name: "web-1",
        });
        assert_eq!(
            error.message(),
            "pods \"web-1\" is forbidden: User \"viewer\" cannot patch resource \"pods/ephemeralcontainers\" in API group \"\" in the namespace \"team-a\""
        );
        let cluster = ApiError::forbidden(&ForbiddenAttributes {
            user: "viewer",
            verb: "list",
            group: "",
            resource: "namespaces",
            subresource: "",
            namespace: "",
            name: "",
        });
        assert!(cluster.message().ends_with("at the cluster scope"));
    }

    #[test]
    fn not_found_names_group_qualified_resource() {
        let error = ApiError::not_found("apps", "deployments", "web");
        assert_eq!(error.message(), "deployments.apps \"web\" not found");
        assert_eq!(error.body["details"]["group"], "apps");
    }

    #[test]
    fn too_old_watch_error_is_a_410_status() {
        let value = too_old_resource_version(5, 10);
        assert_eq!(value["code"], 410);
        assert_eq!(value["message"], "too old resource version: 5 (10)");
    }
}
