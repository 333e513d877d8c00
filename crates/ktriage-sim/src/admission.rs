//! Pod Security admission for the ephemeral containers a patch adds: the
//! namespace's `pod-security.kubernetes.io/enforce` level, and the baseline
//! and restricted checks a container's securityContext can fail, refused
//! with the API server's 403 wording (`violates PodSecurity
//! "restricted:latest": …`). The pod's other containers are not judged.
//!
//! It only judges: it must not change the pod or write to the store; the
//! caller applies the update it allows.

use serde_json::Value;

use super::status::ApiError;

const BASELINE_ADDS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn list(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("{item:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The failed checks of one container at `level`, as the admission
/// message lists them.
fn failures(level: &str, container: &Value, pod_context: &Value) -> Vec<String> {
    let name = container["name"].as_str().unwrap_or_default();
    let context = &container["securityContext"];
    let mut failed = Vec::new();
    if context["privileged"].as_bool() == Some(true) {
        failed.push(format!(
            "privileged (container {name:?} must not set securityContext.privileged=true)"
        ));
    }
    let added = list(&context["capabilities"]["add"]);
    let extra: Vec<&str> = added
        .iter()
        .copied()
        .filter(|c| !BASELINE_ADDS.contains(c))
        .collect();
    if !extra.is_empty() {
        failed.push(format!(
            "non-default capabilities (container {name:?} must not include {} in securityContext.capabilities.add)",
            quoted(&extra)
        ));
    }
    if level != "restricted" {
        return failed;
    }
    if context["allowPrivilegeEscalation"].as_bool() != Some(false) {
        failed.push(format!(
            "allowPrivilegeEscalation != false (container {name:?} must set securityContext.allowPrivilegeEscalation=false)"
        ));
    }
    let dropped = list(&context["capabilities"]["drop"]);
    let restricted_extra: Vec<&str> = added
        .iter()
        .copied()
        .filter(|c| *c != "NET_BIND_SERVICE")
        .collect();
    if !dropped.contains(&"ALL") || !restricted_extra.is_empty() {
        let mut parts = Vec::new();
        if !dropped.contains(&"ALL") {
            parts.push("must set securityContext.capabilities.drop=[\"ALL\"]".to_string());
        }
        if !restricted_extra.is_empty() {
            parts.push(format!(
                "must not include {} in securityContext.capabilities.add",
                quoted(&restricted_extra)
            ));
        }
        failed.push(format!(
            "unrestricted capabilities (container {name:?} {})",
            parts.join("; ")
        ));
    }
    let non_root = context["runAsNonRoot"]
        .as_bool()
        .or_else(|| pod_context["runAsNonRoot"].as_bool());
    if non_root != Some(true) {
        failed.push(format!(
            "runAsNonRoot != true (pod or container {name:?} must set securityContext.runAsNonRoot=true)"
        ));
    }
    if context["runAsUser"].as_i64() == Some(0) {
        failed.push(format!(
            "runAsUser=0 (container {name:?} must not set runAsUser=0)"
        ));
    }
    let seccomp = context["seccompProfile"]["type"]
        .as_str()
        .or_else(|| pod_context["seccompProfile"]["type"].as_str());
    if !matches!(seccomp, Some("RuntimeDefault" | "Localhost")) {
        failed.push(format!(
            "seccompProfile (pod or container {name:?} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"
        ));
    }
    failed
}

/// Refuse the new containers if the namespace's enforced level forbids them.
pub fn check_ephemeral(namespace: &Value, pod: &Value, added: &[Value]) -> Result<(), ApiError> {
    let level = namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        .as_str()
        .unwrap_or("privileged");
    if !matches!(level, "baseline" | "restricted") {
        return Ok(());
    }
    let pod_context = &pod["spec"]["securityContext"];
    let failed: Vec<String> = added
        .iter()
        .flat_map(|container| failures(level, container, pod_context))
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    let name = pod["metadata"]["name"].as_str().unwrap_or_default();
    Err(ApiError::admission_forbidden(
        name,
        format!(
            "pods {name:?} is forbidden: violates PodSecurity \"{level}:latest\": {}",
            failed.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn namespace(level: &str) -> Value {
        json!({"metadata": {"labels": {"pod-security.kubernetes.io/enforce": level}}})
    }

    #[test]
    fn privileged_containers_fail_baseline_with_the_api_wording() {
        let pod = json!({"metadata": {"name": "web-1"}, "spec": {}});
        let container = json!({"name": "dbg", "securityContext": {"privileged": true}});
        let error = check_ephemeral(&namespace("baseline"), &pod, &[container]).unwrap_err();
        assert_eq!(error.code, 403);
        assert_eq!(
            error.message(),
            r#"pods "web-1" is forbidden: violates PodSecurity "baseline:latest": privileged (container "dbg" must not set securityContext.privileged=true)"#
        );
    }

    #[test]
    fn restricted_wants_the_restricted_context() {
        let pod = json!({"metadata": {"name": "api-1"}, "spec": {}});
        let good = json!({"name": "dbg", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]},
            "runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}}});
        assert!(check_ephemeral(&namespace("restricted"), &pod, &[good]).is_ok());
        let bare = json!({"name": "dbg"});
        let error = check_ephemeral(&namespace("restricted"), &pod, std::slice::from_ref(&bare))
            .unwrap_err();
        assert!(
            error
                .message()
                .contains("allowPrivilegeEscalation != false")
        );
        assert!(error.message().contains("seccompProfile"));
        assert!(check_ephemeral(&namespace("baseline"), &pod, std::slice::from_ref(&bare)).is_ok());
        assert!(check_ephemeral(&json!({}), &pod, &[bare]).is_ok());
    }
}
