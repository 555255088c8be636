//! The parameters of a path item or an operation: `$ref`s resolved, duplicates dropped, the two
//! levels merged.

use serde_json::{Map, Value};

use super::{Ctx, child, first_content_schema, scalar_text, string_field};
use crate::diagnostic::Diagnostic;
use crate::openapi::schema::resolve_at;
use crate::openapi::{ParamLocation, Parameter};

/// Identity of a parameter: (name, in), header names being case-insensitive.
fn parameter_key(parameter: &Parameter) -> (String, ParamLocation) {
    let name = match parameter.location {
        ParamLocation::Header => parameter.name.to_ascii_lowercase(),
        _ => parameter.name.clone(),
    };
    (name, parameter.location)
}

/// Path-level parameters, each replaced in place by the operation's parameter with the same identity,
/// then the operation's other parameters. Both lists are already free of duplicates.
pub(super) fn merge_parameters(path_level: &[Parameter], operation_level: Vec<Parameter>) -> Vec<Parameter> {
    let mut merged = path_level.to_vec();
    for parameter in operation_level {
        let key = parameter_key(&parameter);
        match merged.iter_mut().find(|p| parameter_key(p) == key) {
            Some(slot) => *slot = parameter,
            None => merged.push(parameter),
        }
    }
    merged
}

/// A `parameters` list, `$ref`s resolved, duplicates dropped (the first one wins, silently: the Svix
/// description repeats `idempotency-key` and nothing is gained by failing on it).
pub(super) fn parameters(ctx: &Ctx<'_>, list: &Value, pointer: &str, problems: &mut Vec<Diagnostic>) -> Vec<Parameter> {
    let Some(items) = list.as_array() else {
        problems.push(ctx.error(pointer, "`parameters` must be a list"));
        return Vec::new();
    };
    let mut out: Vec<Parameter> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        match parameter(ctx, item, &at) {
            Ok(parameter) => {
                if !out.iter().any(|p| parameter_key(p) == parameter_key(&parameter)) {
                    out.push(parameter);
                }
            }
            Err(message) => problems.push(ctx.error(&at, message)),
        }
    }
    out
}

fn parameter(ctx: &Ctx<'_>, item: &Value, pointer: &str) -> Result<Parameter, String> {
    let (resolved, pointer) = resolve_at(ctx.root, item, pointer)?;
    let object = resolved.as_object().ok_or("a parameter must be a mapping")?;
    let name = string_field(object, "name").ok_or("parameter without a `name`")?;
    let location_text = string_field(object, "in").ok_or_else(|| format!("parameter `{name}` has no `in`"))?;
    let location = ParamLocation::from_in(&location_text).ok_or_else(|| {
        format!(
            "parameter `{name}`: unsupported `in: {location_text}` (expected path, query, querystring, header or cookie)"
        )
    })?;
    let media_type = match location {
        ParamLocation::Querystring => Some(querystring_media_type(ctx, object, &name)?),
        _ => None,
    };
    let required = location == ParamLocation::Path || object.get("required").and_then(Value::as_bool).unwrap_or(false);
    let schema = object.get("schema").cloned().or_else(|| first_content_schema(object.get("content")));
    let schema_pointer = match object.get("content").and_then(Value::as_object).and_then(|media| media.keys().next()) {
        Some(media) if !object.contains_key("schema") => child(&child(&child(&pointer, "content"), media), "schema"),
        _ => child(&pointer, "schema"),
    };
    Ok(Parameter {
        name,
        location,
        required,
        schema,
        schema_pointer,
        style: string_field(object, "style"),
        explode: object.get("explode").and_then(Value::as_bool),
        description: string_field(object, "description"),
        media_type,
    })
}

/// The media type of an `in: querystring` parameter (OpenAPI 3.2): its `content` has exactly one,
/// and it takes no `schema`, `style`, `explode` or `allowReserved` (the media type says how the
/// query string is written).
fn querystring_media_type(ctx: &Ctx<'_>, object: &Map<String, Value>, name: &str) -> Result<String, String> {
    let version = ctx.root.get("openapi").and_then(scalar_text).unwrap_or_default();
    if version.starts_with("3.0") || version.starts_with("3.1") {
        return Err(format!(
            "parameter `{name}`: `in: querystring` is OpenAPI 3.2, but this description declares `openapi: {version}`"
        ));
    }
    if let Some(field) =
        ["schema", "style", "explode", "allowReserved"].into_iter().find(|field| object.contains_key(*field))
    {
        return Err(format!(
            "parameter `{name}` (`in: querystring`) must not have `{field}`: its `content` media type says how the query \
             string is written"
        ));
    }
    match object.get("content").and_then(Value::as_object) {
        Some(content) if content.len() == 1 => Ok(content.keys().next().cloned().unwrap_or_default()),
        _ => Err(format!("parameter `{name}` (`in: querystring`) needs `content` with exactly one media type")),
    }
}
