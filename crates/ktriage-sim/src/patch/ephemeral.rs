//! The apiserver's rules for an update through `pods/{name}/ephemeralcontainers`, and the
//! message of the 422 `Invalid` Status that reports broken rules. Causes carry the same
//! reason, field path and message text as the real apiserver (see `k8s-wire.md` §4.1). This
//! module judges and formats; it must not apply patches or build HTTP responses.

use std::collections::BTreeSet;

use serde_json::Value;

/// One broken rule, as a Status `details.causes[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCause {
    /// `FieldValueForbidden`, `FieldValueDuplicate`, `FieldValueNotFound`,
    /// `FieldValueRequired` or `FieldValueInvalid`.
    pub reason: &'static str,
    /// The field path, such as `spec.ephemeralContainers[0].ports`.
    pub field: String,
    /// The message without the field, such as `Forbidden: cannot be set for an Ephemeral Container`.
    pub message: String,
}

const FORBIDDEN: &str = "FieldValueForbidden";
const DUPLICATE: &str = "FieldValueDuplicate";
const NOT_FOUND: &str = "FieldValueNotFound";
const REQUIRED: &str = "FieldValueRequired";
const INVALID: &str = "FieldValueInvalid";

const NOT_FOR_EPHEMERAL: &str = "Forbidden: cannot be set for an Ephemeral Container";

/// Container fields an ephemeral container may not set, in the API's field order.
const FORBIDDEN_FIELDS: [&str; 8] = [
    "ports",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
];

const DNS_LABEL_MESSAGE: &str = "a lowercase RFC 1123 label must consist of lower case \
    alphanumeric characters or '-', and must start and end with an alphanumeric character \
    (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

fn cause(reason: &'static str, field: impl Into<String>, message: impl Into<String>) -> FieldCause {
    FieldCause {
        reason,
        field: field.into(),
        message: message.into(),
    }
}

/// Checks an update of a pod through the `ephemeralcontainers` subresource and returns
/// every broken rule; an empty list means the update is valid.
pub fn validate_ephemeral_update(old_pod: &Value, new_pod: &Value) -> Vec<FieldCause> {
    let mirror = old_pod
        .pointer("/metadata/annotations/kubernetes.io~1config.mirror")
        .is_some();
    if mirror {
        return vec![cause(
            FORBIDDEN,
            "",
            "Forbidden: static pods do not support ephemeral containers",
        )];
    }
    let mut causes = Vec::new();
    if spec_without_ephemeral(old_pod) != spec_without_ephemeral(new_pod) {
        causes.push(cause(
            FORBIDDEN,
            "spec",
            "Forbidden: pod updates may not change fields other than `spec.ephemeralContainers`",
        ));
    }
    validate_containers(new_pod, &mut causes);
    let new_containers = ephemeral_containers(new_pod);
    for old in ephemeral_containers(old_pod) {
        let name = text(old, "name");
        let matching = new_containers
            .iter()
            .find(|candidate| text(candidate, "name") == name);
        let message = match matching {
            None => format!(
                "Forbidden: existing ephemeral containers {} may not be removed\n",
                go_quote(name)
            ),
            Some(new) if *new != old => format!(
                "Forbidden: existing ephemeral containers {} may not be changed\n{}",
                go_quote(name),
                difference(old, new)
            ),
            Some(_) => continue,
        };
        causes.push(cause(FORBIDDEN, "spec.ephemeralContainers", message));
    }
    causes
}

fn validate_containers(pod: &Value, causes: &mut Vec<FieldCause>) {
    let mut other_names = BTreeSet::new();
    for list in ["/spec/initContainers", "/spec/containers"] {
        for container in pod
            .pointer(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            other_names.insert(text(container, "name"));
        }
    }
    let mut all_names = other_names.clone();
    for (index, container) in ephemeral_containers(pod).into_iter().enumerate() {
        let path = format!("spec.ephemeralContainers[{index}]");
        let name = text(container, "name");
        if name.is_empty() {
            causes.push(cause(REQUIRED, format!("{path}.name"), "Required value"));
        } else {
            for problem in dns_label_problems(name) {
                let message = format!("Invalid value: {}: {problem}", go_quote(name));
                causes.push(cause(INVALID, format!("{path}.name"), message));
            }
        }
        if text(container, "image").is_empty() {
            causes.push(cause(REQUIRED, format!("{path}.image"), "Required value"));
        }
        if !name.is_empty() && !all_names.insert(name) {
            let message = format!("Duplicate value: {}", go_quote(name));
            causes.push(cause(DUPLICATE, format!("{path}.name"), message));
        }
        let target = text(container, "targetContainerName");
        if !target.is_empty() && !other_names.contains(target) {
            let message = format!("Not found: {}", go_quote(target));
            let field = format!("{path}.targetContainerName");
            causes.push(cause(NOT_FOUND, field, message));
        }
        for field in FORBIDDEN_FIELDS {
            if container.get(field).is_some_and(is_set) {
                causes.push(cause(
                    FORBIDDEN,
                    format!("{path}.{field}"),
                    NOT_FOR_EPHEMERAL,
                ));
            }
        }
        let mounts = container.get("volumeMounts").and_then(Value::as_array);
        for (mount_index, mount) in mounts.into_iter().flatten().enumerate() {
            for field in ["subPath", "subPathExpr"] {
                if !text(mount, field).is_empty() {
                    let field = format!("{path}.volumeMounts[{mount_index}].{field}");
                    causes.push(cause(FORBIDDEN, field, NOT_FOR_EPHEMERAL));
                }
            }
        }
    }
}

