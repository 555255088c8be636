//! Criteria (`successCriteria` and action `criteria`) compiled to checks the generated code evaluates
//! (`xpath` ones in [`super::xpath`]).

use serde_json::Value;

use super::embedded::Found;
use super::meaning::Place;
use super::values::Env;
use super::workflow::Context;
use crate::condition::{self, CompareOp, Condition, Literal};
use crate::expr::{Expr, Source as ExprSource};
use crate::model;
use crate::plan::{ConditionPiece, ConditionPlan, CriterionCheck, CriterionPlan, OperandPlan, RustType, StatusCheck};

/// Plans every criterion of a list; `None` when any could not be planned (each problem reported).
pub(crate) fn plan_all(
    cx: &mut Context<'_, '_>,
    criteria: &[model::Criterion],
    pointer: &str,
    env: &Env<'_>,
) -> Option<Vec<CriterionPlan>> {
    let planned: Vec<Option<CriterionPlan>> = criteria
        .iter()
        .enumerate()
        .map(|(index, criterion)| plan(cx, criterion, &format!("{pointer}/{index}"), env))
        .collect();
    planned.into_iter().collect()
}

fn plan(cx: &mut Context<'_, '_>, criterion: &model::Criterion, pointer: &str, env: &Env<'_>) -> Option<CriterionPlan> {
    cx.reporter.extra(&criterion.extra, pointer, &[]);
    let (kind, version) = match &criterion.kind {
        None => ("simple", None),
        Some(model::CriterionType::Name(name)) => (name.as_str(), None),
        Some(model::CriterionType::Expression(expression)) => {
            cx.reporter.extra(&expression.extra, &format!("{pointer}/type"), &[]);
            (expression.kind.as_str(), Some(expression.version.as_str()))
        }
    };
    let condition_pointer = format!("{pointer}/condition");
    // Error messages quote the criterion; for regex, jsonpath and xpath the context says what it applied to.
    let text = match (&criterion.context, kind) {
        (Some(context), "regex" | "jsonpath" | "xpath") => format!("{} ({kind} on {context})", criterion.condition),
        _ => criterion.condition.clone(),
    };
    // 1.1 fills runtime expressions embedded in regex, jsonpath and xpath conditions in before evaluating
    // (1.0 documents read the braces as written); they are split out as values (XPath ones with its
    // other checks).
    let embedded = if cx.reporter.version >= model::Version::V1_1
        && matches!(kind, "regex" | "jsonpath")
        && crate::expr::embedded_in_condition(&criterion.condition).is_some()
    {
        Some(super::embedded::find(cx.reporter, &criterion.condition, &condition_pointer)?)
    } else {
        None
    };
    let check = match kind {
        "simple" => {
            if criterion.context.is_some() {
                // The specification gives `context` no meaning for simple conditions, which name
                // their operands themselves; accepting it silently would hide a mistake.
                cx.reporter.error(
                    &format!("{pointer}/context"),
                    "a `simple` criterion names its operands in its condition; `context` is only for regex, \
                     jsonpath and xpath criteria",
                );
                return None;
            }
            simple(cx, &criterion.condition, &condition_pointer, env)?
        }
        "regex" => {
            let context = context(cx, criterion, pointer, env)?;
            let embedded = match embedded {
                Some(found) => {
                    let ranges: Vec<_> = found.iter().map(|found| found.range.clone()).collect();
                    if let Err(problem) = super::embedded::regex(&criterion.condition, &ranges) {
                        super::embedded::report(cx.reporter, &criterion.condition, &condition_pointer, problem);
                        return None;
                    }
                    let quotes = vec![None; found.len()];
                    pieces(cx, &criterion.condition, &condition_pointer, env, &found, &quotes)?
                }
                None => {
                    if let Err(error) = regex_syntax::Parser::new().parse(&criterion.condition) {
                        cx.reporter.error(&condition_pointer, format!("invalid regular expression: {error}"));
                        return None;
                    }
                    Vec::new()
                }
            };
            CriterionCheck::Regex { context, pattern: criterion.condition.clone(), embedded }
        }
        "jsonpath" => {
            // 1.1 names RFC 9535 itself (`rfc9535`); 1.0 only the draft, which RFC 9535 standardised.
            let known: &[&str] = if cx.reporter.version >= model::Version::V1_1 {
                &["rfc9535", "draft-goessner-dispatch-jsonpath-00"]
            } else {
                &["draft-goessner-dispatch-jsonpath-00"]
            };
            if let Some(version) = version
                && !known.contains(&version)
            {
                let expected: Vec<String> = known.iter().map(|name| format!("`{name}`")).collect();
                cx.reporter.error(
                    &format!("{pointer}/type/version"),
                    format!("unknown jsonpath version `{version}`; expected {}", expected.join(" or ")),
                );
                return None;
            }
            let context = context(cx, criterion, pointer, env)?;
            if let Some(found) = embedded {
                let ranges: Vec<_> = found.iter().map(|found| found.range.clone()).collect();
                let quotes = match super::embedded::jsonpath(&criterion.condition, &ranges) {
                    Ok(quotes) => quotes,
                    Err(problem) => {
                        super::embedded::report(cx.reporter, &criterion.condition, &condition_pointer, problem);
                        return None;
                    }
                };
                let embedded = pieces(cx, &criterion.condition, &condition_pointer, env, &found, &quotes)?;
                literals_only(cx, &criterion.condition, &condition_pointer, &found, &embedded)?;
                let path = criterion.condition.clone();
                return Some(CriterionPlan {
                    text,
                    check: CriterionCheck::JsonPath { context, path, on_context: false, embedded },
                    rules: cx.reporter.version,
                });
            }
            match condition::parse_jsonpath(&criterion.condition) {
                Ok(_) => CriterionCheck::JsonPath {
                    context,
                    path: criterion.condition.clone(),
                    on_context: false,
                    embedded: Vec::new(),
                },
                Err(error) => super::lenient::jsonpath_comparison(cx, criterion, &condition_pointer, context, error)?,
            }
        }
        "xpath" => {
            let version = super::xpath::version(cx, version, pointer)?;
            let context = context(cx, criterion, pointer, env)?;
            super::xpath::criterion(cx, criterion, (pointer, env), context, version)?
        }
        other => {
            cx.reporter.error(
                &format!("{pointer}/type"),
                format!("unknown criterion type `{other}`; expected simple, regex, jsonpath or xpath"),
            );
            return None;
        }
    };
    Some(CriterionPlan { text, check, rules: cx.reporter.version })
}

