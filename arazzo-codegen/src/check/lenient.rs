//! Tolerant readings: what published documents write against the letter of Arazzo 1.0.1 or
//! OpenAPI but with exactly one meaning. Each is accepted with a warning that names the
//! specification's spelling and says what the generated code does (`--deny-warnings` refuses them);
//! forms with more than one reading stay located errors that say how to write them.

use super::Reporter;
use super::workflow::Context;
use crate::condition::jsonpath_comparison;
use crate::model;
use crate::plan::{CriterionCheck, OperandPlan, RustType};

/// A `jsonpath` criterion whose condition is a comparison (`$.ok == true`) rather than an RFC 9535
/// query: read as that comparison on the context, or refused when it has two readings. `error` is
/// the RFC 9535 parser's, reported as it is when the condition is no comparison at all.
pub(super) fn jsonpath_comparison(
    cx: &mut Context<'_, '_>,
    criterion: &model::Criterion,
    pointer: &str,
    context: OperandPlan,
    error: String,
) -> Option<CriterionCheck> {
    let condition = criterion.condition.trim();
    let context_text = criterion.context.as_deref().unwrap_or_default();
    match jsonpath_comparison::read(condition) {
        None => {
            cx.reporter.error(pointer, format!("invalid JSONPath (RFC 9535): {error}"));
            None
        }
        Some(Err(refusal)) => {
            cx.reporter.error(pointer, format!("`{condition}` is not an RFC 9535 JSONPath query: {refusal}"));
            None
        }
        Some(Ok(reading)) => {
            cx.reporter.warning(
                pointer,
                format!(
                    "`{condition}` is not an RFC 9535 JSONPath query (a comparison belongs in a filter); RFC 9535 \
                     writes it `{}`. Read as a test of the context `{context_text}`: the criterion holds when the \
                     comparison holds",
                    reading.suggestion
                ),
            );
            Some(CriterionCheck::JsonPath { context, path: reading.filter, on_context: true, embedded: Vec::new() })
        }
    }
}

/// An optional input as a whole path parameter: a request without it has no URL. The generated code
/// fails the step before sending when it is `None` (see [`optional_input_embedded`] for why).
pub(super) fn optional_input_in_path(reporter: &mut Reporter<'_>, pointer: &str, parameter: &str) {
    reporter.warning(
        pointer,
        format!(
            "path parameter `{parameter}` is fed from an optional input; Arazzo 1.0.1 leaves no way to send a \
             request without it, so list the input in `required`. Accepted: the step fails with \
             `StepError::InvalidRequest` before anything is sent when the input is `None`"
        ),
    );
}

/// A value that may be `null` (its schema allows it: a nullable input, a step output whose response
/// schema allows `null`) as the whole value of a path or required parameter, which has no `null` form
/// on the wire. The value may have one on every real run, so the step is generated, and fails before
/// sending when it is `null` (`Request::require_not_null`), never sending a request without it.
pub(super) fn nullable_in_required_parameter(reporter: &mut Reporter<'_>, pointer: &str, parameter: &str, path: bool) {
    let which = if path { "path parameter" } else { "required parameter" };
    reporter.warning_with_help(
        pointer,
        format!(
            "{which} `{parameter}` cannot be `null`, but this value may be `null` (its schema allows it). Accepted: \
             the step fails with `StepError::InvalidRequest` before anything is sent when it is `null`"
        ),
        "declare the input without `null` if it always has a value, or check that the value is not `null` in the \
         `successCriteria` of the step that produces it",
    );
}

/// An optional input embedded in a string (`"Bearer {$inputs.token}"`, a path segment): leaving the
/// value out would send half a string or an empty segment. Making the input required would change
/// the inputs struct the document declares (and what other steps and calling workflows see), so the
/// generated code keeps it an `Option` and fails the step before sending when it is `None`.
pub(super) fn optional_input_embedded(reporter: &mut Reporter<'_>, pointer: &str, expression: &str) {
    reporter.warning(
        pointer,
        format!(
            "`{expression}` is an optional input embedded in a string, which has no value without it; list the \
             input in `required`. Accepted: the step fails with `StepError::InvalidRequest` before anything is \
             sent when the input is `None`"
        ),
    );
}

/// The response schema along an output's pointer cannot be read (a dangling or cyclic `$ref`): the
/// output is JSON, as where the schema says nothing, rather than the whole document refused over a
/// schema that only gives the output its Rust type. A name that says secret keeps it a secret.
pub(super) fn unreadable_output_schema(
    reporter: &mut Reporter<'_>,
    pointer: &str,
    name: &str,
    problem: &str,
) -> RustType {
    let ty = if crate::naming::names_a_secret(name) { RustType::Secret } else { RustType::Json };
    let rust = if ty == RustType::Secret { "an `arazzo_runtime::SecretString`" } else { "a `serde_json::Value`" };
    reporter.warning(
        pointer,
        format!(
            "the response schema of output `{name}` cannot be read ({problem}); fix the OpenAPI description. \
             Accepted: the output is {rust}, unchecked against the schema"
        ),
    );
    ty
}

