//! Following `$ref`s and walking JSON pointers through schemas.
//!
//! [`schema_at_pointer`] answers "what does the schema say about the value at `/a/0/b`?":
//! - every schema met is first resolved (`$ref` chains, local only);
//! - object token: `properties/<token>`, else `additionalProperties` when it is a schema;
//! - numeric token: `prefixItems/<n>` (3.1 tuples), else `items/<n>` when `items` is an array (old
//!   tuple form), else `items`;
//! - `allOf`: the schema's own keywords first, then each branch in order, first answer wins;
//! - `oneOf`/`anyOf`: an answer only when every branch answers the same (branches that only allow
//!   `null` are ignored, so `anyOf: [X, {type: null}]` behaves as X), else none;
//! - the answer is resolved; `type: [string, "null"]` and other keywords are returned as written.

use serde_json::{Map, Value};

/// Longest `$ref` chain followed before giving up.
const MAX_REF_CHAIN: usize = 64;
/// Deepest recursion of one walk: pointer tokens plus `allOf`/`oneOf`/`anyOf` hops (guards cyclic
/// schemas such as `A: {allOf: [A]}`).
const MAX_SCHEMA_DEPTH: usize = 128;
/// Most schemas one walk may visit (guards wide unions nested in each other).
const MAX_SCHEMA_VISITS: usize = 10_000;

pub(super) fn resolve<'a>(root: &'a Value, mut value: &'a Value) -> Result<&'a Value, String> {
    let mut chain: Vec<&str> = Vec::new();
    loop {
        let Some(reference) = value.as_object().and_then(|o| o.get("$ref")) else {
            return Ok(value);
        };
        let Some(reference) = reference.as_str() else {
            return Err("`$ref` must be a string".to_string());
        };
        if chain.contains(&reference) {
            return Err(format!("cyclic $ref chain: {} -> {reference}", chain.join(" -> ")));
        }
        if chain.len() >= MAX_REF_CHAIN {
            return Err(format!("$ref chain longer than {MAX_REF_CHAIN} references at `{reference}`"));
        }
        chain.push(reference);
        value = target(root, reference)?;
    }
}

/// [`resolve`], also giving the JSON pointer of the value reached: `pointer` (where `value` is
/// written) when it is no reference, else the target of the last reference followed.
pub(super) fn resolve_at<'a>(root: &'a Value, value: &'a Value, pointer: &str) -> Result<(&'a Value, String), String> {
    let resolved = resolve(root, value)?;
    if std::ptr::eq(resolved, value) {
        return Ok((resolved, pointer.to_string()));
    }
    // The chain resolved: its last reference names where the value is.
    let mut current = value;
    let mut at = pointer.to_string();
    while let Some(reference) = current.get("$ref").and_then(Value::as_str) {
        let fragment = reference.trim_start_matches('#');
        at = if fragment.contains('%') { percent_decode(fragment) } else { fragment.to_string() };
        current = target(root, reference)?;
    }
    Ok((resolved, at))
}

/// The value a local reference (`#/components/schemas/A`) points at.
pub(super) fn target<'a>(root: &'a Value, reference: &str) -> Result<&'a Value, String> {
    let Some(fragment) = reference.strip_prefix('#') else {
        return Err(format!(
            "external $ref not supported: `{reference}` (only `#/...` references within the same file)"
        ));
    };
    let pointer = if fragment.contains('%') { percent_decode(fragment) } else { fragment.to_string() };
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(format!("unsupported $ref `{reference}`: only JSON pointers (`#/...`) are supported"));
    }
    root.pointer(&pointer).ok_or_else(|| format!("dangling $ref `{reference}`: nothing at that location"))
}

pub(super) fn schema_at_pointer<'a>(
    root: &'a Value,
    schema: &'a Value,
    tokens: &[&str],
) -> Result<Option<&'a Value>, String> {
    let mut visits = MAX_SCHEMA_VISITS;
    walk(root, schema, tokens, 0, &mut visits)
}

