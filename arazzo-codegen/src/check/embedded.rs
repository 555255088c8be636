//! Runtime expressions embedded in `regex`, `jsonpath` and `xpath` conditions and in JSONPath and
//! XPath selectors (Arazzo 1.1: `^{$inputs.prefix}-[0-9]+$`, `$[?@.price < {$inputs.max}]`,
//! `//item[@id = '{$x}']`).
//!
//! 1.1 describes them as substituted into the condition's text before it is evaluated. Generated code
//! never does that, since a value could then change the pattern or query it is put into: each is
//! checked here to stand where a value can stand, and filled in at run time as a value
//! (`arazzo_runtime::condition::embedded`, and XPath variables). What this module decides, per type:
//!
//! - **regex**: the expression stands for its value's text, matched literally, as a whole (the
//!   runtime puts it, escaped, in a group). The pattern is checked with a placeholder group in each
//!   expression's place, which must be a group of the pattern: not inside a character class, after a
//!   `\`, in a `{n,m}` repetition or a comment.
//! - **jsonpath** (criteria and selectors): the expression stands for an RFC 9535 literal where a
//!   filter compares a value or passes one to a function (`@.price < {$x}`, `match(@.id, {$x})`), or for the content of a
//!   string literal written there (`@.name == '{$x}'`); never in a name, an index or a slice. The
//!   query is parsed with a literal of the same length in each expression's place, so that the
//!   parser's positions are the document's.
//! - **xpath**: the expression becomes a variable, `$arazzo_v1` for the first; inside a string
//!   literal, the literal becomes a concatenation (`'id-{$x}'` is `('id-' || $arazzo_v1)`) whose
//!   variable is bound as text. The rewritten expression is what is checked and compiled, and its
//!   errors are located back in the expression as written.

use std::ops::Range;

use crate::expr::Expr;

use super::Reporter;

/// A runtime expression embedded in a condition: the bytes of `{$...}`, and the expression.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub(crate) range: Range<usize>,
    pub(crate) expr: Expr,
}

/// The expressions embedded in `text` (the value at `pointer`), parsed and checked against the
/// document's version; `None` once what is wrong with one is reported at it.
pub(crate) fn find(reporter: &mut Reporter<'_>, text: &str, pointer: &str) -> Option<Vec<Found>> {
    let mut found = Vec::new();
    let mut fine = true;
    for range in crate::expr::embedded_all_in_condition(text) {
        let previous = reporter.focus(pointer, text, range.clone());
        let written = &text[range.clone()];
        match written.strip_prefix('{').and_then(|inner| inner.strip_suffix('}')) {
            None => {
                reporter
                    .error(pointer, format!("`{written}` opens an embedded expression that is never closed with `}}`"));
                fine = false;
            }
            Some(inner) => match crate::expr::parse(inner) {
                Ok(expr) if super::version::expression(reporter, &expr, pointer) => {
                    found.push(Found { range: range.clone(), expr });
                }
                Ok(_) => fine = false,
                Err(error) => {
                    reporter.error(pointer, format!("`{inner}` is not a runtime expression: {error}"));
                    fine = false;
                }
            },
        }
        reporter.unfocus(previous);
    }
    fine.then_some(found)
}

/// What is wrong with a condition, at the bytes `range` of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) range: Range<usize>,
    pub(crate) message: String,
}

