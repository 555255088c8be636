//! Step outputs read from the request the step sent (`$url`, `$method`, `$request.header.*`,
//! `$request.query.*`, `$request.path.*`, `$request.body`): what was on the wire, kept with the
//! response by the runtime. Typed from what the step sends; a credential, or a value built from a
//! secret, is a `SecretString`.

use serde_json::Value;

use super::Reporter;
use super::values::list;
use crate::expr::{Expr, Source};
use crate::model::ParameterLocation;
use crate::plan::{
    BodyEncoding, BodyPlan, CredentialKind, ParameterPlan, RustType, SentPart, TemplatePiece, ValuePlan, ValueRef,
};

/// What a step sends, as far as its outputs need to know.
pub(super) struct Sent<'a> {
    pub(super) parameters: &'a [ParameterPlan],
    pub(super) body: Option<&'a BodyPlan>,
    /// The credentials the step sends, by kind (configured and bound alike).
    pub(super) credentials: Vec<CredentialKind>,
}

/// Headers whose value is a credential whatever set it.
const CREDENTIAL_HEADERS: [&str; 3] = ["authorization", "proxy-authorization", "cookie"];

/// The part and type of an output that reads what the step sent; `None` (reported) when the step
/// does not send it or it cannot be typed without exposing a secret.
pub(super) fn output(
    reporter: &mut Reporter<'_>,
    sent: &Sent<'_>,
    expr: &Expr,
    name: &str,
    pointer: &str,
) -> Option<(SentPart, RustType)> {
    let secret_name = crate::naming::names_a_secret(name);
    // A value a request may leave out (an optional input, a pointer that finds nothing, a value that
    // may be `null` in a parameter that is not required) would fail the step whenever it is absent:
    // refused, as outputs copied from optional inputs are. A required parameter is never left out
    // (the step fails before sending instead), and a JSON body writes `null`.
    let may_be_absent = |plan: &ValuePlan, null_left_out: bool, reporter: &mut Reporter<'_>| {
        let absent = matches!(plan, ValuePlan::Ref(value)
            if value.is_optional() || (null_left_out && value.ty().is_nullable()));
        if absent {
            reporter.error(
                pointer,
                format!(
                    "`{expr}` reads a value the request leaves out when it is absent (an optional input, or a JSON \
                     pointer that may find nothing), so the step would fail then; make the input required"
                ),
            );
        }
        absent
    };
    let text_type = |secret: bool| if secret || secret_name { RustType::Secret } else { RustType::String };
    match expr {
        Expr::Method => Some((SentPart::Method, RustType::String)),
        Expr::Url => {
            // The query may carry an API key or a secret parameter.
            let secret = sent.credentials.iter().any(|kind| matches!(kind, CredentialKind::ApiKeyQuery(_)))
                || parameters(sent, ParameterLocation::Query).any(|parameter| parameter.value.is_secret());
            Some((SentPart::Url, text_type(secret)))
        }
        Expr::Request(Source::Header(header)) => {
            let lower = header.to_ascii_lowercase();
            let parameter = parameters(sent, ParameterLocation::Header).find(|p| p.name.eq_ignore_ascii_case(header));
            let credential = sent.credentials.iter().any(|kind| match kind {
                CredentialKind::Bearer | CredentialKind::Basic => lower == "authorization",
                CredentialKind::ApiKeyHeader(key) => key.eq_ignore_ascii_case(header),
                CredentialKind::ApiKeyCookie(_) => lower == "cookie",
                CredentialKind::ApiKeyQuery(_) => false,
            });
            let cookie = lower == "cookie" && parameters(sent, ParameterLocation::Cookie).next().is_some();
            let content_type = lower == "content-type" && sent.body.is_some();
            if parameter.is_none() && !credential && !cookie && !content_type {
                let mut sent_names: Vec<&str> =
                    parameters(sent, ParameterLocation::Header).map(|p| p.name.as_str()).collect();
                if sent.body.is_some() {
                    sent_names.push("Content-Type");
                }
                reporter.error_with_help(
                    pointer,
                    format!("`{expr}` reads a header this step does not send"),
                    format!("the headers it sets: {}", list(sent_names.into_iter())),
                );
                return None;
            }
            if parameter.is_some_and(|p| may_be_absent(&p.value, !p.required, reporter)) {
                return None;
            }
            let secret = credential
                || CREDENTIAL_HEADERS.contains(&lower.as_str())
                || parameter.is_some_and(|p| p.value.is_secret());
            Some((SentPart::Header(header.clone()), text_type(secret)))
        }
        Expr::Request(Source::Query(query)) => {
            let parameter = parameters(sent, ParameterLocation::Query).find(|p| &p.name == query);
            let credential =
                sent.credentials.iter().any(|kind| matches!(kind, CredentialKind::ApiKeyQuery(key) if key == query));
            if parameter.is_none() && !credential {
                let names = list(parameters(sent, ParameterLocation::Query).map(|p| p.name.as_str()));
                reporter.error_with_help(
                    pointer,
                    format!("`{expr}` reads a query parameter this step does not send"),
                    format!("the query parameters it sends: {names}"),
                );
                return None;
            }
            if parameter.is_some_and(|p| may_be_absent(&p.value, !p.required, reporter)) {
                return None;
            }
            let secret = credential || parameter.is_some_and(|p| p.value.is_secret());
            Some((SentPart::Query(query.clone()), text_type(secret)))
        }
        Expr::Request(Source::Path(path)) => {
            let Some(parameter) = parameters(sent, ParameterLocation::Path).find(|p| &p.name == path) else {
                let names = list(parameters(sent, ParameterLocation::Path).map(|p| p.name.as_str()));
                reporter.error_with_help(
                    pointer,
                    format!("`{expr}` reads a path parameter this step does not send"),
                    format!("its path parameters: {names}"),
                );
                return None;
            };
            let ty = value_type(reporter, &parameter.value, expr, pointer)?;
            Some((SentPart::Path(path.clone()), named(ty, secret_name)))
        }
        Expr::Request(Source::Body(json_pointer)) => {
            let json_pointer = json_pointer.clone().unwrap_or_default();
            let Some(body) = sent.body else {
                reporter.error(pointer, format!("`{expr}` reads the request body, but this step sends none"));
                return None;
            };
            // A payload written as JSON text reads as the structure of that text.
            let structure = match (&body.encoding, &body.value) {
                (BodyEncoding::JsonText { in_string }, ValuePlan::Template(pieces)) => {
                    json_text_structure(pieces, in_string)
                }
                // JSON text without expressions: its value.
                (BodyEncoding::JsonText { .. }, ValuePlan::Literal(Value::String(text))) => {
                    serde_json::from_str(text).ok().map(ValuePlan::Literal)
                }
                (BodyEncoding::Json | BodyEncoding::Form, value) => Some(value.clone()),
                _ => None,
            };
            let Some(structure) = structure else {
                // Text, XML and multipart bodies are sent as bytes the runtime does not read back.
                reporter.error(
                    pointer,
                    format!(
                        "`{expr}` reads the request body, but this step sends it as text or multipart data, not as \
                         a JSON value; step outputs can read JSON bodies (written as values or as JSON text) and \
                         form bodies"
                    ),
                );
                return None;
            };
            let ty = match at_pointer(&structure, &json_pointer) {
                Found::Plan(plan) if may_be_absent(plan, false, reporter) => return None,
                Found::Plan(plan) => value_type(reporter, plan, expr, pointer)?,
                Found::Inside(plan) => {
                    if !plan.secret_refs().is_empty() {
                        reporter.error(
                            pointer,
                            format!("`{expr}` points into a secret, which would turn it into a plain value"),
                        );
                        return None;
                    }
                    RustType::Json
                }
                Found::Nothing => {
                    reporter.error(pointer, format!("`{expr}` points at nothing in the body this step sends"));
                    return None;
                }
            };
            Some((SentPart::Body(json_pointer), named(ty, secret_name)))
        }
        _ => None,
    }
}

