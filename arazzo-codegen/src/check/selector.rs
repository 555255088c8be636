//! Arazzo 1.1 Selector Objects: a JSON pointer or JSONPath `selector` applied to the value of the
//! runtime expression `context`, checked at build time and planned as the value it selects.
//!
//! A JSON pointer selector is the same thing as a pointer written after the expression
//! (`$response.body#/id`, `$inputs.user#/id`), and is planned as one: typed from the response schema
//! on `$response.body`, read by the runtime's streaming walk. A JSONPath selector (RFC 9535, parsed
//! here) becomes a [`SelectorKind`] the emitter matches on, and so does an XPath selector (checked
//! by [`super::xpath`] as `xpath` criteria are, read from XML text). The value of a JSONPath selector
//! is the node when the query is *singular* (names and indexes only: at most one node), otherwise
//! the node list (see `docs/DECISIONS.md`); an XPath selector's is JSON (`XPath::select`'s mapping).
//! Runtime expressions embedded in either (1.1) are values, never query text: JSONPath literals
//! placed as in `jsonpath` criteria ([`super::embedded`]), XPath variables; a JSONPath query that
//! embeds any is never singular (values stand in filters only).

use serde_json::Value;

use super::Reporter;
use super::dataflow::response_pointer::{self, Candidate};
use super::embedded::Found;
use super::values::Env;
use crate::expr::{Expr, Source as ExprSource};
use crate::model;
use crate::openapi::{OpenApi, Operation};
use crate::plan::{Embedded, OutputSource, QueryPiece, RustType, SelectorKind, ValueRef, XPathVersion};
use crate::types;

/// A selector's query, checked.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Query {
    /// An RFC 6901 JSON pointer (`""` is the whole context).
    Pointer(String),
    /// An RFC 9535 JSONPath query; `singular` holds its segments when it is a singular query, and
    /// `pieces` its text and values when it embeds runtime expressions (1.1; empty otherwise).
    JsonPath { query: String, singular: Option<Vec<Segment>>, pieces: Vec<QueryPiece> },
    /// An XPath expression, applied to XML text, with the values embedded in it (1.1) as variables.
    XPath { expression: String, translated: Option<String>, version: XPathVersion, variables: Vec<Embedded<ValueRef>> },
}

/// One segment of a singular JSONPath query.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Segment {
    /// A member of an object.
    Name(String),
    /// An item of an array; negative from the end.
    Index(i64),
}

impl Query {
    /// Whether the query selects its whole context (`""`, `$`).
    fn is_whole(&self) -> bool {
        match self {
            Self::Pointer(pointer) => pointer.is_empty(),
            Self::JsonPath { singular, .. } => singular.as_ref().is_some_and(Vec::is_empty),
            // XML text is never the JSON it selects from.
            Self::XPath { .. } => false,
        }
    }
}

