//! One workflow: its inputs, its steps in order, its outputs.

use super::values::Env;
use super::{Reporter, Source, step};
use crate::expr::Expr;
use crate::model::{self, Document};
use crate::naming::{self, Scope};
use crate::plan::{
    ActionKind, FieldPlan, KeptSecretPlan, RustType, SourcePlan, StepPlan, StructPlan, ValueRef, WorkflowOutputPlan,
    WorkflowPlan,
};
use crate::types::enums::Enums;
use serde_json::Value;

pub(crate) struct Context<'a, 'r> {
    pub(crate) document: &'a Document,
    /// The workflows planned so far, by document index: a workflow step's callee is planned first.
    pub(crate) callees: &'a [Option<WorkflowPlan>],
    /// The planned workflows of each Arazzo source description, by source name.
    pub(crate) foreign: &'a [(String, crate::plan::ModulePlan)],
    pub(crate) sources: &'a [Source],
    pub(crate) all_sources_loaded: bool,
    pub(crate) source_plans: &'a mut Vec<SourcePlan>,
    pub(crate) reporter: &'a mut Reporter<'r>,
    /// The module's type names, and the string enums declared in it.
    pub(crate) types: &'a mut Scope,
    pub(crate) enums: &'a mut Enums,
}

/// What types pointers into the inputs ([`Env::structs`], [`Env::inputs_schema`]).
#[derive(Clone, Copy)]
struct InputTypes<'a> {
    structs: &'a [StructPlan],
    inputs_schema: Option<(&'a Value, &'a str)>,
}

fn typed<'a>(structs: &'a [StructPlan], inputs_schema: Option<(&'a Value, &'a str)>) -> InputTypes<'a> {
    InputTypes { structs, inputs_schema }
}

/// Names the generated function body uses itself; document names must not shadow them.
const RESERVED_LOCALS: &[&str] = &[
    "client", "config", "inputs", "run", "request", "response", "called", "next", "step", "steps", "checked", "error",
    "partial", "outputs", "value",
];

