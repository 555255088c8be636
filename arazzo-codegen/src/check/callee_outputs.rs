//! What a step that calls a workflow reads of what that workflow returned: its outputs, in the step's
//! criteria (and its actions'), bound once the call returned, and in the step's own outputs, whole, at a
//! JSON pointer, or through a Selector Object (1.1).

use super::values::{Env, list};
use super::workflow::Context;
use crate::expr::{self, Expr};
use crate::model;
use crate::naming::Scope;
use crate::plan::{CalleeRead, OutputSource, RustType, StepOutputPlan, ValueRef, WorkflowPlan};

/// The outputs of the workflow a step calls, as the step's criteria (and its actions') read them: each
/// one they read is bound to a local of its own once the call has returned ([`CalleeRead`]).
pub(crate) struct CalleeOutputs {
    workflow_id: String,
    /// Each output's name, where the step binds it, and its type as the criteria read it (JSON for
    /// one the callee may not produce).
    outputs: Vec<(String, CalleeRead, RustType)>,
    /// The outputs the callee may not produce, by name.
    optional: Vec<String>,
}

impl CalleeOutputs {
    pub(super) fn of(callee: &WorkflowPlan, step_id: &str, locals: &mut Scope) -> Self {
        let outputs = callee
            .outputs
            .iter()
            .map(|output| {
                let variable = locals.snake(&format!("{step_id} called {}", output.field.name));
                let read = CalleeRead { field: output.field.field.clone(), variable };
                // An output the callee may not produce is an `Option`: JSON `null` when it is absent.
                let ty = if output.field.optional { RustType::Json } else { output.field.ty.clone() };
                (output.field.name.clone(), read, ty)
            })
            .collect();
        let optional = callee
            .outputs
            .iter()
            .filter(|output| output.field.optional)
            .map(|output| output.field.name.clone())
            .collect();
        Self { workflow_id: callee.workflow_id.clone(), outputs, optional }
    }

    /// The called workflow's output that the step's output at `pointer` reads a part of (at a JSON
    /// pointer, or by a selector written at `pointer`). One the callee may not produce is refused, as
    /// a step output copying it is.
    fn part(&self, name: &str, pointer: &str, reporter: &mut super::Reporter<'_>) -> Option<ValueRef> {
        if self.optional.iter().any(|optional| optional == name) {
            reporter.unsupported(pointer, "a step output the called workflow may not produce");
            return None;
        }
        let ValueRef::StepOutput { ty, .. } = self.output(name, pointer, reporter)? else { return None };
        let (_, read, _) = self.outputs.iter().find(|(output, ..)| output == name)?;
        Some(ValueRef::Called { field: read.field.clone(), ty })
    }

    /// Whether `$workflows.<workflow>.outputs.*` names the called workflow.
    pub(crate) fn is(&self, workflow: &str) -> bool {
        self.workflow_id == workflow
    }

    /// The called workflow's output `name`, as a value the criteria read.
    pub(crate) fn output(&self, name: &str, pointer: &str, reporter: &mut super::Reporter<'_>) -> Option<ValueRef> {
        match self.outputs.iter().find(|(output, ..)| output == name) {
            Some((_, read, ty)) => Some(ValueRef::StepOutput { variable: read.variable.clone(), ty: ty.clone() }),
            None => {
                let names = list(self.outputs.iter().map(|(output, ..)| output.as_str()));
                reporter.error_with_help(
                    pointer,
                    format!("workflow `{}` has no output `{name}`", self.workflow_id),
                    format!("its outputs are: {names}"),
                );
                None
            }
        }
    }

    /// The outputs that `read` (the values the criteria read) use, to be bound after the call.
    pub(super) fn read_by(&self, read: &[&ValueRef]) -> Vec<CalleeRead> {
        self.outputs
            .iter()
            .filter(|(_, output, _)| {
                read.iter().any(|value| {
                    matches!(value.base(), ValueRef::StepOutput { variable, .. } if *variable == output.variable)
                })
            })
            .map(|(_, output, _)| output.clone())
            .collect()
    }
}

