//! XPath in a document: `type: xpath` criteria (the expression parsed and checked here, evaluated by
//! `arazzo_runtime::xpath`), and XPath replacement targets, applied to XML payloads written as text.

use serde_json::Value;

use super::Reporter;
use super::embedded::Found;
use super::values::Env;
use super::workflow::Context;
use crate::model;
use crate::plan::{ConditionPlan, CriterionCheck, Embedded, OperandPlan, XPathVersion};
use crate::xpath::{self, ReplaceError};

/// The version an `xpath` criterion's `type` names: XPath 3.1 when it is the plain `xpath`, else the
/// Expression Type Object's `version`, which must be one of its Arazzo version's.
pub(super) fn version(cx: &mut Context<'_, '_>, version: Option<&str>, pointer: &str) -> Option<XPathVersion> {
    version_of(cx.reporter, version, pointer)
}

/// [`version`] for any `xpath` type (a criterion's or a Selector Object's) whose object is at `pointer`.
pub(super) fn version_of(reporter: &mut Reporter<'_>, version: Option<&str>, pointer: &str) -> Option<XPathVersion> {
    // 1.0.1's Criterion Expression Type Object lists 3.0, 2.0 and 1.0 (3.1 is its default); 1.1 adds `xpath-31`.
    let known: &[&str] = if reporter.version >= model::Version::V1_1 {
        &["xpath-31", "xpath-30", "xpath-20", "xpath-10"]
    } else {
        &["xpath-30", "xpath-20", "xpath-10"]
    };
    let Some(version) = version else { return Some(XPathVersion::XPath31) };
    Some(match version {
        "xpath-31" if known.contains(&version) => XPathVersion::XPath31,
        "xpath-30" => XPathVersion::XPath30,
        "xpath-20" => XPathVersion::XPath20,
        "xpath-10" => XPathVersion::XPath10,
        _ => {
            let expected: Vec<String> = known.iter().map(|name| format!("`{name}`")).collect();
            let default = if reporter.version >= model::Version::V1_1 {
                String::new()
            } else {
                " (XPath 3.1 is the default: write `type: xpath`)".to_string()
            };
            reporter.error(
                &format!("{pointer}/type/version"),
                format!("unknown xpath version `{version}`; expected {}{default}", expected.join(", ")),
            );
            return None;
        }
    })
}

