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
use crate::plan::{ConditionPlan, CriterionCheck, CriterionPlan, OperandPlan, XPathVersion};

/// The statement that fails the step unless the criterion holds.
pub(super) fn check(criterion: &CriterionPlan) -> TokenStream {
    let text = &criterion.text;
    let passed = holds(&criterion.check);
    quote!(run.check(#passed, #text, &response)?;)
}

/// A `bool` expression: whether the criterion holds for `response`.
pub(super) fn holds(check: &CriterionCheck) -> TokenStream {
    match check {
        CriterionCheck::Status(status) => {
            let operator = operator_tokens(status.operator);
            let value = proc_macro2::Literal::u16_unsuffixed(u16::try_from(status.status).unwrap_or_default());
            quote!(response.status() #operator #value)
        }
        CriterionCheck::Simple(condition) => boolean(condition),
        CriterionCheck::Regex { context, pattern } => {
            let context = operand(context);
            quote!(::arazzo_runtime::condition::regex_match(#pattern, #context).map_err(|error| run.fail(error))?)
        }
        CriterionCheck::JsonPath { context, path, on_context } => {
            let context = operand(context);
            let function = if *on_context { quote!(jsonpath_test) } else { quote!(jsonpath_match) };
            quote!(::arazzo_runtime::condition::#function(#path, #context).map_err(|error| run.fail(error))?)
        }
        CriterionCheck::XPath { context, expression, version } => {
            let version = match version {
                XPathVersion::XPath31 => quote!(XPath31),
                XPathVersion::XPath30 => quote!(XPath30),
                XPathVersion::XPath20 => quote!(XPath20),
                XPathVersion::XPath10 => quote!(XPath10),
            };
            let xpath =
                quote!(::arazzo_runtime::xpath::XPath::new(#expression, ::arazzo_runtime::xpath::Version::#version));
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

pub(super) fn boolean(condition: &ConditionPlan) -> TokenStream {
    match condition {
        ConditionPlan::Literal(Value::Bool(flag)) => quote!(#flag),
        ConditionPlan::Literal(_) | ConditionPlan::Operand { .. } => {
            let value = value(condition);
            quote!(::arazzo_runtime::condition::truthy(#value))
        }
        ConditionPlan::Not(inner) => {
            let inner = grouped(inner, |child| matches!(child, ConditionPlan::And(..) | ConditionPlan::Or(..)));
            quote!(!#inner)
        }
        ConditionPlan::And(left, right) => {
            let is_or = |child: &ConditionPlan| matches!(child, ConditionPlan::Or(..));
            let (left, right) = (grouped(left, is_or), grouped(right, is_or));
            quote!(#left && #right)
        }
        ConditionPlan::Or(left, right) => {
            let (left, right) = (boolean(left), boolean(right));
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
            let (left, right) = (value(left), value(right));
            quote!(::arazzo_runtime::condition::compare(::arazzo_runtime::condition::Compare::#variant, #left, #right))
        }
    }
}

/// `boolean(child)`, in parentheses where the child binds more loosely than its parent.
fn grouped(child: &ConditionPlan, looser: impl Fn(&ConditionPlan) -> bool) -> TokenStream {
    let inner = boolean(child);
    if looser(child) { quote!((#inner)) } else { inner }
}

/// An `Option<&serde_json::Value>` expression for an operand of a comparison.
fn value(condition: &ConditionPlan) -> TokenStream {
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
            let inner = boolean(other);
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
            let place = place(value);
            match pointer {
                Some(pointer) => quote!(::arazzo_runtime::json::value(&#place)
                    .as_ref()
                    .and_then(|value| value.pointer(#pointer))),
                None => quote!(::arazzo_runtime::json::value(&#place).as_ref()),
            }
        }
    }
}
