//! XPath at build time: checking the expressions of `xpath` criteria, and applying XPath replacement
//! targets to XML payloads written as text. Both use the XPath 3.1 engine the runtime evaluates
//! criteria with (xee-xpath), behind the `xpath` feature; without it every function here says so.

use std::ops::Range;

use crate::plan::XPathVersion;

#[cfg(feature = "xpath")]
mod since;
#[cfg(feature = "xpath")]
mod v1;
#[cfg(feature = "xpath")]
mod v1_text;

/// What is wrong with an XPath expression, and where in it (a byte range), when the engine says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub range: Option<Range<usize>>,
}

/// Why a replacement target could not be applied to an XML payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplaceError {
    /// The generator was built without its `xpath` feature.
    Unavailable,
    /// The payload is not well-formed XML.
    Template(String),
    /// The target is not a valid XPath expression.
    Target(Problem),
    /// Evaluating the target on the payload raised an XPath error.
    Evaluation(String),
    /// The target selects nothing in the payload.
    Nothing,
    /// The target selects something a value cannot replace: a value that is not a node, or a node
    /// that is not an element, an attribute or a text node.
    NotReplaceable(&'static str),
}

/// Whether this build of the generator has XPath (its `xpath` feature).
pub const AVAILABLE: bool = cfg!(feature = "xpath");

/// The message for a build of the generator without XPath.
pub const UNAVAILABLE: &str = "this build of arazzo-codegen has no XPath support: enable its `xpath` feature \
                               (`arazzo-codegen = { version = \"0.1\", features = [\"xpath\"] }`)";

/// How deeply brackets may nest in an expression. The XPath parser backtracks: its time doubles with
/// each level (in a debug build, 0.4 s at 10 levels of `not(`, 5 s at 16, over a minute at 20), and
/// it recurses, so a document must not choose the depth. Real expressions nest a few levels.
pub const MAX_NESTING: usize = 10;

/// The problem with `expression`, if it does not compile as XPath 3.1 (with no namespace prefix,
/// and the variables `$arazzo_v1` to `$arazzo_v<variables>` declared, as at run time: they stand
/// for the runtime expressions a 1.1 document embeds).
pub fn check(expression: &str, variables: usize) -> Result<(), Problem> {
    nesting(expression, MAX_NESTING)?;
    engine::check(expression, variables)
}

/// How deeply brackets may nest in the XPath 3.1 translation of an `xpath-10` expression: the
/// translation writes 1.0's conversions as calls and predicates (a node-set's `number()` is three
/// levels), and the parser's time still doubles with each level (in a debug build, 0.3 s at 11, 2.4 s
/// at 15, 32 s at 19), so an expression whose translation nests deeper is refused.
pub const MAX_TRANSLATED_NESTING: usize = 14;

/// [`check`] for the translation of an `xpath-10` expression, with [`MAX_TRANSLATED_NESTING`].
pub fn check_translated(translated: &str, variables: usize) -> Result<(), Problem> {
    nesting(translated, MAX_TRANSLATED_NESTING).map_err(|_| Problem {
        message: format!(
            "its XPath 3.1 translation nests brackets more than {MAX_TRANSLATED_NESTING} levels deep, which \
             would take the XPath parser too long (each conversion XPath 1.0 makes, such as a node-set's \
             `number()`, is a few levels); write it with fewer nested conversions, or declare a later XPath \
             version"
        ),
        range: None,
    })?;
    engine::check(translated, variables)
}

/// The text to compile for `expression` (which [`check`] accepted) written in `version`: an XPath
/// 1.0 one translated into the XPath 3.1 expression that means what it means in 1.0; a 2.0 or 3.0
/// one as it is, once nothing a later version brought is in it; a 3.1 one as it is. Whatever the
/// version does not have is the problem, over its bytes. `text_variables[n]` says whether
/// `$arazzo_v<n+1>` is bound as text (it stands for an expression written inside a string literal);
/// `synthesized` are the bytes of `expression` the generator wrote (those literals' concatenations).
pub fn for_version(
    expression: &str,
    version: XPathVersion,
    text_variables: &[bool],
    synthesized: &[Range<usize>],
) -> Result<String, Problem> {
    engine::for_version(expression, version, text_variables, synthesized)
}

