//! How the store writes and reads its pieces: `continue` tokens (the
//! resourceVersion of the snapshot and the last key served, base64 as the
//! apiserver's are), object keys, and a stored object built from JSON.
//!
//! It keeps no state and decides nothing about what is stored; the store
//! calls it.

use bytes::Bytes;
use serde_json::Value;

use super::resources::ResourceType;
use super::status::ApiError;
use super::store::{ObjectKey, StoredObject};

pub const CONTINUE_EXPIRED: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

pub fn encode_continue(resource_version: u64, key: &ObjectKey) -> String {
    use base64::Engine;
    let start = format!("{}/{}\u{0}", key.0, key.1);
    let token = serde_json::json!({"v": "meta.k8s.io/v1", "rv": resource_version, "start": start});
    base64::engine::general_purpose::URL_SAFE.encode(token.to_string())
}

pub fn decode_continue(token: &str) -> Result<(u64, ObjectKey), ApiError> {
    use base64::Engine;
    let invalid = || {
        ApiError::bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        )
    };
    let bytes = base64::engine::general_purpose::URL_SAFE
        .decode(token)
        .or_else(|_| base64::engine::general_purpose::STANDARD.decode(token))
        .map_err(|_| invalid())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    let resource_version = value["rv"].as_u64().ok_or_else(invalid)?;
    let start = value["start"].as_str().ok_or_else(invalid)?;
    let start = start.strip_suffix('\u{0}').unwrap_or(start);
    let (namespace, name) = start.split_once('/').ok_or_else(invalid)?;
    Ok((resource_version, (namespace.to_string(), name.to_string())))
}

pub fn object_key(resource: &ResourceType, value: &Value) -> ObjectKey {
    let metadata = &value["metadata"];
    let namespace = if resource.namespaced {
        metadata["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    } else {
        String::new()
    };
    (
        namespace,
        metadata["name"].as_str().unwrap_or_default().to_string(),
    )
}

pub fn set_resource_version(value: &mut Value, resource_version: u64) {
    value["metadata"]["resourceVersion"] = Value::String(resource_version.to_string());
}

pub fn stored_object(
    resource: &'static ResourceType,
    value: &Value,
    resource_version: u64,
) -> Result<StoredObject, ApiError> {
    let (namespace, name) = object_key(resource, value);
    let labels = value["metadata"]["labels"]
        .as_object()
        .map(|labels| {
            labels
                .iter()
                .map(|(key, value)| (key.clone(), value.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let fields = super::fields::selectable(resource, value);
    let json = Bytes::from(
        serde_json::to_vec(value).map_err(|error| ApiError::internal(error.to_string()))?,
    );
    Ok(StoredObject {
        resource,
        namespace,
        name,
        resource_version,
        labels,
        fields,
        json,
    })
}
