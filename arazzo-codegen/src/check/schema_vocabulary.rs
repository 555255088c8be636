//! The workflow inputs' JSON Schema checked against the JSON Schema vocabulary: a misspelt keyword
//! (`requried`) or type (`intger`) would otherwise be ignored and silently change the generated
//! inputs (a required input becoming optional, an integer a `serde_json::Value`).
//!
//! Known: every keyword of JSON Schema 2020-12 (core, applicator, unevaluated, validation,
//! meta-data, format, content), the older drafts' keywords OpenAPI descriptions still use
//! (`definitions`, `dependencies`, `additionalItems`, ...), OpenAPI's own (`nullable`, `example`,
//! `discriminator`, `xml`, `externalDocs`), and `x-` extensions.

use serde_json::Value;

use super::{Reporter, escape, fields};
use crate::diagnostic::{Diagnostic, json_path_of_pointer};
use crate::model::Components;

const KEYWORDS: &[&str] = &[
    // Core.
    "$schema",
    "$id",
    "$ref",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$vocabulary",
    "$comment",
    "$defs",
    // Applicator.
    "prefixItems",
    "items",
    "contains",
    "additionalProperties",
    "properties",
    "patternProperties",
    "dependentSchemas",
    "propertyNames",
    "if",
    "then",
    "else",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    // Unevaluated.
    "unevaluatedItems",
    "unevaluatedProperties",
    // Validation.
    "type",
    "const",
    "enum",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    // Meta-data, format, content.
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "examples",
    "format",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    // Earlier drafts (04 to 2019-09), still common in OpenAPI 3.0 descriptions.
    "id",
    "definitions",
    "dependencies",
    "additionalItems",
    "$recursiveRef",
    "$recursiveAnchor",
    // OpenAPI's Schema Object.
    "nullable",
    "example",
    "discriminator",
    "xml",
    "externalDocs",
];

const TYPES: &[&str] = &["string", "integer", "number", "boolean", "object", "array", "null"];

/// Keywords whose value is one schema.
const ONE_SCHEMA: &[&str] = &[
    "additionalProperties",
    "items",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "not",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
    "contentSchema",
];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["prefixItems", "allOf", "anyOf", "oneOf", "items"];
/// Keywords whose value maps names to schemas.
const SCHEMA_MAPS: &[&str] =
    &["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"];

/// Checks every workflow's `inputs` schema; those of `components.inputs` are checked once by
/// [`check_components`].
pub(crate) fn check_inputs(schema: &Value, pointer: &str, reporter: &mut Reporter<'_>) {
    walk(schema, pointer, reporter, 0);
}

/// Checks the schemas of `components.inputs`.
pub(crate) fn check_components(components: &Components, reporter: &mut Reporter<'_>) {
    for (name, schema) in &components.inputs {
        walk(schema, &format!("/components/inputs/{}", escape(name)), reporter, 0);
    }
}

/// The loader limits nesting; this only guards against a schema built in memory.
const MAX_DEPTH: usize = 256;

fn walk(schema: &Value, pointer: &str, reporter: &mut Reporter<'_>, depth: usize) {
    // `true` and `false` are schemas too; anything else is not ours to judge here.
    let Some(object) = schema.as_object() else { return };
    if depth > MAX_DEPTH {
        return;
    }
    for (key, value) in object {
        let at = format!("{pointer}/{}", escape(key));
        if !KEYWORDS.contains(&key.as_str()) && !key.starts_with("x-") {
            unknown_keyword(reporter, key, &at);
            continue;
        }
        match key.as_str() {
            "type" => check_type(value, &at, reporter),
            _ if ONE_SCHEMA.contains(&key.as_str()) && value.is_object() => walk(value, &at, reporter, depth + 1),
            _ if SCHEMA_LISTS.contains(&key.as_str()) => {
                for (index, item) in value.as_array().into_iter().flatten().enumerate() {
                    walk(item, &format!("{at}/{index}"), reporter, depth + 1);
                }
            }
            _ if SCHEMA_MAPS.contains(&key.as_str()) => {
                for (name, item) in value.as_object().into_iter().flatten() {
                    walk(item, &format!("{at}/{}", escape(name)), reporter, depth + 1);
                }
            }
            _ => {}
        }
    }
}

fn unknown_keyword(reporter: &mut Reporter<'_>, key: &str, pointer: &str) {
    // Underline the key itself: that is where the typo is.
    let spans = &reporter.loaded.spans;
    let (location, end) = match spans.key(pointer) {
        Some(start) => (Some(start), spans.key_end(pointer)),
        None => spans.nearest_range(pointer).map_or((None, None), |(start, end)| (Some(start), end)),
    };
    let mut diagnostic = Diagnostic::error(
        &reporter.loaded.path,
        location,
        json_path_of_pointer(pointer),
        format!(
            "unknown JSON Schema keyword `{key}` in the inputs schema: it would be ignored and change the generated \
             inputs; extensions must start with `x-`"
        ),
    )
    .with_end(end);
    if let Some(keyword) = fields::closest_in(key, KEYWORDS) {
        diagnostic = diagnostic.with_help(format!("did you mean `{keyword}`?"));
    }
    reporter.diagnostics.push(diagnostic);
}

/// `type` is one type name or a list of them.
fn check_type(value: &Value, pointer: &str, reporter: &mut Reporter<'_>) {
    let names: Vec<(String, &Value)> = match value {
        Value::Array(items) => {
            items.iter().enumerate().map(|(index, item)| (format!("{pointer}/{index}"), item)).collect()
        }
        other => vec![(pointer.to_string(), other)],
    };
    for (at, name) in names {
        match name.as_str() {
            Some(name) if TYPES.contains(&name) => {}
            Some(name) => {
                let message = format!(
                    "unknown JSON Schema type `{name}`: the input would not get the type meant; types are `string`, \
                     `integer`, `number`, `boolean`, `object`, `array` and `null`"
                );
                match fields::closest_in(name, TYPES) {
                    Some(close) => reporter.error_with_help(&at, message, format!("did you mean `{close}`?")),
                    None => reporter.error(&at, message),
                }
            }
            None => reporter.error(&at, "`type` must be a type name or a list of type names"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_lists_have_no_duplicates_and_cover_the_walked_keywords() {
        let mut sorted = KEYWORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), KEYWORDS.len());
        for keyword in ONE_SCHEMA.iter().chain(SCHEMA_LISTS).chain(SCHEMA_MAPS) {
            assert!(KEYWORDS.contains(keyword), "{keyword}");
        }
    }

    #[test]
    fn misspellings_find_their_keyword() {
        assert_eq!(fields::closest_in("requried", KEYWORDS), Some("required"));
        assert_eq!(fields::closest_in("propertes", KEYWORDS), Some("properties"));
        assert_eq!(fields::closest_in("intger", TYPES), Some("integer"));
        assert_eq!(fields::closest_in("frobnicate", KEYWORDS), None);
    }
}