/// An expression whose brackets (`(`, `[`, `{`) nest deeper than [`MAX_NESTING`], outside string
/// literals, is refused at the first bracket too deep.
fn nesting(expression: &str, limit: usize) -> Result<(), Problem> {
    let mut depth = 0usize;
    let mut quote = None;
    for (at, character) in expression.char_indices() {
        match (quote, character) {
            // A doubled quote inside a literal leaves it and enters it again: the same state.
            (Some(open), _) if character == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(character),
            (None, '(' | '[' | '{') => {
                depth += 1;
                if depth > limit {
                    return Err(Problem {
                        message: format!("brackets nest more than {limit} levels deep"),
                        range: Some(at..at + 1),
                    });
                }
            }
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            (None, _) => {}
        }
    }
    Ok(())
}

/// `template` with every node `target` selects given `text`: an element's content becomes that text,
/// an attribute's or a text node's value becomes it. The XML is written out again (attribute
/// values in double quotes, empty elements as `<a/>`, character references as characters); an XML
/// declaration at the start and white space at the end are kept as written.
pub fn replace(template: &str, target: &str, text: &str) -> Result<String, ReplaceError> {
    // The target as written was held to MAX_NESTING; an `xpath-10` one's translation nests deeper.
    nesting(target, MAX_TRANSLATED_NESTING).map_err(ReplaceError::Target)?;
    engine::replace(template, target, text)
}

#[cfg(feature = "xpath")]
mod engine {
    use std::ops::Range;

    use xee_xpath::{Documents, Item, Queries, Query};
    use xot::ValueType;
    use xot::xmlname::OwnedName;

    use super::since::Since;
    use super::{Problem, ReplaceError, XPathVersion};

    pub(super) fn for_version(
        expression: &str,
        version: XPathVersion,
        text_variables: &[bool],
        synthesized: &[Range<usize>],
    ) -> Result<String, Problem> {
        let declared = match version {
            XPathVersion::XPath31 => return Ok(expression.to_string()),
            XPathVersion::XPath30 => Since::V3_0,
            XPathVersion::XPath20 => Since::V2_0,
            XPathVersion::XPath10 => Since::V1_0,
        };
        let mut names = xee_xpath_ast::VariableNames::default();
        names.extend((1..=text_variables.len()).map(|position| OwnedName::name(&format!("arazzo_v{position}"))));
        let namespaces = xee_xpath_ast::Namespaces::default();
        let parsed = xee_xpath_ast::ast::XPath::parse(expression, &namespaces, &names).map_err(|error| {
            let span = error.span();
            Problem { message: "Parse error (XPST0003)".to_string(), range: Some(span.start..span.end) }
        })?;
        if declared == Since::V1_0 {
            super::v1::translate(&parsed, expression, text_variables, synthesized)
        } else {
            super::since::check(&parsed, expression, declared, synthesized).map(|()| expression.to_string())
        }
    }

    pub(super) fn check(expression: &str, variables: usize) -> Result<(), Problem> {
        let mut context = xee_xpath::context::StaticContextBuilder::default();
        context.variable_names((1..=variables).map(|position| OwnedName::name(&format!("arazzo_v{position}"))));
        Queries::new(context).sequence(expression).map(|_| ()).map_err(|error| problem(&error, expression))
    }

    fn problem(error: &xee_xpath::error::Error, expression: &str) -> Problem {
        let range = error.span.map(|span| span.range()).filter(|range| range.end <= expression.len());
        let message = format!("{} ({})", error.error.message().trim_end_matches('.'), error.error.code());
        Problem { message, range }
    }

