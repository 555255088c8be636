//! Values sent in requests checked against the OpenAPI schemas they go into: a string input fed to
//! an `integer` property compiles, and the server receives `"size": "three"`.
//!
//! Errors are kept to mistakes that reach the wire: a string where only numbers or booleans are
//! allowed (and other clashes of scalars), an object or array in a path parameter, a literal
//! outside the schema's `enum`, a required property missing from an object payload. What is
//! legitimately compatible passes: an integer into a number, a scalar into a string, a scalar where
//! an object or array is expected (see `fit::Walk::admits`), anything into a schema without `type`, any
//! `format`, `null` (a merge patch clears a field with it), a union when any branch fits. A value of
//! unknown type (`serde_json::Value`, a value at a JSON pointer) is never an error.
//!
//! Each error is located where the value is written, with a note where it comes from (the input's
//! declaration, the step output) and one at the schema it does not fit.
//!
//! One warning: a value that may be `null` (its schema allows it) as a property of a JSON body, or
//! the whole body, whose schema does not allow `null`. It is sent as the document says, `null`
//! included (docs/DECISIONS.md, "A value that may be `null` where `null` cannot go").

use serde_json::Value;

use self::fit::Walk;
use super::values::Env;
use crate::diagnostic::{Diagnostic, Related, json_path_of_pointer};
use crate::model;
use crate::openapi::{OpenApi, Operation, ParamLocation, Parameter};
use crate::plan::{BodyEncoding, BodyPlan, RustType, ValuePlan};

mod fit;
pub(super) mod jsonpath_context;
pub(super) mod response_pointer;

/// Deepest schema nesting followed (`$ref` cycles, unions inside unions).
const MAX_DEPTH: usize = 64;

/// What a request value is checked against, and how to say where it comes from.
pub(crate) struct Request<'a> {
    pub(crate) openapi: &'a OpenApi,
    pub(crate) operation: &'a Operation,
    pub(crate) document: &'a model::Document,
    pub(crate) workflow: &'a model::Workflow,
    pub(crate) workflow_pointer: &'a str,
    pub(crate) env: &'a Env<'a>,
}

/// Where the value goes: its JSON types reach the wire as they are (a JSON body), or as text.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Path,
    /// Query, header, cookie, form fields: text on the wire.
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Null,
    Array,
    Object,
}

impl Kind {
    fn of_literal(value: &Value) -> Kind {
        match value {
            Value::String(_) => Kind::String,
            // JSON Schema counts `3.0` as an integer.
            Value::Number(number) if number.is_i64() || number.is_u64() => Kind::Integer,
            Value::Number(number) if number.as_f64().is_some_and(|n| n.fract() == 0.0) => Kind::Integer,
            Value::Number(_) => Kind::Number,
            Value::Bool(_) => Kind::Boolean,
            Value::Null => Kind::Null,
            Value::Array(_) => Kind::Array,
            Value::Object(_) => Kind::Object,
        }
    }