/// Reports `problem` at the bytes of the value at `pointer` (`text`) it is about.
/// `text` cut at the expressions `found` embeds (in order, with the quote of the string literal
/// each stands in, `quotes`): its text as written, and the value `value` gives each expression;
/// `None` when it gives none for one (having reported why), after every expression is looked at.
pub(crate) fn pieces<V>(
    text: &str,
    found: &[Found],
    quotes: &[Option<char>],
    mut value: impl FnMut(&Found, Option<char>) -> Option<V>,
) -> Option<Vec<crate::plan::Piece<V>>> {
    use crate::plan::{Embedded, Piece};
    let mut pieces = Vec::new();
    let mut fine = true;
    let mut from = 0;
    for (found, &quote) in found.iter().zip(quotes) {
        if from < found.range.start {
            pieces.push(Piece::Text(text[from..found.range.start].to_string()));
        }
        from = found.range.end;
        match value(found, quote) {
            Some(value) => pieces.push(Piece::Value(Embedded { value, quote })),
            None => fine = false,
        }
    }
    if from < text.len() {
        pieces.push(Piece::Text(text[from..].to_string()));
    }
    fine.then_some(pieces)
}

pub(crate) fn report(reporter: &mut Reporter<'_>, text: &str, pointer: &str, problem: Problem) {
    let range = if problem.range.is_empty() { super::char_at(text, problem.range.start) } else { problem.range };
    let previous = reporter.focus(pointer, text, range);
    reporter.error(pointer, problem.message);
    reporter.unfocus(previous);
}

// ---- regex ----

/// Checks a regex `pattern` whose expressions are at `ranges` (in order): it must compile, with each
/// expression a group of the pattern.
pub(crate) fn regex(pattern: &str, ranges: &[Range<usize>]) -> Result<(), Problem> {
    // A character the pattern does not hold stands for each value, in the group the runtime writes.
    let markers: Vec<char> = (0x10_0000u32..=0x10_FFFD)
        .filter_map(char::from_u32)
        .filter(|c| !pattern.contains(*c))
        .take(ranges.len())
        .collect();
    let mut placed = String::new();
    // (bytes in `placed`, bytes in `pattern`) of each placeholder.
    let mut map = Vec::new();
    let mut from = 0;
    for (range, marker) in ranges.iter().zip(&markers) {
        placed.push_str(&pattern[from..range.start]);
        let start = placed.len();
        placed.push_str("(?-x:");
        placed.push(*marker);
        placed.push(')');
        map.push((start..placed.len(), range.clone()));
        from = range.end;
    }
    placed.push_str(&pattern[from..]);
    let original = |span: &regex_syntax::ast::Span| original_range(&map, span.start.offset..span.end.offset);
    let ast = regex_syntax::ast::parse::Parser::new().parse(&placed).map_err(|error| Problem {
        range: original(error.span()),
        message: format!("invalid regular expression: {}", error.kind()),
    })?;
    let mut grouped = Vec::new();
    grouped_literals(&ast, &mut grouped);
    for (range, marker) in ranges.iter().zip(&markers) {
        if !grouped.contains(marker) {
            return Err(Problem {
                range: range.clone(),
                message: format!(
                    "`{}` stands for its value's text, matched literally as a whole, so it cannot stand inside a \
                     character class (`[...]`), a repetition (`{{n,m}}`), after a `\\` or in a comment",
                    &pattern[range.clone()]
                ),
            });
        }
    }
    if let Err(error) = regex_syntax::hir::translate::Translator::new().translate(&placed, &ast) {
        return Err(Problem {
            range: original(error.span()),
            message: format!("invalid regular expression: {}", error.kind()),
        });
    }
    Ok(())
}

/// The characters that are the whole content of a non-capturing group somewhere in `ast`.
fn grouped_literals(ast: &regex_syntax::ast::Ast, out: &mut Vec<char>) {
    use regex_syntax::ast::{Ast, GroupKind};
    match ast {
        Ast::Group(group) => match (&group.kind, &*group.ast) {
            (GroupKind::NonCapturing(_), Ast::Literal(literal)) => out.push(literal.c),
            _ => grouped_literals(&group.ast, out),
        },
        Ast::Repetition(repetition) => grouped_literals(&repetition.ast, out),
        Ast::Alternation(alternation) => alternation.asts.iter().for_each(|ast| grouped_literals(ast, out)),
        Ast::Concat(concat) => concat.asts.iter().for_each(|ast| grouped_literals(ast, out)),
        _ => {}
    }
}