fn parameters<'s>(sent: &'s Sent<'_>, location: ParameterLocation) -> impl Iterator<Item = &'s ParameterPlan> {
    sent.parameters.iter().filter(move |parameter| parameter.location == location)
}

/// A text output named like a secret is one.
fn named(ty: RustType, secret_name: bool) -> RustType {
    match ty {
        RustType::String if secret_name => RustType::Secret,
        RustType::Nullable(inner) if secret_name && *inner == RustType::String => RustType::nullable(RustType::Secret),
        other => other,
    }
}

/// The type of a sent value: that of the input or output it copies, text for a string, JSON for
/// anything else. A JSON value holding a secret would print it: refused.
fn value_type(reporter: &mut Reporter<'_>, plan: &ValuePlan, expr: &Expr, pointer: &str) -> Option<RustType> {
    let ty = match plan {
        ValuePlan::Literal(Value::String(_)) => RustType::String,
        ValuePlan::Literal(Value::Bool(_)) => RustType::Bool,
        ValuePlan::Literal(Value::Number(number)) if number.is_i64() => RustType::I64,
        ValuePlan::Literal(Value::Number(_)) => RustType::F64,
        ValuePlan::Literal(_) => RustType::Json,
        ValuePlan::Template(_) if plan.is_secret() => RustType::Secret,
        ValuePlan::Template(_) => RustType::String,
        ValuePlan::Ref(value) => match value.ty().non_null() {
            // A value that may be `null` is sent as such (`Option`); an enum as its value on the wire.
            RustType::String | RustType::Secret | RustType::I64 | RustType::F64 | RustType::Bool => value.ty().clone(),
            RustType::Enum(_) if value.ty().is_nullable() => RustType::nullable(RustType::String),
            RustType::Enum(_) => RustType::String,
            _ if plan.secret_refs().is_empty() => RustType::Json,
            _ => return refuse_secret(reporter, expr, pointer),
        },
        ValuePlan::Object(_) | ValuePlan::Array(_) if plan.secret_refs().is_empty() => RustType::Json,
        ValuePlan::Object(_) | ValuePlan::Array(_) => return refuse_secret(reporter, expr, pointer),
    };
    Some(ty)
}

