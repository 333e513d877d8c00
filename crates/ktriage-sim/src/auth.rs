//! Users, bearer tokens and Role-like rules: who the caller is (401 when the
//! token is unknown or expired) and whether a request is allowed (403).
//!
//! The same rules answer SelfSubjectAccessReview and SelfSubjectRulesReview, so
//! what a client is told it may do is exactly what it can do. Every
//! authenticated user also has the `system:basic-user` and `system:discovery`
//! rights a real cluster grants.
//!
//! It decides from the scenario's users and rules alone; it must not serve
//! HTTP or read the store.

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};

use super::status::{ApiError, ForbiddenAttributes};

/// One rule: verbs on resources in API groups, in some namespaces.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Rule {
    pub verbs: Vec<String>,
    #[serde(default = "everything")]
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    /// Empty: every namespace and the cluster scope.
    #[serde(default)]
    pub namespaces: Vec<String>,
    #[serde(default)]
    pub resource_names: Vec<String>,
}

fn everything() -> Vec<String> {
    vec!["*".to_string()]
}

/// A user of the simulated cluster.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct User {
    pub name: String,
    pub token: String,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// The token stops working this many seconds after the server starts.
    #[serde(default)]
    pub token_expires_after_seconds: Option<u64>,
    /// The namespace the generated kubeconfig context uses.
    #[serde(default)]
    pub namespace: Option<String>,
}

/// The attributes of one resource request, as the authorizer sees them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes {
    pub verb: String,
    pub group: String,
    pub resource: String,
    pub subresource: String,
    pub namespace: String,
    pub name: String,
}

impl Attributes {
    pub fn forbidden(&self, user: &str) -> ApiError {
        ApiError::forbidden(&ForbiddenAttributes {
            user,
            verb: &self.verb,
            group: &self.group,
            resource: &self.resource,
            subresource: &self.subresource,
            namespace: &self.namespace,
            name: &self.name,
        })
    }
}

/// Authentication and authorization for one server.
#[derive(Debug)]
pub struct Authorizer {
    users: Vec<User>,
    started: Instant,
}

fn basic_rules() -> Vec<Rule> {
    let rule = |group: &str, resources: &[&str]| Rule {
        verbs: vec!["create".to_string()],
        api_groups: vec![group.to_string()],
        resources: resources.iter().map(|r| r.to_string()).collect(),
        namespaces: Vec::new(),
        resource_names: Vec::new(),
    };
    vec![
        rule(
            "authorization.k8s.io",
            &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
        ),
        rule("authentication.k8s.io", &["selfsubjectreviews"]),
    ]
}

fn matches(list: &[String], value: &str) -> bool {
    list.iter().any(|item| item == "*" || item == value)
}

fn resource_matches(rule: &Rule, resource: &str, subresource: &str) -> bool {
    rule.resources.iter().any(|item| {
        if item == "*" {
            return true;
        }
        if subresource.is_empty() {
            return item == resource;
        }
        match item.split_once('/') {
            Some((base, sub)) => {
                (base == resource || base == "*") && (sub == subresource || sub == "*")
            }
            None => false,
        }
    })
}

impl Rule {
    fn applies_in(&self, namespace: &str) -> bool {
        self.namespaces.is_empty()
            || (!namespace.is_empty() && matches(&self.namespaces, namespace))
    }

    fn allows(&self, attributes: &Attributes) -> bool {
        matches(&self.verbs, &attributes.verb)
            && matches(&self.api_groups, &attributes.group)
            && resource_matches(self, &attributes.resource, &attributes.subresource)
            && self.applies_in(&attributes.namespace)
            && (self.resource_names.is_empty()
                || (!attributes.name.is_empty() && self.resource_names.contains(&attributes.name)))
    }
}

impl Authorizer {
    pub fn new(users: Vec<User>) -> Authorizer {
        Authorizer {
            users,
            started: Instant::now(),
        }
    }

    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// Who a bearer token belongs to; 401 when unknown or expired.
    pub fn authenticate(
        &self,
        token: Option<&str>,
        token_ttl: Option<Duration>,
    ) -> Result<&User, ApiError> {
        let token = token.ok_or_else(ApiError::unauthorized)?;
        let user = self
            .users
            .iter()
            .find(|user| user.token == token)
            .ok_or_else(ApiError::unauthorized)?;
        let ttl = user
            .token_expires_after_seconds
            .map(Duration::from_secs)
            .or(token_ttl);
        if ttl.is_some_and(|ttl| self.started.elapsed() >= ttl) {
            return Err(ApiError::unauthorized());
        }
        Ok(user)
    }

