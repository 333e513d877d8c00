//! JSON patch (RFC 6902) and JSON pointers (RFC 6901).

use serde_json::{Value, json};

use crate::patch::{PatchError, json_patch};

fn patched(mut document: Value, operations: Value) -> Result<Value, PatchError> {
    json_patch(&mut document, &operations)?;
    Ok(document)
}

#[test]
fn operations_from_rfc_6902() {
    let cases = [
        (
            json!({"foo": "bar"}),
            json!([{"op": "add", "path": "/baz", "value": "qux"}]),
            json!({"foo": "bar", "baz": "qux"}),
        ),
        (
            json!({"foo": ["bar", "baz"]}),
            json!([{"op": "add", "path": "/foo/1", "value": "qux"}]),
            json!({"foo": ["bar", "qux", "baz"]}),
        ),
        (
            json!({"baz": "qux", "foo": "bar"}),
            json!([{"op": "remove", "path": "/baz"}]),
            json!({"foo": "bar"}),
        ),
        (
            json!({"foo": ["bar", "qux", "baz"]}),
            json!([{"op": "remove", "path": "/foo/1"}]),
            json!({"foo": ["bar", "baz"]}),
        ),
        (
            json!({"baz": "qux", "foo": "bar"}),
            json!([{"op": "replace", "path": "/baz", "value": "boo"}]),
            json!({"baz": "boo", "foo": "bar"}),
        ),
        (
            json!({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}),
            json!([{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}]),
            json!({"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
        ),
        (
            json!({"foo": ["all", "grass", "cows", "eat"]}),
            json!([{"op": "move", "from": "/foo/1", "path": "/foo/3"}]),
            json!({"foo": ["all", "cows", "eat", "grass"]}),
        ),
        (
            json!({"foo": "bar"}),
            json!([{"op": "add", "path": "/child", "value": {"grandchild": {}}}]),
            json!({"foo": "bar", "child": {"grandchild": {}}}),
        ),
        (
            json!({"foo": ["bar"]}),
            json!([{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}]),
            json!({"foo": ["bar", ["abc", "def"]]}),
        ),
        (
            json!({"a/b": 1, "m~n": 2}),
            json!([
                {"op": "copy", "from": "/a~1b", "path": "/m~0n"},
                {"op": "test", "path": "/m~0n", "value": 1.0}
            ]),
            json!({"a/b": 1, "m~n": 1}),
        ),
        (
            json!({"a": 1}),
            json!([{"op": "replace", "path": "", "value": [1]}]),
            json!([1]),
        ),
    ];
    for (document, operations, expected) in cases {
        assert_eq!(
            patched(document, operations.clone()),
            Ok(expected),
            "{operations}"
        );
    }
}

#[test]
fn legacy_debug_patch_appends_an_ephemeral_container() {
    let document = json!({"ephemeralContainers": []});
    let operations = json!([{"op": "add", "path": "/ephemeralContainers/-",
        "value": {"name": "dbg", "image": "busybox"}}]);
    let result = patched(document, operations).expect("applies");
    assert_eq!(result["ephemeralContainers"][0]["name"], "dbg");
}

#[test]
fn failures_leave_the_document_unchanged() {
    let original = json!({"foo": ["bar"], "baz": "qux"});
    let failing = [
        json!([{"op": "test", "path": "/baz", "value": "bar"}]),
        json!([{"op": "add", "path": "/baz/bat", "value": "qux"}]),
        json!([{"op": "add", "path": "/foo/2", "value": 1}]),
        json!([{"op": "add", "path": "/foo/01", "value": 1}]),
        json!([{"op": "remove", "path": "/nothing"}]),
        json!([{"op": "remove", "path": ""}]),
        json!([{"op": "replace", "path": "/foo/1", "value": 1}]),
        json!([{"op": "move", "from": "/foo", "path": "/foo/0"}]),
        json!([{"op": "add", "path": "foo", "value": 1}]),
        json!([{"op": "add", "path": "/a~2", "value": 1}]),
        json!([{"op": "add", "path": "/x"}]),
        json!([{"op": "jump", "path": "/x"}]),
        json!([{"op": "add", "path": "/new", "value": 1}, {"op": "remove", "path": "/gone"}]),
    ];
    for operations in failing {
        let mut document = original.clone();
        let result = json_patch(&mut document, &operations);
        assert!(
            matches!(result, Err(PatchError::Operation { .. })),
            "{operations}: {result:?}"
        );
        assert_eq!(document, original, "{operations}");
    }
    let mut document = original.clone();
    assert_eq!(
        json_patch(&mut document, &json!({"op": "add"})),
        Err(PatchError::NotAnOperationList)
    );
    let mut document = original.clone();
    let error = json_patch(
        &mut document,
        &json!([{"op": "test", "path": "/baz", "value": "qux"}, {"op": "remove", "path": "/x"}]),
    );
    assert!(matches!(error, Err(PatchError::Operation { index: 1, .. })));
}
