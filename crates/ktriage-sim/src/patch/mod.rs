//! The patches the simulator applies to stored objects, on `serde_json::Value`: JSON merge
//! patch (RFC 7386), strategic merge patch with the merge keys of the Pod API, JSON patch
//! (RFC 6902), and the apiserver's validation of updates through the
//! `pods/ephemeralcontainers` subresource with its `Invalid` error message. Pure functions
//! over values: nothing here stores objects, speaks HTTP or knows about other kinds'
//! schemas beyond the merge keys listed in `strategic`.

mod ephemeral;
mod json_patch;
mod strategic;

#[cfg(test)]
mod tests;

pub use ephemeral::{
    FieldCause, drop_non_ephemeral_changes, invalid_message, validate_ephemeral_update,
};
pub use json_patch::json_patch;
pub use strategic::strategic_merge_patch;

use serde_json::{Map, Value};

/// Why a patch could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    #[error("the patch must be a JSON object")]
    PatchNotObject,
    #[error("unknown patch directive {0:?}")]
    UnknownDirective(String),
    #[error("invalid {directive}: {reason}")]
    InvalidDirective {
        directive: String,
        reason: &'static str,
    },
    #[error("map does not contain declared merge key: {key} (in list {field:?})")]
    MissingMergeKey { field: String, key: &'static str },
    #[error("elements of list {0:?} must be objects")]
    ListElementNotObject(String),
    #[error("a JSON patch must be an array of operations")]
    NotAnOperationList,
    #[error("JSON patch operation {index}: {reason}")]
    Operation { index: usize, reason: String },
}

/// Applies a JSON merge patch (RFC 7386): objects merge member by member, `null` removes
/// a member, anything else replaces.
pub fn json_merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(target_members) = target else {
        return;
    };
    for (name, value) in members {
        if value.is_null() {
            target_members.remove(name);
        } else {
            let slot = target_members.entry(name.clone()).or_insert(Value::Null);
            json_merge_patch(slot, value);
        }
    }
}
