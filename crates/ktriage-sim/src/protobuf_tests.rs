//! Tests of the review decoder, with a small encoder that writes bytes the way the Go
//! generated marshallers do (every string field present, even when empty).

use super::*;
use serde_json::json;

fn varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn key(number: u32, wire_type: u8, out: &mut Vec<u8>) {
    varint(u64::from(number) << 3 | u64::from(wire_type), out);
}

fn bytes_field(number: u32, bytes: &[u8], out: &mut Vec<u8>) {
    key(number, 2, out);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

fn strings(fields: &[(u32, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (number, text) in fields {
        bytes_field(*number, text.as_bytes(), &mut out);
    }
    out
}

fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    bytes_field(1, &strings(&[(1, api_version), (2, kind)]), &mut out);
    bytes_field(2, raw, &mut out);
    bytes_field(3, b"", &mut out);
    bytes_field(4, b"", &mut out);
    out
}

fn metadata() -> Vec<u8> {
    let mut out = strings(&[(1, ""), (2, ""), (3, "")]);
    key(7, 0, &mut out);
    varint(0, &mut out);
    bytes_field(8, &[], &mut out);
    out
}

fn review(spec: &[u8], status: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    bytes_field(1, &metadata(), &mut out);
    bytes_field(2, spec, &mut out);
    if let Some(status) = status {
        bytes_field(3, status, &mut out);
    }
    out
}

fn can_i_list_pods() -> Vec<u8> {
    let attributes = strings(&[
        (1, "default"),
        (2, "list"),
        (3, ""),
        (4, ""),
        (5, "pods"),
        (6, "log"),
        (7, ""),
    ]);
    let mut spec = Vec::new();
    bytes_field(1, &attributes, &mut spec);
    let mut status = Vec::new();
    key(1, 0, &mut status);
    varint(0, &mut status);
    status.extend(strings(&[(3, ""), (4, "")]));
    let raw = review(&spec, Some(&status));
    envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", &raw)
}

#[test]
fn access_review_with_resource_attributes() {
    let decoded = decode_review(&can_i_list_pods()).expect("decodes");
    assert_eq!(
        decoded,
        json!({
            "kind": "SelfSubjectAccessReview",
            "apiVersion": "authorization.k8s.io/v1",
            "metadata": {},
            "spec": {"resourceAttributes": {
                "namespace": "default", "verb": "list", "resource": "pods", "subresource": "log"
            }}
        })
    );
}

#[test]
fn access_review_with_non_resource_attributes() {
    let mut spec = Vec::new();
    bytes_field(2, &strings(&[(1, "/logs"), (2, "get")]), &mut spec);
    let body = envelope(
        "authorization.k8s.io/v1",
        "SelfSubjectAccessReview",
        &review(&spec, None),
    );
    let decoded = decode_review(&body).expect("decodes");
    assert_eq!(
        decoded["spec"],
        json!({"nonResourceAttributes": {"path": "/logs", "verb": "get"}})
    );
}

#[test]
fn access_review_with_selectors() {
    let mut requirement = strings(&[(1, "status.phase"), (2, "In")]);
    requirement.extend(strings(&[(3, "Running"), (3, "Pending")]));
    let mut selector = strings(&[(1, "")]);
    bytes_field(2, &requirement, &mut selector);
    let mut attributes = strings(&[(2, "list"), (5, "pods")]);
    bytes_field(8, &selector, &mut attributes);
    bytes_field(9, &strings(&[(1, "app=web")]), &mut attributes);
    let mut spec = Vec::new();
    bytes_field(1, &attributes, &mut spec);
    let body = envelope(
        "authorization.k8s.io/v1",
        "SelfSubjectAccessReview",
        &review(&spec, None),
    );
    let decoded = decode_review(&body).expect("decodes");
    assert_eq!(
        decoded["spec"]["resourceAttributes"],
        json!({
            "verb": "list", "resource": "pods",
            "fieldSelector": {"requirements": [
                {"key": "status.phase", "operator": "In", "values": ["Running", "Pending"]}
            ]},
            "labelSelector": {"rawSelector": "app=web"}
        })
    );
}

#[test]
fn rules_review() {
    let body = envelope(
        "authorization.k8s.io/v1",
        "SelfSubjectRulesReview",
        &review(&strings(&[(1, "shop")]), None),
    );
    assert_eq!(
        decode_review(&body).expect("decodes"),
        json!({
            "kind": "SelfSubjectRulesReview",
            "apiVersion": "authorization.k8s.io/v1",
            "metadata": {},
            "spec": {"namespace": "shop"}
        })
    );
}

#[test]
fn unknown_fields_of_every_wire_type_are_skipped() {
    let mut noise = Vec::new();
    key(90, 0, &mut noise);
    varint(u64::MAX, &mut noise);
    key(91, 1, &mut noise);
    noise.extend_from_slice(&[1; 8]);
    key(92, 5, &mut noise);
    noise.extend_from_slice(&[2; 4]);
    bytes_field(93, b"ignored", &mut noise);
    key(94, 3, &mut noise);
    key(95, 3, &mut noise);
    bytes_field(1, b"inside", &mut noise);
    key(95, 4, &mut noise);
    key(94, 4, &mut noise);

    let mut attributes = noise.clone();
    attributes.extend(strings(&[(2, "get"), (5, "pods")]));
    let mut spec = noise.clone();
    bytes_field(1, &attributes, &mut spec);
    let mut raw = noise.clone();
    raw.extend(review(&spec, None));
    let mut body = envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", &raw);
    body.extend(noise);
    let decoded = decode_review(&body).expect("decodes");
    assert_eq!(
        decoded["spec"],
        json!({"resourceAttributes": {"verb": "get", "resource": "pods"}})
    );
}

#[test]
fn truncated_input_is_an_error() {
    let body = can_i_list_pods();
    let end_of_raw = body.len() - 4;
    for length in 0..end_of_raw {
        assert!(
            decode_review(&body[..length]).is_err(),
            "a body cut at {length} bytes decoded"
        );
    }
    assert!(decode_review(&body[..end_of_raw]).is_ok());
}

#[test]
fn malformed_input_is_an_error() {
    assert_eq!(
        decode_review(b"{\"kind\":\"SelfSubjectAccessReview\"}"),
        Err(ProtobufError::MissingMagic)
    );
    let mut overlong = MAGIC.to_vec();
    overlong.extend_from_slice(&[0xff; 11]);
    assert_eq!(decode_review(&overlong), Err(ProtobufError::VarintTooLong));
    let mut field_zero = MAGIC.to_vec();
    field_zero.extend_from_slice(&[0x02, 0x00]);
    assert_eq!(
        decode_review(&field_zero),
        Err(ProtobufError::InvalidFieldNumber(0))
    );
    let mut bad_wire_type = MAGIC.to_vec();
    bad_wire_type.push(0x0f);
    assert_eq!(
        decode_review(&bad_wire_type),
        Err(ProtobufError::InvalidWireType(7))
    );
    let mut lone_end = MAGIC.to_vec();
    key(5, 4, &mut lone_end);
    assert_eq!(
        decode_review(&lone_end),
        Err(ProtobufError::UnmatchedEndGroup)
    );
    let mut deep = MAGIC.to_vec();
    for _ in 0..100 {
        key(5, 3, &mut deep);
    }
    assert_eq!(decode_review(&deep), Err(ProtobufError::GroupsTooDeep));
    let pod = envelope("v1", "Pod", &review(&[], None));
    assert!(matches!(
        decode_review(&pod),
        Err(ProtobufError::UnsupportedKind { .. })
    ));
    let body = envelope(
        "authorization.k8s.io/v1",
        "SelfSubjectAccessReview",
        &review(&[0x0a, 0x03, 0x12, 0x01, 0xff], None),
    );
    assert_eq!(
        decode_review(&body),
        Err(ProtobufError::InvalidUtf8("verb"))
    );
}

#[test]
fn random_bytes_never_panic() {
    let valid = can_i_list_pods();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let mut body = valid.clone();
        let flips = (next() % 4 + 1) as usize;
        for _ in 0..flips {
            let position = (next() as usize) % body.len();
            body[position] = next() as u8;
        }
        let cut = (next() as usize) % (body.len() + 1);
        let _ = decode_review(&body[..cut]);
        let _ = decode_review(&body);
    }
}
