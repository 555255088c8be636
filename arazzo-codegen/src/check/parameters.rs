//! Parameters as they apply to a step: the workflow's `parameters`, then the step's, Reusable Objects
//! resolved through `components.parameters`.
//!
//! A parameter with `in` goes to an operation; one without `in` is an input of a called workflow (both
//! versions: "when the step in context specifies a `workflowId`, then all parameters map to workflow
//! inputs"). So a workflow-level parameter applies to the steps it can go to: with `in`, to the steps
//! that call an operation; without, to the steps that call a workflow that has that input.

use super::workflow::Context;
use crate::model::{self, Reusable};

/// A parameter as it applies to a step, and where its parts were written.
pub(crate) struct Applied {
    pub(crate) parameter: model::Parameter,
    /// The entry of the step's (or the workflow's) `parameters`.
    pub(crate) pointer: String,
    pub(crate) value_pointer: String,
    /// For a Reusable Object, the pointer of its `reference`: the component's `name` and `in` are
    /// reported there, where the step uses them.
    pub(crate) reference: Option<String>,
}

impl Applied {
    /// Where a problem with the parameter's `name` is reported.
    pub(crate) fn name_pointer(&self) -> String {
        self.reference.clone().unwrap_or_else(|| format!("{}/name", self.pointer))
    }

    /// Where a problem with the parameter's `in` is reported.
    pub(crate) fn in_pointer(&self) -> String {
        self.reference.clone().unwrap_or_else(|| format!("{}/in", self.pointer))
    }
}

/// For a step that calls an operation: the workflow's parameters that have `in`, then the step's; a
/// step parameter replaces a workflow parameter with the same name and location.
pub(crate) fn for_operation(
    cx: &mut Context<'_, '_>,
    (workflow, workflow_pointer): (&model::Workflow, &str),
    step: &model::Step,
    pointer: &str,
) -> Option<Vec<Applied>> {
    let workflow_level = resolve(cx, &workflow.parameters, &format!("{workflow_pointer}/parameters"));
    let step_level = resolve(cx, &step.parameters, &format!("{pointer}/parameters"));
    let (workflow_level, step_level) = (workflow_level?, step_level?);
    let mut applied: Vec<Applied> = workflow_level
        .into_iter()
        .filter(|inherited| inherited.parameter.location.is_some())
        .filter(|inherited| {
            !step_level.iter().any(|own| {
                own.parameter.name == inherited.parameter.name && own.parameter.location == inherited.parameter.location
            })
        })
        .collect();
    applied.extend(step_level);
    Some(applied)
}

/// For a step that calls a workflow: the workflow's parameters without `in` that name an input of the
/// called workflow (`has_input`), then the step's; a step parameter replaces a workflow parameter with
/// the same name. `workflow` is `None` for the calls of `dependsOn`, which only get their own.
pub(crate) fn for_call(
    cx: &mut Context<'_, '_>,
    workflow: Option<(&model::Workflow, &str)>,
    step: &model::Step,
    pointer: &str,
    has_input: &dyn Fn(&str) -> bool,
) -> Option<Vec<Applied>> {
    let workflow_level = match workflow {
        Some((workflow, workflow_pointer)) => {
            resolve(cx, &workflow.parameters, &format!("{workflow_pointer}/parameters"))
        }
        None => Some(Vec::new()),
    };
    let step_level = resolve(cx, &step.parameters, &format!("{pointer}/parameters"));
    let (workflow_level, step_level) = (workflow_level?, step_level?);
    let mut applied: Vec<Applied> = workflow_level
        .into_iter()
        .filter(|inherited| inherited.parameter.location.is_none() && has_input(&inherited.parameter.name))
        .filter(|inherited| !step_level.iter().any(|own| own.parameter.name == inherited.parameter.name))
        .collect();
    applied.extend(step_level);
    Some(applied)
}

/// A workflow parameter without `in` that no step can pass on is a mistake (a forgotten `in`, a
/// misspelt input): reported at the parameter. A called workflow that is not known (it could not be
/// planned) is given the benefit of the doubt: its problems are reported already.
pub(crate) fn check_workflow_level(cx: &mut Context<'_, '_>, workflow: &model::Workflow, workflow_pointer: &str) {
    let Some(resolved) = resolve(cx, &workflow.parameters, &format!("{workflow_pointer}/parameters")) else { return };
    let mut callees: Vec<&str> = Vec::new();
    for callee in workflow.steps.iter().filter_map(|step| step.workflow_id.as_deref()) {
        if !callees.contains(&callee) {
            callees.push(callee);
        }
    }
    for applied in resolved.iter().filter(|applied| applied.parameter.location.is_none()) {
        let name = &applied.parameter.name;
        let message = if callees.is_empty() {
            format!(
                "workflow parameter `{name}` has no `in`, so it is an input of the workflows that steps call, and no \
                 step of this workflow calls one; give it `in` (path, query, header or cookie) to send it to the \
                 operations"
            )
        } else {
            let answers: Vec<Option<bool>> =
                callees.iter().map(|callee| super::call::has_input(cx, callee, name)).collect();
            if answers.iter().any(|answer| *answer != Some(false)) {
                continue;
            }
            let names = super::values::list(callees.iter().copied());
            format!(
                "workflow parameter `{name}` has no `in`, so it is an input of the workflows that steps call, and \
                 none of them ({names}) has an input `{name}`; give it `in` (path, query, header or cookie) to send \
                 it to the operations"
            )
        };
        cx.reporter.error(&applied.in_pointer(), message);
    }
}

/// `parameters` as written, each Reusable Object replaced by the component it references (its
/// `value`, when given, overriding the component's).
pub(crate) fn resolve(
    cx: &mut Context<'_, '_>,
    parameters: &[Reusable<model::Parameter>],
    pointer: &str,
) -> Option<Vec<Applied>> {
    let mut resolved = Vec::new();
    let mut complete = true;
    for (index, parameter) in parameters.iter().enumerate() {
        let pointer = format!("{pointer}/{index}");
        match parameter {
            Reusable::Inline(parameter) => resolved.push(Applied {
                parameter: parameter.clone(),
                value_pointer: format!("{pointer}/value"),
                pointer,
                reference: None,
            }),
            Reusable::Reference(reference) => {
                let name = reference.reference.strip_prefix("$components.parameters.");
                let component = name.and_then(|name| {
                    let found = cx.document.components.as_ref()?.parameters.get(name)?;
                    Some((name, found))
                });
                let reference_pointer = format!("{pointer}/reference");
                let Some((name, component)) = component else {
                    cx.reporter.error(
                        &reference_pointer,
                        format!("`{}` does not name an entry of `components.parameters`", reference.reference),
                    );
                    complete = false;
                    continue;
                };
                let mut parameter = component.clone();
                // The Reusable Object's `value` overrides the component's.
                let value_pointer = match &reference.value {
                    Some(value) => {
                        parameter.value = value.clone();
                        format!("{pointer}/value")
                    }
                    None => format!("/components/parameters/{}/value", super::escape(name)),
                };
                resolved.push(Applied { parameter, pointer, value_pointer, reference: Some(reference_pointer) });
            }
        }
    }
    complete.then_some(resolved)
}
