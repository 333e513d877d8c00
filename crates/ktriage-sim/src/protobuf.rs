//! Decodes the Kubernetes protobuf request bodies that kubectl 1.32 and later send for
//! `SelfSubjectAccessReview` and `SelfSubjectRulesReview` (`auth can-i`), and turns them
//! into the JSON object kubectl would have sent instead, so the rest of the simulator only
//! handles JSON. A small hand-written reader of the protobuf wire format: it skips fields
//! it does not know, rejects malformed or truncated input with an error, and must never
//! panic or allocate more than the input's size. It encodes nothing.

use serde_json::{Map, Value};

/// The four bytes that open every Kubernetes protobuf body: `k8s\0`.
pub const MAGIC: [u8; 4] = [0x6b, 0x38, 0x73, 0x00];

/// How deeply groups (a deprecated wire type) may nest while being skipped.
const GROUP_DEPTH_LIMIT: usize = 32;

/// Why a protobuf body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtobufError {
    #[error("the body does not start with the Kubernetes protobuf magic number")]
    MissingMagic,
    #[error("the message is truncated")]
    Truncated,
    #[error("a varint is longer than ten bytes")]
    VarintTooLong,
    #[error("field number {0} is not valid")]
    InvalidFieldNumber(u64),
    #[error("wire type {0} is not valid")]
    InvalidWireType(u8),
    #[error("an end-group marker has no matching start")]
    UnmatchedEndGroup,
    #[error("groups are nested more than {GROUP_DEPTH_LIMIT} deep")]
    GroupsTooDeep,
    #[error("field {0} has the wrong wire type")]
    WrongWireType(&'static str),
    #[error("field {0} is not valid UTF-8")]
    InvalidUtf8(&'static str),
    #[error("the envelope has no {0}")]
    Missing(&'static str),
    #[error("content encoding {0:?} is not supported")]
    UnsupportedEncoding(String),
    #[error("{kind} in {api_version} is not a review this server decodes")]
    UnsupportedKind { api_version: String, kind: String },
}

/// A field's value as it appears on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WireValue<'a> {
    Varint(u64),
    Fixed64,
    Bytes(&'a [u8]),
    Group,
    Fixed32,
}

/// Reads fields one by one from a message's bytes.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    fn varint(&mut self) -> Result<u64, ProtobufError> {
        let mut value: u64 = 0;
        for index in 0..10 {
            let (&byte, rest) = self.bytes.split_first().ok_or(ProtobufError::Truncated)?;
            self.bytes = rest;
            if index == 9 && byte > 1 {
                return Err(ProtobufError::VarintTooLong);
            }
            value |= u64::from(byte & 0x7f) << (7 * index);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ProtobufError::VarintTooLong)
    }

    fn take(&mut self, length: u64) -> Result<&'a [u8], ProtobufError> {
        let length = usize::try_from(length).map_err(|_| ProtobufError::Truncated)?;
        if length > self.bytes.len() {
            return Err(ProtobufError::Truncated);
        }
        let (taken, rest) = self.bytes.split_at(length);
        self.bytes = rest;
        Ok(taken)
    }

    /// The next field's number and value, or `None` at the end of the message.
    fn field(&mut self) -> Result<Option<(u32, WireValue<'a>)>, ProtobufError> {
        if self.bytes.is_empty() {
            return Ok(None);
        }
        let (number, wire_type) = self.key()?;
        let value = match wire_type {
            0 => WireValue::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                WireValue::Fixed64
            }
            2 => {
                let length = self.varint()?;
                WireValue::Bytes(self.take(length)?)
            }
            3 => {
                self.skip_group(number, 1)?;
                WireValue::Group
            }
            4 => return Err(ProtobufError::UnmatchedEndGroup),
            5 => {
                self.take(4)?;
                WireValue::Fixed32
            }
            other => return Err(ProtobufError::InvalidWireType(other)),
        };
        Ok(Some((number, value)))
    }

    fn key(&mut self) -> Result<(u32, u8), ProtobufError> {
        let key = self.varint()?;
        let wire_type = (key & 0x7) as u8;
        let number = key >> 3;
        match u32::try_from(number) {
            Ok(number) if (1..=0x1fff_ffff).contains(&number) => Ok((number, wire_type)),
            _ => Err(ProtobufError::InvalidFieldNumber(number)),
        }
    }

    /// Skips the fields of a group up to its end marker.
    fn skip_group(&mut self, number: u32, depth: usize) -> Result<(), ProtobufError> {
        if depth > GROUP_DEPTH_LIMIT {
            return Err(ProtobufError::GroupsTooDeep);
        }
        loop {
            if self.bytes.is_empty() {
                return Err(ProtobufError::Truncated);
            }
            let (inner, wire_type) = self.key()?;
            match wire_type {
                0 => {
                    self.varint()?;
                }
                1 => {
                    self.take(8)?;
                }
                2 => {
                    let length = self.varint()?;
                    self.take(length)?;
                }
                3 => self.skip_group(inner, depth + 1)?,
                4 if inner == number => return Ok(()),
                4 => return Err(ProtobufError::UnmatchedEndGroup),
                5 => {
                    self.take(4)?;
                }
                other => return Err(ProtobufError::InvalidWireType(other)),
            }
        }
    }
}