pub(crate) fn plan<'d>(
    mut cx: Context<'d, '_>,
    workflow: &'d model::Workflow,
    pointer: &str,
    functions: &mut Scope,
) -> Option<WorkflowPlan> {
    let reporter = &mut *cx.reporter;
    let types = &mut *cx.types;
    reporter.extra(&workflow.extra, pointer, &[]);
    if workflow.steps.is_empty() {
        reporter.error(&format!("{pointer}/steps"), "a workflow needs at least one step");
    }

    let base = naming::camel(&workflow.workflow_id);
    // The workflow's own types first: they keep their names, and a nested input struct named like one
    // of them (a property `inputs`, `inputsBuilder`) gets the suffix.
    let inputs_type = types.claim_with_companion(format!("{base}Inputs"), naming::BUILDER_SUFFIX);
    let outputs_type = types.claim(format!("{base}Outputs"));
    let partial_type = types.claim(format!("{base}Partial"));
    let inputs_pointer = format!("{pointer}/inputs");
    let inputs_schema = workflow.inputs.as_ref().map(|schema| (schema, inputs_pointer.as_str()));
    let (inputs, input_structs) = super::inputs::fields(
        cx.document,
        (&workflow.workflow_id, workflow.inputs.as_ref()),
        &format!("{pointer}/inputs"),
        reporter,
        (&mut *types, &mut *cx.enums),
        &base,
    );
    // Without a schema, the inputs are the names the workflow reads (a lenient reading, warned about).
    let inputs = match (&workflow.inputs, inputs) {
        (None, Some(_)) => Some(super::implicit_inputs::read(cx.document, workflow, pointer, reporter)),
        (_, inputs) => inputs,
    };
    let function = functions.snake(&workflow.workflow_id);
    let resume_function = functions.snake(&format!("resume {}", workflow.workflow_id));

    let mut locals = Scope::with_reserved(RESERVED_LOCALS);
    let mut steps: Vec<StepPlan> = Vec::new();
    let (dependencies, mut complete) = dependencies(
        &mut cx,
        workflow,
        pointer,
        (inputs.as_deref(), typed(&input_structs, inputs_schema)),
        &mut locals,
    );
    let order = super::order::order(&mut cx, workflow, pointer);
    complete &= order.is_some();
    let planning = order.as_ref().map_or_else(|| (0..workflow.steps.len()).collect(), |order| order.planning.clone());
    for index in planning {
        let step = &workflow.steps[index];
        let step_pointer = format!("{pointer}/steps/{index}");
        if workflow.steps[..index].iter().any(|earlier| earlier.step_id == step.step_id) {
            cx.reporter.error(&format!("{step_pointer}/stepId"), format!("duplicate stepId `{}`", step.step_id));
            complete = false;
            continue;
        }
        let env = Env {
            inputs: inputs.as_deref().unwrap_or_default(),
            structs: &input_structs,
            inputs_schema,
            earlier: &steps,
            all_steps: &workflow.steps,
            current: Some(&step.step_id),
            dependencies: &dependencies,
            known: (cx.document, cx.sources),
            callee: None,
        };
        match step::plan(&mut cx, (workflow, pointer), step, &step_pointer, &env, &mut locals) {
            Some(planned) => steps.push(planned),
            None => complete = false,
        }
    }

    super::parameters::check_workflow_level(&mut cx, workflow, pointer);
    let read: Vec<ValueRef> = steps.iter().flat_map(StepPlan::values_read).cloned().collect();
    for value in &read {
        mark_used(&mut steps, value);
    }
    // Steps run by their dependencies: level by level, concurrently within a level.
    let (mut levels, mut waits_for) = (Vec::new(), Vec::new());
    if let Some(order) = order.as_ref().filter(|order| order.by_dependencies && complete) {
        (steps, levels, waits_for) = super::order::levels(workflow, order, steps);
    }
    let inputs_read = (inputs.as_deref().unwrap_or_default(), typed(&input_structs, inputs_schema));
    let outputs = workflow_outputs(&mut cx, workflow, pointer, inputs_read, &mut steps, &dependencies);
    let mut outputs = outputs;
    if complete {
        let flow = super::flow::analyse(&steps);
        complete &= check_availability(cx.reporter, &flow, &steps, pointer);
        if let Some(order) = &order {
            complete &= super::order::check_completed(cx.reporter, workflow, order, &flow, &steps, pointer);
        }
        if let Some(outputs) = &mut outputs {
            super::flow::mark_optional_outputs(&flow, &steps, outputs);
        }
    }
    let mut dependencies = dependencies;
    let read: Vec<ValueRef> = steps
        .iter()
        .flat_map(StepPlan::values_read)
        .chain(outputs.iter().flatten().map(|output| &output.value))
        .cloned()
        .collect();
    for value in &read {
        mark_used(&mut dependencies, value);
    }
    let kept_secrets = outputs.as_deref().map(|outputs| kept_secrets(outputs, &mut steps)).unwrap_or_default();
    name_callee_partials(
        outputs.as_deref().unwrap_or_default(),
        &kept_secrets,
        dependencies.iter_mut().chain(steps.iter_mut()),
    );
    let all_fine = complete && outputs.is_some() && inputs.is_some();
    let (Some(inputs), Some(outputs)) = (inputs, outputs) else { return None };
    all_fine.then(|| WorkflowPlan {
        workflow_id: workflow.workflow_id.clone(),
        function,
        resume_function,
        inputs_type,
        outputs_type,
        partial_type,
        summary: workflow.summary.clone(),
        description: workflow.description.clone(),
        inputs,
        input_structs,
        outputs,
        kept_secrets,
        dependencies,
        steps,
        levels,
        waits_for,
    })
}