/// The query of `selector` (written at `pointer`), checked, with the values embedded in an XPath
/// read in `env`; `None` once what is wrong with it is reported.
pub(crate) fn query(
    reporter: &mut Reporter<'_>,
    selector: &model::Selector,
    pointer: &str,
    env: &Env<'_>,
) -> Option<Query> {
    if let model::CriterionType::Expression(expression) = &selector.kind {
        reporter.extra(&expression.extra, &format!("{pointer}/type"), &[]);
    }
    let selector_pointer = format!("{pointer}/selector");
    let text = selector.selector.as_str();
    match selector.kind_name() {
        "jsonpointer" => match pointer_error(text) {
            None => Some(Query::Pointer(text.to_string())),
            Some((offset, message)) => {
                let previous = reporter.focus(&selector_pointer, text, super::char_at(text, offset));
                reporter.error(&selector_pointer, format!("`{text}` is not a JSON pointer (RFC 6901): {message}"));
                reporter.unfocus(previous);
                None
            }
        },
        "jsonpath" => {
            // 1.1 fills `{$...}` in before evaluation: each is a value (a literal) of the query, which
            // is parsed with placeholders, as in `jsonpath` criteria.
            if reporter.version >= model::Version::V1_1 && crate::expr::embedded_in_condition(text).is_some() {
                let pieces = jsonpath_pieces(reporter, text, &selector_pointer, env)?;
                return Some(Query::JsonPath { query: text.to_string(), singular: None, pieces });
            }
            jsonpath(reporter, text, &selector_pointer)?;
            Some(Query::JsonPath { query: text.to_string(), singular: singular_query(text), pieces: Vec::new() })
        }
        // The shape check allows no other type than `xpath`.
        _ => {
            let version = match &selector.kind {
                model::CriterionType::Expression(expression) => Some(expression.version.as_str()),
                model::CriterionType::Name(_) => None,
            };
            let version = super::xpath::version_of(reporter, version, pointer)?;
            if !crate::xpath::AVAILABLE {
                reporter.error(
                    &format!("{pointer}/type"),
                    format!("XPath selectors cannot be checked: {}", crate::xpath::UNAVAILABLE),
                );
                return None;
            }
            let checked = super::xpath::expression(reporter, (text, &selector_pointer, "an XPath selector"), version)?;
            let mut variables = Vec::new();
            for (found, quote) in &checked.embedded {
                let previous = reporter.focus(&selector_pointer, text, found.range.clone());
                let value = variable(reporter, env, found, (&selector_pointer, "an XPath selector"));
                reporter.unfocus(previous);
                variables.push(Embedded { value: value?, quote: *quote });
            }
            Some(Query::XPath { expression: checked.expression, translated: checked.translated, version, variables })
        }
    }
}

/// The text and values of the JSONPath selector `text` (at `pointer`) that embeds runtime
/// expressions: each must stand where a value can (checked as in `jsonpath` criteria, by
/// [`super::embedded::jsonpath`]), read a value a selector can read ([`variable`]), and, standing
/// alone, be of a type RFC 9535 has a literal for. `None` once every problem is reported.
fn jsonpath_pieces(reporter: &mut Reporter<'_>, text: &str, pointer: &str, env: &Env<'_>) -> Option<Vec<QueryPiece>> {
    let found = super::embedded::find(reporter, text, pointer)?;
    let ranges: Vec<_> = found.iter().map(|found| found.range.clone()).collect();
    let quotes = match super::embedded::jsonpath(text, &ranges) {
        Ok(quotes) => quotes,
        Err(problem) => {
            super::embedded::report(reporter, text, pointer, problem);
            return None;
        }
    };
    super::embedded::pieces(text, &found, &quotes, |found, quote| {
        let previous = reporter.focus(pointer, text, found.range.clone());
        let value = variable(reporter, env, found, (pointer, "a JSONPath selector"));
        reporter.unfocus(previous);
        let value = value?;
        if quote.is_none()
            && let Some(kind) = super::embedded::without_literal(value.ty())
        {
            let problem = super::embedded::not_a_literal(text, found.range.clone(), kind);
            super::embedded::report(reporter, text, pointer, problem);
            return None;
        }
        Some(value)
    })
}

/// The value of a runtime expression embedded in a selector (an XPath or JSONPath one, `what`, at
/// `pointer`): an input, an earlier output, or a text known now (`$self`). A secret is refused:
/// what the selector selects is plain JSON, and could be the secret's text.
fn variable(
    reporter: &mut Reporter<'_>,
    env: &Env<'_>,
    found: &Found,
    (pointer, what): (&str, &str),
) -> Option<ValueRef> {
    if let Some(constant) = super::meaning::constant(reporter, env.known, &found.expr, pointer) {
        return constant.ok().map(ValueRef::Constant);
    }
    let value = match &found.expr {
        Expr::Inputs { .. } | Expr::Steps { .. } | Expr::Workflows { .. } => {
            env.request_reference(&found.expr, pointer, reporter)?
        }
        other => {
            reporter.error(
                pointer,
                format!(
                    "`{other}` cannot be embedded in a selector; it may read the workflow's inputs (`$inputs.<name>`), \
                     earlier steps' outputs (`$steps.<id>.outputs.<name>`) and the outputs of `dependsOn` workflows"
                ),
            );
            return None;
        }
    };
    if value.base().ty().may_hold_secrets() {
        reporter.error(
            pointer,
            format!(
                "`{}` is or may hold a secret, which {what} cannot embed: what it selects is plain JSON, which \
                 could be the secret's text; compare it in a success criterion instead",
                found.expr
            ),
        );
        return None;
    }
    Some(value)
}

