//! Rust types for values: workflow inputs from their JSON Schema, step outputs from the OpenAPI
//! response schema along the output's JSON pointer.

use serde_json::Value;

use crate::naming::names_a_secret;
use crate::openapi::OpenApi;
use crate::plan::RustType;

/// The Rust type for a JSON Schema, or `None` when the schema names no type we map (the caller falls
/// back to `serde_json::Value` and says so in the docs).
///
/// `resolve` follows `$ref`s; it is given by the caller because inputs resolve against the Arazzo
/// document's components and outputs against the OpenAPI description.
pub fn schema_type<'a>(
    schema: &'a Value,
    name: &str,
    resolve: &dyn Fn(&'a Value) -> Result<&'a Value, String>,
) -> Result<RustType, String> {
    nested_type(schema, name, resolve, &mut Vec::new())
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
    enclosing: &mut Vec<&'a Value>,
) -> Result<RustType, String> {
    let schema = resolve(schema)?;
    if enclosing.iter().any(|outer| std::ptr::eq(*outer, schema)) {
        return Ok(RustType::Json);
    }
    let ty = match primary_type(schema) {
        Some("string") if is_secret(schema, name) => RustType::Secret,
        Some("string") => RustType::String,
        Some("integer") => RustType::I64,
        Some("number") => RustType::F64,
        Some("boolean") => RustType::Bool,
        Some("array") if enclosing.len() >= MAX_ARRAY_NESTING => {
            return Err(format!("array schemas nested more than {MAX_ARRAY_NESTING} levels deep"));
        }
        Some("array") => match schema.get("items") {
            Some(items) => {
                enclosing.push(schema);
                let item = nested_type(items, "", resolve, enclosing);
                enclosing.pop();
                RustType::Vec(Box::new(item?))
            }
            None => RustType::Vec(Box::new(RustType::Json)),
        },
        _ => RustType::Json,
    };
    Ok(ty)
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
) -> Result<RustType, String> {
    let Some(schema) = body_schema else {
        return Ok(secret_or(RustType::Json, name));
    };
    let tokens: Vec<std::borrow::Cow<'_, str>> = pointer.split('/').skip(1).map(crate::load::unescape_token).collect();
    let tokens: Vec<&str> = tokens.iter().map(AsRef::as_ref).collect();
    match openapi.schema_at_pointer(schema, &tokens)? {
        Some(found) => {
            let ty = schema_type(found, name, &|value| openapi.resolve(value))?;
            // A nullable value read as a plain type would fail the step on a `null` the schema allows;
            // as JSON it passes. A secret stays a secret (a `null` key is an error worth seeing).
            let nullable = openapi.resolve(found).is_ok_and(is_nullable);
            if nullable && ty != RustType::Secret && !names_a_secret(name) {
                return Ok(RustType::Json);
            }
            Ok(secret_or(ty, name))
        }
        None => Ok(secret_or(RustType::Json, name)),
    }
}

/// `nullable: true` (OpenAPI 3.0) or `null` among the types (3.1).
pub(crate) fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
        || schema.get("type").and_then(Value::as_array).is_some_and(|types| types.iter().any(|ty| ty == "null"))
}

/// A value whose name says it is a secret is kept secret even when the schema is silent, as long as it
/// can be a string.
fn secret_or(ty: RustType, name: &str) -> RustType {
    if matches!(ty, RustType::Json) && names_a_secret(name) { RustType::Secret } else { ty }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_refs(value: &Value) -> Result<&Value, String> {
        Ok(value)
    }

    #[test]
    fn maps_json_schema_types() {
        let cases = [
            (json!({"type": "string"}), "comment", RustType::String),
            (json!({"type": "string"}), "apiKey", RustType::Secret),
            (json!({"type": "string", "format": "password"}), "pin", RustType::Secret),
            (json!({"type": "integer"}), "n", RustType::I64),
            (json!({"type": ["integer", "null"]}), "n", RustType::I64),
            (json!({"type": "number"}), "n", RustType::F64),
            (json!({"type": "boolean"}), "n", RustType::Bool),
            (
                json!({"type": "array", "items": {"type": "string"}}),
                "scopes",
                RustType::Vec(Box::new(RustType::String)),
            ),
            (json!({"type": "object"}), "o", RustType::Json),
            (json!({}), "o", RustType::Json),
        ];
        for (schema, name, expected) in cases {
            assert_eq!(schema_type(&schema, name, &no_refs).unwrap(), expected, "{schema} {name}");
        }
    }
}
