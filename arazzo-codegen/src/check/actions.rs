//! Success and failure actions: `end`, `goto` and `retry`, from a step's `onSuccess`/`onFailure`
//! and its workflow's `successActions`/`failureActions` (step-level actions override workflow-level
//! ones of the same name), with Reusable Objects resolved from `components`.

use super::criteria;
use super::values::{Env, list};
use super::workflow::Context;
use crate::model::{self, FailureAction, FailureActionKind, Reusable, SuccessAction, SuccessActionKind};
use crate::plan::{ActionKind, ActionPlan};

/// An action as written, wherever it was written, with the pointer to report problems at.
struct Located<'a, A> {
    action: &'a A,
    pointer: String,
}

pub(crate) fn plan<'a, 'd: 'a>(
    cx: &mut Context<'d, '_>,
    workflow: &'a model::Workflow,
    workflow_pointer: &str,
    step: &'a model::Step,
    step_pointer: &str,
    env: &Env<'_>,
) -> Option<(Vec<ActionPlan>, Vec<ActionPlan>)> {
    let success = merge(
        cx,
        &step.on_success,
        &format!("{step_pointer}/onSuccess"),
        &workflow.success_actions,
        &format!("{workflow_pointer}/successActions"),
        "successActions",
    );
    let failure = merge(
        cx,
        &step.on_failure,
        &format!("{step_pointer}/onFailure"),
        &workflow.failure_actions,
        &format!("{workflow_pointer}/failureActions"),
        "failureActions",
    );
    let (success, failure) = (success?, failure?);
    let steps = &workflow.steps;
    let success: Vec<Option<ActionPlan>> =
        success.iter().map(|located| success_action(cx, located, steps, env)).collect();
    let failure: Vec<Option<ActionPlan>> =
        failure.iter().map(|located| failure_action(cx, located, steps, env)).collect();
    Some((success.into_iter().collect::<Option<_>>()?, failure.into_iter().collect::<Option<_>>()?))
}

/// Resolves references and applies the override rule: the step's actions, then the workflow's
/// whose names the step does not use.
fn merge<'a, 'd: 'a, A: Named + FromComponents + 'd>(
    cx: &mut Context<'d, '_>,
    step_actions: &'a [Reusable<A>],
    step_pointer: &str,
    workflow_actions: &'a [Reusable<A>],
    workflow_pointer: &str,
    component: &str,
) -> Option<Vec<Located<'a, A>>> {
    let step = resolve_all(cx, step_actions, step_pointer, component)?;
    let workflow = resolve_all(cx, workflow_actions, workflow_pointer, component)?;
    let mut merged = step;
    for located in workflow {
        if !merged.iter().any(|own| own.action.name() == located.action.name()) {
            merged.push(located);
        }
    }
    Some(merged)
}

fn resolve_all<'a, 'd: 'a, A: FromComponents>(
    cx: &mut Context<'d, '_>,
    actions: &'a [Reusable<A>],
    pointer: &str,
    component: &str,
) -> Option<Vec<Located<'a, A>>> {
    let mut resolved = Vec::new();
    let mut complete = true;
    for (index, action) in actions.iter().enumerate() {
        let pointer = format!("{pointer}/{index}");
        match action {
            Reusable::Inline(action) => resolved.push(Located { action, pointer }),
            Reusable::Reference(reference) => {
                let name = reference.reference.strip_prefix(&format!("$components.{component}."));
                let found = name.and_then(|name| A::from_components(cx.document.components.as_ref()?, name));
                match found {
                    Some(action) if reference.value.is_none() => resolved.push(Located { action, pointer }),
                    Some(_) => {
                        cx.reporter.error(&format!("{pointer}/value"), "`value` only overrides reusable parameters");
                        complete = false;
                    }
                    None => {
                        cx.reporter.error(
                            &format!("{pointer}/reference"),
                            format!("`{}` does not name an entry of `components.{component}`", reference.reference),
                        );
                        complete = false;
                    }
                }
            }
        }
    }
    complete.then_some(resolved)
}

trait Named {
    fn name(&self) -> &str;
}

trait FromComponents: Sized {
    fn from_components<'d>(components: &'d model::Components, name: &str) -> Option<&'d Self>;
}

impl Named for SuccessAction {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for FailureAction {
    fn name(&self) -> &str {
        &self.name
    }
}

impl FromComponents for SuccessAction {
    fn from_components<'d>(components: &'d model::Components, name: &str) -> Option<&'d Self> {
        components.success_actions.get(name)
    }
}

impl FromComponents for FailureAction {
    fn from_components<'d>(components: &'d model::Components, name: &str) -> Option<&'d Self> {
        components.failure_actions.get(name)
    }
}

fn success_action(
    cx: &mut Context<'_, '_>,
    located: &Located<'_, SuccessAction>,
    steps: &[model::Step],
    env: &Env<'_>,
) -> Option<ActionPlan> {
    let (action, pointer) = (located.action, located.pointer.as_str());
    cx.reporter.extra(&action.extra, pointer, &[]);
    let criteria = criteria::plan_all(cx, &action.criteria, &format!("{pointer}/criteria"), env);
    let kind = match action.kind {
        SuccessActionKind::End => {
            no_target(cx, action.step_id.as_ref(), action.workflow_id.as_ref(), pointer, "end")?;
            ActionKind::End
        }
        SuccessActionKind::Goto => goto(cx, action, pointer, steps, env)?,
    };
    Some(ActionPlan { name: action.name.clone(), kind, criteria: criteria? })
}

