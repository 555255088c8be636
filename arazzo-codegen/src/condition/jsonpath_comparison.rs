//! A comparison written where a `jsonpath` criterion expects a query: `$.ok == true`,
//! `$.status == 'ready' && $.count > 0`.
//!
//! RFC 9535 only compares inside a filter, so such a condition is not a JSONPath query; about a fifth
//! of published Arazzo documents write it anyway, and it has one reading: the comparison, with `$`
//! naming the context value. It is compiled to the RFC 9535 filter `$[?@.ok == true]` applied to the
//! context itself (the context wrapped in a one-element array), so the criterion holds exactly when
//! the comparison does, with RFC 9535's comparison rules.
//!
//! Accepted: comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`) of singular queries rooted at `$`,
//! literals and RFC 9535 functions (`length($.items) > 0`), joined by `&&` and `||`, with
//! parentheses. Refused, with the RFC 9535 spelling, because they have two readings: a bare query
//! beside `&&`/`||` or after `!` (an existence test in RFC 9535, a truthiness test in JavaScript
//! tools) and `.length` (a member named `length` in RFC 9535, an array's length in JavaScript).

use std::fmt;

/// How a comparison in a `jsonpath` criterion is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparisonReading {
    /// The RFC 9535 query the generated code runs on the context wrapped in an array: `$[?@.ok == true]`.
    pub filter: String,
    /// The RFC 9535 query to suggest on the context itself: `$[?$.ok == true]`.
    pub suggestion: String,
}

/// Why a comparison in a `jsonpath` criterion is refused; `Display` says how to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComparisonRefusal {
    /// `$.a && $.b == 1`, `!$.done`: a query used as a truth value.
    BareQuery,
    /// `$.items.length > 0`.
    Length { query: String, suggestion: String },
    /// The comparison is not one RFC 9535 can write (a non-singular query, an unknown function...).
    Invalid { suggestion: String, reason: String },
}

impl fmt::Display for ComparisonRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BareQuery => f.write_str(
                "a query beside `&&` or `||`, or after `!`, has two readings (RFC 9535: the member exists; \
                 JavaScript tools: its value is true); compare it (`$.done == true`) and write the whole condition \
                 as an RFC 9535 filter: `$[?$.done == true && ...]`",
            ),
            Self::Length { query, suggestion } => write!(
                f,
                "`{query}.length` has two readings (RFC 9535: a member named `length`; JavaScript tools: the \
                 length of the array); RFC 9535 writes the length as the function `length({query})`: `{suggestion}`"
            ),
            Self::Invalid { suggestion, reason } => write!(
                f,
                "a comparison belongs in an RFC 9535 filter, and `{suggestion}` is not a valid one ({reason}); \
                 a comparison takes singular queries (`$.a.b`, `$.items[0]`), literals and functions such as \
                 `length($.items)`"
            ),
        }
    }
}

/// Reads `condition` (which is not a valid RFC 9535 query) as a comparison on the context.
///
/// `None` when it does not look like a comparison of `$` queries at all, so the caller reports the
/// RFC 9535 syntax error as it is.
pub fn read(condition: &str) -> Option<Result<ComparisonReading, ComparisonRefusal>> {
    let condition = condition.trim();
    let scan = scan(condition)?;
    if scan.comparisons == 0 || scan.roots == 0 {
        return None;
    }
    let suggestion = format!("$[?{condition}]");
    if let Some(query) = scan.length_of {
        let fixed = condition.replacen(&format!("{query}.length"), &format!("length({query})"), 1);
        return Some(Err(ComparisonRefusal::Length { query, suggestion: format!("$[?{fixed}]") }));
    }
    // A valid logical expression with one comparison more than `&&`/`||` compares everywhere: each
    // operand of `&&`/`||` is a comparison or a parenthesized group of them (`!` was counted apart).
    if scan.negations > 0 || scan.comparisons != scan.logicals + 1 {
        return Some(Err(ComparisonRefusal::BareQuery));
    }
    let filter = format!("$[?{}]", scan.rewritten);
    let invalid = super::parse_jsonpath(&filter).and_then(|_| super::parse_jsonpath(&suggestion)).err();
    if let Some(reason) = invalid {
        return Some(Err(ComparisonRefusal::Invalid { suggestion, reason }));
    }
    Some(Ok(ComparisonReading { filter, suggestion }))
}

/// What the scanner found outside string literals and brackets.
struct Scan {
    /// The condition with each root `$` turned into the current node `@`.
    rewritten: String,
    /// Queries rooted at `$`.
    roots: usize,
    comparisons: usize,
    logicals: usize,
    negations: usize,
    /// The query before the first `.length` that ends a query, e.g. `$.items`.
    length_of: Option<String>,
}