/// The bytes of the text as written that `range` of the text with placeholders (`map`: placeholder
/// bytes, bytes written) is about: a placeholder's expression, or the same text shifted.
fn original_range(map: &[(Range<usize>, Range<usize>)], range: Range<usize>) -> Range<usize> {
    let at = |offset: usize| -> Range<usize> {
        let mut shift: isize = 0;
        for (placed, written) in map {
            if offset < placed.start {
                break;
            }
            if offset < placed.end {
                return written.clone();
            }
            shift += written.len() as isize - placed.len() as isize;
        }
        let moved = offset.saturating_add_signed(shift);
        moved..moved
    };
    let (start, end) = (at(range.start), at(range.end));
    if range.is_empty() { start } else { start.start..end.end.max(start.end) }
}

// ---- jsonpath ----

/// Where a JSONPath query's expression at `ranges` stands: the quote of the string literal it is in,
/// or `None` alone; the query must parse with a literal in each place.
pub(crate) fn jsonpath(query: &str, ranges: &[Range<usize>]) -> Result<Vec<Option<char>>, Problem> {
    let quotes = jsonpath_places(query, ranges)?;
    // A placeholder of the expression's length keeps the parser's positions those of the query as written.
    let mut placed = String::new();
    let mut from = 0;
    for (range, quote) in ranges.iter().zip(&quotes) {
        placed.push_str(&query[from..range.start]);
        match quote {
            Some(_) => placed.push_str(&"x".repeat(range.len())),
            None => {
                placed.push('"');
                placed.push_str(&"x".repeat(range.len().saturating_sub(2)));
                placed.push('"');
            }
        }
        from = range.end;
    }
    placed.push_str(&query[from..]);
    match crate::condition::parse_jsonpath(&placed) {
        Ok(_) => Ok(quotes),
        Err(message) => {
            let offset = message
                .strip_prefix("at position ")
                .and_then(|rest| rest.split(',').next())
                .and_then(|number| number.parse::<usize>().ok())
                .unwrap_or_default();
            let range = ranges.iter().find(|range| range.contains(&offset)).cloned().unwrap_or(offset..offset);
            Err(Problem { range, message: format!("`{query}` is not a JSONPath query (RFC 9535): {message}") })
        }
    }
}

/// What a value of type `ty` is when RFC 9535 has no literal for it (a list, an object); `None` when
/// it has one or only the run can tell (a JSON value).
pub(crate) fn without_literal(ty: &crate::plan::RustType) -> Option<&'static str> {
    match ty.non_null() {
        crate::plan::RustType::Vec(_) => Some("a list"),
        crate::plan::RustType::Struct(_) => Some("an object"),
        _ => None,
    }
}

/// The problem of the expression at `range` of the JSONPath query `text`, standing alone, whose
/// value is `kind` ([`without_literal`]).
pub(crate) fn not_a_literal(text: &str, range: Range<usize>, kind: &str) -> Problem {
    let message = format!(
        "`{}` holds {kind}, which is not a JSONPath literal (a string, a number, true, false or null); compare one \
         of its members, or put it in a string literal to compare its JSON text",
        &text[range.clone()]
    );
    Problem { range, message }
}

/// An open bracket of a JSONPath query.
enum Open {
    /// `[`: a selection; `filter` once its current selector is a filter (`?`).
    Bracket { filter: bool },
    /// `(`: a function's arguments when `call`, else a group.
    Paren { call: bool },
}

