//! `regex` and `jsonpath` criteria whose condition embeds runtime expressions (Arazzo 1.1:
//! `^{$inputs.prefix}-[0-9]+$`, `$.items[?@.price < {$inputs.maxPrice}]`).
//!
//! Arazzo 1.1 describes the embedded values as substituted into the condition's text before it is
//! evaluated. Pasting a value into a pattern or a query would let the value change it (`.*` or
//! `)|(` in a regex, `" || true` in a JSONPath string), so here a value never becomes syntax. The
//! generator splits the condition into its written text and the values ([`Piece`]), and checked at
//! build time that each value stands where a value can (with a placeholder in its place); here each
//! value is turned into exactly one item of the pattern or query:
//!
//! - **regex**: the value's text ([`text`]) with every character that means something in a pattern
//!   escaped (`regex::escape`), in a group that also turns verbose mode off, `(?-x:...)`: it
//!   matches itself, literally, and a quantifier written after it repeats the whole of it.
//! - **jsonpath**, a value standing alone ([`Piece::Value`]): an RFC 9535 literal, the value's
//!   JSON text (a string, a number, `true`, `false`, `null`). An array or an object has no literal
//!   form: the criterion fails, as 1.1 says evaluation errors do.
//! - **jsonpath**, inside a string literal ([`Piece::Quoted`]): the value's text, escaped as the
//!   content of a literal in that quote (`\'` or `\"`, `\\`, control characters), so it can never end
//!   the literal.
//!
//! The pattern or query is then compiled (or parsed) for this evaluation: its text depends on the
//! values. The rules are 1.1's ([`v1_1`](super::v1_1)), as only 1.1 documents embed expressions in
//! conditions: a `null` or absent context fails, an evaluation error fails the criterion and is
//! reported as a `WARN` tracing event naming the condition as written (never a value, which may be a
//! secret). An absent embedded value (an optional input left out) has no text to put in: the
//! criterion does not hold.
//!
//! ```
//! use arazzo_runtime::condition::embedded::{Piece, jsonpath_match, regex_match};
//! use serde_json::json;
//!
//! // `^{$inputs.prefix}-[0-9]+$` with the prefix `a.b`: the `.` only matches a dot.
//! let prefix = json!("a.b");
//! let pieces = [Piece::Text("^"), Piece::Value(Some(&prefix)), Piece::Text("-[0-9]+$")];
//! assert!(regex_match("^{$inputs.prefix}-[0-9]+$", &pieces, Some(&json!("a.b-42"))));
//! assert!(!regex_match("^{$inputs.prefix}-[0-9]+$", &pieces, Some(&json!("axb-42"))));
//!
//! // `$.items[?@.price < {$inputs.maxPrice}]` with the maximum 10.
//! let max = json!(10);
//! let pieces = [Piece::Text("$.items[?@.price < "), Piece::Value(Some(&max)), Piece::Text("]")];
//! let body = json!({"items": [{"price": 12}, {"price": 7}]});
//! assert!(jsonpath_match("$.items[?@.price < {$inputs.maxPrice}]", &pieces, Some(&body)));
//! ```

use std::borrow::Cow;

use regex::Regex;
use serde_json::Value;

use super::{non_null, regex_error_reason};
use crate::StepError;

/// A piece of a condition with embedded runtime expressions, in the order written. `None` is an
/// absent value. No `Debug`: a value may be a secret.
#[derive(Clone, Copy)]
pub enum Piece<'a> {
    /// Text of the condition as written.
    Text(&'static str),
    /// A value standing on its own: in a regex, its text matched literally; in a JSONPath query, a
    /// literal.
    Value(Option<&'a Value>),
    /// A value written inside a JSONPath string literal quoted with the given `'` or `"`: its text,
    /// escaped for that literal. In a regex, the same as [`Piece::Value`].
    Quoted(char, Option<&'a Value>),
}

/// The text of an embedded value, by 1.1's rules for expressions embedded in strings: a string as it
/// is, a number, a boolean or `null` as its JSON text (`42`, `true`, `null`), an array or an object
/// serialized as JSON.
pub fn text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(text) => Cow::Borrowed(text),
        other => Cow::Owned(other.to_string()),
    }
}