    pub(super) fn replace(template: &str, target: &str, text: &str) -> Result<String, ReplaceError> {
        let mut documents = Documents::new();
        let document =
            documents.add_string_without_uri(template).map_err(|error| ReplaceError::Template(error.to_string()))?;
        let query =
            Queries::default().sequence(target).map_err(|error| ReplaceError::Target(problem(&error, target)))?;
        let selected = query.execute(&mut documents, document).map_err(|error| {
            ReplaceError::Evaluation(format!(
                "{} ({})",
                error.error.message().trim_end_matches('.'),
                error.error.code()
            ))
        })?;
        let mut nodes = Vec::new();
        for item in selected.iter() {
            match item {
                Item::Node(node) => nodes.push(node),
                Item::Atomic(_) => return Err(ReplaceError::NotReplaceable("a value, not a node")),
                Item::Function(_) => return Err(ReplaceError::NotReplaceable("a function, map or array, not a node")),
            }
        }
        if nodes.is_empty() {
            return Err(ReplaceError::Nothing);
        }
        let xot = documents.xot_mut();
        for node in nodes {
            match xot.value_mut(node) {
                xot::Value::Attribute(attribute) => attribute.set_value(text),
                xot::Value::Text(value) => value.set(text),
                xot::Value::Element(_) => {
                    let children: Vec<xot::Node> = xot.children(node).collect();
                    for child in children {
                        xot.remove(child).map_err(|error| ReplaceError::Evaluation(error.to_string()))?;
                    }
                    if !text.is_empty() {
                        let content = xot.new_text(text);
                        xot.append(node, content).map_err(|error| ReplaceError::Evaluation(error.to_string()))?;
                    }
                }
                _ => {
                    return Err(ReplaceError::NotReplaceable(match xot.value_type(node) {
                        ValueType::Document => "the document node, not an element",
                        ValueType::Comment => "a comment",
                        ValueType::ProcessingInstruction => "a processing instruction",
                        _ => "a namespace node",
                    }));
                }
            }
        }
        let root = documents.document_node(document).ok_or(ReplaceError::Nothing)?;
        let written = documents.xot().to_string(root).map_err(|error| ReplaceError::Evaluation(error.to_string()))?;
        let after = &template[template.trim_end().len()..];
        Ok(format!("{}{written}{after}", declaration(template)))
    }

    /// The XML declaration the template starts with (`<?xml version="1.0"?>`) and the white space
    /// after it, which the tree does not keep, or nothing.
    fn declaration(template: &str) -> &str {
        match template.strip_prefix("<?xml").and_then(|rest| rest.find("?>")) {
            Some(end) => {
                let end = end + "<?xml?>".len();
                let spaces = template[end..].len() - template[end..].trim_start().len();
                &template[..end + spaces]
            }
            None => "",
        }
    }
}

#[cfg(not(feature = "xpath"))]
mod engine {
    use super::{Problem, ReplaceError, UNAVAILABLE};

    pub(super) fn check(_expression: &str, _variables: usize) -> Result<(), Problem> {
        Err(Problem { message: UNAVAILABLE.to_string(), range: None })
    }

    pub(super) fn for_version(
        _expression: &str,
        _version: super::XPathVersion,
        _text_variables: &[bool],
        _synthesized: &[std::ops::Range<usize>],
    ) -> Result<String, Problem> {
        Err(Problem { message: UNAVAILABLE.to_string(), range: None })
    }

    pub(super) fn replace(_template: &str, _target: &str, _text: &str) -> Result<String, ReplaceError> {
        Err(ReplaceError::Unavailable)
    }
}

#[cfg(all(test, not(feature = "xpath")))]
mod tests_without_xpath {
    use super::*;

    #[test]
    fn without_the_feature_nothing_is_checked_or_replaced() {
        const { assert!(!AVAILABLE) };
        assert_eq!(check("/a", 0).map_err(|problem| problem.message), Err(UNAVAILABLE.to_string()));
        assert_eq!(replace("<a/>", "/a", "x"), Err(ReplaceError::Unavailable));
    }
}

#[cfg(all(test, feature = "xpath"))]
mod tests {
    use super::*;

    const ORDER: &str = "<order id=\"7\"><customer>{$inputs.name}</customer><note>old <b>bold</b></note></order>";