/// The JSONPath query `text` (RFC 9535), written at `pointer`, parsed; `None` once its error is reported
/// at the character where it is.
pub(crate) fn jsonpath(reporter: &mut Reporter<'_>, text: &str, pointer: &str) -> Option<serde_json_path::JsonPath> {
    match crate::condition::parse_jsonpath(text) {
        Ok(query) => Some(query),
        Err(message) => {
            // serde_json_path says `at position <byte offset>, <why>`.
            let offset = message
                .strip_prefix("at position ")
                .and_then(|rest| rest.split(',').next())
                .and_then(|number| number.parse::<usize>().ok());
            let previous = offset.map(|offset| reporter.focus(pointer, text, super::char_at(text, offset)));
            reporter.error(pointer, format!("`{text}` is not a JSONPath query (RFC 9535): {message}"));
            if let Some(previous) = previous {
                reporter.unfocus(previous);
            }
            None
        }
    }
}

/// What makes `text` not an RFC 6901 JSON pointer, and at which byte.
fn pointer_error(text: &str) -> Option<(usize, &'static str)> {
    if !(text.is_empty() || text.starts_with('/')) {
        return Some((0, "a pointer is empty or starts with `/`"));
    }
    let bytes = text.as_bytes();
    bytes.iter().enumerate().find_map(|(at, byte)| {
        (*byte == b'~' && !matches!(bytes.get(at + 1), Some(b'0' | b'1')))
            .then_some((at, "`~` must be followed by `0` (for `~`) or `1` (for `/`)"))
    })
}

/// The segments of `query` when it is a singular query (RFC 9535 section 2.3.5.1: only name and index
/// selectors, one per segment, no descendants), `None` otherwise. `query` is known to be valid.
pub(crate) fn singular_query(query: &str) -> Option<Vec<Segment>> {
    let mut rest = query.strip_prefix('$')?;
    let mut segments = Vec::new();
    loop {
        rest = rest.trim_start_matches(BLANK);
        if rest.is_empty() {
            return Some(segments);
        }
        if let Some(after) = rest.strip_prefix('.') {
            // `.name`; `.*` and `..` are not singular.
            let end = after.find(|c: char| !is_name_char(c)).unwrap_or(after.len());
            if end == 0 {
                return None;
            }
            segments.push(Segment::Name(after[..end].to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let inside = after.trim_start_matches(BLANK);
            let (segment, after) = match inside.chars().next()? {
                quote @ ('\'' | '"') => {
                    let (name, after) = string_literal(&inside[1..], quote)?;
                    (Segment::Name(name), after)
                }
                '-' | '0'..='9' => {
                    let end = inside[1..].find(|c: char| !c.is_ascii_digit()).map_or(inside.len(), |end| end + 1);
                    (Segment::Index(inside[..end].parse().ok()?), &inside[end..])
                }
                _ => return None,
            };
            rest = after.trim_start_matches(BLANK).strip_prefix(']')?;
            segments.push(segment);
        } else {
            return None;
        }
    }
}

/// RFC 9535's blank space.
const BLANK: [char; 4] = [' ', '\t', '\n', '\r'];

/// A character of a member-name shorthand (`name-char`).
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c >= '\u{80}'
}

/// The value of the string literal whose opening `quote` is just before `text`, and what follows it.
fn string_literal(text: &str, quote: char) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            c if c == quote => return Some((value, &text[at + 1..])),
            '\\' => {
                let (_, escaped) = chars.next()?;
                value.push(match escaped {
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'u' => {
                        let high = hex4(&mut chars)?;
                        let code = if (0xD800..0xDC00).contains(&high) {
                            // A surrogate pair: `\uD83D\uDE00`.
                            let (_, backslash) = chars.next()?;
                            let (_, u) = chars.next()?;
                            let low = (backslash == '\\' && u == 'u').then(|| hex4(&mut chars)).flatten()?;
                            0x10000 + ((high - 0xD800) << 10) + (low.checked_sub(0xDC00)?)
                        } else {
                            high
                        };
                        char::from_u32(code)?
                    }
                    other => other,
                });
            }
            other => value.push(other),
        }
    }
    None
}