/// Step outputs: `$outputs.<name>` (or `$workflows.<callee>.outputs.<name>`) read the callee's outputs,
/// whole, at a JSON pointer, or through a Selector Object.
pub(super) fn outputs(
    cx: &mut Context<'_, '_>,
    step: &model::Step,
    (callee, called): (&WorkflowPlan, &CalleeOutputs),
    pointer: &str,
    env: &Env<'_>,
    locals: &mut Scope,
) -> Option<Vec<StepOutputPlan>> {
    let mut planned = Vec::new();
    let mut complete = true;
    for (name, output) in &step.outputs {
        let output_pointer = format!("{pointer}/outputs/{}", super::escape(name));
        let text = match output {
            model::Output::Expression(text) => text,
            model::Output::Selector(selector) => {
                let Some((source, ty)) = callee_selector(cx, selector, (&output_pointer, called), env) else {
                    complete = false;
                    continue;
                };
                let variable = locals.snake(&format!("{}_{name}", step.step_id));
                planned.push(StepOutputPlan { name: name.clone(), variable, ty, source, used: false });
                continue;
            }
        };
        let Some(parsed) = cx.reporter.expression(text, &output_pointer) else {
            complete = false;
            continue;
        };
        let (callee_output, json_pointer) = match &parsed {
            Expr::Outputs { name, pointer } => (Some(name.as_str()), pointer.as_deref()),
            Expr::Workflows { workflow, field, name, pointer, .. }
                if *workflow == callee.workflow_id && field == "outputs" =>
            {
                (Some(name.as_str()), pointer.as_deref())
            }
            _ => (None, None),
        };
        // A part of one of the callee's outputs (`$outputs.user#/id`).
        if let (Some(wanted), Some(json_pointer)) = (callee_output, json_pointer) {
            let part = called.part(wanted, &output_pointer, cx.reporter).and_then(|base| {
                let written = (text.as_str(), output_pointer.as_str());
                let value = super::pointer::into(env, cx.reporter, base, json_pointer, written)?;
                callee_part(cx.reporter, value, &output_pointer)
            });
            let Some((source, ty)) = part else {
                complete = false;
                continue;
            };
            let variable = locals.snake(&format!("{}_{name}", step.step_id));
            planned.push(StepOutputPlan { name: name.clone(), variable, ty, source, used: false });
            continue;
        }
        let (source, ty) = match (callee_output, &parsed) {
            (Some(wanted), _) => {
                let Some(found) = callee.outputs.iter().find(|output| output.field.name == wanted) else {
                    let names = list(callee.outputs.iter().map(|output| output.field.name.as_str()));
                    cx.reporter.error(
                        &output_pointer,
                        format!("workflow `{}` has no output `{wanted}`; its outputs are: {names}", callee.workflow_id),
                    );
                    complete = false;
                    continue;
                };
                if found.field.optional {
                    cx.reporter.unsupported(&output_pointer, "a step output the called workflow may not produce");
                    complete = false;
                    continue;
                }
                (OutputSource::Callee(found.field.field.clone()), found.field.ty.clone())
            }
            (None, reference @ (Expr::Inputs { .. } | Expr::Steps { .. })) => {
                let Some(value) = env.reference(reference, &output_pointer, cx.reporter) else {
                    complete = false;
                    continue;
                };
                if value.is_optional() {
                    cx.reporter.unsupported(&output_pointer, "a step output copied from an optional input");
                    complete = false;
                    continue;
                }
                let ty = value.ty().clone();
                (OutputSource::Copy(value), ty)
            }
            (None, other) => {
                cx.reporter.error(
                    &output_pointer,
                    format!(
                        "`{other}` cannot be an output of a step that calls a workflow; use `$outputs.<name>` for \
                         the called workflow's outputs"
                    ),
                );
                complete = false;
                continue;
            }
        };
        let variable = locals.snake(&format!("{}_{name}", step.step_id));
        planned.push(StepOutputPlan { name: name.clone(), variable, ty, source, used: false });
    }
    complete.then_some(planned)
}

/// A step output of a step that calls a workflow, written as a selector: over an output of the
/// called workflow (`$outputs.<name>`, `$workflows.<callee>.outputs.<name>`, at an optional
/// `#/pointer`), the part of it the selector picks, read once the call returned; over an input or an
/// earlier step's output, the value it selects.
fn callee_selector(
    cx: &mut Context<'_, '_>,
    selector: &model::Selector,
    (pointer, called): (&str, &CalleeOutputs),
    env: &Env<'_>,
) -> Option<(OutputSource, RustType)> {
    let context = match expr::parse(&selector.context) {
        Ok(Expr::Outputs { name, pointer }) => Some((name, pointer)),
        Ok(Expr::Workflows { workflow, field, name, pointer, .. }) if called.is(&workflow) && field == "outputs" => {
            Some((name, pointer))
        }
        _ => None,
    };
    let Some((name, json_pointer)) = context else {
        let value = super::selector::value(env, cx.reporter, selector, pointer)?;
        return super::step::copied(cx.reporter, value, pointer);
    };
    let query = super::selector::query(cx.reporter, selector, pointer, env);
    let context_pointer = format!("{pointer}/context");
    let mut base = called.part(&name, &context_pointer, cx.reporter)?;
    if let Some(json_pointer) = json_pointer {
        base = super::pointer::into(env, cx.reporter, base, &json_pointer, (&selector.context, &context_pointer))?;
    }
    let value = super::selector::apply(env, base, query?, selector, pointer, cx.reporter)?;
    callee_part(cx.reporter, value, pointer)
}

/// A step output reading `value`, a part of one of the callee's outputs.
fn callee_part(reporter: &mut super::Reporter<'_>, value: ValueRef, pointer: &str) -> Option<(OutputSource, RustType)> {
    let (source, ty) = super::step::copied(reporter, value, pointer)?;
    match source {
        // The whole output (`""`, `$` on a secret): the output itself.
        OutputSource::Copy(ValueRef::Called { field, .. }) => Some((OutputSource::Callee(field), ty)),
        OutputSource::Copy(ValueRef::Pointer { base, path, .. }) if path.is_empty() => match *base {
            ValueRef::Called { field, .. } => Some((OutputSource::Callee(field), ty)),
            other => Some((OutputSource::CalleePart(other), ty)),
        },
        OutputSource::Copy(value) => Some((OutputSource::CalleePart(value), ty)),
        other => Some((other, ty)),
    }
}
