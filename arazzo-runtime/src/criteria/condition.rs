//! The value semantics of compiled Criterion Objects.
//!
//! `arazzo-codegen` parses every criterion at build time and emits plain Rust over these
//! functions; nothing here parses an Arazzo expression. A `simple` condition becomes
//! [`compare`], [`truthy`], `!`, `&&` and `||` over operands read with [`field`] and [`index`];
//! a `regex` criterion becomes [`regex_match`] and a `jsonpath` criterion [`jsonpath_match`] (or
//! [`jsonpath_test`] for a comparison written in place of the query). Arazzo 1.1 documents call
//! [`v1_1`] where its rules differ, and [`embedded`] for conditions that embed runtime expressions.
//!
//! ```
//! use arazzo_runtime::condition::{Compare, compare, field, index, truthy};
//! use serde_json::json;
//!
//! let status = json!(200);
//! let body = json!({"status": "Available", "data": [{"id": 42}], "active": false});
//! // $statusCode == 200 && $response.body.status == 'available'
//! assert!(
//!     compare(Compare::Eq, Some(&status), Some(&json!(200)))
//!         && compare(Compare::Eq, field(Some(&body), "status"), Some(&json!("available")))
//! );
//! // $response.body.data[0].id > 10
//! assert!(compare(Compare::Gt, field(index(field(Some(&body), "data"), 0), "id"), Some(&json!(10))));
//! // !$response.body.active
//! assert!(!truthy(field(Some(&body), "active")));
//! ```
//!
//! # Operands
//!
//! An operand is `Option<&Value>`: `None` is an *absent* value (a JSON pointer or a `.name` /
//! `[n]` navigation that found nothing, a header the response lacks). Absent behaves like
//! `null` everywhere.
//!
//! # Comparison rules
//!
//! The Arazzo 1.0.1 spec only says that string comparisons MUST be case-insensitive. The rest
//! follows the reference evaluator whose vectors are in the conformance data
//! (`conditions/evaluate.json`, from `swaggerexpert/arazzo-criterion`), except where noted:
//!
//! | operands | `==` / `!=` | `<` `<=` `>` `>=` |
//! |---|---|---|
//! | null or absent on either side | equal only when both are null or absent | always false |
//! | number, number | numeric value (`1 == 1.0`; integers exactly, without rounding) | numeric |
//! | number, numeric string | the string as a number (`'200' == 200`, `'30' == 30`) | numeric |
//! | string, string | case-insensitive (Unicode lowercase), even when both look numeric (`'1.0' != '1'`) | lowercase, by code point (`'9' > '10'`) |
//! | boolean, boolean | same value | always false |
//! | array, array / object, object | structurally: same length / same member names, items and member values equal by these rules | always false |
//! | any other pair (number and non-numeric string, boolean and string, ...) | not equal | always false |
//!
//! `!=` is always the negation of `==`. A *numeric string* is, once surrounding whitespace is
//! trimmed, a finite decimal number in the forms `42`, `-3.14`, `+1`, `.5`, `1.5e3` (JavaScript's
//! `Number()` also reads `0x1F`, `0b1` and `0o7`; this does not).
//!
//! Where this departs from the reference evaluator (JavaScript semantics):
//! - arrays and objects are compared structurally; JavaScript compares them by identity, so two
//!   arrays are never equal there.
//! - relational operators on booleans, arrays or objects are false; JavaScript coerces
//!   `true > false` to `1 > 0`.
//! - strings are ordered by Unicode code point; JavaScript orders by UTF-16 code unit, which
//!   differs only between characters above U+FFFF and those in U+E000..=U+FFFF.
//!
//! # Truthiness
//!
//! A bare operand used as a condition (`$response.body#/active`, `$statusCode`, `true`) follows
//! JavaScript's `Boolean()`, as the reference evaluator does: absent, `null`, `false`, `0` and
//! `""` are false; every other number and string (including `"false"` and `"0"`) and every
//! array and object (including `[]` and `{}`) is true.
//!
//! # Regular expressions
//!
//! Patterns use the Rust [`regex`] crate's syntax, not ECMA-262 (JavaScript). Most everyday
//! patterns mean the same in both (`^2\d\d$`, `[A-Za-z0-9_-]+`, `(?i)bearer`). The differences:
//! - no backreferences (`\1`) and no look-around (`(?=`, `(?!`, `(?<=`, `(?<!`): such patterns
//!   are rejected, never silently changed;
//! - matching is Unicode-aware by default: `\d`, `\w`, `\s` and `\b` match Unicode digits,
//!   word characters and spaces (write `(?-u:\d)` or `[0-9]` for ASCII only), and `.` matches
//!   any Unicode scalar value except `\n`;
//! - flags are written inline (`(?i)`, `(?m)`, `(?s)`, `(?x)`), as there is no `/.../flags`;
//! - named groups may be written `(?P<name>...)` as well as `(?<name>...)`.
//!
//! The pattern is searched anywhere in the subject, like JavaScript's `RegExp.prototype.test`:
//! anchor it with `^...$` to match the whole text.
//!
//! # JSONPath
//!
//! `jsonpath` criteria follow RFC 9535 (the spec's default; the
//! `draft-goessner-dispatch-jsonpath-00` variant is not supported) through the
//! [`serde_json_path`] crate.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use regex::Regex;
use serde_json::{Number, Value};
use serde_json_path::JsonPath;

