//! The criteria rules of Arazzo 1.1 ("Condition Evaluation"), for documents that declare
//! `arazzo: 1.1.x`. The generator chooses them at build time: a 1.1 document's criteria call these
//! functions, a 1.0 document's call those of [`condition`](super) (its rules are unchanged).
//!
//! What 1.1 says, and where it differs from the 1.0 rules:
//!
//! | 1.1 text | here | 1.0 rules |
//! |---|---|---|
//! | "String comparisons MUST be case-insensitive" | as 1.0 | same |
//! | "`null` only equals itself ... Comparing `null` with any other value evaluates to `false`" | `==` is false and `!=` true between `null` (or an absent value) and anything else; `<` `<=` `>` `>=` are false | same |
//! | "Numeric strings SHOULD be coerced to numbers when compared with numeric operators" | `<` `<=` `>` `>=` compare two numeric strings as numbers (`'9' < '10'`); `==` and `!=` keep comparing two strings as text (`'007' != '7'`) | two strings are always ordered as text (`'9' > '10'`) |
//! | regex, jsonpath: "If the `context` evaluates to `null` or `undefined` ... MUST evaluate to fail" | `null` and absent contexts fail | a `null` context is a JSON document to JSONPath (`$` selects it) |
//! | "Evaluation Errors ... the condition MUST evaluate to fail, and implementations SHOULD log or report the error" | an invalid pattern or query fails the criterion (and is reported as a `WARN` tracing event) | [`StepError::InvalidCriterion`](crate::StepError::InvalidCriterion) fails the step |
//!
//! Truthiness of a bare operand ([`truthy`](super::truthy)) and navigation
//! ([`field`](super::field), [`index`](super::index)) are the same under both versions: 1.1 says a
//! condition fails when it "evaluates to `false`" or "to `null`", as they do.
//!
//! ```
//! use arazzo_runtime::condition::{Compare, v1_1};
//! use serde_json::json;
//!
//! // $response.body#/version > '10', with the body {"version": "9"}: numbers under 1.1.
//! assert!(!v1_1::compare(Compare::Gt, Some(&json!("9")), Some(&json!("10"))));
//! assert!(arazzo_runtime::condition::compare(Compare::Gt, Some(&json!("9")), Some(&json!("10"))));
//! // A null context fails a JSONPath criterion.
//! assert!(!v1_1::jsonpath_match("$", Some(&json!(null))));
//! ```

use std::cmp::Ordering;

use serde_json::Value;

use super::{Compare, Num, cmp_ignore_case, non_null};

/// Arazzo 1.1 simple-condition comparison (see the [module documentation](self)).
pub fn compare(op: Compare, left: Option<&Value>, right: Option<&Value>) -> bool {
    match op {
        Compare::Eq | Compare::Ne => super::compare(op, left, right),
        Compare::Lt => order(left, right).is_some_and(Ordering::is_lt),
        Compare::Le => order(left, right).is_some_and(Ordering::is_le),
        Compare::Gt => order(left, right).is_some_and(Ordering::is_gt),
        Compare::Ge => order(left, right).is_some_and(Ordering::is_ge),
    }
}

/// The 1.0 order, except that two numeric strings are ordered as numbers.
fn order(left: Option<&Value>, right: Option<&Value>) -> Option<Ordering> {
    if let (Some(Value::String(a)), Some(Value::String(b))) = (non_null(left), non_null(right)) {
        return match (Num::of_str(a), Num::of_str(b)) {
            (Some(a), Some(b)) => a.partial_cmp(&b),
            _ => Some(cmp_ignore_case(a, b)),
        };
    }
    super::order(left, right)
}

/// A `regex` criterion under 1.1: whether `pattern` matches anywhere in the subject's text (as
/// [`regex_match`](super::regex_match)); an absent or `null` subject fails, and so does a pattern
/// that is not valid (reported as a tracing event).
pub fn regex_match(pattern: &'static str, subject: Option<&Value>) -> bool {
    super::regex_match(pattern, subject).unwrap_or_else(|error| evaluation_error(&error))
}

/// A `jsonpath` criterion under 1.1: whether querying the subject yields at least one node. An
/// absent or `null` context fails, and so does a query that is not valid (reported as a tracing
/// event).
pub fn jsonpath_match(path: &'static str, subject: Option<&Value>) -> bool {
    let subject = non_null(subject);
    subject.is_some() && super::jsonpath_match(path, subject).unwrap_or_else(|error| evaluation_error(&error))
}

/// [`jsonpath_test`](super::jsonpath_test) under 1.1: an absent or `null` context fails, and so
/// does a filter that is not valid (reported as a tracing event).
pub fn jsonpath_test(filter: &'static str, subject: Option<&Value>) -> bool {
    let subject = non_null(subject);
    subject.is_some() && super::jsonpath_test(filter, subject).unwrap_or_else(|error| evaluation_error(&error))
}

/// 1.1: an evaluation error makes the criterion fail, and "implementations SHOULD log or report the
/// error". The message names the document's pattern or query, never a value of the run.
pub(super) fn evaluation_error(error: &crate::StepError) -> bool {
    tracing::warn!(target: "arazzo", error = %error, "criterion could not be evaluated, so it fails (Arazzo 1.1)");
    false
}

#[cfg(test)]
#[path = "condition_v1_1_tests.rs"]
mod tests;