    #[test]
    fn valid_expressions_pass_and_invalid_ones_say_where() {
        assert_eq!(check("/Envelope/Status[text()='OK']", 0), Ok(()));
        assert_eq!(check("count(//item) > 0 and not(/a/@b = 'c')", 0), Ok(()));
        assert_eq!(
            check("/Envelope/Status[text()='OK'", 0),
            Err(Problem { message: "Parse error (XPST0003)".to_string(), range: Some(28..28) })
        );
        // Unknown functions, prefixes and variables are errors at build time too, over their range.
        assert_eq!(
            check("/a[nope()]", 0),
            Err(Problem {
                message: "Type error: incorrect function name or number of arguments (XPST0017)".to_string(),
                range: Some(3..9)
            })
        );
        assert_eq!(
            check("/soap:Envelope", 0),
            Err(Problem { message: "Unknown namespace prefix (XPST0081)".to_string(), range: Some(1..14) })
        );
        assert_eq!(check("$x", 0).map_err(|problem| problem.range), Err(Some(0..2)));
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(
            check(&deep, 0),
            Err(Problem { message: "brackets nest more than 10 levels deep".to_string(), range: Some(10..11) })
        );
        let fine = format!("/a[{}1{}]", "(".repeat(9), ")".repeat(9));
        assert_eq!(check(&fine, 0), Ok(()));
        // Brackets inside string literals are text.
        assert_eq!(check(&format!("'{}' = 'it''s'", "(".repeat(1000)), 0), Ok(()));
        assert!(matches!(replace("<a/>", &deep, "x"), Err(ReplaceError::Target(_))));
    }

    #[test]
    fn ranges_are_bytes_of_the_expression() {
        // `é` is two bytes: the `[` left open is at byte 4 of 4.
        assert_eq!(check("/é[", 0).map_err(|problem| problem.range), Err(Some(4..4)));
    }

    #[test]
    fn an_element_gets_the_text_as_its_only_content() {
        assert_eq!(
            replace(ORDER, "/order/note", "{$inputs.note}"),
            Ok("<order id=\"7\"><customer>{$inputs.name}</customer><note>{$inputs.note}</note></order>".to_string())
        );
        assert_eq!(
            replace(ORDER, "/order/note", ""),
            Ok("<order id=\"7\"><customer>{$inputs.name}</customer><note/></order>".to_string())
        );
    }

    #[test]
    fn attributes_and_text_nodes_get_the_text_as_their_value() {
        assert_eq!(
            replace(ORDER, "/order/@id", "8 & <9>"),
            Ok("<order id=\"8 &amp; &lt;9>\"><customer>{$inputs.name}</customer><note>old <b>bold</b></note></order>"
                .to_string())
        );
        assert_eq!(
            replace(ORDER, "//b/text()", "new"),
            Ok("<order id=\"7\"><customer>{$inputs.name}</customer><note>old <b>new</b></note></order>".to_string())
        );
    }

    #[test]
    fn every_selected_node_is_replaced() {
        let template = "<list><item>a</item><item>b</item></list>";
        assert_eq!(replace(template, "//item", "x"), Ok("<list><item>x</item><item>x</item></list>".to_string()));
    }

    #[test]
    fn the_declaration_and_the_final_line_break_are_kept() {
        let template = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b/></a>\n";
        assert_eq!(
            replace(template, "/a/b", "1"),
            Ok("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b>1</b></a>\n".to_string())
        );
    }

    #[test]
    fn what_cannot_take_a_value_is_an_error() {
        assert_eq!(replace(ORDER, "/order/missing", "x"), Err(ReplaceError::Nothing));
        assert_eq!(replace(ORDER, "count(/order)", "x"), Err(ReplaceError::NotReplaceable("a value, not a node")));
        assert_eq!(replace(ORDER, "/", "x"), Err(ReplaceError::NotReplaceable("the document node, not an element")));
        assert_eq!(replace("<a><!-- c --></a>", "/a/comment()", "x"), Err(ReplaceError::NotReplaceable("a comment")));
        assert!(matches!(replace("<a>", "/a", "x"), Err(ReplaceError::Template(_))));
        assert!(matches!(replace(ORDER, "/order[", "x"), Err(ReplaceError::Target(_))));
        assert!(matches!(replace(ORDER, "1 div 0", "x"), Err(ReplaceError::Evaluation(_))));
    }
}
