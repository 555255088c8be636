//! JSONPath criteria that cannot match their context's schema. RFC 9535 filters select children:
//! `$[?@.status == 'ready']` on `$response.body` tests the body's members, not the body, so on an
//! object whose members are strings it never matches, and the step always fails, at run time.
//! A warning (the schema may be incomplete), which says how to test the root's own field.

use serde_json::Value;

use super::response_pointer::{Candidate, declared_types};
use crate::check::Reporter;
use crate::diagnostic::{Diagnostic, Related, json_path_of_pointer};
use crate::openapi::{OpenApi, Operation, split_pointer};
use crate::plan::{CriterionCheck, CriterionPlan, OperandPlan};

/// Checks the `jsonpath` criteria among `criteria` (planned) and `written` (as in the document, at
/// `criteria_pointer`).
pub(crate) fn check(
    reporter: &mut Reporter<'_>,
    openapi: &OpenApi,
    operation: &Operation,
    criteria: &[CriterionPlan],
    (written, criteria_pointer): (&[crate::model::Criterion], &str),
) {
    let Some(candidates) = super::response_pointer::success_schemas(operation, criteria) else { return };
    for (index, planned) in criteria.iter().enumerate() {
        let CriterionCheck::JsonPath {
            context: OperandPlan::ResponseBody(json_pointer), path, on_context: false, ..
        } = &planned.check
        else {
            continue;
        };
        let Some(filter) = root_filter(path) else { continue };
        let fields = filter_fields(filter);
        let Some(field) = fields.first() else { continue };
        let Some((schema_pointer, object)) = object_root(openapi, &candidates, json_pointer) else { continue };
        let mut declared = Vec::new();
        members(openapi, object, 0, &mut declared);
        if members_may_have(openapi, &declared) {
            continue;
        }
        let operation_name =
            operation.operation_id.clone().unwrap_or_else(|| format!("{} {}", operation.method, operation.path));
        let statuses: Vec<&str> = candidates.iter().map(|candidate| candidate.status).collect();
        let context = format!(
            "$response.body{}",
            if json_pointer.is_empty() { String::new() } else { format!("#{json_pointer}") }
        );
        let names: Vec<&str> = declared.iter().map(|(name, _)| *name).collect();
        let message = format!(
            "`{path}` on `{context}` can never match: the response body of `{operation_name}` ({}) is an object there, \
             and a filter selects its members ({}), none of which can be an object with `{field}`",
            statuses.join(", "),
            crate::check::values::list(names.iter().copied())
        );
        let pointer = format!("{criteria_pointer}/{index}/condition");
        let (location, end) = reporter.locate(&pointer);
        let mut diagnostic =
            Diagnostic::warning(&reporter.loaded.path, location, json_path_of_pointer(&pointer), message).with_end(end);
        let prefix = if json_pointer.is_empty() { "$response.body#".to_string() } else { format!("{context}/") };
        let rewritten = fields.iter().fold(filter.to_string(), |text, name| {
            text.replace(
                &format!("@.{name}"),
                &format!("{prefix}{}{name}", if json_pointer.is_empty() { "/" } else { "" }),
            )
        });
        let own = written.get(index).and_then(|criterion| criterion.context.as_deref()).unwrap_or(&context);
        diagnostic = diagnostic.with_help(format!(
            "to test the field of `{own}` itself, write a simple condition (no `type`, no `context`): `{}`",
            rewritten.trim()
        ));
        let type_pointer = format!("{schema_pointer}/type");
        let (location, end) = openapi.locate(&type_pointer);
        let note = "the response schema, an object, is here".to_string();
        diagnostic = diagnostic.with_related(Related { message: note, file: openapi.file.clone(), location, end });
        reporter.diagnostics.push(diagnostic);
    }
}