/// A `regex` criterion whose `pattern` (as written, for messages) embeds values: whether the pattern
/// built from `pieces` matches anywhere in the subject's text (see
/// [`regex_match`](super::regex_match) for the subject). A `null` or absent subject fails, an absent
/// value fails, and a pattern that does not compile fails (reported as a tracing event).
pub fn regex_match(pattern: &'static str, pieces: &[Piece<'_>], subject: Option<&Value>) -> bool {
    let Some(built) = regex_pattern(pieces) else { return false };
    match Regex::new(&built) {
        Ok(regex) => match non_null(subject) {
            Some(Value::String(text)) => regex.is_match(text),
            Some(Value::Number(number)) => regex.is_match(&number.to_string()),
            Some(Value::Bool(flag)) => regex.is_match(if *flag { "true" } else { "false" }),
            _ => false,
        },
        // The reason never quotes the pattern built, which holds the values.
        Err(error) => super::v1_1::evaluation_error(&StepError::InvalidCriterion {
            criterion: pattern,
            message: regex_error_reason(&error),
        }),
    }
}

/// The pattern of `pieces`, each value's text escaped in a group of its own; `None` when a value is
/// absent.
fn regex_pattern(pieces: &[Piece<'_>]) -> Option<String> {
    let mut built = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => built.push_str(text),
            Piece::Value(value) | Piece::Quoted(_, value) => {
                // `(?-x:`: in verbose mode (`(?x)`) white space in the value would be skipped.
                built.push_str("(?-x:");
                built.push_str(&regex::escape(&text((*value)?)));
                built.push(')');
            }
        }
    }
    Some(built)
}

/// A `jsonpath` criterion whose `query` (as written, for messages) embeds values: whether the query
/// built from `pieces` selects at least one node of the subject. A `null` or absent subject fails, an
/// absent value fails, and so does a value that cannot be a literal (an array, an object) or a query
/// that does not parse (reported as a tracing event).
pub fn jsonpath_match(query: &'static str, pieces: &[Piece<'_>], subject: Option<&Value>) -> bool {
    let built = match jsonpath_query(pieces) {
        Ok(Some(built)) => built,
        Ok(None) => return false,
        Err(message) => {
            return super::v1_1::evaluation_error(&StepError::InvalidCriterion { criterion: query, message });
        }
    };
    let Some(subject) = non_null(subject) else { return false };
    match super::parse_jsonpath(&built) {
        Ok(parsed) => !parsed.query(subject).is_empty(),
        // The parser's message may quote the query built, which holds the values: not repeated.
        Err(_) => super::v1_1::evaluation_error(&StepError::InvalidCriterion {
            criterion: query,
            message: "with its embedded values filled in, it is not an RFC 9535 query".to_string(),
        }),
    }
}

/// The query of `pieces`; `Ok(None)` when a value is absent, an error when a value standing alone
/// has no literal form. Also builds the queries of JSONPath selectors with embedded values
/// ([`select::jsonpath_nodes_with`](crate::select::jsonpath_nodes_with)).
pub(crate) fn jsonpath_query(pieces: &[Piece<'_>]) -> Result<Option<String>, String> {
    let mut built = String::new();
    for (position, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Text(text) => built.push_str(text),
            Piece::Value(None) | Piece::Quoted(_, None) => return Ok(None),
            Piece::Value(Some(value @ (Value::Array(_) | Value::Object(_)))) => {
                let kind = if value.is_array() { "an array" } else { "an object" };
                let ordinal = pieces[..position].iter().filter(|piece| !matches!(piece, Piece::Text(_))).count() + 1;
                return Err(format!(
                    "embedded value {ordinal} is {kind}, which is not a JSONPath literal (a string, a number, \
                     true, false or null)"
                ));
            }
            // A scalar's JSON text is an RFC 9535 literal: strings in double quotes with JSON's escapes.
            Piece::Value(Some(value)) => built.push_str(&value.to_string()),
            Piece::Quoted(quote, Some(value)) => push_string_content(&mut built, &text(value), *quote),
        }
    }
    Ok(Some(built))
}

/// Appends `text` as the content of an RFC 9535 string literal quoted with `quote`.
fn push_string_content(out: &mut String, text: &str, quote: char) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
#[path = "condition_embedded_tests.rs"]
mod tests;