use crate::error::StepError;

#[path = "condition_v1_1.rs"]
pub mod v1_1;

#[path = "condition_embedded.rs"]
pub mod embedded;

/// A comparison operator of a `simple` condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Compare {
    /// The operator as written in a condition.
    pub fn as_str(self) -> &'static str {
        match self {
            Compare::Eq => "==",
            Compare::Ne => "!=",
            Compare::Lt => "<",
            Compare::Le => "<=",
            Compare::Gt => ">",
            Compare::Ge => ">=",
        }
    }
}

/// Arazzo simple-condition comparison. Operands are JSON values or absent (a missing path).
///
/// See the [module documentation](self#comparison-rules) for the rules.
pub fn compare(op: Compare, left: Option<&Value>, right: Option<&Value>) -> bool {
    match op {
        Compare::Eq => loose_eq(left, right),
        Compare::Ne => !loose_eq(left, right),
        Compare::Lt => order(left, right).is_some_and(Ordering::is_lt),
        Compare::Le => order(left, right).is_some_and(Ordering::is_le),
        Compare::Gt => order(left, right).is_some_and(Ordering::is_gt),
        Compare::Ge => order(left, right).is_some_and(Ordering::is_ge),
    }
}

/// A bare operand used as a condition (`$response.body#/active`, `true`).
///
/// False for absent, `null`, `false`, `0` and `""`; true for every other value, including
/// `"false"`, `"0"`, `[]` and `{}` (JavaScript's `Boolean()`, as in the reference evaluator).
pub fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(_) | Value::Object(_)) => true,
    }
}

/// Navigation `.name` after an expression: the member `name` of an object; absent for any
/// other value (including absent).
pub fn field<'a>(value: Option<&'a Value>, name: &str) -> Option<&'a Value> {
    value?.as_object()?.get(name)
}

/// Navigation `[n]` after an expression: item `index` (0-based) of an array; absent when out
/// of range and for any other value (including absent).
pub fn index(value: Option<&Value>, index: usize) -> Option<&Value> {
    value?.as_array()?.get(index)
}

/// A `regex` criterion: whether `pattern` matches anywhere in the subject's text.
///
/// The subject's text is a string as is, a number or boolean as its JSON text (`200`, `true`);
/// absent, `null`, arrays and objects never match. See the
/// [module documentation](self#regular-expressions) for the pattern dialect. Each pattern is
/// compiled once and cached; an invalid pattern is [`StepError::InvalidCriterion`].
pub fn regex_match(pattern: &'static str, subject: Option<&Value>) -> Result<bool, StepError> {
    let regex = cached(&REGEXES, pattern, || Regex::new(pattern).map_err(|error| regex_error_reason(&error)))?;
    let matched = match subject {
        Some(Value::String(text)) => regex.is_match(text),
        Some(Value::Number(n)) => regex.is_match(&n.to_string()),
        Some(Value::Bool(b)) => regex.is_match(if *b { "true" } else { "false" }),
        None | Some(Value::Null | Value::Array(_) | Value::Object(_)) => false,
    };
    Ok(matched)
}