/// The workflows of `dependsOn`, planned as calls that run before the first step: each receives the
/// inputs it shares (by name) with this workflow, and all its outputs become readable as
/// `$workflows.<id>.outputs.<name>`.
fn dependencies(
    cx: &mut Context<'_, '_>,
    workflow: &model::Workflow,
    pointer: &str,
    (inputs, InputTypes { structs, inputs_schema }): (Option<&[FieldPlan]>, InputTypes<'_>),
    locals: &mut Scope,
) -> (Vec<StepPlan>, bool) {
    let mut planned = Vec::new();
    let mut complete = true;
    for (index, dependency) in workflow.depends_on.iter().enumerate() {
        let dependency_pointer = format!("{pointer}/dependsOn/{index}");
        if workflow.depends_on[..index].contains(dependency) {
            cx.reporter.error(&dependency_pointer, format!("`{dependency}` is listed twice"));
            complete = false;
            continue;
        }
        let callee = cx
            .document
            .workflows
            .iter()
            .position(|candidate| &candidate.workflow_id == dependency)
            .and_then(|position| cx.callees.get(position)?.as_ref());
        let parameters = callee
            .map(|callee| {
                callee
                    .inputs
                    .iter()
                    .filter(|input| inputs.unwrap_or_default().iter().any(|own| own.name == input.name))
                    .map(|input| {
                        model::Reusable::Inline(model::Parameter {
                            name: input.name.clone(),
                            location: None,
                            value: serde_json::Value::String(format!("$inputs.{}", input.name)),
                            extra: Default::default(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let outputs = callee
            .map(|callee| {
                callee
                    .outputs
                    .iter()
                    .filter(|output| !output.field.optional)
                    .map(|output| {
                        let name = output.field.name.clone();
                        (name.clone(), model::Output::Expression(format!("$outputs.{name}")))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let step = model::Step {
            description: Some(format!("Runs `{dependency}` first (`dependsOn`).")),
            step_id: dependency.clone(),
            operation_id: None,
            operation_path: None,
            workflow_id: Some(dependency.clone()),
            parameters,
            request_body: None,
            success_criteria: Vec::new(),
            on_success: Vec::new(),
            on_failure: Vec::new(),
            outputs,
            timeout: None,
            depends_on: None,
            channel_path: None,
            action: None,
            correlation_id: None,
            extra: Default::default(),
        };
        let env = Env {
            inputs: inputs.unwrap_or_default(),
            structs,
            inputs_schema,
            earlier: &[],
            all_steps: &[],
            current: None,
            dependencies: &planned,
            known: (cx.document, cx.sources),
            callee: None,
        };
        match super::call::plan(cx, None, &step, dependency, &dependency_pointer, &env, locals) {
            Some(plan) => planned.push(plan),
            None => complete = false,
        }
    }
    (planned, complete)
}

/// Every step output a step reads must be sure to exist whichever way the actions led there.
fn check_availability(
    reporter: &mut super::Reporter<'_>,
    flow: &super::flow::Flow,
    steps: &[StepPlan],
    pointer: &str,
) -> bool {
    let mut fine = true;
    for (index, step) in steps.iter().enumerate() {
        let Some(known) = &flow.before[index] else { continue };
        for value in step.values_read() {
            let Some(producer) = super::flow::producer(steps, value) else { continue };
            if !known.contains(&producer) {
                let output = steps[producer]
                    .outputs
                    .iter()
                    .find(
                        |output| matches!(value.base(), ValueRef::StepOutput { variable, .. } if *variable == output.variable),
                    )
                    .map(|output| output.name.as_str())
                    .unwrap_or_default();
                reporter.error(
                    &format!("{pointer}/steps/{index}"),
                    format!(
                        "step `{}` reads `$steps.{}.outputs.{output}`, but an action can lead to `{}` without step \
                         `{}` having succeeded",
                        step.step_id, steps[producer].step_id, step.step_id, steps[producer].step_id
                    ),
                );
                fine = false;
            }
        }
    }
    fine
}

/// Each step that calls a workflow keeps the callee's partial outputs in a field of the caller's.
fn name_callee_partials<'s>(
    outputs: &[WorkflowOutputPlan],
    kept: &[KeptSecretPlan],
    steps: impl Iterator<Item = &'s mut StepPlan>,
) {
    let mut fields = Scope::default();
    for taken in outputs.iter().map(|output| &output.field.field).chain(kept.iter().map(|kept| &kept.field)) {
        fields.claim(taken.clone());
    }
    for step in steps {
        let step_id = step.step_id.clone();
        if let Some(call) = &mut step.call {
            call.partial_field = fields.snake(&format!("{step_id}_partial"));
        }
        for action in step.on_success.iter_mut().chain(step.on_failure.iter_mut()) {
            let name = action.name.clone();
            if let ActionKind::Transfer(call) | ActionKind::Retry { first: Some(call), .. } = &mut action.kind {
                call.partial_field = fields.snake(&format!("{step_id}_{name}_partial"));
            }
        }
    }
}

/// Secret step outputs that no workflow output carries; they get a field in the partial outputs.
fn kept_secrets(outputs: &[WorkflowOutputPlan], steps: &mut [StepPlan]) -> Vec<KeptSecretPlan> {
    let mut fields = Scope::default();
    for output in outputs {
        fields.claim(output.field.field.clone());
    }
    let mut kept = Vec::new();
    for (step_index, step) in steps.iter_mut().enumerate() {
        for output in &mut step.outputs {
            let carried = outputs.iter().any(|workflow_output| {
                matches!(&workflow_output.value, ValueRef::StepOutput { variable, .. } if *variable == output.variable)
            });
            if output.ty.is_secret() && !carried {
                output.used = true;
                kept.push(KeptSecretPlan {
                    field: fields.snake(&format!("{}_{}", step.step_id, output.name)),
                    step_id: step.step_id.clone(),
                    output: output.name.clone(),
                    variable: output.variable.clone(),
                    step_index,
                    nullable: output.ty.is_nullable(),
                });
            }
        }
    }
    kept
}

fn workflow_outputs(
    cx: &mut Context<'_, '_>,
    workflow: &model::Workflow,
    pointer: &str,
    (inputs, InputTypes { structs, inputs_schema }): (&[FieldPlan], InputTypes<'_>),
    steps: &mut [StepPlan],
    dependencies: &[StepPlan],
) -> Option<Vec<WorkflowOutputPlan>> {
    let mut scope = Scope::default();
    let mut outputs: Vec<WorkflowOutputPlan> = Vec::new();
    let mut complete = true;
    for (name, output) in &workflow.outputs {
        let output_pointer = format!("{pointer}/outputs/{}", super::escape(name));
        let known = (cx.document, cx.sources);
        let env = Env {
            inputs,
            structs,
            inputs_schema,
            earlier: steps,
            all_steps: &workflow.steps,
            current: None,
            dependencies,
            known,
            callee: None,
        };
        let value = match output {
            model::Output::Expression(text) => expression_output(cx, &env, text, &outputs, &output_pointer),
            model::Output::Selector(selector) => selector_output(cx, &env, selector, &outputs, &output_pointer),
        };
        let Some(value) = value else {
            complete = false;
            continue;
        };
        if value.is_part() && value.ty() != &RustType::Secret && crate::naming::names_a_secret(name) {
            cx.reporter.error(
                &output_pointer,
                format!(
                    "output `{name}` is named like a secret, but a value at a JSON pointer is plain JSON that \
                     `Debug` would print; give the secret its own step output (typed from the response schema)"
                ),
            );
            complete = false;
            continue;
        }
        let available_after = match value.base() {
            // A called workflow's output is a step's output here (`$steps.<id>.outputs.<name>`).
            ValueRef::Input { .. }
            | ValueRef::Pointer { .. }
            | ValueRef::Constant(_)
            | ValueRef::Selected { .. }
            | ValueRef::Called { .. } => None,
            ValueRef::StepOutput { variable, .. } => {
                steps.iter().position(|step| step.outputs.iter().any(|output| &output.variable == variable))
            }
        };
        mark_used(steps, &value);
        let (ty, optional) = (value.ty().clone(), value.is_optional());
        outputs.push(WorkflowOutputPlan {
            field: FieldPlan { name: name.clone(), field: scope.snake(name), ty, optional, doc: None },
            expression: output.text(),
            value,
            available_after,
        });
    }
    complete.then_some(outputs)
}

/// A workflow output written as a runtime expression.
fn expression_output(
    cx: &mut Context<'_, '_>,
    env: &Env<'_>,
    text: &str,
    outputs: &[WorkflowOutputPlan],
    pointer: &str,
) -> Option<ValueRef> {
    match cx.reporter.expression(text, pointer) {
        Some(expr @ (Expr::Inputs { .. } | Expr::Steps { .. } | Expr::Workflows { .. })) => {
            env.request_reference(&expr, pointer, cx.reporter)
        }
        // Another output of this workflow, written above this one: the same value.
        Some(Expr::Outputs { name: other, pointer: json_pointer }) => {
            let earlier: Option<&WorkflowOutputPlan> = outputs.iter().find(|output| output.field.name == other);
            match (earlier, json_pointer) {
                (Some(earlier), None) => Some(earlier.value.clone()),
                (Some(earlier), Some(json_pointer)) => {
                    super::pointer::into(env, cx.reporter, earlier.value.clone(), &json_pointer, (text, pointer))
                }
                (None, _) => {
                    cx.reporter.error(
                        pointer,
                        format!("`$outputs.{other}` names no output written above this one in this workflow"),
                    );
                    None
                }
            }
        }
        Some(other) => match super::meaning::constant(cx.reporter, (cx.document, cx.sources), &other, pointer) {
            Some(constant) => constant.ok().map(ValueRef::Constant),
            None => {
                super::meaning::refuse(cx.reporter, &other, super::meaning::Place::WorkflowOutput, pointer);
                None
            }
        },
        None => None,
    }
}

/// A workflow output written as a Selector Object: over another output of this workflow written above
/// it (`$outputs.<name>`), or over an input or a step's output, the value it selects.
fn selector_output(
    cx: &mut Context<'_, '_>,
    env: &Env<'_>,
    selector: &model::Selector,
    outputs: &[WorkflowOutputPlan],
    pointer: &str,
) -> Option<ValueRef> {
    let Ok(Expr::Outputs { name: other, pointer: json_pointer }) = crate::expr::parse(&selector.context) else {
        return super::selector::value(env, cx.reporter, selector, pointer);
    };
    let query = super::selector::query(cx.reporter, selector, pointer, env);
    let Some(earlier) = outputs.iter().find(|output| output.field.name == other) else {
        cx.reporter.error(
            &format!("{pointer}/context"),
            format!("`$outputs.{other}` names no output written above this one in this workflow"),
        );
        return None;
    };
    let mut base = earlier.value.clone();
    if let Some(json_pointer) = json_pointer {
        let written = (selector.context.as_str(), format!("{pointer}/context"));
        base = super::pointer::into(env, cx.reporter, base, &json_pointer, (written.0, &written.1))?;
    }
    super::selector::apply(env, base, query?, selector, pointer, cx.reporter)
}

/// Records that a step output is read, so unread outputs are bound to `_`-prefixed names.
pub(crate) fn mark_used(steps: &mut [StepPlan], value: &ValueRef) {
    if let ValueRef::StepOutput { variable, .. } = value.base() {
        for output in steps.iter_mut().flat_map(|step| step.outputs.iter_mut()) {
            if &output.variable == variable {
                output.used = true;
            }
        }
    }
}