/// For each expression, the quote of the string literal it is in (`None` alone), once checked to
/// stand in a filter: alone as a value compared or passed to a function, or inside a string literal.
fn jsonpath_places(query: &str, ranges: &[Range<usize>]) -> Result<Vec<Option<char>>, Problem> {
    let bytes = query.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut quote: Option<u8> = None;
    let mut places = Vec::new();
    let mut next = ranges.iter().peekable();
    let mut at = 0;
    while at < bytes.len() {
        if let Some(range) = next.next_if(|range| range.start == at) {
            let in_filter = stack.iter().rev().find_map(|open| match open {
                Open::Bracket { filter } => Some(*filter),
                Open::Paren { .. } => None,
            });
            let place = match quote {
                Some(quote) if in_filter == Some(true) => Some(Some(char::from(quote))),
                Some(_) => None,
                None if in_filter == Some(true) && stands_as_value(query, range, stack.last()) => Some(None),
                None => None,
            };
            match place {
                Some(place) => places.push(place),
                None => {
                    return Err(Problem {
                        range: range.clone(),
                        message: format!(
                            "`{}` cannot stand here: an expression embedded in a JSONPath query stands for a value in \
                             a filter, compared (`@.price < {{$inputs.max}}`) or passed to a function \
                             (`match(@.id, {{$inputs.pattern}})`), or inside a string literal there (`@.name == \
                             '{{$inputs.name}}'`); not in a name, an index or a slice",
                            &query[range.clone()]
                        ),
                    });
                }
            }
            at = range.end;
            continue;
        }
        let byte = bytes[at];
        match quote {
            Some(_) if byte == b'\\' => at += 1,
            Some(open) if byte == open => quote = None,
            Some(_) => {}
            None => match byte {
                b'\'' | b'"' => quote = Some(byte),
                b'[' => stack.push(Open::Bracket { filter: false }),
                b'?' | b',' => {
                    if let Some(Open::Bracket { filter }) = stack.last_mut() {
                        *filter = byte == b'?';
                    }
                }
                b'(' => {
                    let before = query[..at].trim_end_matches([' ', '\t', '\n', '\r']);
                    let call = before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
                    stack.push(Open::Paren { call });
                }
                b')' | b']' => {
                    stack.pop();
                }
                _ => {}
            },
        }
        at += 1;
    }
    // An expression skipped over (after a `\` in a string literal) stands nowhere a value can.
    if let Some(range) = ranges.get(places.len()) {
        return Err(Problem {
            range: range.clone(),
            message: format!("`{}` cannot stand after a `\\` in a string literal", &query[range.clone()]),
        });
    }
    Ok(places)
}

/// Whether the expression at `range`, outside string literals in a filter, stands as a value: next
/// to a comparison operator, or as a whole argument of a function call.
fn stands_as_value(query: &str, range: &Range<usize>, innermost: Option<&Open>) -> bool {
    const BLANK: [char; 4] = [' ', '\t', '\n', '\r'];
    let before = query[..range.start].trim_end_matches(BLANK);
    let after = query[range.end..].trim_start_matches(BLANK);
    // Left of an operator, it must start the comparison (not follow `@.`, a name); right of one, it is
    // the whole right operand.
    let starts_operand = ["?", "(", "&&", "||", "!", ","].iter().any(|token| before.ends_with(token));
    let compared = (starts_operand && ["==", "!=", "<", ">"].iter().any(|operator| after.starts_with(operator)))
        || ["==", "!=", "<", ">", "<=", ">="].iter().any(|operator| before.ends_with(operator));
    let argument = matches!(innermost, Some(Open::Paren { call: true }))
        && before.ends_with(['(', ','])
        && after.starts_with([',', ')']);
    compared || argument
}

// ---- xpath ----

/// An XPath expression with its embedded expressions made variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct XPathRewrite {
    /// The expression with `$arazzo_v1`, ... in their places.
    pub(crate) expression: String,
    /// Per expression, in order: the quote of the string literal it was written in (its variable is
    /// then bound as text), `None` alone.
    pub(crate) quotes: Vec<Option<char>>,
    /// (bytes in `expression`, bytes written) of each part rewritten, to locate errors.
    map: Vec<(Range<usize>, Range<usize>)>,
}

impl XPathRewrite {
    /// The bytes of the expression as written that `range` of the rewritten one is about.
    pub(crate) fn original(&self, range: Range<usize>) -> Range<usize> {
        original_range(&self.map, range)
    }

