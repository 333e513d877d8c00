//! JSON patch (RFC 6902) over `serde_json::Value` with JSON pointers (RFC 6901): `add`,
//! `remove`, `replace`, `move`, `copy` and `test`, applied all or nothing. It must not
//! know anything about Kubernetes objects.

use serde_json::Value;

use super::PatchError;

/// Applies a list of JSON patch operations; on any failure the target is left unchanged.
pub fn json_patch(target: &mut Value, operations: &Value) -> Result<(), PatchError> {
    let Value::Array(operations) = operations else {
        return Err(PatchError::NotAnOperationList);
    };
    let mut document = target.clone();
    for (index, operation) in operations.iter().enumerate() {
        apply(&mut document, operation)
            .map_err(|reason| PatchError::Operation { index, reason })?;
    }
    *target = document;
    Ok(())
}

fn apply(document: &mut Value, operation: &Value) -> Result<(), String> {
    let member = |name: &str| {
        operation
            .get(name)
            .ok_or_else(|| format!("missing member {name:?}"))
    };
    let text_member = |name: &str| {
        member(name)?
            .as_str()
            .ok_or_else(|| format!("member {name:?} must be a string"))
    };
    let path = parse_pointer(text_member("path")?)?;
    match text_member("op")? {
        "add" => add(document, &path, member("value")?.clone()),
        "remove" => remove(document, &path).map(drop),
        "replace" => {
            let slot = locate(document, &path)?;
            *slot = member("value")?.clone();
            Ok(())
        }
        "move" => {
            let from = parse_pointer(text_member("from")?)?;
            if from == path {
                return locate(document, &from).map(drop);
            }
            if path.starts_with(&from) {
                return Err("cannot move a value into one of its own children".into());
            }
            let value = remove(document, &from)?;
            add(document, &path, value)
        }
        "copy" => {
            let from = parse_pointer(text_member("from")?)?;
            let value = locate(document, &from)?.clone();
            add(document, &path, value)
        }
        "test" => {
            let expected = member("value")?;
            let actual = locate(document, &path)?;
            if json_equal(actual, expected) {
                Ok(())
            } else {
                Err(format!(
                    "test failed: {} is not {expected}",
                    text_member("path")?
                ))
            }
        }
        other => Err(format!("unknown operation {other:?}")),
    }
}

/// Splits a JSON pointer into unescaped reference tokens.
fn parse_pointer(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(format!("pointer {pointer:?} must start with '/'"));
    };
    rest.split('/')
        .map(|token| {
            let mut unescaped = String::with_capacity(token.len());
            let mut characters = token.chars();
            while let Some(character) = characters.next() {
                if character != '~' {
                    unescaped.push(character);
                    continue;
                }
                match characters.next() {
                    Some('0') => unescaped.push('~'),
                    Some('1') => unescaped.push('/'),
                    _ => return Err(format!("pointer {pointer:?} has an invalid '~' escape")),
                }
            }
            Ok(unescaped)
        })
        .collect()
}

/// An array index token: digits without a leading zero.
fn parse_index(token: &str) -> Result<usize, String> {
    let canonical = token == "0" || (!token.starts_with('0') && !token.is_empty());
    if !canonical || !token.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(format!("{token:?} is not an array index"));
    }
    token
        .parse()
        .map_err(|_| format!("{token:?} is not an array index"))
}

fn locate<'a>(document: &'a mut Value, path: &[String]) -> Result<&'a mut Value, String> {
    let mut current = document;
    for token in path {
        current = match current {
            Value::Object(members) => members.get_mut(token),
            Value::Array(items) => items.get_mut(parse_index(token)?),
            _ => None,
        }
        .ok_or_else(|| format!("path element {token:?} does not exist"))?;
    }
    Ok(current)
}

fn add(document: &mut Value, path: &[String], value: Value) -> Result<(), String> {
    let Some((last, parent_path)) = path.split_last() else {
        *document = value;
        return Ok(());
    };
    match locate(document, parent_path)? {
        Value::Object(members) => {
            members.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(items) => {
            let index = if last == "-" {
                items.len()
            } else {
                parse_index(last)?
            };
            if index > items.len() {
                return Err(format!("index {index} is past the end of the array"));
            }
            items.insert(index, value);
            Ok(())
        }
        _ => Err(format!(
            "cannot add {last:?} to a value that is not a container"
        )),
    }
}

fn remove(document: &mut Value, path: &[String]) -> Result<Value, String> {
    let Some((last, parent_path)) = path.split_last() else {
        return Err("cannot remove the whole document".into());
    };
    match locate(document, parent_path)? {
        Value::Object(members) => members
            .remove(last)
            .ok_or_else(|| format!("path element {last:?} does not exist")),
        Value::Array(items) => {
            let index = parse_index(last)?;
            if index >= items.len() {
                return Err(format!("index {index} is out of range"));
            }
            Ok(items.remove(index))
        }
        _ => Err(format!("path element {last:?} does not exist")),
    }
}

/// JSON equality as RFC 6902 `test` defines it: numbers compare by value.
fn json_equal(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(left), Value::Number(right)) => {
            match (left.as_i64(), right.as_i64(), left.as_u64(), right.as_u64()) {
                (Some(left), Some(right), _, _) => left == right,
                (_, _, Some(left), Some(right)) => left == right,
                _ => left.as_f64() == right.as_f64(),
            }
        }
        (Value::Array(left), Value::Array(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .zip(right)
                    .all(|(left, right)| json_equal(left, right))
        }
        (Value::Object(left), Value::Object(right)) => {
            left.len() == right.len()
                && left.iter().all(|(name, value)| {
                    right
                        .get(name)
                        .is_some_and(|other| json_equal(value, other))
                })
        }
        _ => left == right,
    }
}
