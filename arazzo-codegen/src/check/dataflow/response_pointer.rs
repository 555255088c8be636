//! `$response.body#/pointer` checked against the response schemas: a misspelt `#/statsu` compiles
//! to an untyped output that is `null` at run time, found only when the workflow has already
//! created something.
//!
//! The schemas that apply are those of the responses the step's success criteria expect (`$statusCode
//! == 201`: `201`, else `2XX`, else `default`), or every `2xx` response. A pointer no schema can
//! reach is an error when every schema is closed (`additionalProperties: false`, or the pointer
//! goes through a string, a number, or an array by a name rather than an index), a warning with the
//! closest property otherwise. A schema that says nothing (no properties, a `$ref` that cannot be
//! followed, a response without a schema) is not judged. [`walk`] judges pointers into the inputs
//! schemas of the Arazzo document too (`check::pointer`).

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Related, json_path_of_pointer};
use crate::load::push_token;
use crate::openapi::{OpenApi, Operation, split_pointer};
use crate::plan::{ConditionPlan, CriterionCheck, CriterionPlan, OperandPlan};

use crate::check::Reporter;

/// Deepest schema nesting followed (`$ref` cycles, unions inside unions).
const MAX_DEPTH: usize = 64;

/// One response schema a step's success may come with.
pub(crate) struct Candidate<'o> {
    /// The status as written in the description (`201`, `2XX`).
    pub(crate) status: &'o str,
    pub(crate) schema: &'o Value,
    /// Where the schema is written in the description.
    pub(crate) pointer: String,
}

/// The body schemas of the responses a step's success may come with; `None` when one of them has
/// content without a schema (nothing can then be said) or no response applies.
pub(crate) fn success_schemas<'o>(operation: &'o Operation, criteria: &[CriterionPlan]) -> Option<Vec<Candidate<'o>>> {
    let expected = criteria.iter().find_map(|criterion| criterion.check.expected_status());
    let responses: Vec<(&String, &crate::openapi::Response)> = match expected {
        Some(status) => {
            let exact = status.to_string();
            let range = format!("{}XX", exact.get(..1).unwrap_or_default());
            let found = [exact.as_str(), range.as_str(), &range.to_ascii_lowercase(), "default"]
                .into_iter()
                .find_map(|key| operation.responses.get_key_value(key));
            found.into_iter().collect()
        }
        None => operation.responses.iter().filter(|(status, _)| status.starts_with('2')).collect(),
    };
    let mut candidates = Vec::new();
    for (status, response) in responses {
        let json = response
            .content
            .iter()
            .find(|(media, _)| media.starts_with("application/json") || media.contains("+json"))
            .or_else(|| response.content.first());
        // A response without content (a `204`) says nothing about a body.
        let Some((media, schema)) = json else { continue };
        let mut pointer = response.pointer.clone();
        for token in ["content", media.as_str(), "schema"] {
            push_token(&mut pointer, token);
        }
        candidates.push(Candidate { status, schema: schema.as_ref()?, pointer });
    }
    (!candidates.is_empty()).then_some(candidates)
}

/// What a schema says about a pointer.
pub(crate) enum Reach {
    /// The pointer reaches a part of the schema, or the schema does not say.
    Possible,
    /// Nothing is there: `closed` when the schema excludes it.
    Missing(Missing),
}

pub(crate) struct Missing {
    pub(crate) closed: bool,
    /// The pointer up to and including the token that names nothing (`/statsu`).
    pub(crate) prefix: String,
    pub(crate) token: String,
    /// Why, to end the message with (`the schema allows no other property`).
    pub(crate) why: String,
    /// What to suggest (the property names of the schema there).
    pub(crate) names: Vec<String>,
    /// The schema keyword that decides it, and what to say there.
    pub(crate) note: (String, String),
}

