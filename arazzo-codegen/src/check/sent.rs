//! Step outputs read from the request the step sent (`$url`, `$method`, `$request.header.*`,
//! `$request.query.*`, `$request.path.*`, `$request.body`): what was on the wire, kept with the
//! response by the runtime. Typed from what the step sends; a credential, or a value built from a
//! secret, is a `SecretString`.

use serde_json::Value;

use super::Reporter;
use super::values::list;
use crate::expr::{Expr, Source};
use crate::model::ParameterLocation;
use crate::plan::{BodyEncoding, BodyPlan, CredentialKind, ParameterPlan, RustType, SentPart, ValuePlan};

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
            if !matches!(body.encoding, BodyEncoding::Json | BodyEncoding::Form) {
                // Text, XML and multipart bodies are sent as bytes the runtime does not read back.
                reporter.error(
                    pointer,
                    format!(
                        "`{expr}` reads the request body, but this step sends it as text or multipart data, not as \
                         a JSON value; step outputs can read JSON and form bodies"
                    ),
                );
                return None;
            }
            let ty = match at_pointer(&body.value, &json_pointer) {
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