fn hex4(chars: &mut std::str::CharIndices<'_>) -> Option<u32> {
    let mut code = 0;
    for _ in 0..4 {
        code = code * 16 + chars.next()?.1.to_digit(16)?;
    }
    Some(code)
}

/// The JSON pointer a singular query's segments name, for reading the response schema and for
/// scrubbing a secret from error excerpts: a negative index stands for any item of its array, so it
/// reads as item `0` (the items share a schema) when `any_item`, and otherwise ends the pointer at
/// the array (all of whose strings are then scrubbed).
pub(crate) fn pointer_of(segments: &[Segment], any_item: bool) -> String {
    let mut pointer = String::new();
    for segment in segments {
        match segment {
            Segment::Name(name) => crate::load::push_token(&mut pointer, name),
            Segment::Index(index) if *index >= 0 => pointer.push_str(&format!("/{index}")),
            Segment::Index(_) if any_item => pointer.push_str("/0"),
            Segment::Index(_) => break,
        }
    }
    pointer
}

/// A selector whose context reads a value the workflow holds (an input, an earlier step's output, a
/// `dependsOn` workflow's output): the value it selects.
pub(crate) fn value(
    env: &Env<'_>,
    reporter: &mut Reporter<'_>,
    selector: &model::Selector,
    pointer: &str,
) -> Option<ValueRef> {
    let query = query(reporter, selector, pointer, env);
    let context_pointer = format!("{pointer}/context");
    let context = reporter.expression(&selector.context, &context_pointer)?;
    let base = match &context {
        Expr::Inputs { .. } | Expr::Steps { .. } | Expr::Workflows { .. } => {
            env.request_reference(&context, &context_pointer, reporter)?
        }
        other => {
            reporter.error(
                &context_pointer,
                format!(
                    "`{other}` cannot be the context of a selector here; it may read the workflow's inputs \
                     (`$inputs.<name>`), earlier steps' outputs (`$steps.<id>.outputs.<name>`) and the outputs of \
                     `dependsOn` workflows"
                ),
            );
            return None;
        }
    };
    apply(env, base, query?, selector, pointer, reporter)
}

/// The value `query` selects in `base`. A JSON pointer extends a pointer the context already has
/// (`$inputs.user#/address` with `/city` reads `/address/city`). A secret is a string, with nothing
/// inside to select: only the whole of it may be selected, and it stays a secret.
pub(crate) fn apply(
    env: &Env<'_>,
    base: ValueRef,
    query: Query,
    selector: &model::Selector,
    pointer: &str,
    reporter: &mut Reporter<'_>,
) -> Option<ValueRef> {
    if base.ty().is_secret() {
        if query.is_whole() {
            return Some(base);
        }
        reporter.error(
            &format!("{pointer}/selector"),
            format!(
                "`{}` selects inside `{}`, a secret: a secret is a string, with nothing inside to select, and \
                 selecting would turn it into a plain value",
                selector.selector, selector.context
            ),
        );
        return None;
    }
    // The whole of a part of a value (JSON already) is that part.
    if query.is_whole() && base.is_part() {
        return Some(base);
    }
    Some(match query {
        Query::Pointer(more) => {
            let written = format!("{}#{more}", selector.context);
            return super::pointer::into(env, reporter, base, &more, (&written, &format!("{pointer}/selector")));
        }
        Query::JsonPath { query, singular, pieces } => ValueRef::Selected {
            base: Box::new(base),
            selector: SelectorKind::JsonPath { query, singular: singular.is_some(), pieces },
        },
        Query::XPath { expression, translated, version, variables } => ValueRef::Selected {
            base: Box::new(base),
            selector: SelectorKind::XPath { expression, translated, version, variables },
        },
    })
}

