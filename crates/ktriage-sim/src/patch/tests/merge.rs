//! JSON merge patch and strategic merge patch.

use serde_json::json;

use super::{kubectl_debug_patch, pod};
use crate::patch::{PatchError, json_merge_patch, strategic_merge_patch};

#[test]
fn json_merge_patch_follows_rfc_7386() {
    let cases = [
        (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
        (
            json!({"a": "b"}),
            json!({"b": "c"}),
            json!({"a": "b", "b": "c"}),
        ),
        (
            json!({"a": "b", "b": "c"}),
            json!({"a": null}),
            json!({"b": "c"}),
        ),
        (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
        (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
        (
            json!({"a": {"b": "c"}}),
            json!({"a": {"b": "d", "c": null}}),
            json!({"a": {"b": "d"}}),
        ),
        (
            json!({"a": [{"b": "c"}]}),
            json!({"a": [1]}),
            json!({"a": [1]}),
        ),
        (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
        (json!({"a": "b"}), json!(["c"]), json!(["c"])),
        (json!({"a": "foo"}), json!(null), json!(null)),
        (
            json!({"e": null}),
            json!({"a": 1}),
            json!({"e": null, "a": 1}),
        ),
        (
            json!([1, 2]),
            json!({"a": "b", "c": null}),
            json!({"a": "b"}),
        ),
        (
            json!({}),
            json!({"a": {"bb": {"ccc": null}}}),
            json!({"a": {"bb": {}}}),
        ),
    ];
    for (mut target, patch, expected) in cases {
        json_merge_patch(&mut target, &patch);
        assert_eq!(target, expected, "patch {patch}");
    }
}

#[test]
fn first_debug_container_is_added() {
    let mut target = pod();
    strategic_merge_patch(&mut target, &kubectl_debug_patch("debugger-abc")).expect("patch");
    let containers = target["spec"]["ephemeralContainers"]
        .as_array()
        .expect("list");
    assert_eq!(containers.len(), 1);
    assert_eq!(containers[0]["name"], "debugger-abc");
    assert_eq!(containers[0]["tty"], true);
    assert_eq!(target["spec"]["containers"], pod()["spec"]["containers"]);
}

#[test]
fn second_debug_container_with_set_element_order() {
    let mut target = pod();
    strategic_merge_patch(&mut target, &kubectl_debug_patch("debugger-abc")).expect("first");
    let mut second = kubectl_debug_patch("debugger-xyz");
    second["spec"]["$setElementOrder/ephemeralContainers"] =
        json!([{"name": "debugger-abc"}, {"name": "debugger-xyz"}]);
    strategic_merge_patch(&mut target, &second).expect("second");
    let names: Vec<&str> = target["spec"]["ephemeralContainers"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|container| container["name"].as_str())
        .collect();
    assert_eq!(names, ["debugger-abc", "debugger-xyz"]);
    assert!(
        target["spec"]
            .get("$setElementOrder/ephemeralContainers")
            .is_none()
    );

    let reverse = json!({"spec": {"$setElementOrder/ephemeralContainers":
        [{"name": "debugger-xyz"}, {"name": "debugger-abc"}]}});
    strategic_merge_patch(&mut target, &reverse).expect("reorder");
    assert_eq!(
        target["spec"]["ephemeralContainers"][0]["name"],
        "debugger-xyz"
    );
}

#[test]
fn keyed_lists_merge_and_other_lists_replace() {
    let mut target = pod();
    let patch = json!({"spec": {
        "containers": [{
            "name": "app",
            "image": "nginx:1.28",
            "env": [{"name": "DEBUG", "value": "1"}, {"name": "NEW", "value": "x"}],
            "ports": [{"containerPort": 80, "name": "http"}],
            "volumeMounts": [{"mountPath": "/data", "readOnly": true}]
        }],
        "tolerations": [{"key": "b", "operator": "Exists"}],
        "restartPolicy": null
    }});
    strategic_merge_patch(&mut target, &patch).expect("patch");
    let app = &target["spec"]["containers"][0];
    assert_eq!(app["image"], "nginx:1.28");
    assert_eq!(
        app["env"],
        json!([
            {"name": "MODE", "value": "prod"},
            {"name": "DEBUG", "value": "1"},
            {"name": "NEW", "value": "x"}
        ])
    );
    assert_eq!(
        app["ports"],
        json!([{"containerPort": 80, "protocol": "TCP", "name": "http"}])
    );
    assert_eq!(app["volumeMounts"][0]["readOnly"], true);
    assert_eq!(app["volumeMounts"][0]["name"], "data");
    assert_eq!(
        target["spec"]["tolerations"],
        json!([{"key": "b", "operator": "Exists"}])
    );
    assert!(target["spec"].get("restartPolicy").is_none());
}

#[test]
fn directives() {
    let mut target = pod();
    let patch = json!({
        "metadata": {"$deleteFromPrimitiveList/finalizers": ["a"], "finalizers": ["c", "b"]},
        "spec": {
            "containers": [{"name": "app", "env": [{"name": "MODE", "$patch": "delete"}]}],
            "volumes": [{"$patch": "replace"}, {"name": "cache", "emptyDir": {}}],
            "securityContext": {"$patch": "replace", "runAsUser": 1000},
            "initContainers": [{"name": "migrate", "$patch": "delete"}]
        }
    });
    strategic_merge_patch(&mut target, &patch).expect("patch");
    assert_eq!(target["metadata"]["finalizers"], json!(["b", "c"]));
    assert_eq!(
        target["spec"]["containers"][0]["env"],
        json!([{"name": "DEBUG", "value": "0"}])
    );
    assert_eq!(
        target["spec"]["volumes"],
        json!([{"name": "cache", "emptyDir": {}}])
    );
    assert_eq!(
        target["spec"]["securityContext"],
        json!({"runAsUser": 1000})
    );
    assert_eq!(target["spec"]["initContainers"], json!([]));

    let mut retained = json!({"spec": {"volumes": [{"name": "data", "emptyDir": {}}]}});
    let patch = json!({"spec": {"volumes": [
        {"name": "data", "$retainKeys": ["name", "hostPath"], "hostPath": {"path": "/x"}}
    ]}});
    strategic_merge_patch(&mut retained, &patch).expect("retain");
    assert_eq!(
        retained["spec"]["volumes"],
        json!([{"name": "data", "hostPath": {"path": "/x"}}])
    );

    let mut deleted = pod();
    let patch = json!({"spec": {"securityContext": {"$patch": "delete"}}});
    strategic_merge_patch(&mut deleted, &patch).expect("delete map");
    assert!(deleted["spec"].get("securityContext").is_none());
}

#[test]
fn bad_patches_are_errors_and_leave_the_target_alone() {
    let mut target = pod();
    let unknown = json!({"spec": {"$frobnicate": true, "restartPolicy": "Never"}});
    assert_eq!(
        strategic_merge_patch(&mut target, &unknown),
        Err(PatchError::UnknownDirective("$frobnicate".into()))
    );
    let no_key = json!({"spec": {"restartPolicy": "Never", "containers": [{"image": "x"}]}});
    assert_eq!(
        strategic_merge_patch(&mut target, &no_key),
        Err(PatchError::MissingMergeKey {
            field: "containers".into(),
            key: "name"
        })
    );
    let bad_kind = json!({"spec": {"$patch": "explode"}});
    assert!(matches!(
        strategic_merge_patch(&mut target, &bad_kind),
        Err(PatchError::InvalidDirective { .. })
    ));
    let scalar_element = json!({"spec": {"containers": ["app"]}});
    assert_eq!(
        strategic_merge_patch(&mut target, &scalar_element),
        Err(PatchError::ListElementNotObject("containers".into()))
    );
    assert_eq!(
        strategic_merge_patch(&mut target, &json!([1])),
        Err(PatchError::PatchNotObject)
    );
    assert_eq!(target, pod());
}