/// One pass over the condition; `None` when it uses `@` outside a filter (not this idiom).
fn scan(condition: &str) -> Option<Scan> {
    let mut scan =
        Scan { rewritten: String::new(), roots: 0, comparisons: 0, logicals: 0, negations: 0, length_of: None };
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut brackets = 0usize;
    // Where the query being read starts, in `condition`.
    let mut query_start: Option<usize> = None;
    let mut chars = condition.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if let Some(open) = quote {
            scan.rewritten.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == open {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '[' => brackets += 1,
            ']' => brackets = brackets.saturating_sub(1),
            _ => {}
        }
        if brackets > 0 || matches!(c, '[' | ']' | '\'' | '"') {
            // In the wrapped evaluation `$` inside a nested filter would name the wrapper, not the context.
            if c == '$' {
                return None;
            }
            scan.rewritten.push(c);
            continue;
        }
        match c {
            '$' => {
                scan.roots += 1;
                query_start = Some(at);
                scan.rewritten.push('@');
                continue;
            }
            '@' => return None,
            '=' | '!' | '<' | '>' => {
                let next_is_equals = chars.next_if(|&(_, next)| next == '=').is_some();
                match (c, next_is_equals) {
                    ('!', false) => scan.negations += 1,
                    // A lone `=` is no RFC 9535 operator: the parser refuses it later.
                    ('=', false) => {}
                    _ => scan.comparisons += 1,
                }
                scan.rewritten.push(c);
                if next_is_equals {
                    scan.rewritten.push('=');
                }
            }
            '&' | '|' if chars.next_if(|&(_, next)| next == c).is_some() => {
                scan.logicals += 1;
                scan.rewritten.push(c);
                scan.rewritten.push(c);
            }
            _ => scan.rewritten.push(c),
        }
        // A query runs on over names, dots, `*` and bracketed selectors; `.length` at its end is the idiom.
        if let Some(start) = query_start {
            let ends = chars.peek().is_none_or(|&(_, next)| !is_query_char(next));
            if ends && brackets == 0 && is_query_char(c) {
                let query = &condition[start..at + c.len_utf8()];
                if scan.length_of.is_none()
                    && let Some(base) = query.strip_suffix(".length")
                {
                    scan.length_of = Some(base.to_string());
                }
                query_start = None;
            } else if !is_query_char(c) {
                query_start = None;
            }
        }
    }
    Some(scan)
}

/// Characters a query's dot notation and bracket ends are made of.
fn is_query_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '*' | ']' | '[' | '$')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(condition: &str) -> ComparisonReading {
        match read(condition) {
            Some(Ok(reading)) => reading,
            other => panic!("{condition}: {other:?}"),
        }
    }

    #[test]
    fn comparisons_become_filters_on_the_context() {
        let reading = accepted("$.ok == true");
        assert_eq!(reading.filter, "$[?@.ok == true]");
        assert_eq!(reading.suggestion, "$[?$.ok == true]");
        assert_eq!(accepted("$.status == 'ready' && $.count > 0").filter, "$[?@.status == 'ready' && @.count > 0]");
        assert_eq!(accepted("$['a$b'] != \"x$\"").filter, "$[?@['a$b'] != \"x$\"]");
        assert_eq!(accepted("length($.items) > 0").filter, "$[?length(@.items) > 0]");
        assert_eq!(accepted("($.a == 1 || $.b == 2) && $.c <= 3").filter, "$[?(@.a == 1 || @.b == 2) && @.c <= 3]");
        assert_eq!(accepted("$.data[0].id >= 10").filter, "$[?@.data[0].id >= 10]");
    }

    #[test]
    fn other_conditions_are_left_to_the_rfc_9535_error() {
        for condition in ["$..[", "$.a = 1", "@.a == 1", "Status == 'ok'", "$.a $.b"] {
            assert_eq!(read(condition), None, "{condition}");
        }
    }

    #[test]
    fn two_readings_are_refused_with_the_rfc_9535_spelling() {
        let Some(Err(refusal)) = read("$.items.length > 0") else { panic!() };
        assert_eq!(
            refusal,
            ComparisonRefusal::Length { query: "$.items".into(), suggestion: "$[?length($.items) > 0]".into() }
        );
        for condition in ["$.ok && $.count == 1", "$.a == 1 && !$.done", "$.a == 1 || $.b"] {
            assert!(matches!(read(condition), Some(Err(ComparisonRefusal::BareQuery))), "{condition}");
        }
        assert!(matches!(read("$.items[*].id == 1"), Some(Err(ComparisonRefusal::Invalid { .. }))));
    }
}