/// A `jsonpath` criterion (RFC 9535): whether querying the subject yields at least one node.
///
/// An absent subject (the context expression found nothing) never matches; `null` is a
/// document like any other (`$` selects it). Each path is parsed once and cached; an invalid
/// path is [`StepError::InvalidCriterion`].
///
/// Filters follow RFC 9535 to the letter, which surprises on an object root: in
/// `$[?@.access_token != null]` the filter tests each *member value* of the root, and a member
/// value without an `access_token` member yields nothing, which is `!= null`. So the query
/// selects something for every non-empty object, with or without an `access_token`. To test
/// the member itself, write the `simple` condition `$response.body#/access_token != null`
/// (`$.access_token` alone would also select a `null` member).
pub fn jsonpath_match(path: &'static str, subject: Option<&Value>) -> Result<bool, StepError> {
    let query = cached(&JSON_PATHS, path, || parse_jsonpath(path))?;
    Ok(subject.is_some_and(|value| !query.query(value).is_empty()))
}

/// A comparison some documents write where a `jsonpath` query belongs (`$.ok == true`), compiled
/// to the RFC 9535 filter `$[?@.ok == true]`: whether the subject itself passes the filter.
///
/// RFC 9535 filters test the members of what they are applied to, so the subject is wrapped in a
/// one-element array: the criterion holds exactly when the comparison holds for the subject (with
/// RFC 9535's comparison rules: strings compared exactly, `1 == 1.0`, no conversions). An absent
/// or `null` subject never passes: there is nothing to compare (the rule Arazzo 1.1 gives every
/// `jsonpath` criterion; this reading is arazzo-rs's own, so it is the same under both versions).
pub fn jsonpath_test(filter: &'static str, subject: Option<&Value>) -> Result<bool, StepError> {
    let query = cached(&JSON_PATHS, filter, || parse_jsonpath(filter))?;
    Ok(non_null(subject).is_some_and(|value| {
        let wrapped = Value::Array(vec![value.clone()]);
        !query.query(&wrapped).is_empty()
    }))
}

/// `JsonPath::parse` minus its one panic (found by fuzzing the generator, which has the same guard
/// in `arazzo_codegen::condition::parse_jsonpath`): serde_json_path 0.7 reaches `unreachable!` on a
/// query that ends inside a `\u` escape. Such a query is invalid anyway, so it is refused first.
/// Generated code only passes queries the generator parsed; this keeps direct callers safe too.
pub(crate) fn parse_jsonpath(query: &str) -> Result<JsonPath, String> {
    // The parser runs out of input at most one character after the `u` of an escape.
    let last = query.char_indices().next_back().map_or(0, |(at, _)| at);
    let escape_at_end = [query, &query[..last]].iter().any(|text| {
        // A `u` after an odd number of backslashes starts an escape; after an even number it is text.
        text.strip_suffix('u').is_some_and(|before| (before.len() - before.trim_end_matches('\\').len()) % 2 == 1)
    });
    if escape_at_end {
        return Err("the query ends inside a `\\u` escape, which needs four hexadecimal digits".to_string());
    }
    JsonPath::parse(query).map_err(|error| error.to_string())
}

/// The parsed JSONPath `query`, from the cache the criteria use (parsed on first use): for the
/// selectors of `crate::select`. The error is the parser's message.
pub(crate) fn jsonpath_query(query: &'static str) -> Result<Arc<JsonPath>, String> {
    let mut map = JSON_PATHS.lock().unwrap_or_else(PoisonError::into_inner);
    map.entry(query).or_insert_with(|| parse_jsonpath(query).map(Arc::new)).clone()
}

type Cache<T> = LazyLock<Mutex<HashMap<&'static str, Result<Arc<T>, String>>>>;

/// Compiled regex patterns. Keys are `&'static str` from generated code, so the map stays as
/// small as the set of patterns in the compiled documents.
static REGEXES: Cache<Regex> = LazyLock::new(Default::default);
/// Parsed JSONPath queries, as [`REGEXES`].
static JSON_PATHS: Cache<JsonPath> = LazyLock::new(Default::default);