/// An XML request body whose payload is written as an object (`VersioningConfiguration: {Status:
/// Enabled}`) or is a whole expression holding one: Arazzo 1.0.1 writes an XML payload as its text,
/// but an element tree has one XML form (see `check::xml_payload` for what is checked). `root` is
/// the root element when the document writes it.
pub(super) fn xml_object_payload(reporter: &mut Reporter<'_>, pointer: &str, content_type: &str, root: Option<&str>) {
    let (written, spelling) = match root {
        Some(root) => ("an object", format!("`'<{root}>...</{root}>'`")),
        None => ("a value that is not a string", "a string such as `'<Root>...</Root>'`".to_string()),
    };
    reporter.warning(
        pointer,
        format!(
            "this `{content_type}` payload is written as {written}, but Arazzo 1.0.1 writes an XML payload as its text \
             ({spelling}). Accepted: the request body is that value as XML, its one member the root element, \
             members as child elements in order, lists as the element repeated, `@name` members as attributes, \
             and filled-in values escaped"
        ),
    );
}

/// `$sourceDescriptions.<name>#<pointer>` or `$sourceDescriptions.<name>.url#<pointer>`: the runtime
/// expression without the braces of a template (one of the official 1.1 examples writes it so). It has one
/// meaning, so it is read as the braced form, with a warning.
pub(super) fn unbraced_operation_path(
    reporter: &mut Reporter<'_>,
    path: &str,
    pointer: &str,
) -> Option<(String, String)> {
    let (head, json_pointer) = path.split_once('#')?;
    let name = head.strip_prefix("$sourceDescriptions.")?;
    let name = name.strip_suffix(".url").unwrap_or(name);
    let is_source_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !is_source_name || !(json_pointer.is_empty() || json_pointer.starts_with('/')) {
        return None;
    }
    reporter.warning(
        pointer,
        format!(
            "`{path}` is not a runtime expression template: Arazzo writes it \
             `{{$sourceDescriptions.{name}.url}}#{json_pointer}`. Read as that"
        ),
    );
    Some((name.to_string(), json_pointer.to_string()))
}

/// A source description named in a different case (`userAPI` for `UserAPI`, in two of the official 1.1
/// examples): names are case-sensitive, but when exactly one source matches it has one meaning.
/// The item of `items` named `name` (with its index), or else the only one whose name differs from it
/// in case alone (names are case-sensitive: a second such item makes it no match). The caller warns
/// ([`source_name_case`]) when the name found is not `name`.
pub(super) fn named_or_case_folded<'a, T>(
    items: &'a [T],
    name: &str,
    name_of: impl Fn(&T) -> &str,
) -> Option<(usize, &'a T)> {
    items.iter().enumerate().find(|(_, item)| name_of(item) == name).or_else(|| {
        let mut folded = items.iter().enumerate().filter(|(_, item)| name_of(item).eq_ignore_ascii_case(name));
        match (folded.next(), folded.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    })
}

pub(super) fn source_name_case(reporter: &mut Reporter<'_>, pointer: &str, written: &str, actual: &str) {
    reporter.warning(
        pointer,
        format!(
            "no source description is named `{written}`, but one is named `{actual}`; names are case-sensitive. \
             Read as `{actual}`"
        ),
    );
}

/// A workflow without `inputs` reads `$inputs.<name>` (one of the official 1.1 examples does): the name is
/// read as a required input of any JSON value (a secret when its name says so, text when it is only
/// embedded in strings), said once, at its first
/// use. A workflow with an `inputs` schema keeps refusing names it does not declare.
pub(super) fn undeclared_input(reporter: &mut Reporter<'_>, pointer: &str, workflow: &str, name: &str, ty: &RustType) {
    let holding = match ty {
        RustType::Secret => "a secret string (`arazzo_runtime::SecretString`: its name says secret)",
        RustType::String => "a string (`String`: it is only embedded in strings)",
        _ => "any JSON value (`serde_json::Value`)",
    };
    reporter.warning(
        pointer,
        format!(
            "workflow `{workflow}` declares no `inputs`, but reads `$inputs.{name}`. Accepted as a required input \
             `{name}` holding {holding}; declare it in the workflow's `inputs` (`type: object`, a property `{name}` \
             with its schema, listed in `required`) to give it a type"
        ),
    );
}