fn refuse_secret(reporter: &mut Reporter<'_>, expr: &Expr, pointer: &str) -> Option<RustType> {
    reporter.error(
        pointer,
        format!(
            "`{expr}` is a JSON value that holds a secret, which `Debug` would print; read the secret itself into \
             an output of its own"
        ),
    );
    None
}

/// What a JSON pointer reaches in a payload template.
enum Found<'p> {
    /// A node of the template.
    Plan(&'p ValuePlan),
    /// Somewhere inside a value the template takes whole (an input, a step output, a literal).
    Inside(&'p ValuePlan),
    Nothing,
}

fn at_pointer<'p>(plan: &'p ValuePlan, json_pointer: &str) -> Found<'p> {
    let mut node = plan;
    let tokens = json_pointer.split('/').skip(1).map(|token| token.replace("~1", "/").replace("~0", "~"));
    for token in tokens {
        node = match node {
            ValuePlan::Object(fields) => match fields.iter().find(|(key, _)| *key == token) {
                Some((_, value)) => value,
                None => return Found::Nothing,
            },
            ValuePlan::Array(items) => match token.parse::<usize>().ok().and_then(|index| items.get(index)) {
                Some(value) => value,
                None => return Found::Nothing,
            },
            ValuePlan::Ref(_) | ValuePlan::Literal(Value::Object(_) | Value::Array(_)) => return Found::Inside(node),
            ValuePlan::Literal(_) | ValuePlan::Template(_) => return Found::Nothing,
        };
    }
    Found::Plan(node)
}

/// Marks an embedded value of JSON text standing inside a string (then its index, then [`END`]).
const IN_STRING: char = '\u{E000}';
/// Marks an embedded value of JSON text standing alone (written as JSON), as a string of its own.
const ALONE: char = '\u{E001}';
const END: char = '\u{E002}';

/// The structure of a payload written as JSON text, as if written as a value: objects and arrays of
/// the text, its literals, each value embedded alone (written as JSON) as itself, and each string
/// holding embedded values as a template (a string). Read by parsing the text with a marker for each
/// value; `None` when the text does not parse or its own characters look like markers.
fn json_text_structure(pieces: &[TemplatePiece], in_string: &[bool]) -> Option<ValuePlan> {
    let mut text = String::new();
    let mut values = Vec::new();
    for piece in pieces {
        match piece {
            TemplatePiece::Text(literal) => text.push_str(literal),
            TemplatePiece::Value(value) => {
                let index = values.len();
                if in_string.get(index).copied().unwrap_or(false) {
                    text.push_str(&format!("{IN_STRING}{index}{END}"));
                } else {
                    text.push_str(&format!("\"{ALONE}{index}{END}\""));
                }
                values.push(value);
            }
        }
    }
    let parsed: Value = serde_json::from_str(&text).ok()?;
    let mut seen = vec![false; values.len()];
    let structure = from_marked(&parsed, &values, &mut seen)?;
    // Each value once: a literal that spells a marker (`\ue000` in the text) is not one.
    seen.iter().all(|seen| *seen).then_some(structure)
}