/// The cached compilation of `source`, compiling it on first use. The lock is held only to
/// find or compile the entry, not while matching.
fn cached<T>(
    cache: &Cache<T>,
    source: &'static str,
    compile: impl FnOnce() -> Result<T, String>,
) -> Result<Arc<T>, StepError> {
    // A panic while holding the lock cannot leave the map half-updated: recover it.
    let mut map = cache.lock().unwrap_or_else(PoisonError::into_inner);
    let compiled = map.entry(source).or_insert_with(|| compile().map(Arc::new)).clone();
    compiled.map_err(|message| StepError::InvalidCriterion { criterion: source, message })
}

/// The one-line reason of a regex syntax error. The crate's message spans several lines (the
/// pattern, a caret line, then `error: <reason>`); the pattern is already in the error.
fn regex_error_reason(error: &regex::Error) -> String {
    let text = error.to_string();
    match text.lines().find_map(|line| line.strip_prefix("error: ")) {
        Some(reason) => reason.to_owned(),
        None => text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

fn loose_eq(left: Option<&Value>, right: Option<&Value>) -> bool {
    let (left, right) = match (non_null(left), non_null(right)) {
        (None, None) => return true,
        (Some(left), Some(right)) => (left, right),
        _ => return false,
    };
    match (left, right) {
        (Value::String(a), Value::String(b)) => eq_ignore_case(a, b),
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| loose_eq(Some(a), Some(b)))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(name, a)| b.get(name).is_some_and(|b| loose_eq(Some(a), Some(b))))
        }
        _ => numeric_order(left, right) == Some(Ordering::Equal),
    }
}

/// The order of two values under the relational operators; `None` when they are not
/// comparable (null or absent, booleans, arrays, objects, a number and a non-numeric string).
fn order(left: Option<&Value>, right: Option<&Value>) -> Option<Ordering> {
    match (non_null(left)?, non_null(right)?) {
        (Value::String(a), Value::String(b)) => Some(cmp_ignore_case(a, b)),
        (left, right) => numeric_order(left, right),
    }
}

/// `None` for absent and `null` alike.
fn non_null(value: Option<&Value>) -> Option<&Value> {
    value.filter(|value| !value.is_null())
}

/// The numeric order of a number and a number or numeric string (in either order); `None` for
/// any other pair, including two strings.
fn numeric_order(left: &Value, right: &Value) -> Option<Ordering> {
    let (a, b) = match (left, right) {
        (Value::Number(a), Value::Number(b)) => (Num::of_number(a)?, Num::of_number(b)?),
        (Value::Number(a), Value::String(b)) => (Num::of_number(a)?, Num::of_str(b)?),
        (Value::String(a), Value::Number(b)) => (Num::of_str(a)?, Num::of_number(b)?),
        _ => return None,
    };
    a.partial_cmp(&b)
}

/// A number as compared: integers exactly, anything else as `f64`.
#[derive(Clone, Copy, Debug)]
enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    fn of_number(n: &Number) -> Option<Self> {
        if let Some(i) = n.as_i64() {
            Some(Num::Int(i128::from(i)))
        } else if let Some(u) = n.as_u64() {
            Some(Num::Int(i128::from(u)))
        } else {
            n.as_f64().filter(|f| f.is_finite()).map(Num::Float)
        }
    }

    /// A numeric string: a finite decimal number once surrounding whitespace is trimmed.
    fn of_str(text: &str) -> Option<Self> {
        let text = text.trim();
        // `f64::from_str` also reads `inf`, `infinity` and `nan`, in any case: not numbers here.
        if !text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E')) {
            return None;
        }
        if let Ok(i) = text.parse::<i128>() {
            return Some(Num::Int(i));
        }
        text.parse::<f64>().ok().filter(|f| f.is_finite()).map(Num::Float)
    }

    fn as_f64(self) -> f64 {
        match self {
            // Rounds beyond 2^53, as any comparison with a float must.
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

impl PartialEq for Num {
    fn eq(&self, other: &Self) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => Some(a.cmp(b)),
            _ => self.as_f64().partial_cmp(&other.as_f64()),
        }
    }
}

fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() { a.eq_ignore_ascii_case(b) } else { a.to_lowercase() == b.to_lowercase() }
}

fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        a.to_lowercase().cmp(&b.to_lowercase())
    }
}

#[cfg(test)]
#[path = "condition_tests.rs"]
mod tests;
