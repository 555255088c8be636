//! The whole query string of a step (Arazzo 1.1 `in: querystring`, OpenAPI 3.2): the media type
//! that writes it, and its value checked for that media type.
//!
//! OpenAPI 3.2 declares it as one `in: querystring` parameter whose `content` has one media type:
//! `application/x-www-form-urlencoded` is query-ready as written; any other media type (JSON,
//! plain text) is percent-encoded whole. An operation takes a query string or query parameters,
//! never both, and a step likewise.

use serde_json::{Map, Value};

use super::dataflow::Request;
use super::values::list;
use super::workflow::Context;
use crate::expr;
use crate::model;
use crate::openapi::{Operation, ParamLocation};
use crate::plan::{ParameterPlan, QueryStringEncoding, QueryStringPlan, RustType, TemplatePiece, ValuePlan};

/// An `in: querystring` parameter as it applies to a step: the parameter, where it is written, and
/// where its value is written.
pub(super) type Written<'p> = (&'p model::Parameter, &'p str, &'p str);

/// The step's query string from its `in: querystring` parameters (at most one may apply), given the
/// query parameters it also sends (`query`, which 1.1 forbids beside one). `Some(None)`: none.
pub(super) fn plan(
    cx: &mut Context<'_, '_>,
    written: &[Written<'_>],
    query: &[&ParameterPlan],
    request: &Request<'_>,
) -> Option<Option<QueryStringPlan>> {
    let Some(&(parameter, pointer, value_pointer)) = written.first() else { return Some(None) };
    let operation = request.operation;
    let mut fine = true;
    for (later, later_pointer, _) in &written[1..] {
        cx.reporter.error(
            &format!("{later_pointer}/in"),
            format!(
                "a request has one query string: `{}` is given as one already, so `{}` cannot be (`in: querystring`)",
                parameter.name, later.name
            ),
        );
        fine = false;
    }
    let in_pointer = format!("{pointer}/in");
    if !query.is_empty() {
        let names = list(query.iter().map(|parameter| parameter.name.as_str()));
        cx.reporter.error(
            &in_pointer,
            format!(
                "`{}` is the whole query string (`in: querystring`), so the step cannot also send query parameters \
                 ({names}): Arazzo and OpenAPI forbid mixing them; put them in the query string",
                parameter.name
            ),
        );
        fine = false;
    }
    let declared_query: Vec<&str> = operation
        .parameters
        .iter()
        .filter(|declared| declared.location == ParamLocation::Query)
        .map(|declared| declared.name.as_str())
        .collect();
    if !declared_query.is_empty() {
        cx.reporter.error(
            &in_pointer,
            format!(
                "operation `{}` takes query parameters ({}), not a whole query string: give them as `in: query` \
                 parameters",
                operation_name(operation),
                list(declared_query.into_iter())
            ),
        );
        fine = false;
    }
    let encoding = encoding(cx, parameter, pointer, operation, value_pointer, fine);
    let value = match (&encoding, &parameter.value) {
        (QueryStringEncoding::Json { .. }, Value::String(text)) if expr::parse(text).is_err() => {
            request.env.json_text(text, value_pointer, cx.reporter)
        }
        (_, written) => request.env.value(written, value_pointer, cx.reporter),
    };
    let value = value?;
    if let Err(message) = super::body::embeddable(&value) {
        cx.reporter.error(value_pointer, message);
        return None;
    }
    let encoding = match encoding {
        // The slots of JSON text with embedded expressions: whether each stands inside a string.
        QueryStringEncoding::Json { .. } => match &parameter.value {
            Value::String(text) if matches!(value, ValuePlan::Template(_)) => {
                match super::body::json_text_slots(text) {
                    Ok(in_string) => QueryStringEncoding::Json { in_string },
                    Err(message) => {
                        let message = message.replace("the payload", "the query string");
                        cx.reporter.error(value_pointer, message);
                        return None;
                    }
                }
            }
            _ => QueryStringEncoding::Json { in_string: Vec::new() },
        },
        other => other,
    };
    if !value_fits(cx, &value, &encoding, value_pointer) || !fine {
        return None;
    }
    if let Some(declared) = declared(operation) {
        schema(cx, request, declared, &value, &encoding, value_pointer);
    }
    Some(Some(QueryStringPlan { value, encoding }))
}

/// The operation's `in: querystring` parameter.
fn declared(operation: &Operation) -> Option<&crate::openapi::Parameter> {
    operation.parameters.iter().find(|declared| declared.location == ParamLocation::Querystring)
}

/// How the query string is written: as the media type the operation declares for it says, or, when it
/// declares none (an OpenAPI 3.0 or 3.1 description), as a form query string, with a warning (unless
/// the step is refused already: `warn` false).
fn encoding(
    cx: &mut Context<'_, '_>,
    parameter: &model::Parameter,
    pointer: &str,
    operation: &Operation,
    value_pointer: &str,
    warn: bool,
) -> QueryStringEncoding {
    let Some(declared) = declared(operation) else {
        if !warn {
            return QueryStringEncoding::Form;
        }
        cx.reporter.warning(
            &format!("{pointer}/name"),
            format!(
                "operation `{}` declares no query string (an OpenAPI 3.2 `in: querystring` parameter); `{}` is sent \
                 as an `application/x-www-form-urlencoded` query string",
                operation_name(operation),
                parameter.name
            ),
        );
        return QueryStringEncoding::Form;
    };
    if declared.name != parameter.name {
        cx.reporter.warning(
            &format!("{pointer}/name"),
            format!(
                "operation `{}` calls its query string `{}`, not `{}`; the value is sent as the query string all the \
                 same (its name is never sent)",
                operation_name(operation),
                declared.name,
                parameter.name
            ),
        );
    }
    let media = declared.media_type.as_deref().unwrap_or_default();
    let essence = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence == "application/x-www-form-urlencoded" {
        QueryStringEncoding::Form
    } else if essence == "application/json" || essence.ends_with("+json") {
        // A whole JSON text written in the document must be valid JSON.
        if let Value::String(text) = &parameter.value
            && expr::parse_template(text)
                .is_ok_and(|parts| parts.iter().all(|part| matches!(part, expr::TemplatePart::Literal(_))))
            && let Err(error) = serde_json::from_str::<Value>(text)
        {
            cx.reporter.error(
                value_pointer,
                format!(
                    "operation `{}` takes its query string as `{media}`, but this is not valid JSON: {error}",
                    operation_name(operation)
                ),
            );
        }
        QueryStringEncoding::Json { in_string: Vec::new() }
    } else {
        QueryStringEncoding::Text
    }
}

/// Whether the value can be written as the media type says: reported where it cannot.
fn value_fits(cx: &mut Context<'_, '_>, value: &ValuePlan, encoding: &QueryStringEncoding, pointer: &str) -> bool {
    let what = match value {
        ValuePlan::Literal(Value::String(text)) => return form_text(cx, encoding, [text.as_str()], pointer),
        ValuePlan::Template(pieces) => {
            let texts = pieces.iter().filter_map(|piece| match piece {
                TemplatePiece::Text(text) => Some(text.as_str()),
                TemplatePiece::Value(_) => None,
            });
            return form_text(cx, encoding, texts, pointer);
        }
        ValuePlan::Ref(reference) => match (encoding, reference.ty()) {
            (_, RustType::String | RustType::Secret | RustType::Enum(_)) => return true,
            (QueryStringEncoding::Form, RustType::Json | RustType::Struct(_)) => return true,
            (QueryStringEncoding::Json { .. }, _) => return true,
            (_, RustType::I64) => "an integer",
            (_, RustType::F64) => "a number",
            (_, RustType::Bool) => "a boolean",
            (_, RustType::Vec(_)) => "a list",
            (_, RustType::Json | RustType::Struct(_)) => "an object",
            (_, RustType::Nullable(_)) => "a value that may be `null`",
        },
        ValuePlan::Object(_) | ValuePlan::Literal(Value::Object(_)) if *encoding != QueryStringEncoding::Text => {
            return true;
        }
        ValuePlan::Array(_) | ValuePlan::Literal(_) if matches!(encoding, QueryStringEncoding::Json { .. }) => {
            return true;
        }
        ValuePlan::Object(_) | ValuePlan::Literal(Value::Object(_)) => "an object",
        ValuePlan::Array(_) | ValuePlan::Literal(Value::Array(_)) => "a list",
        ValuePlan::Literal(Value::Number(_)) => "a number",
        ValuePlan::Literal(Value::Bool(_)) => "a boolean",
        ValuePlan::Literal(Value::Null) => "`null`",
    };
    let expected = match encoding {
        QueryStringEncoding::Form => "text (`key1=value1&key2=value2`) or an object of form fields",
        _ => "text",
    };
    cx.reporter
        .error(pointer, format!("a query string (`in: querystring`) here is {expected}, but this value is {what}"));
    false
}

/// The text written in a form query string: a `#` would end the query and start a fragment, so it
/// is refused; what else a query cannot hold as it is (a space, a `%` that starts no escape, ...) is
/// sent percent-encoded, with a warning.
fn form_text<'t>(
    cx: &mut Context<'_, '_>,
    encoding: &QueryStringEncoding,
    texts: impl IntoIterator<Item = &'t str>,
    pointer: &str,
) -> bool {
    if *encoding != QueryStringEncoding::Form {
        return true;
    }
    let texts: Vec<&str> = texts.into_iter().collect();
    if texts.iter().any(|text| text.contains('#')) {
        cx.reporter
            .error(pointer, "a `#` would end the query string and start a fragment: write `%23` for a `#` in a value");
        return false;
    }
    if texts.iter().any(|text| needs_encoding(text)) {
        cx.reporter.warning(
            pointer,
            "the query string holds characters a URL's query cannot hold as they are (a space, a `%` that starts no \
             `%XX` escape, `\"`, `<`, `>`, `[`, `]`, `{`, `}`, `|`, `\\`, `^`, a backquote, or one outside ASCII); they are \
             sent percent-encoded",
        );
    }
    true
}