/// Checks `$response.body#<json_pointer>`, written at `pointer` (`expression` is its text, to underline
/// it inside a longer condition).
pub(crate) fn check(
    reporter: &mut Reporter<'_>,
    openapi: &OpenApi,
    operation: &Operation,
    candidates: &[Candidate<'_>],
    json_pointer: &str,
    (pointer, text): (&str, &str),
) {
    let tokens = split_pointer(json_pointer);
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    if tokens.is_empty() || candidates.is_empty() {
        return;
    }
    let mut missing = Vec::new();
    for candidate in candidates {
        match walk(openapi.root(), candidate.schema, &candidate.pointer, &tokens, 0, 0) {
            Reach::Possible => return,
            Reach::Missing(found) => missing.push(found),
        }
    }
    let closed = missing.iter().all(|found| found.closed);
    let Some(first) = missing.into_iter().next() else { return };
    let operation_name =
        operation.operation_id.clone().unwrap_or_else(|| format!("{} {}", operation.method, operation.path));
    let statuses: Vec<&str> = candidates.iter().map(|candidate| candidate.status).collect();
    let expression = format!("$response.body#{json_pointer}");
    let message = if closed {
        format!(
            "`{expression}` can never hold a value: `{}` names nothing in the response schema of `{operation_name}` \
             ({}); {}",
            first.prefix,
            statuses.join(", "),
            first.why
        )
    } else {
        format!(
            "`{expression}` is not in the response schema of `{operation_name}` ({}): `{}` names no declared property, \
             so the value is untyped (`serde_json::Value`) and `null` when the response has nothing there",
            statuses.join(", "),
            first.prefix
        )
    };
    let (location, end) = match text.find(&expression).map(|start| start..start + expression.len()) {
        Some(range) => {
            let previous = reporter.focus(pointer, text, range);
            let located = reporter.locate(pointer);
            reporter.unfocus(previous);
            located
        }
        None => reporter.locate(pointer),
    };
    let path = &reporter.loaded.path;
    let json_path = json_path_of_pointer(pointer);
    let mut diagnostic = if closed {
        Diagnostic::error(path, location, json_path, message)
    } else {
        Diagnostic::warning(path, location, json_path, message)
    }
    .with_end(end);
    let names: Vec<&str> = first.names.iter().map(String::as_str).collect();
    if let Some(close) = crate::check::fields::closest_in(&first.token, &names) {
        diagnostic = diagnostic.with_help(format!("did you mean `{close}`?"));
    } else if !names.is_empty() {
        diagnostic =
            diagnostic.with_help(format!("its properties are: {}", crate::check::values::list(names.iter().copied())));
    }
    let (note_pointer, note) = first.note;
    let (location, end) = openapi.locate(&note_pointer);
    diagnostic = diagnostic.with_related(Related { message: note, file: openapi.file.clone(), location, end });
    reporter.diagnostics.push(diagnostic);
}

/// Checks the response pointers the planned success criteria of a step read, written at
/// `criteria_pointer` (`.../successCriteria`) with the texts `written`.
pub(crate) fn check_criteria(
    reporter: &mut Reporter<'_>,
    openapi: &OpenApi,
    operation: &Operation,
    criteria: &[CriterionPlan],
    (written, criteria_pointer): (&[crate::model::Criterion], &str),
) {
    let Some(candidates) = success_schemas(operation, criteria) else { return };
    for (index, (planned, criterion)) in criteria.iter().zip(written).enumerate() {
        let (operands, field, text) = match &planned.check {
            CriterionCheck::Simple(condition) => {
                let mut operands = Vec::new();
                body_operands(condition, &mut operands);
                (operands, "condition", criterion.condition.as_str())
            }
            CriterionCheck::Regex { context, .. }
            | CriterionCheck::JsonPath { context, .. }
            | CriterionCheck::XPath { context, .. } => {
                let OperandPlan::ResponseBody(json_pointer) = context else { continue };
                (vec![json_pointer.as_str()], "context", criterion.context.as_deref().unwrap_or_default())
            }
            CriterionCheck::Status(_) => continue,
        };
        let pointer = format!("{criteria_pointer}/{index}/{field}");
        for json_pointer in operands {
            check(reporter, openapi, operation, &candidates, json_pointer, (&pointer, text));
        }
    }
}

fn body_operands<'c>(condition: &'c ConditionPlan, out: &mut Vec<&'c str>) {
    match condition {
        ConditionPlan::Literal(_) => {}
        ConditionPlan::Operand { operand: OperandPlan::ResponseBody(json_pointer), .. } => out.push(json_pointer),
        ConditionPlan::Operand { .. } => {}
        ConditionPlan::Not(inner) => body_operands(inner, out),
        ConditionPlan::Compare(left, _, right) | ConditionPlan::And(left, right) | ConditionPlan::Or(left, right) => {
            body_operands(left, out);
            body_operands(right, out);
        }
    }
}