fn bytes<'a>(value: WireValue<'a>, field: &'static str) -> Result<&'a [u8], ProtobufError> {
    match value {
        WireValue::Bytes(bytes) => Ok(bytes),
        _ => Err(ProtobufError::WrongWireType(field)),
    }
}

fn string(value: WireValue<'_>, field: &'static str) -> Result<String, ProtobufError> {
    let bytes = bytes(value, field)?;
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|_| ProtobufError::InvalidUtf8(field))
}

/// Calls `visit` for every field of a message, in wire order.
fn each_field<'a>(
    message: &'a [u8],
    mut visit: impl FnMut(u32, WireValue<'a>) -> Result<(), ProtobufError>,
) -> Result<(), ProtobufError> {
    let mut reader = Reader::new(message);
    while let Some((number, value)) = reader.field()? {
        visit(number, value)?;
    }
    Ok(())
}

/// Decodes strings fields into a JSON object by field number, leaving out empty ones.
fn string_fields(
    message: &[u8],
    names: &[(u32, &'static str)],
) -> Result<Map<String, Value>, ProtobufError> {
    let mut object = Map::new();
    each_field(message, |number, value| {
        if let Some((_, name)) = names.iter().find(|(candidate, _)| *candidate == number) {
            let text = string(value, name)?;
            if !text.is_empty() {
                object.insert((*name).to_string(), Value::String(text));
            }
        }
        Ok(())
    })?;
    Ok(object)
}

/// The parts of `runtime.Unknown` the simulator needs.
struct Envelope<'a> {
    api_version: String,
    kind: String,
    raw: &'a [u8],
    content_encoding: String,
}

fn decode_envelope(message: &[u8]) -> Result<Envelope<'_>, ProtobufError> {
    let mut type_meta = None;
    let mut raw = None;
    let mut content_encoding = String::new();
    each_field(message, |number, value| {
        match number {
            1 => type_meta = Some(string_fields(bytes(value, "typeMeta")?, TYPE_META)?),
            2 => raw = Some(bytes(value, "raw")?),
            3 => content_encoding = string(value, "contentEncoding")?,
            4 => {
                string(value, "contentType")?;
            }
            _ => {}
        }
        Ok(())
    })?;
    let type_meta = type_meta.ok_or(ProtobufError::Missing("typeMeta"))?;
    let text = |name: &str| {
        type_meta
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Ok(Envelope {
        api_version: text("apiVersion"),
        kind: text("kind"),
        raw: raw.ok_or(ProtobufError::Missing("raw"))?,
        content_encoding,
    })
}

const TYPE_META: &[(u32, &str)] = &[(1, "apiVersion"), (2, "kind")];

const RESOURCE_ATTRIBUTES: &[(u32, &str)] = &[
    (1, "namespace"),
    (2, "verb"),
    (3, "group"),
    (4, "version"),
    (5, "resource"),
    (6, "subresource"),
    (7, "name"),
];

const NON_RESOURCE_ATTRIBUTES: &[(u32, &str)] = &[(1, "path"), (2, "verb")];

/// Decodes a Kubernetes protobuf body holding a `SelfSubjectAccessReview` or a
/// `SelfSubjectRulesReview` into the JSON object kubectl sends when it speaks JSON.
pub fn decode_review(body: &[u8]) -> Result<Value, ProtobufError> {
    let message = body
        .strip_prefix(MAGIC.as_slice())
        .ok_or(ProtobufError::MissingMagic)?;
    let envelope = decode_envelope(message)?;
    if !envelope.content_encoding.is_empty() {
        return Err(ProtobufError::UnsupportedEncoding(
            envelope.content_encoding,
        ));
    }
    let known_version = matches!(
        envelope.api_version.as_str(),
        "authorization.k8s.io/v1" | "authorization.k8s.io/v1beta1"
    );
    let spec = match envelope.kind.as_str() {
        "SelfSubjectAccessReview" if known_version => decode_access_review(envelope.raw)?,
        "SelfSubjectRulesReview" if known_version => decode_rules_review(envelope.raw)?,
        _ => {
            return Err(ProtobufError::UnsupportedKind {
                api_version: envelope.api_version,
                kind: envelope.kind,
            });
        }
    };
    let mut object = Map::new();
    object.insert("kind".into(), Value::String(envelope.kind));
    object.insert("apiVersion".into(), Value::String(envelope.api_version));
    object.insert("metadata".into(), Value::Object(Map::new()));
    object.insert("spec".into(), Value::Object(spec));
    Ok(Value::Object(object))
}

/// The review's spec (field 2); metadata (1) and status (3) are checked and skipped.
fn review_spec(raw: &[u8]) -> Result<&[u8], ProtobufError> {
    let mut spec: &[u8] = &[];
    each_field(raw, |number, value| {
        match number {
            1 => {
                bytes(value, "metadata")?;
            }
            2 => spec = bytes(value, "spec")?,
            3 => {
                bytes(value, "status")?;
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(spec)
}

fn decode_access_review(raw: &[u8]) -> Result<Map<String, Value>, ProtobufError> {
    let mut spec = Map::new();
    each_field(review_spec(raw)?, |number, value| {
        match number {
            1 => {
                let message = bytes(value, "resourceAttributes")?;
                let attributes = decode_resource_attributes(message)?;
                spec.insert("resourceAttributes".into(), Value::Object(attributes));
            }
            2 => {
                let message = bytes(value, "nonResourceAttributes")?;
                let attributes = string_fields(message, NON_RESOURCE_ATTRIBUTES)?;
                spec.insert("nonResourceAttributes".into(), Value::Object(attributes));
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(spec)
}

fn decode_resource_attributes(message: &[u8]) -> Result<Map<String, Value>, ProtobufError> {
    let mut attributes = string_fields(message, RESOURCE_ATTRIBUTES)?;
    each_field(message, |number, value| {
        let name = match number {
            8 => "fieldSelector",
            9 => "labelSelector",
            _ => return Ok(()),
        };
        let selector = decode_selector(bytes(value, name)?)?;
        attributes.insert(name.into(), Value::Object(selector));
        Ok(())
    })?;
    Ok(attributes)
}

/// A field or label selector: `{1 rawSelector, 2 requirements[{1 key, 2 operator, 3 values}]}`.
fn decode_selector(message: &[u8]) -> Result<Map<String, Value>, ProtobufError> {
    let mut selector = string_fields(message, &[(1, "rawSelector")])?;
    let mut requirements = Vec::new();
    each_field(message, |number, value| {
        if number != 2 {
            return Ok(());
        }
        let requirement_bytes = bytes(value, "requirements")?;
        let mut requirement = string_fields(requirement_bytes, &[(1, "key"), (2, "operator")])?;
        let mut values = Vec::new();
        each_field(requirement_bytes, |number, value| {
            if number == 3 {
                values.push(Value::String(string(value, "values")?));
            }
            Ok(())
        })?;
        if !values.is_empty() {
            requirement.insert("values".into(), Value::Array(values));
        }
        requirements.push(Value::Object(requirement));
        Ok(())
    })?;
    if !requirements.is_empty() {
        selector.insert("requirements".into(), Value::Array(requirements));
    }
    Ok(selector)
}

fn decode_rules_review(raw: &[u8]) -> Result<Map<String, Value>, ProtobufError> {
    string_fields(review_spec(raw)?, &[(1, "namespace")])
}

#[cfg(test)]
#[path = "protobuf_tests.rs"]
mod tests;