/// Whether `text` holds a character a query cannot hold as it is (see `arazzo_runtime`'s
/// `Request::query_string`).
fn needs_encoding(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(index, byte)| {
        !byte.is_ascii()
            || byte.is_ascii_control()
            || b" \"<>[\\]^`{|}".contains(byte)
            || (*byte == b'%'
                && !(bytes.get(index + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(index + 2).is_some_and(u8::is_ascii_hexdigit)))
    })
}

/// Checks a query string written in the document against the schema of the media type the operation
/// declares: a form query string's fields (as text), a JSON text's value, an object's members.
/// Values filled in at run time are the caller's to get right, as for query parameters.
fn schema(
    cx: &mut Context<'_, '_>,
    request: &Request<'_>,
    declared: &crate::openapi::Parameter,
    value: &ValuePlan,
    encoding: &QueryStringEncoding,
    pointer: &str,
) {
    let parsed = match (encoding, value) {
        (QueryStringEncoding::Form, ValuePlan::Literal(Value::String(text))) => {
            let mut fields = Map::new();
            // `application/x-www-form-urlencoded` parsing: `+` is a space, `%XX` a byte.
            let decode = |text: &str| {
                percent_encoding::percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned()
            };
            for pair in text.split('&').filter(|pair| !pair.is_empty()) {
                let (name, item) = pair.split_once('=').unwrap_or((pair, ""));
                let (name, item) = (decode(name), Value::String(decode(item)));
                match fields.get_mut(&name) {
                    Some(Value::Array(items)) => items.push(item),
                    Some(first) => *first = Value::Array(vec![first.clone(), item]),
                    None => {
                        fields.insert(name, item);
                    }
                }
            }
            literal_plan(Value::Object(fields))
        }
        (QueryStringEncoding::Json { .. }, ValuePlan::Literal(Value::String(text))) => {
            match serde_json::from_str(text) {
                Ok(parsed) => literal_plan(parsed),
                Err(_) => return,
            }
        }
        (_, ValuePlan::Literal(literal @ (Value::Object(_) | Value::Array(_)))) => literal_plan(literal.clone()),
        (QueryStringEncoding::Form, ValuePlan::Object(_))
        | (QueryStringEncoding::Json { .. }, ValuePlan::Object(_) | ValuePlan::Array(_)) => value.clone(),
        _ => return,
    };
    super::dataflow::parameter(cx, request, declared, &parsed, pointer);
}

/// A literal JSON value as the plan of a value written member by member, which the schema walk
/// follows into.
fn literal_plan(value: Value) -> ValuePlan {
    match value {
        Value::Object(fields) => {
            ValuePlan::Object(fields.into_iter().map(|(name, field)| (name, literal_plan(field))).collect())
        }
        Value::Array(items) => ValuePlan::Array(items.into_iter().map(literal_plan).collect()),
        scalar => ValuePlan::Literal(scalar),
    }
}

fn operation_name(operation: &Operation) -> String {
    operation.operation_id.clone().unwrap_or_else(|| format!("{} {}", operation.method.as_str(), operation.path))
}