fn walk<'a>(
    root: &'a Value,
    schema: &'a Value,
    tokens: &[&str],
    depth: usize,
    visits: &mut usize,
) -> Result<Option<&'a Value>, String> {
    if depth > MAX_SCHEMA_DEPTH || *visits == 0 {
        return Err("schema too deeply nested or cyclic (allOf/oneOf/anyOf, or a very long pointer)".to_string());
    }
    *visits -= 1;
    let schema = resolve(root, schema)?;
    let Some((token, rest)) = tokens.split_first() else {
        return Ok(Some(schema));
    };
    let Some(object) = schema.as_object() else {
        return Ok(None);
    };
    if let Some(child) = own_child(object, token)
        && let Some(found) = walk(root, child, rest, depth + 1, visits)?
    {
        return Ok(Some(found));
    }
    if let Some(branches) = object.get("allOf").and_then(Value::as_array) {
        for branch in branches {
            if let Some(found) = walk(root, branch, tokens, depth + 1, visits)? {
                return Ok(Some(found));
            }
        }
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(branches) = object.get(keyword).and_then(Value::as_array)
            && let Some(found) = agreed(root, branches, tokens, depth + 1, visits)?
        {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// The answer all (non-null) branches give, if they give the same one.
fn agreed<'a>(
    root: &'a Value,
    branches: &'a [Value],
    tokens: &[&str],
    depth: usize,
    visits: &mut usize,
) -> Result<Option<&'a Value>, String> {
    let mut answer: Option<&Value> = None;
    for branch in branches {
        if is_null_only(resolve(root, branch)?) {
            continue;
        }
        match (walk(root, branch, tokens, depth, visits)?, answer) {
            (None, _) => return Ok(None),
            (Some(found), None) => answer = Some(found),
            (Some(found), Some(previous)) if std::ptr::eq(found, previous) || found == previous => {}
            (Some(_), Some(_)) => return Ok(None),
        }
    }
    Ok(answer)
}

fn own_child<'a>(object: &'a Map<String, Value>, token: &str) -> Option<&'a Value> {
    if let Some(child) = object.get("properties").and_then(|p| p.get(token)) {
        return Some(child);
    }
    if let Some(index) = array_index(token) {
        if let Some(child) = object.get("prefixItems").and_then(|p| p.get(index)) {
            return Some(child);
        }
        match object.get("items") {
            Some(Value::Array(tuple)) => return tuple.get(index),
            Some(items @ Value::Object(_)) => return Some(items),
            _ => {}
        }
    }
    object.get("additionalProperties").filter(|a| a.is_object())
}

/// A JSON-pointer array index: `0` or digits without a leading zero.
fn array_index(token: &str) -> Option<usize> {
    let canonical = token == "0" || (!token.starts_with('0') && !token.is_empty());
    if canonical && token.bytes().all(|b| b.is_ascii_digit()) { token.parse().ok() } else { None }
}

/// `{type: "null"}` (or `{type: ["null"]}`, or 3.0 `{nullable: true}` alone): a branch that only adds null.
fn is_null_only(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return false;
    };
    match object.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().all(|t| t == "null"),
        Some(_) => false,
        None => object.len() == 1 && object.get("nullable") == Some(&Value::Bool(true)),
    }
}

/// Splits a JSON pointer (`/a~1b/0`, an optional leading `#` allowed) into decoded tokens.
pub fn split_pointer(pointer: &str) -> Vec<String> {
    let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
    let pointer = pointer.strip_prefix('/').unwrap_or(pointer);
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer.split('/').map(|token| crate::load::unescape_token(token).into_owned()).collect()
}

/// Decodes `%XX` escapes (URI fragments); malformed escapes are kept as written.
pub(super) fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_keeps_malformed_escapes() {
        assert_eq!(percent_decode("/paths/~1a~1%7Bid%7D"), "/paths/~1a~1{id}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn pointers_split_into_decoded_tokens() {
        assert_eq!(split_pointer(""), Vec::<String>::new());
        assert_eq!(split_pointer("#/a~1b/~01"), vec!["a/b", "~1"]);
        assert_eq!(split_pointer("/api_keys/0/api_key_id"), vec!["api_keys", "0", "api_key_id"]);
    }

    #[test]
    fn array_indexes_are_canonical() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("12"), Some(12));
        assert_eq!(array_index("01"), None);
        assert_eq!(array_index("-1"), None);
        assert_eq!(array_index(""), None);
    }
}
