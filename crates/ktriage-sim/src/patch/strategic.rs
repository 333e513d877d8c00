//! Strategic merge patch, as kubectl sends it for pods (`kubectl debug`, `kubectl patch`):
//! maps merge, `null` deletes a member, lists merge by the key the Kubernetes API declares
//! for them (containers by `name`, volume mounts by `mountPath`, ports by `containerPort`,
//! ...) or are replaced, and the `$patch`, `$setElementOrder/…`, `$retainKeys` and
//! `$deleteFromPrimitiveList/…` directives are honoured. Merge keys come from a table by
//! field name, not from an OpenAPI schema; this module must not grow per-kind logic.

use serde_json::{Map, Value};

use super::PatchError;

const PATCH_DIRECTIVE: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ELEMENT_ORDER: &str = "$setElementOrder/";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList/";

/// How the elements of a list are patched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListStrategy {
    /// Elements are objects merged by the value of this member.
    Keyed(&'static str),
    /// Elements are scalars; the patch adds the ones missing.
    PrimitiveUnion,
    /// The patch's list replaces the old one.
    Replace,
}

/// The strategies the Pod API (with its metadata and status) declares for its lists.
fn list_strategy(field: &str) -> ListStrategy {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "schedulingGates"
        | "resourceClaims" => ListStrategy::Keyed("name"),
        "volumeMounts" => ListStrategy::Keyed("mountPath"),
        "volumeDevices" => ListStrategy::Keyed("devicePath"),
        "ports" => ListStrategy::Keyed("containerPort"),
        "hostAliases" | "podIPs" | "hostIPs" => ListStrategy::Keyed("ip"),
        "ownerReferences" => ListStrategy::Keyed("uid"),
        "conditions" => ListStrategy::Keyed("type"),
        "topologySpreadConstraints" => ListStrategy::Keyed("topologyKey"),
        "finalizers" => ListStrategy::PrimitiveUnion,
        _ => ListStrategy::Replace,
    }
}

/// Whether a merged map stays, or a `$patch: delete` removed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Keep,
    Delete,
}

