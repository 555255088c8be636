//! What an expression means where the data flow of a step cannot give it a value: the ones fixed
//! when the document is written (`$self`, the fields of a source description), and for the others
//! the reason they name nothing at that place (`$response.*` in a request being built, `$url` in a
//! workflow's outputs, ...). Every such expression is a value, or refused with its reason.

use super::{Reporter, Source};
use crate::expr::Expr;
use crate::model::{Document, SourceKind};

/// Where an expression is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// A parameter value, a payload, a called workflow's input: computed before the request is sent.
    RequestValue,
    /// A step output.
    StepOutput,
    /// A workflow output: read once the workflow's steps are done.
    WorkflowOutput,
    /// The `context` of a regex or jsonpath criterion.
    Context,
    /// An operand of a simple condition.
    Criterion,
}

impl Place {
    fn name(self) -> &'static str {
        match self {
            Place::RequestValue => "a request value",
            Place::StepOutput => "a step output",
            Place::WorkflowOutput => "a workflow output",
            Place::Context => "the context of a criterion",
            Place::Criterion => "a criterion",
        }
    }
}

/// The text of an expression fixed when the document was written: `$self` (1.1) and
/// `$sourceDescriptions.<name>.<field>` (`url`, `type`, `name`); `None` for any other expression.
/// Reports why one of these has no value (a `$self` the document lacks, an operationId where a field
/// is expected).
pub(crate) fn constant(
    reporter: &mut Reporter<'_>,
    (document, sources): (&Document, &[Source]),
    expr: &Expr,
    pointer: &str,
) -> Option<Result<String, ()>> {
    let value = match expr {
        Expr::SelfUri => match &document.self_uri {
            Some(uri) if uri.contains("://") || uri.starts_with("urn:") => Ok(uri.clone()),
            Some(uri) => {
                reporter.error(
                    pointer,
                    format!(
                        "`$self` is `{uri}`, a relative reference: its value would be resolved against the path of \
                         the file on this machine, which generated code must not depend on; give `$self` an \
                         absolute URI"
                    ),
                );
                Err(())
            }
            None => {
                reporter.error(
                    pointer,
                    "`$self` has no value: this document declares no `$self` field, and the path of the file on this \
                     machine is not a URI generated code may depend on; declare `$self` with the document's URI",
                );
                Err(())
            }
        },
        Expr::SourceDescriptions { name, rest } => {
            source_field(reporter, (document, sources), expr, name, rest, pointer)
        }
        _ => return None,
    };
    Some(value)
}

/// Source Description Expression Resolution (1.1, and the only reading 1.0's expression has): an
/// operationId (or a workflowId of an Arazzo source) first, then a field of the Source Description.
fn source_field(
    reporter: &mut Reporter<'_>,
    (document, sources): (&Document, &[Source]),
    expr: &Expr,
    name: &str,
    rest: &str,
    pointer: &str,
) -> Result<String, ()> {
    let Some(description) = document.source_descriptions.iter().find(|source| source.name == name) else {
        let names = super::values::list(document.source_descriptions.iter().map(|source| source.name.as_str()));
        reporter.error_with_help(
            pointer,
            format!("`{expr}` names no source description"),
            format!("source descriptions: {names}"),
        );
        return Err(());
    };
    let operation = sources
        .iter()
        .find(|source| source.name == name)
        .is_some_and(|source| source.openapi.operations.iter().any(|op| op.operation_id.as_deref() == Some(rest)));
    if operation {
        reporter.error(
            pointer,
            format!(
                "`{expr}` names the operation `{rest}` of source `{name}` (an operationId comes before the source's \
                 fields), which is not a value"
            ),
        );
        return Err(());
    }
    let kind = |kind: SourceKind| match kind {
        SourceKind::Openapi => "openapi",
        SourceKind::Arazzo => "arazzo",
        SourceKind::Asyncapi => "asyncapi",
    };
    match rest {
        "url" => Ok(description.url.clone()),
        "name" => Ok(description.name.clone()),
        "type" => match description.kind {
            Some(declared) => Ok(kind(declared).to_string()),
            None => {
                reporter.error(pointer, format!("`{expr}` reads the `type` of source `{name}`, which declares none"));
                Err(())
            }
        },
        _ => {
            reporter.error(
                pointer,
                format!(
                    "`{expr}` names neither an operation of source `{name}` nor one of its fields (`name`, `url`, \
                     `type`)"
                ),
            );
            Err(())
        }
    }
}

/// Reports why `expr` has no value at `place`: each reason is what the specification leaves it
/// (see DECISIONS.md, "Expressions that name nothing where they are written").
pub(crate) fn refuse(reporter: &mut Reporter<'_>, expr: &Expr, place: Place, pointer: &str) {
    let message = match (expr, place) {
        (Expr::Message { .. }, _) => {
            reporter.unsupported(pointer, &format!("AsyncAPI message expressions (`{expr}`)"));
            return;
        }
        (Expr::StatusCode | Expr::Response(_), Place::RequestValue) => format!(
            "`{expr}` reads the response of this step, which does not exist while its request is being built; read \
             an earlier step's output instead (`$steps.<id>.outputs.<name>`)"
        ),
        (Expr::Url | Expr::Method | Expr::Request(_), Place::RequestValue) => format!(
            "`{expr}` reads the request this step sends, which is still being built: it has no value yet (write the \
             value itself, or read an earlier step's `$request.*` output)"
        ),
        (Expr::StatusCode | Expr::Response(_) | Expr::Url | Expr::Method | Expr::Request(_), Place::WorkflowOutput) => {
            format!(
                "`{expr}` reads one step's request or response, but a workflow output belongs to no step; give the \
                 step an output `{expr}` and read it here as `$steps.<id>.outputs.<name>`"
            )
        }
        (Expr::Outputs { .. }, _) => format!(
            "`{expr}` reads an output of the workflow a step calls (in that step's `outputs` or criteria) or an \
             output written above (in a workflow's `outputs`); {} has neither",
            place.name()
        ),
        (Expr::Components { .. }, _) => {
            format!("`{expr}` names a reusable object of `components` (for `reference`), not a value")
        }
        (Expr::SelfUri | Expr::SourceDescriptions { .. }, Place::Context) => format!(
            "`{expr}` is a fixed text, known when the document is written: a regex or jsonpath criterion on it \
             always gives the same result; compare it in a simple condition instead"
        ),
        _ => format!("`{expr}` cannot be read in {}", place.name()),
    };
    reporter.error(pointer, message);
}
