//! Rust types for values: workflow inputs from their JSON Schema, step outputs from the OpenAPI
//! response schema along the output's JSON pointer.
//!
//! A schema that allows `null` (OpenAPI 3.0 `nullable: true`, 3.1 `type: [T, "null"]`, `anyOf` or
//! `oneOf` of a schema and a null-only one, an `enum` listing `null`) gives `Option<T>`
//! ([`RustType::Nullable`]); a string `enum` gives a generated enum ([`RustType::Enum`], declared
//! through the caller's [`EnumNamer`], see [`enums`]).

pub mod enums;

use serde_json::Value;

use crate::naming::names_a_secret;
use crate::openapi::OpenApi;
use crate::plan::RustType;

/// Declares the enum of a string `enum` found in a schema and gives its type name: called with the
/// name of the value it types (`status`, `scopes item`) and its values (deduplicated, in order).
pub type EnumNamer<'n> = dyn FnMut(&str, Vec<String>) -> String + 'n;

/// The Rust type for a JSON Schema: `Json` where the schema names no type we map (the caller says so
/// in the docs).
///
/// `resolve` follows `$ref`s; it is given by the caller because inputs resolve against the Arazzo
/// document's components and outputs against the OpenAPI description.
pub fn schema_type<'a>(
    schema: &'a Value,
    name: &str,
    resolve: &dyn Fn(&'a Value) -> Result<&'a Value, String>,
    enums: &mut EnumNamer<'_>,
) -> Result<RustType, String> {
    nested_type(schema, name, resolve, enums, &mut Vec::new())
}

/// Most array schemas nested in each other that become nested `Vec`s.
const MAX_ARRAY_NESTING: usize = 32;

/// [`schema_type`] inside the array schemas `enclosing`: an array whose items `$ref` back to an
/// enclosing array (`Tree: {type: array, items: {$ref: Tree}}`) has `Json` items instead of recursing
/// until the stack overflows.
fn nested_type<'a>(
    schema: &'a Value,
    name: &str,
    resolve: &dyn Fn(&'a Value) -> Result<&'a Value, String>,
    enums: &mut EnumNamer<'_>,
    enclosing: &mut Vec<&'a Value>,
) -> Result<RustType, String> {
    let schema = resolve(schema)?;
    if enclosing.iter().any(|outer| std::ptr::eq(*outer, schema)) {
        return Ok(RustType::Json);
    }
    // `anyOf: [X, {type: null}]`: X, or `null`.
    if let Some(branch) = null_union_branch(schema, resolve)? {
        enclosing.push(schema);
        let ty = nested_type(branch, name, resolve, enums, enclosing);
        enclosing.pop();
        return Ok(RustType::nullable(ty?));
    }
    let primary = primary_type(schema);
    let values = if matches!(primary, Some("string") | None) { string_enum(schema) } else { None };
    let ty = match (primary, values) {
        (Some("string"), _) if is_secret(schema, name) => RustType::Secret,
        (_, Some(values)) => RustType::Enum(enums(name, values)),
        (primary, None) => primitive(primary),
    };
    let ty = match ty {
        RustType::Vec(_) => match schema.get("items") {
            Some(_) if enclosing.len() >= MAX_ARRAY_NESTING => {
                return Err(format!("array schemas nested more than {MAX_ARRAY_NESTING} levels deep"));
            }
            Some(items) => {
                enclosing.push(schema);
                let item = nested_type(items, &format!("{name} item"), resolve, enums, enclosing);
                enclosing.pop();
                RustType::Vec(Box::new(item?))
            }
            None => RustType::Vec(Box::new(RustType::Json)),
        },
        other => other,
    };
    Ok(if is_nullable(schema) { RustType::nullable(ty) } else { ty })
}

/// The type a plain `type` names (an array's items are filled in by the caller).
fn primitive(primary: Option<&str>) -> RustType {
    match primary {
        Some("string") => RustType::String,
        Some("integer") => RustType::I64,
        Some("number") => RustType::F64,
        Some("boolean") => RustType::Bool,
        Some("array") => RustType::Vec(Box::new(RustType::Json)),
        _ => RustType::Json,
    }
}

/// The one non-null type a schema declares: `type: string` or, in 3.1, `type: [string, "null"]`.
fn primary_type(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(name) => Some(name),
        Value::Array(names) => {
            let mut non_null = names.iter().filter_map(Value::as_str).filter(|name| *name != "null");
            let first = non_null.next()?;
            non_null.next().is_none().then_some(first)
        }
        _ => None,
    }
}