/// What `schema` (written at `at` in the document `root`) says about `tokens[done..]`.
pub(crate) fn walk(root: &Value, schema: &Value, at: &str, tokens: &[&str], done: usize, depth: usize) -> Reach {
    let Ok((schema, at)) = crate::openapi::resolve_at_in(root, schema, at) else { return Reach::Possible };
    let (Some(object), Some(token)) = (schema.as_object(), tokens.get(done)) else { return Reach::Possible };
    if depth > MAX_DEPTH {
        return Reach::Possible;
    }
    let prefix = prefix_of(tokens, done);
    // Every way down: the schema's own child, then each branch; one that may reach is enough.
    let mut missing: Vec<Missing> = Vec::new();
    if let Some((child, child_at)) = own_child(object, token, &at) {
        match walk(root, child, &child_at, tokens, done + 1, depth + 1) {
            Reach::Possible => return Reach::Possible,
            Reach::Missing(deeper) => missing.push(deeper),
        }
    }
    let mut unions: Vec<bool> = Vec::new();
    for keyword in ["allOf", "oneOf", "anyOf"] {
        for (index, branch) in object.get(keyword).and_then(Value::as_array).into_iter().flatten().enumerate() {
            match walk(root, branch, &format!("{at}/{keyword}/{index}"), tokens, done, depth + 1) {
                Reach::Possible => return Reach::Possible,
                Reach::Missing(found) => {
                    if keyword != "allOf" {
                        unions.push(found.closed);
                    }
                    missing.push(found);
                }
            }
        }
    }
    // Where the pointer goes further (the property exists, what follows does not), that says more.
    if let Some(deeper) = missing.iter().position(|found| found.prefix.len() > prefix.len()) {
        return Reach::Missing(missing.swap_remove(deeper));
    }
    let mut names: Vec<String> = object
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, _)| name.clone())
        .collect();
    for found in &missing {
        names.extend(found.names.iter().filter(|name| !names.contains(name)).cloned().collect::<Vec<_>>());
    }
    let close = crate::check::fields::closest_in(token, &names.iter().map(String::as_str).collect::<Vec<_>>())
        .map(str::to_string);
    let parent = if done == 0 { "the body".to_string() } else { format!("`{}`", prefix_of(tokens, done - 1)) };
    let mut verdict = |closed: bool, why: String, note: (String, String)| {
        Reach::Missing(Missing {
            closed,
            prefix: prefix.clone(),
            token: token.to_string(),
            why,
            names: std::mem::take(&mut names),
            note,
        })
    };
    // Closed by the schema's own keywords: a scalar type, an array read by name, no other property.
    let types = declared_types(object);
    if !types.is_empty() && !types.iter().any(|name| *name == "object" || *name == "array") {
        let shown = types.join(" or ");
        let note = (format!("{at}/type"), format!("the schema says `type: {shown}` here"));
        return verdict(true, format!("{parent} is {}, which has no members", with_article(&shown)), note);
    }
    if types == ["array"] && !is_index(token) {
        let note = (format!("{at}/type"), "the schema says `type: array` here".to_string());
        return verdict(true, format!("{parent} is an array, whose items are read by index (`/0`, `/1`, ...)"), note);
    }
    for keyword in ["additionalProperties", "unevaluatedProperties"] {
        if object.get(keyword) == Some(&Value::Bool(false)) {
            let note = (format!("{at}/{keyword}"), format!("the schema is closed here (`{keyword}: false`)"));
            return verdict(true, "the schema allows no other property".to_string(), note);
        }
    }
    // A union is closed when every branch is.
    if !unions.is_empty() && unions.iter().all(|closed| *closed) {
        let found = missing.iter().find(|found| found.closed).map(|found| (found.why.clone(), found.note.clone()));
        if let Some((why, note)) = found {
            return verdict(true, why, note);
        }
    }
    // Open: worth a warning only where the schema describes the object (it lists properties).
    if object.get("properties").and_then(Value::as_object).is_some_and(|properties| !properties.is_empty()) {
        return verdict(
            false,
            String::new(),
            (format!("{at}/properties"), "the declared properties are here".to_string()),
        );
    }
    // The branch that declares the property the token most likely means, else the first that
    // declares any.
    let branch = missing
        .iter()
        .position(|found| close.as_ref().is_some_and(|close| found.names.contains(close)))
        .or_else(|| missing.iter().position(|found| !found.names.is_empty()));
    match branch {
        Some(index) => {
            let note = missing.swap_remove(index).note;
            verdict(false, String::new(), note)
        }
        None => Reach::Possible,
    }
}

/// `a string`, `an integer`.
fn with_article(name: &str) -> String {
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {name}")
}

/// `/a/b` for the first `count + 1` tokens (escaped again).
fn prefix_of(tokens: &[&str], done: usize) -> String {
    let mut out = String::new();
    for token in tokens.iter().take(done + 1) {
        push_token(&mut out, token);
    }
    out
}

/// The child schema a token names, and where it is written: a property, an item, or an
/// `additionalProperties` schema.
fn own_child<'s>(object: &'s Map<String, Value>, token: &str, at: &str) -> Option<(&'s Value, String)> {
    let child = |keyword: &str, rest: &str| {
        let mut pointer = format!("{at}/{keyword}");
        if !rest.is_empty() {
            push_token(&mut pointer, rest);
        }
        pointer
    };
    if let Some(property) = object.get("properties").and_then(|properties| properties.get(token)) {
        return Some((property, child("properties", token)));
    }
    if is_index(token) {
        let index: usize = token.parse().ok()?;
        if let Some(item) = object.get("prefixItems").and_then(|items| items.get(index)) {
            return Some((item, child("prefixItems", token)));
        }
        match object.get("items") {
            Some(Value::Array(tuple)) => return tuple.get(index).map(|item| (item, child("items", token))),
            Some(items @ Value::Object(_)) => return Some((items, child("items", ""))),
            _ => {}
        }
    }
    let additional = object.get("additionalProperties").filter(|schema| schema.is_object())?;
    Some((additional, child("additionalProperties", "")))
}

/// A JSON-pointer array index: `0` or digits without a leading zero.
fn is_index(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) && (token == "0" || !token.starts_with('0'))
}

/// The type names a schema declares, `null` left out.
pub(crate) fn declared_types(object: &Map<String, Value>) -> Vec<&str> {
    match object.get("type") {
        Some(Value::String(name)) if name != "null" => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).filter(|name| *name != "null").collect(),
        _ => Vec::new(),
    }
}