/// The `context` of a regex or jsonpath criterion: the value the condition applies to.
fn context(
    cx: &mut Context<'_, '_>,
    criterion: &model::Criterion,
    pointer: &str,
    env: &Env<'_>,
) -> Option<OperandPlan> {
    let context_pointer = format!("{pointer}/context");
    let Some(text) = &criterion.context else {
        cx.reporter.error(pointer, "a regex, jsonpath or xpath criterion needs a `context` expression");
        return None;
    };
    let parsed = cx.reporter.expression(text, &context_pointer)?;
    operand(cx, &parsed, &context_pointer, env, Place::Context)
}

/// The pieces of a regex or JSONPath condition `text` (at `pointer`) whose expressions `found` were
/// checked to stand where a value can: its text, and each expression's value, with the quote of the
/// string literal it is in (`quotes`, in order).
fn pieces(
    cx: &mut Context<'_, '_>,
    text: &str,
    pointer: &str,
    env: &Env<'_>,
    found: &[Found],
    quotes: &[Option<char>],
) -> Option<Vec<ConditionPiece>> {
    super::embedded::pieces(text, found, quotes, |found, _| embedded_value(cx, found, (text, pointer), env))
}

/// Refuses a value standing alone in a JSONPath query whose type is a list or an object: RFC 9535 has
/// no literal for them (JSON values without a type are checked at run time).
fn literals_only(
    cx: &mut Context<'_, '_>,
    text: &str,
    pointer: &str,
    found: &[Found],
    pieces: &[ConditionPiece],
) -> Option<()> {
    let values = pieces.iter().filter_map(|piece| match piece {
        ConditionPiece::Value(value) => Some(value),
        ConditionPiece::Text(_) => None,
    });
    let mut fine = true;
    for (found, value) in found.iter().zip(values) {
        let ConditionPlan::Operand { operand: OperandPlan::Value { value: read, pointer: None }, .. } = &value.value
        else {
            continue;
        };
        let Some(kind) = super::embedded::without_literal(read.ty()) else { continue };
        if value.quote.is_none() {
            let problem = super::embedded::not_a_literal(text, found.range.clone(), kind);
            super::embedded::report(cx.reporter, text, pointer, problem);
            fine = false;
        }
    }
    fine.then_some(())
}