/// Most values a string `enum` may list to become a Rust enum; a longer list stays a `String`. A
/// Rust enum of a value that can take thousands of values is no easier to use than the string, and
/// its code (five items per value) would make the module slow to compile.
pub const MAX_ENUM_VALUES: usize = 1024;

/// The values of a string `enum` (`null` left out, duplicates once), when every other value is a
/// string, there is one at least and at most [`MAX_ENUM_VALUES`]. A schema with another `type` is not
/// one; without `type`, the values decide.
fn string_enum(schema: &Value) -> Option<Vec<String>> {
    let values = schema.get("enum")?.as_array()?;
    if values.len() > MAX_ENUM_VALUES + 1 {
        return None;
    }
    let mut seen = std::collections::HashSet::new();
    let mut strings: Vec<String> = Vec::new();
    for value in values {
        match value {
            Value::Null => {}
            Value::String(text) => {
                if seen.insert(text.as_str()) {
                    strings.push(text.clone());
                }
            }
            _ => return None,
        }
    }
    (!strings.is_empty() && strings.len() <= MAX_ENUM_VALUES).then_some(strings)
}

/// A string carries a credential when its schema says so (`format: password`, `writeOnly`) or its
/// name does (see [`names_a_secret`]).
fn is_secret(schema: &Value, name: &str) -> bool {
    schema.get("format").and_then(Value::as_str) == Some("password")
        || schema.get("writeOnly").and_then(Value::as_bool) == Some(true)
        || names_a_secret(name)
}

/// The type of `$response.body#<pointer>` for an output named `name`, from the response schema.
/// Returns `Json` where the schema says nothing about that location.
pub fn output_type(
    openapi: &OpenApi,
    body_schema: Option<&Value>,
    pointer: &str,
    name: &str,
    enums: &mut EnumNamer<'_>,
) -> Result<RustType, String> {
    let Some(schema) = body_schema else {
        return Ok(secret_or(RustType::Json, name));
    };
    let tokens: Vec<std::borrow::Cow<'_, str>> = pointer.split('/').skip(1).map(crate::load::unescape_token).collect();
    let tokens: Vec<&str> = tokens.iter().map(AsRef::as_ref).collect();
    match openapi.schema_at_pointer(schema, &tokens)? {
        Some(found) => {
            let ty = schema_type(found, name, &|value| openapi.resolve(value), enums)?;
            Ok(secret_or(ty, name))
        }
        None => Ok(secret_or(RustType::Json, name)),
    }
}

/// Whether the schema allows `null` besides its type: `nullable: true` (OpenAPI 3.0), `null` among
/// the types (3.1), or, without a `type`, `null` among the `enum` values.
fn is_nullable(schema: &Value) -> bool {
    let types = schema.get("type");
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
        || types.and_then(Value::as_array).is_some_and(|types| types.iter().any(|ty| ty == "null"))
        || (types.is_none()
            && schema.get("enum").and_then(Value::as_array).is_some_and(|values| values.contains(&Value::Null)))
}

/// The other branch of `anyOf` (or `oneOf`) `[X, {type: null}]`, in either order, when the schema
/// has nothing else that types it (a `type`, `properties`).
fn null_union_branch<'a>(
    schema: &'a Value,
    resolve: &dyn Fn(&'a Value) -> Result<&'a Value, String>,
) -> Result<Option<&'a Value>, String> {
    if schema.get("type").is_some() || schema.get("properties").is_some() {
        return Ok(None);
    }
    for keyword in ["anyOf", "oneOf"] {
        let Some([first, second]) = schema.get(keyword).and_then(Value::as_array).map(Vec::as_slice) else {
            continue;
        };
        match (is_null_only(resolve(first)?), is_null_only(resolve(second)?)) {
            (true, false) => return Ok(Some(second)),
            (false, true) => return Ok(Some(first)),
            _ => {}
        }
    }
    Ok(None)
}

/// `{type: "null"}` (or `{type: ["null"]}`, or `{enum: [null]}`): a schema only `null` fits.
fn is_null_only(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(ty)) => ty == "null",
        Some(Value::Array(types)) => !types.is_empty() && types.iter().all(|ty| ty == "null"),
        Some(_) => false,
        None => schema.get("enum").and_then(Value::as_array).is_some_and(|values| values == &[Value::Null]),
    }
}

/// A value whose name says it is a secret is kept secret even when the schema is silent, as long as it
/// can be a string.
fn secret_or(ty: RustType, name: &str) -> RustType {
    if matches!(ty, RustType::Json) && names_a_secret(name) { RustType::Secret } else { ty }
}

#[cfg(test)]
mod tests;