/// What a step's operation says about its response body, for selectors on `$response.body`.
pub(crate) struct Body<'a, 'o> {
    pub(crate) openapi: &'o OpenApi,
    pub(crate) operation: &'o Operation,
    /// The schema of the response the success criteria expect.
    pub(crate) schema: Option<&'o Value>,
    /// Every response schema a success may come with, to check pointers against.
    pub(crate) candidates: &'a [Candidate<'o>],
}

/// A step output written as a selector (`name`, at `pointer`): how the step reads it and its type.
///
/// On `$response.body` (at an optional `#/pointer`), a JSON pointer selector is the output
/// `$response.body#<pointer>`, typed from the response schema and read by the streaming walk; a
/// singular JSONPath query is typed from the schema too (its names and indexes are a path through it)
/// and read from the parsed body; any other query gives the node list, `Vec<serde_json::Value>`. On an
/// input or an earlier output, it is the value [`value`] selects, JSON as a pointer's is.
pub(crate) fn step_output(
    reporter: &mut Reporter<'_>,
    env: &Env<'_>,
    (body, enums): (&Body<'_, '_>, &mut crate::types::EnumNamer<'_>),
    selector: &model::Selector,
    (name, pointer): (&str, &str),
) -> Option<(OutputSource, RustType)> {
    let context_pointer = format!("{pointer}/context");
    let context = reporter.expression(&selector.context, &context_pointer);
    let context_pointer = context_pointer.as_str();
    let json_pointer = match context? {
        Expr::Response(ExprSource::Body(json_pointer)) => json_pointer.unwrap_or_default(),
        Expr::Inputs { .. } | Expr::Steps { .. } | Expr::Workflows { .. } => {
            let value = value(env, reporter, selector, pointer)?;
            return super::step::copied(reporter, value, pointer);
        }
        other => {
            reporter.error(
                context_pointer,
                format!(
                    "`{other}` cannot be the context of a selector: a selector reads JSON, such as the response body \
                     (`$response.body`, at an optional `#/pointer`), an input or an earlier step's output"
                ),
            );
            return None;
        }
    };
    let selector_pointer = format!("{pointer}/selector");
    let written = (selector_pointer.as_str(), selector.selector.as_str());
    let mut typed = |reporter: &mut Reporter<'_>, schema_pointer: &str| {
        response_pointer::check(reporter, body.openapi, body.operation, body.candidates, schema_pointer, written);
        match types::output_type(body.openapi, body.schema, schema_pointer, name, enums) {
            Ok(ty) => ty,
            Err(message) => super::lenient::unreadable_output_schema(reporter, pointer, name, &message),
        }
    };
    match query(reporter, selector, pointer, env)? {
        Query::XPath { expression, translated, version, variables } => {
            // An XPath reads the body's own bytes, as `xpath` criteria do; XML has no JSON pointer.
            if !json_pointer.is_empty() {
                reporter.error(
                    context_pointer,
                    format!(
                        "an XPath selector reads the whole response body as XML (`$response.body`); `{}` points \
                         into it as JSON",
                        selector.context
                    ),
                );
                return None;
            }
            if crate::naming::names_a_secret(name) {
                reporter.error(
                    pointer,
                    format!(
                        "output `{name}` is named like a secret, but the XPath selector `{expression}` gives plain \
                         JSON (a string, or a list of them) that `Debug` would print; a secret output is read from a \
                         JSON body (a JSON pointer or a singular JSONPath selector)"
                    ),
                );
                return None;
            }
            let selector = SelectorKind::XPath { expression, translated, version, variables };
            Some((
                OutputSource::BodySelector { context: String::new(), selector, covers: String::new() },
                RustType::Json,
            ))
        }
        Query::Pointer(more) => {
            let json_pointer = format!("{json_pointer}{more}");
            let ty = typed(reporter, &json_pointer);
            Some((OutputSource::BodyPointer(json_pointer), ty))
        }
        Query::JsonPath { query, singular: Some(segments), pieces } => {
            let ty = typed(reporter, &format!("{json_pointer}{}", pointer_of(&segments, true)));
            let covers = format!("{json_pointer}{}", pointer_of(&segments, false));
            let selector = SelectorKind::JsonPath { query, singular: true, pieces };
            Some((OutputSource::BodySelector { context: json_pointer, selector, covers }, ty))
        }
        Query::JsonPath { query, singular: None, pieces } => {
            if crate::naming::names_a_secret(name) {
                reporter.error(
                    pointer,
                    format!(
                        "output `{name}` is named like a secret, but `{query}` may select several nodes, and a list \
                         of JSON values is plain JSON that `Debug` would print; select the one node with a singular \
                         query (names and indexes only, such as `$.keys[0].secret`)"
                    ),
                );
                return None;
            }
            let selector = SelectorKind::JsonPath { query, singular: false, pieces };
            let covers = json_pointer.clone();
            Some((
                OutputSource::BodySelector { context: json_pointer, selector, covers },
                RustType::Vec(Box::new(RustType::Json)),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> Segment {
        Segment::Name(text.to_string())
    }

    #[test]
    fn singular_queries_are_names_and_indexes() {
        assert_eq!(singular_query("$"), Some(vec![]));
        assert_eq!(singular_query("$.user.id"), Some(vec![name("user"), name("id")]));
        assert_eq!(
            singular_query("$['a b'][0] [-1][\"c\\\"d\"]"),
            Some(vec![name("a b"), Segment::Index(0), Segment::Index(-1), name("c\"d")])
        );
        assert_eq!(singular_query("$[ 'x' ]"), Some(vec![name("x")]));
        assert_eq!(singular_query("$['\\u00e9\\uD83D\\uDE00']"), Some(vec![name("é😀")]));
        assert_eq!(singular_query("$.é_1"), Some(vec![name("é_1")]));
        for plural in ["$.*", "$..id", "$[*]", "$[0,1]", "$[0:2]", "$[?@.ok]", "$.items[*].id", "$['a','b']"] {
            assert_eq!(singular_query(plural), None, "{plural}");
        }
    }

    #[test]
    fn the_drafts_script_expressions_are_not_rfc_9535() {
        // `draft-goessner-dispatch-jsonpath-00` selectors are read as RFC 9535 (see DECISIONS.md).
        assert!(crate::condition::parse_jsonpath("$.items[(@.length-1)]").is_err());
        assert!(crate::condition::parse_jsonpath("$.items[?(@.sku=='ABC123')].quantity").is_ok());
    }

    #[test]
    fn pointers_of_singular_queries() {
        let segments = vec![name("items"), Segment::Index(-1), name("a/b")];
        assert_eq!(pointer_of(&segments, true), "/items/0/a~1b");
        assert_eq!(pointer_of(&segments, false), "/items");
        assert_eq!(pointer_of(&[name("x"), Segment::Index(2)], false), "/x/2");
    }

    #[test]
    fn json_pointers_are_checked() {
        assert_eq!(pointer_error(""), None);
        assert_eq!(pointer_error("/a~0b/~1/0"), None);
        assert_eq!(pointer_error("a/b").map(|(at, _)| at), Some(0));
        assert_eq!(pointer_error("/a~2").map(|(at, _)| at), Some(2));
        assert_eq!(pointer_error("/a~").map(|(at, _)| at), Some(2));
    }
}