/// The value of an expression embedded in a condition (`text`, at `pointer`): what it reads, as an
/// operand of a simple condition would, or the text it stands for when that is known now (`$self`).
/// Diagnostics point at the expression.
pub(super) fn embedded_value(
    cx: &mut Context<'_, '_>,
    found: &Found,
    (text, pointer): (&str, &str),
    env: &Env<'_>,
) -> Option<ConditionPlan> {
    let previous = cx.reporter.focus(pointer, text, found.range.clone());
    let planned = match super::meaning::constant(cx.reporter, env.known, &found.expr, pointer) {
        Some(constant) => constant.ok().map(|text| ConditionPlan::Literal(Value::String(text))),
        None => operand(cx, &found.expr, pointer, env, Place::Criterion)
            .map(|operand| ConditionPlan::Operand { operand, navigation: Vec::new() }),
    };
    cx.reporter.unfocus(previous);
    planned
}

fn simple(cx: &mut Context<'_, '_>, text: &str, pointer: &str, env: &Env<'_>) -> Option<CriterionCheck> {
    let parsed = match condition::parse_condition(text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let previous = cx.reporter.focus(pointer, text, super::char_at(text, error.offset));
            cx.reporter.error(pointer, format!("`{text}` is not a valid condition: {error}"));
            cx.reporter.unfocus(previous);
            return None;
        }
    };
    if let Some(check) = status_check(&parsed) {
        return Some(CriterionCheck::Status(check));
    }
    let mut operands = Operands { text, ranges: operand_ranges(text).into_iter() };
    compile(cx, &parsed, pointer, env, &mut operands).map(CriterionCheck::Simple)
}

/// The operands of a condition's text, in source order, to underline the one a diagnostic is about.
struct Operands<'t> {
    text: &'t str,
    ranges: std::vec::IntoIter<std::ops::Range<usize>>,
}

/// Byte ranges of the `$` operands of a condition that parsed, in source order (the order
/// [`compile`] visits them), found as the tokenizer finds them: an operand ends at whitespace, `)`
/// or an operator, and `'...'` literals (with `''` for a quote) are skipped.
fn operand_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    const OPERATORS: [&str; 6] = ["==", "!=", "<", ">", "&&", "||"];
    let mut ranges = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => {
                while let Some((_, c)) = chars.next() {
                    if c == '\'' && chars.next_if(|&(_, c)| c == '\'').is_none() {
                        break;
                    }
                }
            }
            '$' => {
                let rest = &text[i..];
                let len = rest
                    .char_indices()
                    .find(|&(j, c)| {
                        c.is_whitespace() || c == ')' || OPERATORS.iter().any(|op| rest[j..].starts_with(op))
                    })
                    .map_or(rest.len(), |(j, _)| j);
                ranges.push(i..i + len);
                while chars.next_if(|&(j, _)| j < i + len).is_some() {}
            }
            _ => {}
        }
    }
    ranges
}

