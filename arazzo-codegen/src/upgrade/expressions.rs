//! What the 1.1 runtime-expression grammar reads differently from the 1.0.1 one, for one expression.
//!
//! 1.0.1 writes every name as `name = *( CHAR )`, which admits almost anything; 1.1 restricts them
//! (`identifier = 1*( ALPHA / DIGIT / "." / "-" / "_" )` for input, output and component names),
//! requires `.outputs.` after a step id, and keeps `{` and `}` out of names and JSON pointers. What
//! arazzo-rs reads in a 1.0 document but 1.1 cannot say has no mechanical rewrite (the name is
//! declared elsewhere, perhaps in another document): it is listed for a human.

use crate::expr::{Expr, Source};

/// 1.1's `identifier`: input, output, workflow-field and component names.
fn is_identifier(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Why 1.1 cannot read `expr` as arazzo-rs reads it in a 1.0 document, if it cannot.
pub(super) fn problem(expr: &Expr) -> Option<String> {
    let name = |kind: &str, name: &str| {
        (!is_identifier(name)).then(|| {
            format!(
                "`{expr}`: Arazzo 1.1 writes {kind} names with letters, digits, `.`, `-` and `_` only \
                 (`identifier`), so `{name}` cannot be written there; rename it where it is declared"
            )
        })
    };
    let braces = |text: &str| text.contains(['{', '}']);
    let pointer = |pointer: &Option<String>| {
        pointer.as_deref().filter(|p| braces(p)).map(|_| {
            format!(
                "`{expr}`: Arazzo 1.1 keeps `{{` and `}}` out of JSON pointers in expressions, and RFC 6901 has no \
                 escape for them; read the value another way (a step output, a Selector Object)"
            )
        })
    };
    match expr {
        Expr::Inputs { name: n, pointer: p } => name("input", n).or_else(|| pointer(p)),
        Expr::Outputs { name: n, pointer: p } => name("output", n).or_else(|| pointer(p)),
        Expr::Steps { step, output: None, rest, .. } => Some(format!(
            "`{expr}`: Arazzo 1.1 reads a step only as `$steps.{step}.outputs.<name>`, and `{rest}` is not \
             `.outputs.<name>`"
        )),
        Expr::Steps { output: Some(n), pointer: p, .. } => name("output", n).or_else(|| pointer(p)),
        Expr::Workflows { field, rest, .. } if field.is_empty() => Some(format!(
            "`{expr}`: Arazzo 1.1 reads a workflow only as `$workflows.<id>.inputs.<name>` or \
             `.outputs.<name>`, and `{rest}` is neither"
        )),
        Expr::Workflows { name: n, pointer: p, .. } => name("workflow input or output", n).or_else(|| pointer(p)),
        Expr::Components { name: n, rest, .. } if !rest.is_empty() || n.is_empty() => Some(format!(
            "`{expr}`: Arazzo 1.1 names a component `$components.<kind>.<name>` with letters, digits, `.`, `-` \
             and `_` only"
        )),
        Expr::Request(source) | Expr::Response(source) => match source {
            Source::Query(n) | Source::Path(n) if braces(n) => {
                Some(format!("`{expr}`: Arazzo 1.1 keeps `{{` and `}}` out of parameter names in expressions"))
            }
            Source::Body(p) => pointer(p),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;

    fn problem_of(text: &str) -> Option<String> {
        problem(&parse(text).unwrap_or_else(|error| panic!("{text}: {error}")))
    }

    #[test]
    fn expressions_both_grammars_read_alike_have_no_problem() {
        for text in [
            "$inputs.apiKey",
            "$inputs.x-api-key",
            "$inputs.customer.uri",
            "$inputs.customer#/firstName",
            "$steps.getKey.outputs.key",
            "$steps.getKey.outputs.body#/items/0/id",
            "$workflows.login.outputs.token",
            "$components.parameters.page",
            "$response.body#/a b",
            "$request.query.page",
            "$statusCode",
        ] {
            assert_eq!(problem_of(text), None, "{text}");
        }
    }

    #[test]
    fn what_1_1_cannot_write_is_named() {
        let cases = [
            ("$inputs.user name", "`user name` cannot be written there"),
            ("$inputs.prénom", "`prénom` cannot be written there"),
            ("$steps.plan.finalizedPaymentPlan", "`.finalizedPaymentPlan` is not `.outputs.<name>`"),
            ("$steps.s.outputs.a:b", "`a:b` cannot be written there"),
            ("$response.body#/{id}", "keeps `{` and `}` out of JSON pointers"),
            ("$inputs.x#/a{b", "keeps `{` and `}` out of JSON pointers"),
            ("$workflows.w.steps", "`.steps` is neither"),
        ];
        for (text, expected) in cases {
            let found = problem_of(text).unwrap_or_else(|| panic!("{text}: no problem found"));
            assert!(found.contains(expected), "{text}: {found}");
        }
    }
}