/// The message of a 422 `Invalid` Status: `Pod "web-1" is invalid: <causes>`, with
/// several distinct causes joined as `[first, second]`.
pub fn invalid_message(kind: &str, name: &str, causes: &[FieldCause]) -> String {
    let mut distinct: Vec<String> = Vec::new();
    for cause in causes {
        let text = format!("{}: {}", cause.field, cause.message);
        if !distinct.contains(&text) {
            distinct.push(text);
        }
    }
    let subject = format!("{kind} {} is invalid", go_quote(name));
    match distinct.as_slice() {
        [] => subject,
        [only] => format!("{subject}: {only}"),
        several => format!("{subject}: [{}]", several.join(", ")),
    }
}

/// What the apiserver stores for such an update: the old pod with only
/// `spec.ephemeralContainers` taken from the new one; other changes are dropped.
pub fn drop_non_ephemeral_changes(old_pod: &Value, new_pod: &Value) -> Value {
    let mut result = old_pod.clone();
    let containers = new_pod.pointer("/spec/ephemeralContainers").cloned();
    if let Some(spec) = result.get_mut("spec").and_then(Value::as_object_mut) {
        match containers {
            Some(containers) => {
                spec.insert("ephemeralContainers".into(), containers);
            }
            None => {
                spec.remove("ephemeralContainers");
            }
        }
    }
    result
}

fn ephemeral_containers(pod: &Value) -> Vec<&Value> {
    pod.pointer("/spec/ephemeralContainers")
        .and_then(Value::as_array)
        .map(|containers| containers.iter().collect())
        .unwrap_or_default()
}

fn spec_without_ephemeral(pod: &Value) -> Value {
    let mut spec = pod.get("spec").cloned().unwrap_or(Value::Null);
    if let Some(members) = spec.as_object_mut() {
        members.remove("ephemeralContainers");
    }
    spec
}

fn text<'a>(object: &'a Value, field: &str) -> &'a str {
    object
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Whether a value differs from the zero value of its Go type. An empty list or object
/// counts as unset, so kubectl's `"resources": {}` is allowed.
fn is_set(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64() != Some(0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(members) => members.values().any(is_set),
    }
}

fn dns_label_problems(name: &str) -> Vec<&'static str> {
    let mut problems = Vec::new();
    if name.len() > 63 {
        problems.push("must be no more than 63 characters");
    }
    let bytes = name.as_bytes();
    let allowed = bytes
        .iter()
        .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || *byte == b'-');
    let alphanumeric = |byte: Option<&u8>| {
        byte.is_some_and(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
    };
    if !allowed || !alphanumeric(bytes.first()) || !alphanumeric(bytes.last()) {
        problems.push(DNS_LABEL_MESSAGE);
    }
    problems
}

/// A short diff of two containers: `- field: old` and `+ field: new` for each member that differs.
fn difference(old: &Value, new: &Value) -> String {
    let empty = serde_json::Map::new();
    let old_members = old.as_object().unwrap_or(&empty);
    let new_members = new.as_object().unwrap_or(&empty);
    let names: BTreeSet<&String> = old_members.keys().chain(new_members.keys()).collect();
    let mut lines = String::new();
    for name in names {
        let (before, after) = (old_members.get(name), new_members.get(name));
        if before == after {
            continue;
        }
        if let Some(before) = before {
            lines.push_str(&format!("- {name}: {before}\n"));
        }
        if let Some(after) = after {
            lines.push_str(&format!("+ {name}: {after}\n"));
        }
    }
    lines
}

/// Quotes a string as Go's `%q` does for the printable and common control characters.
fn go_quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            '\u{7}' => quoted.push_str("\\a"),
            '\u{8}' => quoted.push_str("\\b"),
            '\u{c}' => quoted.push_str("\\f"),
            '\u{b}' => quoted.push_str("\\v"),
            control if (control as u32) < 0x20 || control == '\u{7f}' => {
                quoted.push_str(&format!("\\x{:02x}", control as u32));
            }
            control if control.is_control() => {
                quoted.push_str(&format!("\\u{:04x}", control as u32));
            }
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}