fn failure_action(
    cx: &mut Context<'_, '_>,
    located: &Located<'_, FailureAction>,
    steps: &[model::Step],
    env: &Env<'_>,
) -> Option<ActionPlan> {
    let (action, pointer) = (located.action, located.pointer.as_str());
    cx.reporter.extra(&action.extra, pointer, &[]);
    let criteria = criteria::plan_all(cx, &action.criteria, &format!("{pointer}/criteria"), env);
    if action.kind != FailureActionKind::Retry && (action.retry_after.is_some() || action.retry_limit.is_some()) {
        cx.reporter.error(pointer, "`retryAfter` and `retryLimit` only apply to `type: retry`");
        return None;
    }
    let kind = match action.kind {
        FailureActionKind::End => {
            no_target(cx, action.step_id.as_ref(), action.workflow_id.as_ref(), pointer, "end")?;
            ActionKind::End
        }
        FailureActionKind::Goto => goto(cx, action, pointer, steps, env)?,
        FailureActionKind::Retry => {
            let after = action.retry_after;
            if after.is_some_and(|seconds| !seconds.is_finite() || seconds < 0.0) {
                cx.reporter
                    .error(&format!("{pointer}/retryAfter"), "`retryAfter` must be a non-negative number of seconds");
                return None;
            }
            // With a `workflowId`, that workflow runs before each retry of this step.
            let (target, first) = match &action.workflow_id {
                Some(workflow_id) if action.step_id.is_none() => {
                    let call = super::call::transfer(cx, workflow_id, &action.parameters, pointer, env)?;
                    (None, Some(Box::new(call)))
                }
                _ => (target(cx, action.step_id.as_ref(), action.workflow_id.as_ref(), pointer, steps, false)?, None),
            };
            ActionKind::Retry { after, limit: action.retry_limit.unwrap_or(1), target, first }
        }
    };
    Some(ActionPlan { name: action.name.clone(), kind, criteria: criteria? })
}

/// `goto` a step of this workflow, or (with a `workflowId`) hand over to another workflow.
fn goto<A: Target>(
    cx: &mut Context<'_, '_>,
    action: &A,
    pointer: &str,
    steps: &[model::Step],
    env: &Env<'_>,
) -> Option<ActionKind> {
    let (step_id, workflow_id) = (action.step_id(), action.workflow_id());
    match workflow_id {
        Some(workflow_id) if step_id.is_none() => {
            let call = super::call::transfer(cx, workflow_id, action.parameters(), pointer, env)?;
            Some(ActionKind::Transfer(Box::new(call)))
        }
        _ => Some(ActionKind::Goto(target(cx, step_id, workflow_id, pointer, steps, true)??)),
    }
}

/// What a `goto` of either kind of action names.
trait Target {
    fn step_id(&self) -> Option<&String>;
    fn workflow_id(&self) -> Option<&String>;
    fn parameters(&self) -> &[Reusable<model::Parameter>];
}

impl Target for SuccessAction {
    fn step_id(&self) -> Option<&String> {
        self.step_id.as_ref()
    }
    fn workflow_id(&self) -> Option<&String> {
        self.workflow_id.as_ref()
    }
    fn parameters(&self) -> &[Reusable<model::Parameter>] {
        &self.parameters
    }
}

impl Target for FailureAction {
    fn step_id(&self) -> Option<&String> {
        self.step_id.as_ref()
    }
    fn workflow_id(&self) -> Option<&String> {
        self.workflow_id.as_ref()
    }
    fn parameters(&self) -> &[Reusable<model::Parameter>] {
        &self.parameters
    }
}

fn no_target(
    cx: &mut Context<'_, '_>,
    step_id: Option<&String>,
    workflow_id: Option<&String>,
    pointer: &str,
    kind: &str,
) -> Option<()> {
    if step_id.is_some() || workflow_id.is_some() {
        cx.reporter.error(pointer, format!("a `{kind}` action takes no `stepId` or `workflowId`"));
        return None;
    }
    Some(())
}

/// The step an action continues at: `Some(None)` when it names none (allowed for `retry`).
fn target(
    cx: &mut Context<'_, '_>,
    step_id: Option<&String>,
    workflow_id: Option<&String>,
    pointer: &str,
    steps: &[model::Step],
    required: bool,
) -> Option<Option<usize>> {
    match (step_id, workflow_id) {
        (Some(_), Some(_)) => {
            cx.reporter.error(pointer, "an action takes `stepId` or `workflowId`, not both");
            None
        }
        (None, Some(_)) => {
            cx.reporter.unsupported(&format!("{pointer}/workflowId"), "an action that transfers to another workflow");
            None
        }
        (None, None) if required => {
            cx.reporter.error(pointer, "a `goto` action needs a `stepId` (or a `workflowId`)");
            None
        }
        (None, None) => Some(None),
        (Some(step_id), None) => match steps.iter().position(|step| &step.step_id == step_id) {
            Some(index) => Some(Some(index)),
            None => {
                let names = list(steps.iter().map(|step| step.step_id.as_str()));
                cx.reporter.error(
                    &format!("{pointer}/stepId"),
                    format!("`{step_id}` names no step of this workflow; its steps are: {names}"),
                );
                None
            }
        },
    }
}