    /// The user a request acts as after `Impersonate-User`, checked against the
    /// caller's `impersonate` rights.
    pub fn impersonate<'a>(
        &'a self,
        caller: &'a User,
        target: Option<&str>,
        groups: &[String],
    ) -> Result<User, ApiError> {
        let Some(target) = target else {
            return Ok(caller.clone());
        };
        let attributes = Attributes {
            verb: "impersonate".to_string(),
            resource: "users".to_string(),
            name: target.to_string(),
            ..Attributes::default()
        };
        if !self.allowed(caller, &attributes) {
            return Err(attributes.forbidden(&caller.name));
        }
        for group in groups {
            let attributes = Attributes {
                verb: "impersonate".to_string(),
                resource: "groups".to_string(),
                name: group.clone(),
                ..Attributes::default()
            };
            if !self.allowed(caller, &attributes) {
                return Err(attributes.forbidden(&caller.name));
            }
        }
        let mut user = self
            .users
            .iter()
            .find(|user| user.name == target)
            .cloned()
            .unwrap_or_else(|| User {
                name: target.to_string(),
                token: String::new(),
                groups: Vec::new(),
                rules: Vec::new(),
                token_expires_after_seconds: None,
                namespace: None,
            });
        if !groups.is_empty() {
            user.groups = groups.to_vec();
        }
        Ok(user)
    }

    pub fn allowed(&self, user: &User, attributes: &Attributes) -> bool {
        user.rules
            .iter()
            .chain(basic_rules().iter())
            .any(|rule| rule.allows(attributes))
    }

    /// Allow the request or give the 403 the apiserver would.
    pub fn authorize(&self, user: &User, attributes: &Attributes) -> Result<(), ApiError> {
        if self.allowed(user, attributes) {
            Ok(())
        } else {
            Err(attributes.forbidden(&user.name))
        }
    }

    /// Fill in the status of a SelfSubjectAccessReview request body.
    pub fn access_review(&self, user: &User, mut review: Value) -> Value {
        let spec = &review["spec"];
        let allowed = if let Some(attributes) =
            spec.get("resourceAttributes").filter(|v| v.is_object())
        {
            let read = |field: &str| attributes[field].as_str().unwrap_or_default().to_string();
            let resource = read("resource");
            let (resource, subresource) = match (read("subresource"), resource.split_once('/')) {
                (sub, _) if !sub.is_empty() => (resource.clone(), sub),
                (_, Some((base, sub))) => (base.to_string(), sub.to_string()),
                _ => (resource.clone(), String::new()),
            };
            self.allowed(
                user,
                &Attributes {
                    verb: read("verb"),
                    group: read("group"),
                    resource,
                    subresource,
                    namespace: read("namespace"),
                    name: read("name"),
                },
            )
        } else {
            // Non-resource URLs: discovery paths are open to every user.
            let path = spec["nonResourceAttributes"]["path"]
                .as_str()
                .unwrap_or_default();
            let verb = spec["nonResourceAttributes"]["verb"]
                .as_str()
                .unwrap_or_default();
            verb == "get" && discovery_path(path)
        };
        if review.get("metadata").is_none_or(Value::is_null) {
            review["metadata"] = json!({});
        }
        review["apiVersion"] = json!("authorization.k8s.io/v1");
        review["kind"] = json!("SelfSubjectAccessReview");
        review["status"] = if allowed {
            json!({"allowed": true, "reason": format!("allowed by the rules of user \"{}\"", user.name)})
        } else {
            json!({"allowed": false})
        };
        review
    }

    /// Fill in the status of a SelfSubjectRulesReview request body.
    pub fn rules_review(&self, user: &User, mut review: Value) -> Value {
        let namespace = review["spec"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let resource_rules: Vec<Value> = user
            .rules
            .iter()
            .chain(basic_rules().iter())
            .filter(|rule| rule.namespaces.is_empty() || matches(&rule.namespaces, &namespace))
            .map(|rule| {
                let mut value = json!({"verbs": rule.verbs, "apiGroups": rule.api_groups, "resources": rule.resources});
                if !rule.resource_names.is_empty() {
                    value["resourceNames"] = json!(rule.resource_names);
                }
                value
            })
            .collect();
        if review.get("metadata").is_none_or(Value::is_null) {
            review["metadata"] = json!({});
        }
        review["apiVersion"] = json!("authorization.k8s.io/v1");
        review["kind"] = json!("SelfSubjectRulesReview");
        review["status"] = json!({
            "resourceRules": resource_rules,
            "nonResourceRules": [
                {"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]},
            ],
            "incomplete": false,
        });
        review
    }

    /// The SelfSubjectReview answer: who the server thinks the caller is.
    pub fn self_review(&self, user: &User) -> Value {
        let mut groups = user.groups.clone();
        groups.push("system:authenticated".to_string());
        json!({
            "kind": "SelfSubjectReview",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": null},
            "status": {"userInfo": {"username": user.name, "groups": groups}},
        })
    }
}

/// Paths every authenticated user may GET (the `system:discovery` role).
pub fn discovery_path(path: &str) -> bool {
    matches!(
        path,
        "/api" | "/apis" | "/version" | "/healthz" | "/livez" | "/readyz" | "/openapi/v2"
    ) || path.starts_with("/api/")
        || path.starts_with("/apis/")
        || path.starts_with("/openapi/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer() -> User {
        User {
            name: "viewer".to_string(),
            token: "viewer-token".to_string(),
            groups: Vec::new(),
            rules: vec![Rule {
                verbs: vec!["get".into(), "list".into(), "watch".into()],
                api_groups: vec!["".into()],
                resources: vec!["pods".into(), "pods/log".into(), "events".into()],
                namespaces: vec!["team-a".into()],
                resource_names: Vec::new(),
            }],
            token_expires_after_seconds: None,
            namespace: Some("team-a".into()),
        }
    }

    fn attributes(verb: &str, resource: &str, subresource: &str, namespace: &str) -> Attributes {
        Attributes {
            verb: verb.into(),
            resource: resource.into(),
            subresource: subresource.into(),
            namespace: namespace.into(),
            ..Attributes::default()
        }
    }

    #[test]
    fn viewer_sees_only_its_namespace() {
        let authorizer = Authorizer::new(vec![viewer()]);
        let user = authorizer
            .authenticate(Some("viewer-token"), None)
            .unwrap()
            .clone();
        assert!(authorizer.allowed(&user, &attributes("list", "pods", "", "team-a")));
        assert!(authorizer.allowed(&user, &attributes("get", "pods", "log", "team-a")));
        assert!(!authorizer.allowed(&user, &attributes("list", "pods", "", "team-b")));
        assert!(!authorizer.allowed(&user, &attributes("list", "namespaces", "", "")));
        assert!(!authorizer.allowed(
            &user,
            &attributes("patch", "pods", "ephemeralcontainers", "team-a")
        ));
        let error = authorizer
            .authorize(&user, &attributes("list", "nodes", "", ""))
            .unwrap_err();
        assert_eq!(error.code, 403);
        assert!(error.message().contains("at the cluster scope"));
    }

    #[test]
    fn unknown_and_expired_tokens_are_401() {
        let mut expiring = viewer();
        expiring.token_expires_after_seconds = Some(0);
        let authorizer = Authorizer::new(vec![expiring]);
        assert_eq!(
            authorizer
                .authenticate(Some("nope"), None)
                .unwrap_err()
                .code,
            401
        );
        assert_eq!(authorizer.authenticate(None, None).unwrap_err().code, 401);
        assert_eq!(
            authorizer
                .authenticate(Some("viewer-token"), None)
                .unwrap_err()
                .code,
            401
        );
    }

    #[test]
    fn reviews_answer_from_the_same_rules() {
        let authorizer = Authorizer::new(vec![viewer()]);
        let user = viewer();
        let allowed = authorizer.access_review(&user, json!({"spec": {"resourceAttributes": {"namespace": "team-a", "verb": "get", "resource": "pods", "subresource": "log"}}}));
        assert_eq!(allowed["status"]["allowed"], true);
        let denied = authorizer.access_review(&user, json!({"spec": {"resourceAttributes": {"namespace": "team-b", "verb": "list", "resource": "pods"}}}));
        assert_eq!(denied["status"]["allowed"], false);
        let rules = authorizer.rules_review(&user, json!({"spec": {"namespace": "team-a"}}));
        assert_eq!(
            rules["status"]["resourceRules"].as_array().map(Vec::len),
            Some(3)
        );
        let elsewhere = authorizer.rules_review(&user, json!({"spec": {"namespace": "team-b"}}));
        assert_eq!(
            elsewhere["status"]["resourceRules"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
    }
}
