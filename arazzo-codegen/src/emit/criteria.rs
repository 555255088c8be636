//! Criteria as Rust: `run.check(<condition>, "<as written>", &response)?;`.
//!
//! Simple conditions become calls to `arazzo_runtime::condition`, which holds the Arazzo comparison
//! rules (case-insensitive strings, numeric strings as numbers, null only equal to null); the common
//! `$statusCode == 200` stays a plain comparison.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::value::{literal_tokens, place};
use crate::condition::{CompareOp, Nav};
use crate::model::Version;
use crate::plan::{
    ConditionPiece, ConditionPlan, CriterionCheck, CriterionPlan, Embedded, OperandPlan, RustType, ValueRef,
    XPathVersion,
};

/// The statement that fails the step unless the criterion holds.
pub(super) fn check(criterion: &CriterionPlan) -> TokenStream {
    let text = &criterion.text;
    let passed = holds(&criterion.check, criterion.rules);
    quote!(run.check(#passed, #text, &response)?;)
}

/// A `bool` expression: whether the criterion holds for `response`, by the evaluation rules of
/// `rules` (1.0: `arazzo_runtime::condition`; 1.1: `arazzo_runtime::condition::v1_1`, chosen here
/// so that nothing is decided at run time).
pub(super) fn holds(check: &CriterionCheck, rules: Version) -> TokenStream {
    match check {
        CriterionCheck::Status(status) => {
            let operator = operator_tokens(status.operator);
            let value = proc_macro2::Literal::u16_unsuffixed(u16::try_from(status.status).unwrap_or_default());
            quote!(response.status() #operator #value)
        }
        CriterionCheck::Simple(condition) => boolean(condition, rules),
        // The 1.1 functions are called only where 1.1's rules can give another answer, so that an upgraded
        // document keeps its code. Patterns and queries were validated here, so neither version meets an
        // evaluation error; regexes agree on every subject (a `null` or absent one never matches), and
        // JSONPath queries only differ on a `null` context, which 1.1 fails but `$` alone selects in 1.0.
        // 1.1 only: the values embedded in the pattern or query are pieces of their own, never its text.
        CriterionCheck::Regex { context, pattern, embedded } if !embedded.is_empty() => {
            let (context, pieces) = (operand(context), pieces(embedded, rules));
            quote!(::arazzo_runtime::condition::embedded::regex_match(#pattern, &[#(#pieces),*], #context))
        }
        CriterionCheck::JsonPath { context, path, embedded, .. } if !embedded.is_empty() => {
            let (context, pieces) = (operand(context), pieces(embedded, rules));
            quote!(::arazzo_runtime::condition::embedded::jsonpath_match(#path, &[#(#pieces),*], #context))
        }
        CriterionCheck::Regex { context, pattern, .. } => {
            let context = operand(context);
            quote!(::arazzo_runtime::condition::regex_match(#pattern, #context).map_err(|error| run.fail(error))?)
        }
        CriterionCheck::JsonPath { context, path, on_context, .. } => {
            let context = operand(context);
            let function = if *on_context { quote!(jsonpath_test) } else { quote!(jsonpath_match) };
            if rules == Version::V1_1 && !*on_context && path.trim() == "$" {
                quote!(::arazzo_runtime::condition::v1_1::#function(#path, #context))
            } else {
                quote!(::arazzo_runtime::condition::#function(#path, #context).map_err(|error| run.fail(error))?)
            }
        }
        CriterionCheck::XPath { context, expression, translated, version, variables } if !variables.is_empty() => {
            let xpath = xpath(expression, translated.as_deref(), *version);
            let variables =
                variables.iter().map(|variable| xpath_variable(value(&variable.value, rules), variable.quote));
            let variables = quote!(&[#(#variables),*]);
            match context {
                OperandPlan::ResponseBody(pointer) if pointer.is_empty() => quote!(
                    ::arazzo_runtime::xpath::body_holds_with(#xpath, #variables, response.body())
                        .map_err(|error| run.fail(error))?
                ),
                other => {
                    let context = operand(other);
                    quote!(::arazzo_runtime::xpath::value_holds_with(#xpath, #variables, #context)
                        .map_err(|error| run.fail(error))?)
                }
            }
        }
        CriterionCheck::XPath { context, expression, translated, version, .. } => {
            let xpath = xpath(expression, translated.as_deref(), *version);
            match context {
                // The body's own bytes: an XML body is never read as JSON.
                OperandPlan::ResponseBody(pointer) if pointer.is_empty() => {
                    quote!(::arazzo_runtime::xpath::body_holds(#xpath, response.body()).map_err(|error| run.fail(error))?)
                }
                other => {
                    let context = operand(other);
                    quote!(::arazzo_runtime::xpath::value_holds(#xpath, #context).map_err(|error| run.fail(error))?)
                }
            }
        }
    }
}

/// The `arazzo_runtime::condition::embedded::Piece`s of a condition that embeds values.
fn pieces(pieces: &[ConditionPiece], rules: Version) -> Vec<TokenStream> {
    super::value::runtime_pieces(pieces, |embedded| value(embedded, rules))
}

/// An `arazzo_runtime::xpath::Variable` binding `value` (an `Option<&serde_json::Value>` expression):
/// as text when it was written in a string literal (`quote`).
pub(super) fn xpath_variable(value: TokenStream, quote: Option<char>) -> TokenStream {
    match quote {
        Some(_) => quote!(::arazzo_runtime::xpath::Variable::Text(#value)),
        None => quote!(::arazzo_runtime::xpath::Variable::Value(#value)),
    }
}

/// The `arazzo_runtime::xpath::Variable`s of an XPath selector's embedded values.
pub(super) fn selector_variables(variables: &[Embedded<ValueRef>]) -> TokenStream {
    let variables = variables.iter().map(|variable| {
        let place = place(&variable.value);
        xpath_variable(quote!(::arazzo_runtime::json::value(&#place).as_ref()), variable.quote)
    });
    quote!(&[#(#variables),*])
}

/// The `arazzo_runtime::xpath::XPath` value naming `expression` in `version`; an `xpath-10` one
/// with the 3.1 expression it was `translated` into, which is what is evaluated.
pub(super) fn xpath(expression: &str, translated: Option<&str>, version: XPathVersion) -> TokenStream {
    if let Some(translated) = translated {
        return quote!(::arazzo_runtime::xpath::XPath::xpath_10(#expression, #translated));
    }
    let version = match version {
        XPathVersion::XPath31 => quote!(XPath31),
        XPathVersion::XPath30 => quote!(XPath30),
        XPathVersion::XPath20 => quote!(XPath20),
        XPathVersion::XPath10 => quote!(XPath10),
    };
    quote!(::arazzo_runtime::xpath::XPath::new(#expression, ::arazzo_runtime::xpath::Version::#version))
}

fn operator_tokens(operator: CompareOp) -> TokenStream {
    match operator {
        CompareOp::Eq => quote!(==),
        CompareOp::Ne => quote!(!=),
        CompareOp::Lt => quote!(<),
        CompareOp::Le => quote!(<=),
        CompareOp::Gt => quote!(>),
        CompareOp::Ge => quote!(>=),
    }
}

pub(super) fn boolean(condition: &ConditionPlan, rules: Version) -> TokenStream {
    match condition {
        ConditionPlan::Literal(Value::Bool(flag)) => quote!(#flag),
        ConditionPlan::Literal(_) | ConditionPlan::Operand { .. } => {
            let value = value(condition, rules);
            quote!(::arazzo_runtime::condition::truthy(#value))
        }
        ConditionPlan::Not(inner) => {
            let inner = grouped(inner, rules, |child| matches!(child, ConditionPlan::And(..) | ConditionPlan::Or(..)));
            quote!(!#inner)
        }
        ConditionPlan::And(left, right) => {
            let is_or = |child: &ConditionPlan| matches!(child, ConditionPlan::Or(..));
            let (left, right) = (grouped(left, rules, is_or), grouped(right, rules, is_or));
            quote!(#left && #right)
        }
        ConditionPlan::Or(left, right) => {
            let (left, right) = (boolean(left, rules), boolean(right, rules));
            quote!(#left || #right)
        }
        ConditionPlan::Compare(left, operator, right) => {
            let variant = match operator {
                CompareOp::Eq => quote!(Eq),
                CompareOp::Ne => quote!(Ne),
                CompareOp::Lt => quote!(Lt),
                CompareOp::Le => quote!(Le),
                CompareOp::Gt => quote!(Gt),
                CompareOp::Ge => quote!(Ge),
            };
            // 1.1 orders two numeric strings as numbers; everything else compares as in 1.0, so the 1.0
            // function is called wherever the rules cannot differ (an upgraded document keeps its code).
            let may_differ = rules == Version::V1_1
                && !matches!(operator, CompareOp::Eq | CompareOp::Ne)
                && may_be_string(left)
                && may_be_string(right);
            let (left, right) = (value(left, rules), value(right, rules));
            let compare = if may_differ {
                quote!(::arazzo_runtime::condition::v1_1::compare)
            } else {
                quote!(::arazzo_runtime::condition::compare)
            };
            quote!(#compare(::arazzo_runtime::condition::Compare::#variant, #left, #right))
        }
    }
}

/// Whether an operand of a comparison can hold a string: a literal only when it is one, `$statusCode`
/// never, anything read from a document or an input may.
fn may_be_string(condition: &ConditionPlan) -> bool {
    match condition {
        ConditionPlan::Literal(literal) => literal.is_string(),
        ConditionPlan::Operand { operand: OperandPlan::StatusCode, .. } => false,
        // An input or output typed as a number or boolean (read whole) is never a string.
        ConditionPlan::Operand { operand: OperandPlan::Value { value, pointer: None }, navigation }
            if navigation.is_empty() =>
        {
            !matches!(value.ty().non_null(), RustType::I64 | RustType::F64 | RustType::Bool)
        }
        ConditionPlan::Operand { .. } => true,
        ConditionPlan::Not(_) | ConditionPlan::Compare(..) | ConditionPlan::And(..) | ConditionPlan::Or(..) => false,
    }
}

/// `boolean(child)`, in parentheses where the child binds more loosely than its parent.
fn grouped(child: &ConditionPlan, rules: Version, looser: impl Fn(&ConditionPlan) -> bool) -> TokenStream {
    let inner = boolean(child, rules);
    if looser(child) { quote!((#inner)) } else { inner }
}

/// An `Option<&serde_json::Value>` expression for an operand of a comparison.
fn value(condition: &ConditionPlan, rules: Version) -> TokenStream {
    match condition {
        ConditionPlan::Literal(literal) => {
            let literal = literal_tokens(literal);
            quote!(::core::option::Option::Some(&#literal))
        }
        ConditionPlan::Operand { operand: read, navigation } => {
            navigation.iter().fold(operand(read), |inner, step| match step {
                Nav::Field(name) => quote!(::arazzo_runtime::condition::field(#inner, #name)),
                Nav::Index(index) => quote!(::arazzo_runtime::condition::index(#inner, #index)),
            })
        }
        // A comparison used as an operand (`($a == 1) == true`) is a boolean value.
        other => {
            let inner = boolean(other, rules);
            quote!(::core::option::Option::Some(&::arazzo_runtime::serde_json::Value::Bool(#inner)))
        }
    }
}

/// An `Option<&serde_json::Value>` expression reading what a criterion names.
fn operand(read: &OperandPlan) -> TokenStream {
    match read {
        OperandPlan::StatusCode => {
            quote!(::core::option::Option::Some(&::arazzo_runtime::serde_json::Value::from(response.status())))
        }
        OperandPlan::ResponseBody(pointer) => quote!(response.body_part(#pointer).as_deref()),
        OperandPlan::Url => {
            quote!(::core::option::Option::Some(&::arazzo_runtime::serde_json::Value::from(response.request_url())))
        }
        OperandPlan::Method => {
            quote!(::core::option::Option::Some(&::arazzo_runtime::serde_json::Value::from(response.request_method())))
        }
        OperandPlan::RequestHeader(name) => quote!(response.request_header(#name).as_ref()),
        OperandPlan::RequestQuery(name) => quote!(response.request_query(#name).as_ref()),
        OperandPlan::RequestPath(name) => quote!(response.request_path(#name).as_ref()),
        OperandPlan::RequestBody(pointer) => quote!(response.request_body_at(#pointer)),
        OperandPlan::ResponseHeader(name) => quote!(response.header_value(#name).as_ref()),
        OperandPlan::Value { value, pointer } => {
            // JSON at a pointer into an input or an output: borrowed where it lies.
            if pointer.is_none()
                && let Some(read) = super::value::borrowed_json(value)
            {
                return read;
            }
            let place = place(value);
            match pointer {
                Some(pointer) => quote!(::arazzo_runtime::json::value(&#place)
                    .as_ref()
                    .and_then(|value| value.pointer(#pointer))),
                // `None` of a value that may be `null` is `null`.
                None if value.ty().is_nullable() => {
                    quote!(::arazzo_runtime::json::value(&::arazzo_runtime::json::or_null(&#place)).as_ref())
                }
                None => quote!(::arazzo_runtime::json::value(&#place).as_ref()),
            }
        }
    }
}