    /// The bytes of the rewritten expression that are the generator's concatenations (a string
    /// literal holding expressions), whose `||` is the generator's, not the document's.
    pub(crate) fn concatenations(&self) -> Vec<Range<usize>> {
        self.map
            .iter()
            .filter(|(rewritten, _)| self.expression[rewritten.clone()].starts_with('('))
            .map(|(rewritten, _)| rewritten.clone())
            .collect()
    }
}

/// `expression` with the expressions at `ranges` (in order) made variables: `$arazzo_v1` where one
/// stands alone, and a string literal holding some made a concatenation of its text and them.
pub(crate) fn xpath(expression: &str, ranges: &[Range<usize>]) -> XPathRewrite {
    let literals = xpath_literals(expression);
    let mut rewritten = String::new();
    let mut quotes = vec![None; ranges.len()];
    let mut map = Vec::new();
    let mut from = 0;
    let mut index = 0;
    while index < ranges.len() {
        let range = &ranges[index];
        let literal = literals.iter().find(|literal| literal.start < range.start && range.end < literal.end);
        match literal {
            Some(literal) => {
                rewritten.push_str(&expression[from..literal.start]);
                let start = rewritten.len();
                let quote = &expression[literal.start..literal.start + 1];
                let mut parts = Vec::new();
                let mut text_from = literal.start + 1;
                while let Some(inside) = ranges.get(index).filter(|range| range.end < literal.end) {
                    if text_from < inside.start {
                        parts.push(format!("{quote}{}{quote}", &expression[text_from..inside.start]));
                    }
                    parts.push(variable(index));
                    quotes[index] = quote.chars().next();
                    text_from = inside.end;
                    index += 1;
                }
                if text_from < literal.end - 1 {
                    parts.push(format!("{quote}{}{quote}", &expression[text_from..literal.end - 1]));
                }
                rewritten.push('(');
                rewritten.push_str(&parts.join(" || "));
                rewritten.push(')');
                map.push((start..rewritten.len(), literal.clone()));
                from = literal.end;
            }
            None => {
                rewritten.push_str(&expression[from..range.start]);
                let start = rewritten.len();
                rewritten.push_str(&variable(index));
                // `{$x}-1`: a name character right after would continue the variable's name.
                if expression[range.end..].starts_with(|c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
                    rewritten.push(' ');
                }
                map.push((start..rewritten.len(), range.clone()));
                from = range.end;
                index += 1;
            }
        }
    }
    rewritten.push_str(&expression[from..]);
    XPathRewrite { expression: rewritten, quotes, map }
}

/// The variable standing for the embedded expression at `index`: `$arazzo_v1` for the first.
fn variable(index: usize) -> String {
    format!("$arazzo_v{}", index + 1)
}

/// The bytes of each string literal of an XPath expression, quotes included (a doubled quote is
/// one inside it), outside comments `(: ... :)`.
fn xpath_literals(expression: &str) -> Vec<Range<usize>> {
    let bytes = expression.as_bytes();
    let mut literals = Vec::new();
    let mut comments = 0usize;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'(' if bytes.get(at + 1) == Some(&b':') => {
                comments += 1;
                at += 1;
            }
            b':' if comments > 0 && bytes.get(at + 1) == Some(&b')') => {
                comments -= 1;
                at += 1;
            }
            quote @ (b'\'' | b'"') if comments == 0 => {
                let start = at;
                at += 1;
                while at < bytes.len() {
                    if bytes[at] == quote {
                        if bytes.get(at + 1) == Some(&quote) {
                            at += 1;
                        } else {
                            break;
                        }
                    }
                    at += 1;
                }
                literals.push(start..(at + 1).min(bytes.len()));
            }
            _ => {}
        }
        at += 1;
    }
    literals
}

#[cfg(test)]
#[path = "embedded_tests.rs"]
mod tests;