/// Applies a two-way strategic merge patch to an object.
pub fn strategic_merge_patch(target: &mut Value, patch: &Value) -> Result<(), PatchError> {
    let Value::Object(patch) = patch else {
        return Err(PatchError::PatchNotObject);
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(target_map) = target else {
        return Ok(());
    };
    let mut merged = target_map.clone();
    if merge_map(&mut merged, patch)? == Outcome::Delete {
        merged.clear();
    }
    *target_map = merged;
    Ok(())
}

fn merge_map(
    target: &mut Map<String, Value>,
    patch: &Map<String, Value>,
) -> Result<Outcome, PatchError> {
    for name in patch.keys().filter(|name| name.starts_with('$')) {
        let known = name == PATCH_DIRECTIVE
            || name == RETAIN_KEYS
            || name.starts_with(SET_ELEMENT_ORDER)
            || name.starts_with(DELETE_FROM_PRIMITIVE_LIST);
        if !known {
            return Err(PatchError::UnknownDirective(name.clone()));
        }
    }
    match patch.get(PATCH_DIRECTIVE).map(|value| value.as_str()) {
        None | Some(Some("merge")) => {}
        Some(Some("replace")) => {
            let mut fresh = Map::new();
            let mut without_directive = patch.clone();
            without_directive.remove(PATCH_DIRECTIVE);
            merge_map(&mut fresh, &without_directive)?;
            *target = fresh;
            return Ok(Outcome::Keep);
        }
        Some(Some("delete")) => return Ok(Outcome::Delete),
        Some(_) => return Err(invalid(PATCH_DIRECTIVE, "must be merge, replace or delete")),
    }
    let retained = match patch.get(RETAIN_KEYS) {
        None => None,
        Some(Value::Array(keys)) => Some(
            keys.iter()
                .map(|key| key.as_str().map(str::to_string))
                .collect::<Option<Vec<String>>>()
                .ok_or_else(|| invalid(RETAIN_KEYS, "must be a list of strings"))?,
        ),
        Some(_) => return Err(invalid(RETAIN_KEYS, "must be a list of strings")),
    };
    for (name, value) in patch {
        if let Some(field) = name.strip_prefix(DELETE_FROM_PRIMITIVE_LIST) {
            let Value::Array(removed) = value else {
                return Err(invalid(name, "must be a list"));
            };
            if let Some(Value::Array(items)) = target.get_mut(field) {
                items.retain(|item| !removed.contains(item));
            }
        }
    }
    for (name, value) in patch.iter().filter(|(name, _)| !name.starts_with('$')) {
        match value {
            Value::Null => {
                target.remove(name);
            }
            Value::Object(patch_map) => {
                let outcome = match target.get_mut(name) {
                    Some(Value::Object(existing)) => merge_map(existing, patch_map)?,
                    _ => {
                        let mut fresh = Map::new();
                        let outcome = merge_map(&mut fresh, patch_map)?;
                        target.insert(name.clone(), Value::Object(fresh));
                        outcome
                    }
                };
                if outcome == Outcome::Delete {
                    target.remove(name);
                }
            }
            Value::Array(patch_list) => {
                let existing = match target.remove(name) {
                    Some(Value::Array(items)) => items,
                    _ => Vec::new(),
                };
                let merged = merge_list(name, existing, patch_list)?;
                target.insert(name.clone(), Value::Array(merged));
            }
            scalar => {
                target.insert(name.clone(), scalar.clone());
            }
        }
    }
    for (name, value) in patch {
        if let Some(field) = name.strip_prefix(SET_ELEMENT_ORDER) {
            let Value::Array(order) = value else {
                return Err(invalid(name, "must be a list"));
            };
            if let Some(Value::Array(items)) = target.get_mut(field) {
                reorder(items, order, list_strategy(field));
            }
        }
    }
    if let Some(retained) = retained {
        target.retain(|name, _| retained.contains(name));
    }
    Ok(Outcome::Keep)
}

fn merge_list(
    field: &str,
    mut items: Vec<Value>,
    patch: &[Value],
) -> Result<Vec<Value>, PatchError> {
    let key = match list_strategy(field) {
        ListStrategy::Replace => return Ok(patch.to_vec()),
        ListStrategy::PrimitiveUnion => {
            for item in patch {
                if !items.contains(item) {
                    items.push(item.clone());
                }
            }
            return Ok(items);
        }
        ListStrategy::Keyed(key) => key,
    };
    if patch
        .iter()
        .any(|element| directive(element) == Some("replace"))
    {
        let mut replaced = Vec::new();
        for element in patch.iter().filter(|element| directive(element).is_none()) {
            let Value::Object(element) = element else {
                return Err(PatchError::ListElementNotObject(field.to_string()));
            };
            let mut fresh = Map::new();
            if merge_map(&mut fresh, element)? == Outcome::Keep {
                replaced.push(Value::Object(fresh));
            }
        }
        return Ok(replaced);
    }
    for element in patch {
        let Value::Object(element_map) = element else {
            return Err(PatchError::ListElementNotObject(field.to_string()));
        };
        let Some(key_value) = element_map.get(key) else {
            return Err(PatchError::MissingMergeKey {
                field: field.to_string(),
                key,
            });
        };
        let position = items
            .iter()
            .position(|item| item.get(key) == Some(key_value));
        if directive(element) == Some("delete") {
            items.retain(|item| item.get(key) != Some(key_value));
            continue;
        }
        match position
            .and_then(|position| Some((position, items.get_mut(position)?.as_object_mut()?)))
        {
            Some((position, existing)) => {
                if merge_map(existing, element_map)? == Outcome::Delete {
                    items.remove(position);
                }
            }
            None => {
                let mut fresh = Map::new();
                if merge_map(&mut fresh, element_map)? == Outcome::Keep {
                    items.push(Value::Object(fresh));
                }
            }
        }
    }
    Ok(items)
}

fn directive(element: &Value) -> Option<&str> {
    element.get(PATCH_DIRECTIVE).and_then(Value::as_str)
}

/// Puts the elements named in a `$setElementOrder` list first, in that order; the others
/// follow in their present order.
fn reorder(items: &mut Vec<Value>, order: &[Value], strategy: ListStrategy) {
    let matches = |item: &Value, wanted: &Value| match strategy {
        ListStrategy::Keyed(key) => item.get(key).is_some() && item.get(key) == wanted.get(key),
        ListStrategy::PrimitiveUnion | ListStrategy::Replace => item == wanted,
    };
    let mut remaining = std::mem::take(items);
    for wanted in order {
        if let Some(position) = remaining.iter().position(|item| matches(item, wanted)) {
            items.push(remaining.remove(position));
        }
    }
    items.extend(remaining);
}

fn invalid(directive: &str, reason: &'static str) -> PatchError {
    PatchError::InvalidDirective {
        directive: directive.to_string(),
        reason,
    }
}