fn compile(
    cx: &mut Context<'_, '_>,
    condition: &Condition,
    pointer: &str,
    env: &Env<'_>,
    operands: &mut Operands<'_>,
) -> Option<ConditionPlan> {
    Some(match condition {
        Condition::Literal(literal) => ConditionPlan::Literal(literal_value(literal)),
        Condition::Expr(parsed, navigation) => {
            let previous = operands.ranges.next().map(|range| cx.reporter.focus(pointer, operands.text, range));
            let planned = if super::version::expression(cx.reporter, parsed, pointer) {
                match super::meaning::constant(cx.reporter, env.known, parsed, pointer) {
                    // `$self == 'https://...'`: a text known now, compared at run time like a literal.
                    Some(constant) => constant.ok().map(|text| {
                        let text = Value::String(text);
                        let navigated = navigation.iter().try_fold(&text, |value, step| match step {
                            condition::Nav::Field(name) => value.get(name),
                            condition::Nav::Index(index) => value.get(index),
                        });
                        ConditionPlan::Literal(navigated.cloned().unwrap_or(Value::Null))
                    }),
                    None => operand(cx, parsed, pointer, env, Place::Criterion)
                        .map(|operand| ConditionPlan::Operand { operand, navigation: navigation.clone() }),
                }
            } else {
                None
            };
            if let Some(previous) = previous {
                cx.reporter.unfocus(previous);
            }
            planned?
        }
        Condition::Not(inner) => ConditionPlan::Not(Box::new(compile(cx, inner, pointer, env, operands)?)),
        Condition::Compare(left, operator, right) => {
            let left = compile(cx, left, pointer, env, operands);
            let right = compile(cx, right, pointer, env, operands);
            let (left, right) = (left?, right?);
            unlisted_value(cx, (&left, *operator, &right), pointer);
            ConditionPlan::Compare(Box::new(left), *operator, Box::new(right))
        }
        Condition::And(left, right) => {
            let left = compile(cx, left, pointer, env, operands);
            let right = compile(cx, right, pointer, env, operands);
            ConditionPlan::And(Box::new(left?), Box::new(right?))
        }
        Condition::Or(left, right) => {
            let left = compile(cx, left, pointer, env, operands);
            let right = compile(cx, right, pointer, env, operands);
            ConditionPlan::Or(Box::new(left?), Box::new(right?))
        }
    })
}

/// Warns about `==` or `!=` between a value of a closed enum (an input's: the workflow sends it)
/// and a string it does not list (compared as Arazzo compares strings, ignoring case): the
/// comparison has one answer whatever the run. Not an error: the criterion still means something,
/// and an enum of the values read from a response is open (the API may add values), so comparing
/// one with an unlisted value is not reported.
fn unlisted_value(
    cx: &mut Context<'_, '_>,
    (left, operator, right): (&ConditionPlan, CompareOp, &ConditionPlan),
    pointer: &str,
) {
    if !matches!(operator, CompareOp::Eq | CompareOp::Ne) {
        return;
    }
    let (value, literal) = match (left, right) {
        (
            ConditionPlan::Operand { operand: OperandPlan::Value { value, pointer: None }, navigation },
            ConditionPlan::Literal(Value::String(text)),
        )
        | (
            ConditionPlan::Literal(Value::String(text)),
            ConditionPlan::Operand { operand: OperandPlan::Value { value, pointer: None }, navigation },
        ) if navigation.is_empty() => (value, text),
        _ => return,
    };
    let RustType::Enum(name) = value.ty().non_null() else { return };
    let Some(plan) = cx.enums.get(name).filter(|plan| !plan.open) else { return };
    let lower = literal.to_lowercase();
    if plan.variants.iter().any(|variant| variant.value.to_lowercase() == lower) {
        return;
    }
    let values: Vec<String> = plan.variants.iter().map(|variant| format!("`{}`", variant.value)).collect();
    let outcome = if operator == CompareOp::Eq { "never holds" } else { "always holds" };
    cx.reporter.warning(
        pointer,
        format!("'{literal}' is none of the values of `{name}` ({}), so this comparison {outcome}", values.join(", ")),
    );
}

fn literal_value(literal: &Literal) -> Value {
    match literal {
        Literal::Null => Value::Null,
        Literal::Bool(flag) => Value::Bool(*flag),
        // Integral literals stay integers so `== 200` compares as a JSON integer.
        Literal::Number(number) if number.fract() == 0.0 && number.abs() < 9.0e15 => Value::from(*number as i64),
        Literal::Number(number) => serde_json::Number::from_f64(*number).map(Value::Number).unwrap_or(Value::Null),
        // The parser only makes these within `i64` or `u64`: serde_json holds either exactly.
        Literal::Integer(integer) => i64::try_from(*integer)
            .map(Value::from)
            .or_else(|_| u64::try_from(*integer).map(Value::from))
            .unwrap_or(Value::Null),
        Literal::String(text) => Value::String(text.clone()),
    }
}