    fn of_type(ty: &RustType) -> Option<Kind> {
        Some(match ty {
            RustType::String | RustType::Secret | RustType::Enum(_) => Kind::String,
            // Whether the place takes `null` is judged apart: a warning for a JSON body
            // (`Walk::null_where_not_allowed`) and for a path or required parameter (whose step
            // fails before sending when it is `null`: `Request::require_not_null`).
            RustType::Nullable(inner) => return Kind::of_type(inner),
            RustType::I64 => Kind::Integer,
            RustType::F64 => Kind::Number,
            RustType::Bool => Kind::Boolean,
            RustType::Vec(_) => Kind::Array,
            RustType::Struct(_) => Kind::Object,
            RustType::Json => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Null => "null",
            Kind::Array => "array",
            Kind::Object => "object",
        }
    }
}

/// `a string`, `an integer`.
fn with_article(name: &str) -> String {
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {name}")
}

/// A value that does not fit, found while walking the value and the schema together.
struct Misfit {
    message: String,
    help: Option<String>,
    /// Where, in the Arazzo document, the offending value is written.
    value_pointer: String,
    /// The value's origin (an input's declaration, a step output), when it is a reference.
    origin: Option<(String, String)>,
    /// The schema keyword it does not fit, in the OpenAPI description.
    schema_pointer: String,
    schema_note: String,
    /// A warning, not an error: a value that may be `null` where the schema does not allow it.
    warning: bool,
}

/// Checks the value of a parameter the operation declares.
pub(crate) fn parameter(
    cx: &mut super::workflow::Context<'_, '_>,
    request: &Request<'_>,
    declared: &Parameter,
    value: &ValuePlan,
    value_pointer: &str,
) {
    let Some(schema) = &declared.schema else { return };
    let place = if declared.location == ParamLocation::Path { Place::Path } else { Place::Text };
    let target =
        format!("{} parameter `{}` of {}", declared.location, declared.name, operation_name(request.operation));
    let walk = Walk { request, place, target: &target };
    let mut misfits = Vec::new();
    walk.fits(value, schema, &declared.schema_pointer, value_pointer, "", 0, &mut misfits);
    report(cx, request, misfits);
}

/// Checks a request body against the schema of its media type.
pub(crate) fn body(
    cx: &mut super::workflow::Context<'_, '_>,
    request: &Request<'_>,
    body: &BodyPlan,
    payload_pointer: &str,
) {
    let Some(declared) = &request.operation.request_body else { return };
    let place = match body.encoding {
        BodyEncoding::Json => Place::Json,
        BodyEncoding::Form | BodyEncoding::Multipart => Place::Text,
        // Text is checked as JSON once filled in, at run time; raw bodies are not JSON, and the schema
        // of an XML body describes the XML (its `xml` names and attributes), not the payload's object.
        BodyEncoding::JsonText { .. } | BodyEncoding::Raw | BodyEncoding::Xml | BodyEncoding::XmlText => return,
    };
    let wanted = |media: &str| {
        let essence = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match &body.content_type {
            Some(sent) => sent.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case(&essence),
            None => match body.encoding {
                BodyEncoding::Json => essence == "application/json" || essence.ends_with("+json"),
                BodyEncoding::Form => essence == "application/x-www-form-urlencoded",
                _ => essence == "multipart/form-data",
            },
        }
    };
    let Some((media, Some(schema))) = declared.content.iter().find(|(media, _)| wanted(media)) else { return };
    let mut schema_pointer = declared.pointer.clone();
    for token in ["content", media.as_str(), "schema"] {
        crate::load::push_token(&mut schema_pointer, token);
    }
    let target = format!("the request body of {}", operation_name(request.operation));
    let walk = Walk { request, place, target: &target };
    let mut misfits = Vec::new();
    walk.fits(&body.value, schema, &schema_pointer, payload_pointer, "", 0, &mut misfits);
    report(cx, request, misfits);
}

fn operation_name(operation: &Operation) -> String {
    match &operation.operation_id {
        Some(id) => format!("`{id}`"),
        None => format!("`{} {}`", operation.method, operation.path),
    }
}

fn report(cx: &mut super::workflow::Context<'_, '_>, request: &Request<'_>, misfits: Vec<Misfit>) {
    let reporter = &mut *cx.reporter;
    let mut seen: Vec<(String, String)> = Vec::new();
    for misfit in misfits {
        // The same property in a schema and in one of its `allOf` branches gives the same misfit twice.
        let key = (misfit.value_pointer.clone(), misfit.message.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let (location, end) =
            reporter.loaded.spans.nearest_range(&misfit.value_pointer).map_or((None, None), |(s, e)| (Some(s), e));
        let severity = if misfit.warning { Diagnostic::warning } else { Diagnostic::error };
        let mut diagnostic =
            severity(&reporter.loaded.path, location, json_path_of_pointer(&misfit.value_pointer), misfit.message)
                .with_end(end);
        if let Some(help) = misfit.help {
            diagnostic = diagnostic.with_help(help);
        }
        if let Some((pointer, note)) = misfit.origin {
            let (location, end) =
                reporter.loaded.spans.nearest_range(&pointer).map_or((None, None), |(s, e)| (Some(s), e));
            diagnostic =
                diagnostic.with_related(Related { message: note, file: reporter.loaded.path.clone(), location, end });
        }
        let (location, end) = request.openapi.locate(&misfit.schema_pointer);
        diagnostic = diagnostic.with_related(Related {
            message: misfit.schema_note,
            file: request.openapi.file.clone(),
            location,
            end,
        });
        reporter.diagnostics.push(diagnostic);
    }
}
