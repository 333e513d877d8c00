//! The OpenAPI v2 document that kubectl 1.27 and 1.28 download as protobuf
//! (`GET /openapi/v2`, gnostic's `openapi_v2.Document`) before `apply`.
//! This module owns a tiny protobuf writer and the document: for every
//! resource type it is given, the write paths with their
//! `x-kubernetes-group-version-kind` extension and the `fieldValidation`
//! query parameter, so kubectl leaves validation to the server. It must not
//! publish schema definitions (kubectl would then validate against them),
//! decode anything, or know about HTTP.

use super::super::resources::ResourceType;
use super::discovery::group_version_path;

/// The content type the API server answers with. kubectl asks for the `@v1.0`
/// spelling, but Go's `mime.ParseMediaType` rejects `@`, so the answer uses
/// the dotted spelling kube-openapi sends.
pub const CONTENT_TYPE: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

const WIRE_VARINT: u64 = 0;
const WIRE_LENGTH_DELIMITED: u64 = 2;

/// A protobuf message being written: booleans, strings and nested messages.
/// Each writer consumes and returns the message so fields chain.
#[derive(Default)]
struct Message {
    bytes: Vec<u8>,
}

impl Message {
    fn varint(mut self, mut value: u64) -> Message {
        while value >= 0x80 {
            self.bytes.push((value as u8 & 0x7f) | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
        self
    }

    fn boolean(self, field: u64, value: bool) -> Message {
        self.varint(field << 3 | WIRE_VARINT)
            .varint(u64::from(value))
    }

    fn string(self, field: u64, value: &str) -> Message {
        self.length_delimited(field, value.as_bytes())
    }

    fn message(self, field: u64, nested: Message) -> Message {
        self.length_delimited(field, &nested.bytes)
    }

    fn length_delimited(self, field: u64, content: &[u8]) -> Message {
        let mut message = self
            .varint(field << 3 | WIRE_LENGTH_DELIMITED)
            .varint(content.len() as u64);
        message.bytes.extend_from_slice(content);
        message
    }
}

/// Field numbers of gnostic's `openapiv2/OpenAPIv2.proto`.
mod field {
    pub const DOCUMENT_SWAGGER: u64 = 1;
    pub const DOCUMENT_INFO: u64 = 2;
    pub const DOCUMENT_PATHS: u64 = 8;
    pub const INFO_TITLE: u64 = 1;
    pub const INFO_VERSION: u64 = 2;
    pub const PATHS_PATH: u64 = 2;
    pub const NAMED_NAME: u64 = 1;
    pub const NAMED_VALUE: u64 = 2;
    pub const PATH_ITEM_PUT: u64 = 3;
    pub const PATH_ITEM_POST: u64 = 4;
    pub const PATH_ITEM_PATCH: u64 = 8;
    pub const PATH_ITEM_PARAMETERS: u64 = 9;
    pub const OPERATION_OPERATION_ID: u64 = 5;
    pub const OPERATION_CONSUMES: u64 = 7;
    pub const OPERATION_PARAMETERS: u64 = 8;
    pub const OPERATION_RESPONSES: u64 = 9;
    pub const OPERATION_VENDOR_EXTENSION: u64 = 13;
    pub const PARAMETERS_ITEM_PARAMETER: u64 = 1;
    pub const PARAMETER_NON_BODY: u64 = 2;
    pub const NON_BODY_QUERY: u64 = 3;
    pub const NON_BODY_PATH: u64 = 4;
    pub const SUB_SCHEMA_REQUIRED: u64 = 1;
    pub const SUB_SCHEMA_IN: u64 = 2;
    pub const SUB_SCHEMA_NAME: u64 = 4;
    /// `type` is 6 in `QueryParameterSubSchema` but 5 in `PathParameterSubSchema`.
    pub const QUERY_TYPE: u64 = 6;
    pub const PATH_TYPE: u64 = 5;
    pub const ANY_YAML: u64 = 2;
    pub const RESPONSES_RESPONSE_CODE: u64 = 1;
    pub const RESPONSE_VALUE_RESPONSE: u64 = 1;
    pub const RESPONSE_DESCRIPTION: u64 = 1;
}

/// The document, encoded, with write paths for each of `resources`.
pub fn document(resources: &[&ResourceType]) -> Vec<u8> {
    let info = Message::default()
        .string(field::INFO_TITLE, "Kubernetes")
        .string(field::INFO_VERSION, "v1.33.2");
    let mut paths = Message::default();
    for resource in resources {
        let collection = collection_path(resource);
        let mut collection_item =
            Message::default().message(field::PATH_ITEM_POST, operation(resource, "create"));
        let mut item = Message::default()
            .message(field::PATH_ITEM_PUT, operation(resource, "replace"))
            .message(field::PATH_ITEM_PATCH, operation(resource, "patch"))
            .message(field::PATH_ITEM_PARAMETERS, path_parameter("name"));
        // Swagger requires every templated path segment to be declared.
        if resource.namespaced {
            let namespace = || path_parameter("namespace");
            collection_item = collection_item.message(field::PATH_ITEM_PARAMETERS, namespace());
            item = item.message(field::PATH_ITEM_PARAMETERS, namespace());
        }
        paths = paths
            .message(field::PATHS_PATH, named(&collection, collection_item))
            .message(
                field::PATHS_PATH,
                named(&format!("{collection}/{{name}}"), item),
            );
    }
    Message::default()
        .string(field::DOCUMENT_SWAGGER, "2.0")
        .message(field::DOCUMENT_INFO, info)
        .message(field::DOCUMENT_PATHS, paths)
        .bytes
}

fn collection_path(resource: &ResourceType) -> String {
    let group_version = group_version_path(resource.group, resource.version);
    let plural = resource.plural;
    if resource.namespaced {
        format!("/{group_version}/namespaces/{{namespace}}/{plural}")
    } else {
        format!("/{group_version}/{plural}")
    }
}

/// An operation as the API server describes it: an id, the patch types a
/// PATCH consumes, the `fieldValidation` query parameter, a `200` response
/// and the group-version-kind extension.
fn operation(resource: &ResourceType, verb: &str) -> Message {
    let mut operation =
        Message::default().string(field::OPERATION_OPERATION_ID, &operation_id(resource, verb));
    if verb == "patch" {
        for patch_type in ["json-patch", "merge-patch", "strategic-merge-patch"] {
            let consumed = format!("application/{patch_type}+json");
            operation = operation.string(field::OPERATION_CONSUMES, &consumed);
        }
    }
    let query = Message::default()
        .string(field::SUB_SCHEMA_IN, "query")
        .string(field::SUB_SCHEMA_NAME, "fieldValidation")
        .string(field::QUERY_TYPE, "string");
    let non_body = Message::default().message(field::NON_BODY_QUERY, query);
    let response = Message::default().string(field::RESPONSE_DESCRIPTION, "OK");
    let response_value = Message::default().message(field::RESPONSE_VALUE_RESPONSE, response);
    let responses =
        Message::default().message(field::RESPONSES_RESPONSE_CODE, named("200", response_value));
    let any = Message::default().string(field::ANY_YAML, &group_version_kind(resource));
    operation
        .message(field::OPERATION_PARAMETERS, parameters_item(non_body))
        .message(field::OPERATION_RESPONSES, responses)
        .message(
            field::OPERATION_VENDOR_EXTENSION,
            named("x-kubernetes-group-version-kind", any),
        )
}

/// The extension's value as the API server spells it: YAML, keys sorted.
fn group_version_kind(resource: &ResourceType) -> String {
    let (group, kind, version) = (resource.group, resource.kind, resource.version);
    format!("group: \"{group}\"\nkind: {kind}\nversion: {version}\n")
}

/// A `NamedPathItem`, `NamedResponseValue` or `NamedAny`: all three are
/// `name = 1, value = 2`.
fn named(name: &str, value: Message) -> Message {
    Message::default()
        .string(field::NAMED_NAME, name)
        .message(field::NAMED_VALUE, value)
}

/// A `ParametersItem` holding a required string path parameter.
fn path_parameter(name: &str) -> Message {
    let sub_schema = Message::default()
        .boolean(field::SUB_SCHEMA_REQUIRED, true)
        .string(field::SUB_SCHEMA_IN, "path")
        .string(field::SUB_SCHEMA_NAME, name)
        .string(field::PATH_TYPE, "string");
    parameters_item(Message::default().message(field::NON_BODY_PATH, sub_schema))
}

fn parameters_item(non_body: Message) -> Message {
    let parameter = Message::default().message(field::PARAMETER_NON_BODY, non_body);
    Message::default().message(field::PARAMETERS_ITEM_PARAMETER, parameter)
}

/// `createCoreV1NamespacedPod`, `patchAppsV1Deployment`-style ids.
fn operation_id(resource: &ResourceType, verb: &str) -> String {
    let group = if resource.group.is_empty() {
        "core"
    } else {
        resource.group.trim_end_matches(".k8s.io")
    };
    let mut id = verb.to_string();
    for word in group.split('.').chain([resource.version]) {
        let mut characters = word.chars();
        if let Some(first) = characters.next() {
            id.extend(first.to_uppercase());
            id.push_str(characters.as_str());
        }
    }
    if resource.namespaced {
        id.push_str("Namespaced");
    }
    id.push_str(resource.kind);
    id
}

#[cfg(test)]
mod tests {
    use super::super::super::resources;
    use super::*;

    fn read_varint(bytes: &[u8], position: &mut usize) -> u64 {
        let (mut value, mut shift) = (0u64, 0);
        loop {
            let byte = bytes[*position];
            *position += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return value;
            }
            shift += 7;
        }
    }

    /// Every field as `(number, payload)`; a varint's payload is its value
    /// as one byte, enough for booleans.
    fn fields(bytes: &[u8]) -> Vec<(u64, Vec<u8>)> {
        let (mut position, mut fields) = (0, Vec::new());
        while position < bytes.len() {
            let key = read_varint(bytes, &mut position);
            let payload = match key & 7 {
                WIRE_VARINT => vec![read_varint(bytes, &mut position) as u8],
                WIRE_LENGTH_DELIMITED => {
                    let length = read_varint(bytes, &mut position) as usize;
                    position += length;
                    bytes[position - length..position].to_vec()
                }
                other => panic!("unexpected wire type {other}"),
            };
            fields.push((key >> 3, payload));
        }
        fields
    }

    fn all(bytes: &[u8], number: u64) -> Vec<Vec<u8>> {
        let matching = fields(bytes)
            .into_iter()
            .filter(|(field, _)| *field == number);
        matching.map(|(_, payload)| payload).collect()
    }

    /// Follows a chain of singular fields.
    fn nested(bytes: &[u8], numbers: &[u64]) -> Vec<u8> {
        numbers.iter().fold(bytes.to_vec(), |message, number| {
            let found = all(&message, *number);
            assert_eq!(found.len(), 1, "field {number}");
            found[0].clone()
        })
    }

    fn text(bytes: &[u8], numbers: &[u64]) -> String {
        String::from_utf8(nested(bytes, numbers)).expect("UTF-8")
    }

    const QUERY_PARAMETER: [u64; 3] = [
        field::PARAMETERS_ITEM_PARAMETER,
        field::PARAMETER_NON_BODY,
        field::NON_BODY_QUERY,
    ];

    fn encoded() -> Vec<u8> {
        let stored: Vec<&ResourceType> = resources::stored().collect();
        document(&stored)
    }

    fn path_item(document: &[u8], path: &str) -> Vec<u8> {
        let named = all(
            &nested(document, &[field::DOCUMENT_PATHS]),
            field::PATHS_PATH,
        );
        let found = named
            .iter()
            .find(|named| text(named, &[field::NAMED_NAME]) == path);
        nested(found.expect("the path"), &[field::NAMED_VALUE])
    }

    /// What kubectl 1.27's `supportsQueryParam` does: the first PATCH whose
    /// group-version-kind extension matches decides.
    fn supports_field_validation(document: &[u8], yaml: &str) -> Option<bool> {
        for named in all(
            &nested(document, &[field::DOCUMENT_PATHS]),
            field::PATHS_PATH,
        ) {
            let item = nested(&named, &[field::NAMED_VALUE]);
            let Some(patch) = all(&item, field::PATH_ITEM_PATCH).pop() else {
                continue;
            };
            let extension = nested(&patch, &[field::OPERATION_VENDOR_EXTENSION]);
            if text(&extension, &[field::NAMED_NAME]) != "x-kubernetes-group-version-kind"
                || text(&extension, &[field::NAMED_VALUE, field::ANY_YAML]) != yaml
            {
                continue;
            }
            let parameters = all(&patch, field::OPERATION_PARAMETERS);
            return Some(parameters.iter().any(|item| {
                let query = nested(item, &QUERY_PARAMETER);
                text(&query, &[field::SUB_SCHEMA_NAME]) == "fieldValidation"
            }));
        }
        None
    }

    #[test]
    fn varints_use_seven_bit_groups() {
        let message = Message::default().varint(300).varint(1);
        assert_eq!(message.bytes, [0xac, 0x02, 0x01]);
    }

    #[test]
    fn pod_patch_declares_its_kind_and_field_validation() {
        let document = encoded();
        assert_eq!(text(&document, &[field::DOCUMENT_SWAGGER]), "2.0");
        let info = nested(&document, &[field::DOCUMENT_INFO]);
        assert_eq!(text(&info, &[field::INFO_TITLE]), "Kubernetes");
        assert_eq!(text(&info, &[field::INFO_VERSION]), "v1.33.2");
        let item = path_item(&document, "/api/v1/namespaces/{namespace}/pods/{name}");
        let patch = nested(&item, &[field::PATH_ITEM_PATCH]);
        let id = text(&patch, &[field::OPERATION_OPERATION_ID]);
        assert_eq!(id, "patchCoreV1NamespacedPod");
        let extension = nested(&patch, &[field::OPERATION_VENDOR_EXTENSION]);
        let name = text(&extension, &[field::NAMED_NAME]);
        assert_eq!(name, "x-kubernetes-group-version-kind");
        let yaml = text(&extension, &[field::NAMED_VALUE, field::ANY_YAML]);
        assert_eq!(yaml, "group: \"\"\nkind: Pod\nversion: v1\n");
        let query = nested(&patch, &[field::OPERATION_PARAMETERS]);
        let query = nested(&query, &QUERY_PARAMETER);
        assert_eq!(text(&query, &[field::SUB_SCHEMA_NAME]), "fieldValidation");
        assert_eq!(text(&query, &[field::SUB_SCHEMA_IN]), "query");
        let code = [field::OPERATION_RESPONSES, field::RESPONSES_RESPONSE_CODE];
        assert_eq!(text(&patch, &[code[0], code[1], field::NAMED_NAME]), "200");
        assert_eq!(all(&item, field::PATH_ITEM_PUT).len(), 1);
        assert_eq!(all(&item, field::PATH_ITEM_PARAMETERS).len(), 2);
        let collection = path_item(&document, "/api/v1/namespaces/{namespace}/pods");
        assert_eq!(all(&collection, field::PATH_ITEM_POST).len(), 1);
    }

    #[test]
    fn path_parameters_are_required_strings() {
        let item = path_item(&encoded(), "/api/v1/namespaces/{name}");
        let parameter = nested(&item, &[field::PATH_ITEM_PARAMETERS]);
        let non_body = [field::PARAMETERS_ITEM_PARAMETER, field::PARAMETER_NON_BODY];
        let path = nested(
            &parameter,
            &[non_body[0], non_body[1], field::NON_BODY_PATH],
        );
        assert_eq!(nested(&path, &[field::SUB_SCHEMA_REQUIRED]), [1]);
        assert_eq!(text(&path, &[field::SUB_SCHEMA_NAME]), "name");
        assert_eq!(text(&path, &[field::PATH_TYPE]), "string");
    }

    #[test]
    fn every_stored_type_supports_field_validation() {
        let document = encoded();
        for resource in resources::stored() {
            let supported = supports_field_validation(&document, &group_version_kind(resource));
            assert_eq!(supported, Some(true), "{}", resource.kind);
        }
        path_item(
            &document,
            "/apis/apps/v1/namespaces/{namespace}/deployments/{name}",
        );
        path_item(&document, "/api/v1/nodes/{name}");
    }
}
