//! Runtime expressions embedded in string values.
//!
//! The 1.0.1 spec only says "expressions can be embedded into string values by surrounding the
//! expression with `{}` curly braces". Unlike the 1.1 `expression-string` grammar, where one stray
//! `{` or `}` makes the whole string unparseable, we scan leniently: `{$...}` is an expression
//! wherever it appears, and every other brace is literal text. That is what the OAI `bnpl` and
//! `FAPI-PAR` examples need, whose JSON-text payloads embed `"{$inputs.customer}"` among JSON
//! braces.

use super::{Expr, ExprError, parse};

/// One piece of a string value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    /// Text copied as is (never empty, except for the single part of an empty string).
    Literal(String),
    /// An embedded expression. `braced` is false for the lenient bare form (`Bearer $inputs.token`),
    /// which callers should warn about. `offset` is the byte offset of the expression's `$`.
    Expr { expr: Expr, braced: bool, offset: usize },
}

/// Prefixes that make a bare `$` token an expression. Anything else (`$5`, `$HOME`) is text.
const BARE_PREFIXES: [&str; 11] = [
    "$url",
    "$method",
    "$statusCode",
    "$request.",
    "$response.",
    "$inputs.",
    "$outputs.",
    "$steps.",
    "$workflows.",
    "$sourceDescriptions.",
    "$components.",
];

/// Whether `text` begins like an expression with a source (`$steps.`, `$inputs.`, ...): meant as one,
/// so failing to parse it is an error rather than text. (`$url`, `$method` and `$statusCode` stand
/// alone and always parse when meant.)
pub fn starts_like_expression(text: &str) -> bool {
    BARE_PREFIXES.iter().filter(|prefix| prefix.ends_with('.')).any(|prefix| text.starts_with(prefix))
}

/// Splits a string value into literals and embedded expressions.
///
/// - `{$...}` ends at the matching `}` (nested braces are counted, so `{$request.body#/{id}}` is one
///   expression, as the 1.0.1 pointer grammar allows braces). When `{$` is followed by a letter the
///   text is meant as an expression, so a bad expression or a missing `}` is an error rather than
///   silently becoming literal text (a typo such as `{$inptus.token}` would otherwise be sent as is).
/// - A bare `$` token at the start or after whitespace that begins with a known prefix
///   (`BARE_PREFIXES`) and parses up to the next whitespace is an expression with
///   `braced: false`. If it does not parse it stays literal: this form is a heuristic.
/// - A string without expressions is a single [`TemplatePart::Literal`].
///
/// A string that is exactly one expression is not a template: callers try [`parse`] first.
pub fn parse_template(text: &str) -> Result<Vec<TemplatePart>, ExprError> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut literal_start = 0;
    let mut i = 0;
    // Only ASCII bytes (`{`, `$`) are matched, so every index we slice at is a char boundary.
    while i < bytes.len() {
        let found = match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'$') && bytes.get(i + 2).is_some_and(u8::is_ascii_alphabetic) => {
                let close = matching_brace(text, i)?;
                let inner = &text[i + 1..close];
                let expr = parse(inner).map_err(|e| e.shifted(i + 1))?;
                Some((expr, true, i + 1, close + 1))
            }
            b'$' if starts_bare(text, i) => {
                let end = text[i..].find(char::is_whitespace).map_or(text.len(), |n| i + n);
                parse(&text[i..end]).ok().map(|expr| (expr, false, i, end))
            }
            _ => None,
        };
        match found {
            Some((expr, braced, offset, end)) => {
                let start = if braced { offset - 1 } else { offset };
                if literal_start < start {
                    parts.push(TemplatePart::Literal(text[literal_start..start].to_owned()));
                }
                parts.push(TemplatePart::Expr { expr, braced, offset });
                i = end;
                literal_start = end;
            }
            None => i += 1,
        }
    }
    if literal_start < text.len() || parts.is_empty() {
        parts.push(TemplatePart::Literal(text[literal_start..].to_owned()));
    }
    Ok(parts)
}

/// Whether the `$` at byte `i` begins a bare expression: at the start or after whitespace, and
/// followed by a known prefix.
fn starts_bare(text: &str, i: usize) -> bool {
    let after_space = text[..i].chars().next_back().is_none_or(char::is_whitespace);
    after_space && BARE_PREFIXES.iter().any(|p| text[i..].starts_with(p))
}

/// Byte index of the `}` closing the `{` at `open`, counting nested braces.
fn matching_brace(text: &str, open: usize) -> Result<usize, ExprError> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => {}
        }
    }
    Err(ExprError::new(open, "`{$` opens an embedded expression that is never closed with `}`"))
}

/// The expression roots of Arazzo runtime expressions, to recognise one embedded in a condition.
const EXPRESSION_ROOTS: &[&str] = &[
    "$inputs",
    "$steps",
    "$response",
    "$request",
    "$statusCode",
    "$url",
    "$method",
    "$outputs",
    "$workflows",
    "$sourceDescriptions",
    "$components",
    "$self",
    "$message",
];

/// Where a runtime expression is embedded in braces in a regex, JSONPath or XPath condition
/// (`{$inputs.min}`), which Arazzo 1.1 substitutes as text before evaluating. Only a `{$` that
/// starts an Arazzo expression counts: XPath writes `{$a * 2}` for a function body.
pub fn embedded_in_condition(expression: &str) -> Option<std::ops::Range<usize>> {
    embedded_all_in_condition(expression).into_iter().next()
}

/// Every expression [`embedded_in_condition`] finds, in order: the bytes from `{` to the first `}`
/// after it (to the end of the text when none closes it).
pub fn embedded_all_in_condition(expression: &str) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = expression[from..].find("{$") {
        let start = from + at;
        let rest = &expression[start + 1..];
        let is_arazzo = EXPRESSION_ROOTS.iter().any(|root| {
            rest.strip_prefix(root).is_some_and(|after| after.is_empty() || after.starts_with(['.', '#', '}']))
        });
        if is_arazzo {
            let end = rest.find('}').map_or(expression.len(), |close| start + 1 + close + 1);
            found.push(start..end);
            from = end;
        } else {
            from = start + 2;
        }
    }
    found
}