/// The filter of a query that filters the root's children and does nothing else: `$[?<filter>]`.
fn root_filter(path: &str) -> Option<&str> {
    let inner = path.trim().strip_prefix("$[?")?.strip_suffix(']')?;
    // `$[?@.a][0]` or a second selector would not be one filter: leave those alone.
    (!inner.contains(']')).then_some(inner)
}

/// The member names a filter reads from the current node: `@.status`.
fn filter_fields(filter: &str) -> Vec<String> {
    let mut fields = Vec::new();
    for (at, _) in filter.match_indices("@.") {
        let name: String = filter[at + 2..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if !name.is_empty() && !fields.contains(&name) {
            fields.push(name);
        }
    }
    fields
}

/// The schema at `json_pointer` when every candidate response says it is an object (not an array,
/// not a union), with where the first one is written (the response schema, for a pointer into it).
fn object_root<'o>(
    openapi: &'o OpenApi,
    candidates: &[Candidate<'o>],
    json_pointer: &str,
) -> Option<(String, &'o serde_json::Map<String, Value>)> {
    let tokens = split_pointer(json_pointer);
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let mut first = None;
    for candidate in candidates {
        let (schema, pointer) = match tokens.is_empty() {
            true => openapi.resolve_at(candidate.schema, &candidate.pointer).ok()?,
            false => (openapi.schema_at_pointer(candidate.schema, &tokens).ok()??, candidate.pointer.clone()),
        };
        let object = schema.as_object()?;
        if !is_object(openapi, object, 0) {
            return None;
        }
        first.get_or_insert((pointer, object));
    }
    first
}

/// Whether a schema says its value is an object: `type: object`, or no type but properties or
/// `allOf` branches that are objects; not a union, not an array.
fn is_object(openapi: &OpenApi, object: &serde_json::Map<String, Value>, depth: usize) -> bool {
    if depth > MAX_DEPTH
        || ["oneOf", "anyOf", "items", "prefixItems"].iter().any(|keyword| object.contains_key(*keyword))
    {
        return false;
    }
    match declared_types(object).as_slice() {
        ["object"] => true,
        [] => {
            let branches = object.get("allOf").and_then(Value::as_array);
            let objects = branches.into_iter().flatten().filter_map(|branch| openapi.resolve(branch).ok()?.as_object());
            let mut objects = objects.peekable();
            (object.contains_key("properties") || objects.peek().is_some())
                && objects.all(|branch| is_object(openapi, branch, depth + 1))
        }
        _ => false,
    }
}

/// The member schemas `object` declares, its `allOf` branches' included: (name, schema), the
/// `additionalProperties` and `patternProperties` schemas named `*`.
fn members<'o>(
    openapi: &'o OpenApi,
    object: &'o serde_json::Map<String, Value>,
    depth: usize,
    out: &mut Vec<(&'o str, &'o Value)>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    out.extend(
        object
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, schema)| (name.as_str(), schema)),
    );
    out.extend(object.get("additionalProperties").filter(|schema| schema.is_object()).map(|schema| ("*", schema)));
    out.extend(
        object
            .get("patternProperties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(_, schema)| ("*", schema)),
    );
    for branch in object.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        if let Some(branch) = openapi.resolve(branch).ok().and_then(Value::as_object) {
            members(openapi, branch, depth + 1, out);
        }
    }
}

/// Deepest `allOf` nesting followed.
const MAX_DEPTH: usize = 32;

/// Whether a member of `object` may be an object (and so hold the field a filter reads): a declared
/// property that is one (or says nothing of its type), or an `additionalProperties` or
/// `patternProperties` schema that is. Members the schema does not declare are not counted: the
/// check is a warning.
fn members_may_have(openapi: &OpenApi, declared: &[(&str, &Value)]) -> bool {
    declared.iter().any(|(_, schema)| match openapi.resolve(schema) {
        Ok(schema) => schema.as_object().is_none_or(|member| {
            let types = declared_types(member);
            types.is_empty() || types.contains(&"object")
        }),
        // A schema that cannot be followed says nothing.
        Err(_) => true,
    })
}
