//! Validation of `pods/ephemeralcontainers` updates and the `Invalid` message.

use serde_json::{Value, json};

use super::{kubectl_debug_patch, pod};
use crate::patch::{
    FieldCause, drop_non_ephemeral_changes, invalid_message, strategic_merge_patch,
    validate_ephemeral_update,
};

fn with_debug_container(name: &str) -> Value {
    let mut updated = pod();
    strategic_merge_patch(&mut updated, &kubectl_debug_patch(name)).expect("patch");
    updated
}

fn forbidden(field: &str, message: &str) -> FieldCause {
    FieldCause {
        reason: "FieldValueForbidden",
        field: field.into(),
        message: message.into(),
    }
}

#[test]
fn kubectl_debug_is_valid() {
    assert_eq!(
        validate_ephemeral_update(&pod(), &with_debug_container("dbg")),
        []
    );
    let first = with_debug_container("dbg");
    let mut second = first.clone();
    let mut patch = kubectl_debug_patch("dbg-2");
    patch["spec"]["$setElementOrder/ephemeralContainers"] =
        json!([{"name": "dbg"}, {"name": "dbg-2"}]);
    strategic_merge_patch(&mut second, &patch).expect("patch");
    assert_eq!(validate_ephemeral_update(&first, &second), []);
}

#[test]
fn forbidden_fields() {
    let mut updated = with_debug_container("dbg");
    let container = &mut updated["spec"]["ephemeralContainers"][0];
    container["ports"] = json!([{"containerPort": 8080}]);
    container["resources"] = json!({"limits": {"cpu": "1"}});
    container["readinessProbe"] = json!({"exec": {"command": ["true"]}});
    container["volumeMounts"] = json!([{"name": "data", "mountPath": "/d", "subPath": "x"}]);
    let causes = validate_ephemeral_update(&pod(), &updated);
    let not_allowed = "Forbidden: cannot be set for an Ephemeral Container";
    assert_eq!(
        causes,
        [
            forbidden("spec.ephemeralContainers[0].ports", not_allowed),
            forbidden("spec.ephemeralContainers[0].resources", not_allowed),
            forbidden("spec.ephemeralContainers[0].readinessProbe", not_allowed),
            forbidden(
                "spec.ephemeralContainers[0].volumeMounts[0].subPath",
                not_allowed
            ),
        ]
    );
    assert_eq!(
        invalid_message("Pod", "web-1", &causes[..1]),
        "Pod \"web-1\" is invalid: spec.ephemeralContainers[0].ports: Forbidden: cannot be set \
         for an Ephemeral Container"
    );
    assert_eq!(
        invalid_message("Pod", "web-1", &causes[..2]),
        "Pod \"web-1\" is invalid: [spec.ephemeralContainers[0].ports: Forbidden: cannot be set \
         for an Ephemeral Container, spec.ephemeralContainers[0].resources: Forbidden: cannot \
         be set for an Ephemeral Container]"
    );
}

#[test]
fn names_images_and_targets() {
    let mut updated = pod();
    updated["spec"]["ephemeralContainers"] = json!([
        {"name": "app", "image": "busybox"},
        {"name": "Debug_1", "image": "busybox", "targetContainerName": "nope"},
        {"image": ""}
    ]);
    let causes = validate_ephemeral_update(&pod(), &updated);
    let summary: Vec<(&str, &str, &str)> = causes
        .iter()
        .map(|cause| (cause.reason, cause.field.as_str(), cause.message.as_str()))
        .collect();
    assert_eq!(
        summary[0],
        (
            "FieldValueDuplicate",
            "spec.ephemeralContainers[0].name",
            "Duplicate value: \"app\"",
        )
    );
    assert_eq!(summary[1].0, "FieldValueInvalid");
    assert!(summary[1].2.starts_with(
        "Invalid value: \"Debug_1\": a lowercase RFC 1123 label must consist of lower case"
    ));
    assert_eq!(
        summary[2],
        (
            "FieldValueNotFound",
            "spec.ephemeralContainers[1].targetContainerName",
            "Not found: \"nope\"",
        )
    );
    assert_eq!(
        summary[3],
        (
            "FieldValueRequired",
            "spec.ephemeralContainers[2].name",
            "Required value",
        )
    );
    assert_eq!(
        summary[4],
        (
            "FieldValueRequired",
            "spec.ephemeralContainers[2].image",
            "Required value",
        )
    );
    assert_eq!(summary.len(), 5);
}

#[test]
fn existing_containers_stay_as_they_are() {
    let old = with_debug_container("dbg");
    let mut removed = old.clone();
    removed["spec"]["ephemeralContainers"] = json!([]);
    let causes = validate_ephemeral_update(&old, &removed);
    let message = "Forbidden: existing ephemeral containers \"dbg\" may not be removed\n";
    assert_eq!(causes, [forbidden("spec.ephemeralContainers", message)]);
    assert_eq!(
        invalid_message("Pod", "web-1", &causes),
        "Pod \"web-1\" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral \
         containers \"dbg\" may not be removed\n"
    );

    let mut changed = old.clone();
    changed["spec"]["ephemeralContainers"][0]["image"] = json!("alpine");
    let causes = validate_ephemeral_update(&old, &changed);
    assert_eq!(causes.len(), 1);
    assert_eq!(
        causes[0].message,
        "Forbidden: existing ephemeral containers \"dbg\" may not be changed\n\
         - image: \"busybox\"\n+ image: \"alpine\"\n"
    );
}

#[test]
fn other_spec_changes_and_static_pods() {
    let mut updated = with_debug_container("dbg");
    updated["spec"]["containers"][0]["image"] = json!("nginx:1.28");
    let causes = validate_ephemeral_update(&pod(), &updated);
    assert_eq!(
        causes,
        [forbidden(
            "spec",
            "Forbidden: pod updates may not change fields other than `spec.ephemeralContainers`"
        )]
    );
    let stored = drop_non_ephemeral_changes(&pod(), &updated);
    assert_eq!(stored["spec"]["containers"], pod()["spec"]["containers"]);
    assert_eq!(stored["spec"]["ephemeralContainers"][0]["name"], "dbg");
    assert_eq!(drop_non_ephemeral_changes(&stored, &pod()), pod());

    let mut mirror = pod();
    mirror["metadata"]["annotations"] = json!({"kubernetes.io/config.mirror": "abc"});
    let mut updated = mirror.clone();
    strategic_merge_patch(&mut updated, &kubectl_debug_patch("dbg")).expect("patch");
    let causes = validate_ephemeral_update(&mirror, &updated);
    assert_eq!(causes.len(), 1);
    assert_eq!(
        causes[0].message,
        "Forbidden: static pods do not support ephemeral containers"
    );
}

#[test]
fn invalid_message_without_causes_and_with_repeats() {
    assert_eq!(
        invalid_message("Pod", "web-1", &[]),
        "Pod \"web-1\" is invalid"
    );
    let cause = forbidden("spec", "Forbidden: x");
    assert_eq!(
        invalid_message("Pod", "we\"b", &[cause.clone(), cause]),
        "Pod \"we\\\"b\" is invalid: spec: Forbidden: x"
    );
}