/// An `xpath` criterion whose context is planned: the expression checked as XPath 3.1, errors
/// located inside the condition's text; the runtime expressions embedded in it (1.1) read in `env`.
pub(super) fn criterion(
    cx: &mut Context<'_, '_>,
    criterion: &model::Criterion,
    (pointer, env): (&str, &Env<'_>),
    context: OperandPlan,
    version: XPathVersion,
) -> Option<CriterionCheck> {
    let expression = criterion.condition.as_str();
    if !xpath::AVAILABLE {
        cx.reporter
            .error(&format!("{pointer}/type"), format!("`xpath` criteria cannot be checked: {}", xpath::UNAVAILABLE));
        return None;
    }
    let condition_pointer = format!("{pointer}/condition");
    let checked = self::expression(cx.reporter, (expression, &condition_pointer, "an `xpath` condition"), version)?;
    let variables: Vec<Option<Embedded<ConditionPlan>>> = checked
        .embedded
        .iter()
        .map(|(found, quote)| {
            let value = super::criteria::embedded_value(cx, found, (expression, &condition_pointer), env)?;
            Some(Embedded { value, quote: *quote })
        })
        .collect();
    let variables = variables.into_iter().collect::<Option<Vec<_>>>()?;
    Some(CriterionCheck::XPath {
        context,
        expression: checked.expression,
        translated: checked.translated,
        version,
        variables,
    })
}

/// An XPath expression as checked: its text, where `$arazzo_v1`, ... stand for the runtime
/// expressions embedded in it (1.1); for `xpath-10`, the XPath 3.1 text it is translated into; and
/// the embedded expressions with the quote of the string literal each was written in (`None` alone).
pub(super) struct Checked {
    pub(super) expression: String,
    pub(super) translated: Option<String>,
    pub(super) embedded: Vec<(Found, Option<char>)>,
}

/// An XPath expression written at `expression_pointer` (`what` it is: a criterion's condition, a
/// selector) in `version`: checked as XPath 3.1 and for what `version` does not have, and for
/// `xpath-10` translated into the 3.1 expression with its 1.0 meaning (`crate::xpath::for_version`),
/// errors located inside the expression's text; `None` once they are reported.
pub(super) fn expression(
    reporter: &mut Reporter<'_>,
    (expression, expression_pointer, what): (&str, &str, &str),
    version: XPathVersion,
) -> Option<Checked> {
    let ranges = crate::expr::embedded_all_in_condition(expression);
    let (rewrite, found) = match ranges.first() {
        None => (None, Vec::new()),
        Some(first) if reporter.version < model::Version::V1_1 => {
            let previous = reporter.focus(expression_pointer, expression, first.clone());
            reporter.error(
                expression_pointer,
                format!(
                    "`{}` embeds a runtime expression in {what}, which is Arazzo 1.1, but this document declares \
                     `arazzo: {}`; declare `arazzo: 1.1.0` to use it (`arazzo-codegen upgrade` rewrites the document)",
                    &expression[first.clone()],
                    reporter.loaded.value.get("arazzo").and_then(Value::as_str).unwrap_or("1.0.x")
                ),
            );
            reporter.unfocus(previous);
            return None;
        }
        Some(_) => {
            let found = super::embedded::find(reporter, expression, expression_pointer)?;
            let ranges: Vec<_> = found.iter().map(|found| found.range.clone()).collect();
            (Some(super::embedded::xpath(expression, &ranges)), found)
        }
    };
    let compiled = rewrite.as_ref().map_or(expression, |rewrite| rewrite.expression.as_str());
    let quotes = rewrite.as_ref().map(|rewrite| rewrite.quotes.clone()).unwrap_or_default();
    let text_variables: Vec<bool> = quotes.iter().map(Option::is_some).collect();
    let concatenations = rewrite.as_ref().map(|rewrite| rewrite.concatenations()).unwrap_or_default();
    let checked = xpath::check(compiled, found.len())
        .and_then(|()| xpath::for_version(compiled, version, &text_variables, &concatenations))
        // A translation that does not compile would be the generator's mistake; it is refused all the same.
        .and_then(|translated| {
            if version == XPathVersion::XPath10 {
                // Its ranges are in the translation's text, not the document's: none is shown.
                xpath::check_translated(&translated, found.len())
                    .map(|()| translated)
                    .map_err(|problem| xpath::Problem { range: None, ..problem })
            } else {
                Ok(translated)
            }
        });
    let translated = match checked {
        Ok(translated) => translated,
        Err(problem) => {
            let range = problem.range.map(|range| {
                let range = widen(compiled, range);
                rewrite.as_ref().map_or(range.clone(), |rewrite| rewrite.original(range))
            });
            let previous = range.map(|range| reporter.focus(expression_pointer, expression, range));
            let message = if problem.message.contains(" is not XPath ") || problem.message.starts_with("its XPath 3.1")
            {
                format!("`{expression}`: {}", problem.message)
            } else {
                format!("`{expression}` is not a valid XPath expression: {}", problem.message)
            };
            reporter.error(expression_pointer, message);
            if let Some(previous) = previous {
                reporter.unfocus(previous);
            }
            return None;
        }
    };
    let translated = (version == XPathVersion::XPath10).then_some(translated);
    Some(Checked { expression: compiled.to_string(), translated, embedded: found.into_iter().zip(quotes).collect() })
}

/// An empty range (the end of an unfinished expression) widened to the character there, so that
/// the diagnostic underlines something.
fn widen(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    if range.is_empty() { super::char_at(text, range.start) } else { range }
}

/// Whether a replacement's target is an XPath: `targetSelectorType: xpath` (1.1), or, without one, an
/// XML payload written as text (1.0, and 1.1's default for XML media types).
pub(super) fn is_xpath_target(replacement: &model::PayloadReplacement, xml_text: bool) -> bool {
    match &replacement.target_selector_type {
        Some(model::CriterionType::Name(name)) => name == "xpath",
        Some(model::CriterionType::Expression(expression)) => expression.kind == "xpath",
        None => xml_text,
    }
}

/// Applies an XPath replacement to an XML payload template: every node the target selects takes the
/// value's text (expressions in it are filled in, XML-escaped, when the request is sent).
pub(super) fn replace(
    reporter: &mut Reporter<'_>,
    template: &str,
    replacement: &model::PayloadReplacement,
    pointer: &str,
) -> Option<String> {
    let target = replacement.target.as_str();
    let target_pointer = format!("{pointer}/target");
    // A declared version: a 1.0 target is translated, a 2.0 or 3.0 one checked for newer constructs.
    let version = match &replacement.target_selector_type {
        // The document's shape has checked that the version is one of xpath's.
        Some(model::CriterionType::Expression(expression)) if expression.kind == "xpath" => {
            match expression.version.as_str() {
                "xpath-10" => XPathVersion::XPath10,
                "xpath-20" => XPathVersion::XPath20,
                "xpath-30" => XPathVersion::XPath30,
                _ => XPathVersion::XPath31,
            }
        }
        _ => XPathVersion::XPath31,
    };
    // What does not parse is left to the replacement, which says so in the engine's own words; what
    // parses and the declared version refuses (or cannot give its meaning) is an error here, never
    // read as XPath 3.1 instead.
    let translated = match xpath::check(target, 0) {
        Err(_) if xpath::AVAILABLE => Ok(target.to_string()),
        checked => checked.and_then(|()| xpath::for_version(target, version, &[], &[])),
    };
    let target_text = match translated {
        Ok(translated) => translated,
        Err(problem) => {
            let range = problem.range.map(|range| widen(target, range));
            let previous = range.map(|range| reporter.focus(&target_pointer, target, range));
            reporter.error(&target_pointer, format!("`{target}`: {}", problem.message));
            if let Some(previous) = previous {
                reporter.unfocus(previous);
            }
            return None;
        }
    };
    let text = match &replacement.value {
        Value::String(text) => {
            // A whole expression is embedded in braces, so it is filled in as text.
            if text.starts_with('$') && crate::expr::parse(text).is_ok() { format!("{{{text}}}") } else { text.clone() }
        }
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Null => String::new(),
        Value::Array(_) | Value::Object(_) => {
            reporter.error(
                &format!("{pointer}/value"),
                "a value replacing XML nodes is text: a string, a number, a boolean, null (empty) or an expression, \
                 not a list or an object",
            );
            return None;
        }
    };
    match xpath::replace(template, &target_text, &text) {
        Ok(replaced) => Some(replaced),
        Err(error) => {
            let message = match error {
                ReplaceError::Unavailable => xpath::UNAVAILABLE.to_string(),
                ReplaceError::Template(reason) => {
                    format!(
                        "the payload is not well-formed XML, so the XPath target `{target}` cannot be applied: {reason}"
                    )
                }
                ReplaceError::Target(problem) => {
                    let range = problem.range.map(|range| widen(target, range));
                    let previous = range.map(|range| reporter.focus(&target_pointer, target, range));
                    reporter.error(
                        &target_pointer,
                        format!("`{target}` is not a valid XPath expression: {}", problem.message),
                    );
                    if let Some(previous) = previous {
                        reporter.unfocus(previous);
                    }
                    return None;
                }
                ReplaceError::Evaluation(reason) => format!("evaluating `{target}` on the payload failed: {reason}"),
                ReplaceError::Nothing => format!("`{target}` selects nothing in the payload"),
                ReplaceError::NotReplaceable(what) => {
                    format!(
                        "`{target}` selects {what}; a value can replace an element's content, an attribute or a text node"
                    )
                }
            };
            reporter.error(&target_pointer, message);
            None
        }
    }
}