/// What a criterion can read: the response, inputs and earlier step outputs.
fn operand(cx: &mut Context<'_, '_>, parsed: &Expr, pointer: &str, env: &Env<'_>, place: Place) -> Option<OperandPlan> {
    match parsed {
        Expr::StatusCode => Some(OperandPlan::StatusCode),
        Expr::Response(ExprSource::Body(json_pointer)) => {
            Some(OperandPlan::ResponseBody(json_pointer.clone().unwrap_or_default()))
        }
        Expr::Response(ExprSource::Header(name)) => Some(OperandPlan::ResponseHeader(name.clone())),
        Expr::Response(source) => {
            cx.reporter.error(
                pointer,
                format!("`{parsed}` names nothing: a response has a status, headers and a body, not `{source}`"),
            );
            None
        }
        Expr::Url => Some(OperandPlan::Url),
        Expr::Method => Some(OperandPlan::Method),
        Expr::Request(ExprSource::Header(name)) => Some(OperandPlan::RequestHeader(name.clone())),
        Expr::Request(ExprSource::Query(name)) => Some(OperandPlan::RequestQuery(name.clone())),
        Expr::Request(ExprSource::Path(name)) => Some(OperandPlan::RequestPath(name.clone())),
        Expr::Request(ExprSource::Body(json_pointer)) => {
            Some(OperandPlan::RequestBody(json_pointer.clone().unwrap_or_default()))
        }
        // A pointer into an input or an output, checked and typed as in a request value: only the
        // part read becomes JSON.
        Expr::Inputs { pointer: Some(_), .. } | Expr::Steps { output: Some(_), pointer: Some(_), .. } => {
            let value = env.request_reference(parsed, pointer, cx.reporter)?;
            Some(OperandPlan::Value { value, pointer: None })
        }
        Expr::Inputs { name, pointer: json_pointer } => {
            let plain = Expr::Inputs { name: name.clone(), pointer: None };
            let value = env.reference(&plain, pointer, cx.reporter)?;
            Some(OperandPlan::Value { value, pointer: json_pointer.clone() })
        }
        Expr::Steps { step, output: Some(output), pointer: json_pointer, rest } => {
            let plain =
                Expr::Steps { step: step.clone(), output: Some(output.clone()), pointer: None, rest: rest.clone() };
            let value = env.reference(&plain, pointer, cx.reporter)?;
            Some(OperandPlan::Value { value, pointer: json_pointer.clone() })
        }
        // In the criteria of a step that calls a workflow: what that workflow returned.
        Expr::Outputs { name, pointer: json_pointer } if env.callee.is_some() => {
            let value = env.callee?.output(name, pointer, cx.reporter)?;
            Some(OperandPlan::Value { value, pointer: json_pointer.clone() })
        }
        Expr::Workflows { workflow, field, name, pointer: json_pointer, .. }
            if field == "outputs" && env.callee.is_some_and(|callee| callee.is(workflow)) =>
        {
            let value = env.callee?.output(name, pointer, cx.reporter)?;
            Some(OperandPlan::Value { value, pointer: json_pointer.clone() })
        }
        Expr::Workflows { workflow, field, name, pointer: json_pointer, rest } => {
            let plain = Expr::Workflows {
                workflow: workflow.clone(),
                field: field.clone(),
                name: name.clone(),
                pointer: None,
                rest: rest.clone(),
            };
            let value = env.reference(&plain, pointer, cx.reporter)?;
            Some(OperandPlan::Value { value, pointer: json_pointer.clone() })
        }
        other => {
            super::meaning::refuse(cx.reporter, other, place, pointer);
            None
        }
    }
}

/// `$statusCode == 200`, or `200 == $statusCode` with the comparison turned around.
fn status_check(condition: &Condition) -> Option<StatusCheck> {
    let Condition::Compare(left, operator, right) = condition else { return None };
    let status =
        |side: &Condition| matches!(side, Condition::Expr(Expr::StatusCode, navigation) if navigation.is_empty());
    // Statuses are three-digit numbers; anything else keeps the general comparison.
    let number = |side: &Condition| match side {
        Condition::Literal(Literal::Number(number)) if number.fract() == 0.0 && (0.0..=999.0).contains(number) => {
            Some(*number as i64)
        }
        _ => None,
    };
    if status(left) {
        return number(right).map(|status| StatusCheck { operator: *operator, status });
    }
    if status(right) {
        let flipped = match operator {
            CompareOp::Lt => CompareOp::Gt,
            CompareOp::Le => CompareOp::Ge,
            CompareOp::Gt => CompareOp::Lt,
            CompareOp::Ge => CompareOp::Le,
            other => *other,
        };
        return number(left).map(|status| StatusCheck { operator: flipped, status });
    }
    None
}