fn from_marked(value: &Value, values: &[&ValueRef], seen: &mut [bool]) -> Option<ValuePlan> {
    let mut take = |index: &str| -> Option<ValueRef> {
        let index: usize = index.parse().ok()?;
        let taken = std::mem::replace(seen.get_mut(index)?, true);
        (!taken).then(|| values.get(index).map(|value| (*value).clone())).flatten()
    };
    Some(match value {
        Value::String(text) if !text.contains([IN_STRING, ALONE, END]) => ValuePlan::Literal(value.clone()),
        Value::String(text) => {
            if let Some(index) = text.strip_prefix(ALONE).and_then(|rest| rest.strip_suffix(END)) {
                return take(index).map(ValuePlan::Ref);
            }
            let mut pieces = Vec::new();
            let mut rest = text.as_str();
            while let Some(start) = rest.find(IN_STRING) {
                if start > 0 {
                    pieces.push(TemplatePiece::Text(rest[..start].to_string()));
                }
                let after = &rest[start + IN_STRING.len_utf8()..];
                let end = after.find(END)?;
                pieces.push(TemplatePiece::Value(take(&after[..end])?));
                rest = &after[end + END.len_utf8()..];
            }
            if rest.contains([ALONE, END]) {
                return None;
            }
            if !rest.is_empty() {
                pieces.push(TemplatePiece::Text(rest.to_string()));
            }
            ValuePlan::Template(pieces)
        }
        Value::Array(items) => {
            ValuePlan::Array(items.iter().map(|item| from_marked(item, values, seen)).collect::<Option<_>>()?)
        }
        Value::Object(fields) => ValuePlan::Object(
            fields
                .iter()
                .map(|(key, item)| {
                    if key.contains([IN_STRING, ALONE, END]) {
                        return None;
                    }
                    Some((key.clone(), from_marked(item, values, seen)?))
                })
                .collect::<Option<_>>()?,
        ),
        literal => ValuePlan::Literal(literal.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{TemplatePart, parse_template};
    use crate::plan::RustType;
    use serde_json::json;

    /// The template of `text` with every embedded input a required string input named after it.
    fn structure(text: &str) -> Option<ValuePlan> {
        let mut pieces = Vec::new();
        for part in parse_template(text).unwrap_or_default() {
            pieces.push(match part {
                TemplatePart::Literal(literal) => TemplatePiece::Text(literal),
                TemplatePart::Expr { expr, .. } => TemplatePiece::Value(input(&expr.to_string())),
            });
        }
        let in_string = crate::check::body::json_text_slots(text).ok()?;
        json_text_structure(&pieces, &in_string)
    }

    fn input(name: &str) -> ValueRef {
        ValueRef::Input { field: name.to_string(), ty: RustType::String, optional: false }
    }

    #[test]
    fn json_text_reads_as_the_value_it_writes() {
        let read = structure(
            r#"{"name": "{$inputs.a}", "id": {$inputs.b}, "tag": "x-{$inputs.c}-y", "list": [1, {$inputs.d}]}"#,
        );
        let expected = ValuePlan::Object(vec![
            ("name".into(), ValuePlan::Template(vec![TemplatePiece::Value(input("$inputs.a"))])),
            ("id".into(), ValuePlan::Ref(input("$inputs.b"))),
            (
                "tag".into(),
                ValuePlan::Template(vec![
                    TemplatePiece::Text("x-".into()),
                    TemplatePiece::Value(input("$inputs.c")),
                    TemplatePiece::Text("-y".into()),
                ]),
            ),
            ("list".into(), ValuePlan::Array(vec![ValuePlan::Literal(json!(1)), ValuePlan::Ref(input("$inputs.d"))])),
        ]);
        assert_eq!(read, Some(expected));
    }

    #[test]
    fn text_that_spells_a_marker_is_not_read_as_one() {
        // `\ue001` in the text decodes to the marker of a value standing alone.
        assert_eq!(structure(r#"{"a": "\ue0010\ue002", "b": {$inputs.b}}"#), None);
        assert_eq!(structure(r#"{"\ue000": {$inputs.b}}"#), None);
        assert!(structure(r#"{"a": "\u00e9", "b": {$inputs.b}}"#).is_some());
    }
}
