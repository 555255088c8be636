//! Steps that call another workflow of the same document (`workflowId`): parameters become the
//! callee's typed inputs, the callee's outputs become the step's outputs.

use serde_json::Value;

use super::criteria;
use super::parameters::Applied;
use super::values::{Env, list};
use super::workflow::Context;
use crate::expr::{self, Expr};
use crate::model::{self, Reusable};
use crate::naming::Scope;
use crate::openapi::Method;
use crate::plan::{
    ArgumentPlan, CallPlan, CalleeRead, FieldPlan, OutputSource, RustType, StepOutputPlan, StepPlan, TemplatePiece,
    ValuePlan,
};
use crate::plan::{ValueRef, WorkflowPlan};

/// A step that calls `callee_id`. `workflow` is the workflow the step belongs to, whose `parameters`
/// and actions apply to it; `None` for the calls of `dependsOn`, which have neither.
pub(crate) fn plan(
    cx: &mut Context<'_, '_>,
    workflow: Option<(&model::Workflow, &str)>,
    step: &model::Step,
    callee_id: &str,
    pointer: &str,
    env: &Env<'_>,
    locals: &mut Scope,
) -> Option<StepPlan> {
    if step.operation_id.is_some() || step.operation_path.is_some() {
        cx.reporter.error(pointer, "a step needs exactly one of `operationId`, `operationPath` and `workflowId`");
        return None;
    }
    let id_pointer = format!("{pointer}/workflowId");
    let Some(callee) = callee(cx, callee_id, &id_pointer) else {
        // The actions' own mistakes are worth reporting even so.
        if let Some((workflow, workflow_pointer)) = workflow {
            super::actions::plan(cx, workflow, workflow_pointer, step, pointer, env);
        }
        return None;
    };
    if step.request_body.is_some() {
        cx.reporter.error(
            &format!("{pointer}/requestBody"),
            "a step that calls a workflow sends no request body; pass values as parameters (the workflow's inputs)",
        );
        return None;
    }
    let has_input = |name: &str| callee.inputs.iter().any(|input| input.name == name);
    let parameters = super::parameters::for_call(cx, workflow, step, pointer, &has_input);
    let arguments = parameters.and_then(|parameters| arguments(cx, &parameters, callee, pointer, env));
    // The criteria run once the call returned: they may read what it returned.
    let called = CalleeOutputs::of(callee, &step.step_id, locals);
    let after = Env { callee: Some(&called), ..*env };
    let criteria = criteria::plan_all(cx, &step.success_criteria, &format!("{pointer}/successCriteria"), &after);
    let criteria = criteria.and_then(|criteria| {
        let reads_response = criteria.iter().position(|criterion| criterion.check.reads_response());
        match reads_response {
            Some(position) => {
                cx.reporter.error(
                    &format!("{pointer}/successCriteria/{position}/condition"),
                    "a step that calls a workflow has no HTTP response: `$statusCode`, `$response` and regex or \
                     jsonpath criteria on them cannot apply",
                );
                None
            }
            None => Some(criteria),
        }
    });
    let actions = match workflow {
        Some((workflow, workflow_pointer)) => {
            super::actions::plan(cx, workflow, workflow_pointer, step, pointer, &after)
        }
        None => Some((Vec::new(), Vec::new())),
    };
    let actions = actions.and_then(|(on_success, on_failure)| {
        // Action criteria may read the response; a step that calls a workflow has none.
        let reads_response = on_success.iter().chain(&on_failure).find(|action| action.reads_response());
        match reads_response {
            Some(action) => {
                cx.reporter.error(
                    pointer,
                    format!(
                        "the criteria of action `{}` read a response, but a step that calls a workflow has none",
                        action.name
                    ),
                );
                None
            }
            None => Some((on_success, on_failure)),
        }
    });
    let outputs = outputs(cx, step, (callee, &called), pointer, env, locals);
    let (arguments, criteria, outputs, (on_success, on_failure)) = (arguments?, criteria?, outputs?, actions?);
    let read: Vec<&ValueRef> = criteria
        .iter()
        .chain(on_success.iter().chain(&on_failure).flat_map(|action| &action.criteria))
        .flat_map(|criterion| criterion.check.refs())
        .collect();
    let mut call = CallPlan::of(callee, arguments);
    call.reads = called.read_by(&read);
    Some(StepPlan {
        step_id: step.step_id.clone(),
        description: step.description.clone(),
        operation_id: None,
        operation_summary: callee.summary.clone(),
        deprecated: false,
        method: Method::Get,
        path: String::new(),
        source: 0,
        server_url: None,
        parameters: Vec::new(),
        query_string: None,
        body: None,
        credentials: Vec::new(),
        criteria,
        outputs,
        call: Some(call),
        on_success,
        on_failure,
        timeout: step.timeout,
    })
}

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
    fn of(callee: &WorkflowPlan, step_id: &str, locals: &mut Scope) -> Self {
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
    fn read_by(&self, read: &[&ValueRef]) -> Vec<CalleeRead> {
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

/// Whether the workflow `callee_id` names has an input `name`; `None` when it is not known (a
/// workflow that does not exist or could not be planned is reported where a step calls it).
pub(crate) fn has_input(cx: &Context<'_, '_>, callee_id: &str, name: &str) -> Option<bool> {
    let found = if callee_id.starts_with("$sourceDescriptions.") {
        let Ok(Expr::SourceDescriptions { name: source, rest }) = expr::parse(callee_id) else { return None };
        let (_, plan) = cx.foreign.iter().find(|(candidate, _)| *candidate == source)?;
        plan.workflows.iter().find(|workflow| workflow.workflow_id == rest)?
    } else {
        let index = cx.document.workflows.iter().position(|workflow| workflow.workflow_id == callee_id)?;
        cx.callees.get(index)?.as_ref()?
    };
    Some(found.inputs.iter().any(|input| input.name == name))
}

/// Every input of the callee, from the parameters that apply to the step (its own and its workflow's);
/// a required one left out is an error.
fn arguments(
    cx: &mut Context<'_, '_>,
    parameters: &[Applied],
    callee: &crate::plan::WorkflowPlan,
    pointer: &str,
    env: &Env<'_>,
) -> Option<Vec<ArgumentPlan>> {
    let parameters_pointer = format!("{pointer}/parameters");
    let given = given(cx, parameters, callee, env, "a step that calls a workflow");
    let mut arguments = Vec::new();
    let mut complete = given.is_some();
    let given = given.unwrap_or_default();
    for input in &callee.inputs {
        let value = given.iter().find(|(name, _)| *name == input.name).map(|(_, value)| value.clone());
        if value.is_none() && !input.optional {
            cx.reporter.error(
                &parameters_pointer,
                format!(
                    "workflow `{}` needs its input `{}`, which this step does not give",
                    callee.workflow_id, input.name
                ),
            );
            complete = false;
        }
        arguments.push(ArgumentPlan {
            field: input.field.clone(),
            ty: input.ty.clone(),
            optional: input.optional,
            value,
        });
    }
    complete.then_some(arguments)
}

/// The callee's inputs that `parameters` give, by name, each value checked against the input's type;
/// `None` when one is wrong (reported). `what` names who passes them, for messages.
fn given<'p>(
    cx: &mut Context<'_, '_>,
    parameters: &'p [Applied],
    callee: &crate::plan::WorkflowPlan,
    env: &Env<'_>,
    what: &str,
) -> Option<Vec<(&'p str, ValuePlan)>> {
    let mut given: Vec<(&str, ValuePlan)> = Vec::new();
    let mut complete = true;
    for applied in parameters {
        let parameter = &applied.parameter;
        // A component's own fields are checked with `components`.
        if applied.reference.is_none() {
            cx.reporter.extra(&parameter.extra, &applied.pointer, &[]);
        }
        if let Some(location) = parameter.location {
            let message = match &applied.reference {
                Some(_) => format!(
                    "this component parameter (`{}`) has `in: {}`, but a parameter of {what} maps to one of its \
                     inputs and takes no `in`",
                    parameter.name,
                    location.as_str()
                ),
                None => format!("a parameter of {what} maps to one of its inputs and takes no `in`"),
            };
            cx.reporter.error(&applied.in_pointer(), message);
            complete = false;
            continue;
        }
        let Some(input) = callee.inputs.iter().find(|input| input.name == parameter.name) else {
            let names = list(callee.inputs.iter().map(|input| input.name.as_str()));
            cx.reporter.error(
                &applied.name_pointer(),
                format!("workflow `{}` has no input `{}`; its inputs are: {names}", callee.workflow_id, parameter.name),
            );
            complete = false;
            continue;
        };
        if given.iter().any(|(name, _)| *name == parameter.name) {
            cx.reporter.error(&applied.name_pointer(), format!("input `{}` is given twice", parameter.name));
            complete = false;
            continue;
        }
        let value_pointer = applied.value_pointer.as_str();
        if let Some(read) = after_step(&parameter.value, env.current).filter(|_| what.starts_with("an action")) {
            cx.reporter.unsupported(
                value_pointer,
                &format!("an action parameter read from what its step produced (`{read}`)"),
            );
            complete = false;
            continue;
        }
        let Some(value) = env.value(&parameter.value, value_pointer, cx.reporter) else {
            complete = false;
            continue;
        };
        if let Err(message) = convertible(&value, input) {
            cx.reporter.error(value_pointer, message);
            complete = false;
            continue;
        }
        given.push((&parameter.name, value));
    }
    complete.then_some(given)
}

/// The first expression in `value` that reads what step `current` produced (`$statusCode`,
/// `$response.*`, its own outputs): an action runs after its step, but its parameters are filled
/// from inputs and the outputs of earlier steps only.
fn after_step(value: &Value, current: Option<&str>) -> Option<String> {
    let produced = |expr: &Expr| match expr {
        Expr::StatusCode | Expr::Response(_) => true,
        Expr::Steps { step, .. } => Some(step.as_str()) == current,
        _ => false,
    };
    match value {
        Value::String(text) => {
            if let Ok(expr) = expr::parse(text) {
                return produced(&expr).then(|| text.clone());
            }
            expr::parse_template(text).ok()?.into_iter().find_map(|part| match part {
                expr::TemplatePart::Expr { expr, .. } if produced(&expr) => Some(expr.to_string()),
                _ => None,
            })
        }
        Value::Array(items) => items.iter().find_map(|item| after_step(item, current)),
        Value::Object(fields) => fields.values().find_map(|item| after_step(item, current)),
        _ => None,
    }
}

/// Whether a value can become the callee's input without losing type safety or exposing a secret.
fn convertible(value: &ValuePlan, input: &FieldPlan) -> Result<(), String> {
    let target = &input.ty;
    let fits = match value {
        _ if *target == RustType::Json => true,
        ValuePlan::Ref(reference) => {
            let same = reference.ty() == target || (reference.ty() == &RustType::String && *target == RustType::Secret);
            if reference.is_optional() && !input.optional {
                return Err(format!("input `{}` is required, but this value is an optional input", input.name));
            }
            same
        }
        ValuePlan::Literal(literal) => literal_fits(literal, target),
        ValuePlan::Template(pieces) => {
            let secret = pieces
                .iter()
                .any(|piece| matches!(piece, TemplatePiece::Value(value) if value.ty() == &RustType::Secret));
            *target == RustType::Secret || (*target == RustType::String && !secret)
        }
        ValuePlan::Object(_) | ValuePlan::Array(_) => false,
    };
    if fits {
        Ok(())
    } else {
        Err(format!("this value does not fit input `{}` of type `{}`", input.name, type_name(target)))
    }
}

fn literal_fits(literal: &Value, target: &RustType) -> bool {
    match (literal, target) {
        (Value::String(_), RustType::String | RustType::Secret) | (Value::Bool(_), RustType::Bool) => true,
        (Value::Number(number), RustType::I64) => number.is_i64(),
        (Value::Number(_), RustType::F64) => true,
        (Value::Array(items), RustType::Vec(item)) => items.iter().all(|value| literal_fits(value, item)),
        _ => false,
    }
}

fn type_name(ty: &RustType) -> String {
    match ty {
        RustType::String => "string".into(),
        RustType::Secret => "secret string".into(),
        RustType::I64 => "integer".into(),
        RustType::F64 => "number".into(),
        RustType::Bool => "boolean".into(),
        RustType::Vec(item) => format!("array of {}", type_name(item)),
        RustType::Json => "JSON".into(),
        RustType::Struct(name) => format!("`{name}`"),
    }
}

/// Step outputs: `$outputs.<name>` (or `$workflows.<callee>.outputs.<name>`) read the callee's outputs,
/// whole, at a JSON pointer, or through a Selector Object.
fn outputs(
    cx: &mut Context<'_, '_>,
    step: &model::Step,
    (callee, called): (&crate::plan::WorkflowPlan, &CalleeOutputs),
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
    let query = super::selector::query(cx.reporter, selector, pointer);
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

/// A call for an action that transfers to another workflow (or runs one before a retry): the
/// callee gets the inputs the action's `parameters` give (1.1), and the others it shares by name
/// with the calling workflow.
pub(crate) fn transfer(
    cx: &mut Context<'_, '_>,
    callee_id: &str,
    parameters: &[Reusable<model::Parameter>],
    action_pointer: &str,
    env: &Env<'_>,
) -> Option<CallPlan> {
    let pointer = format!("{action_pointer}/workflowId");
    let callee = callee(cx, callee_id, &pointer)?;
    let parameters_pointer = format!("{action_pointer}/parameters");
    let resolved = super::parameters::resolve(cx, parameters, &parameters_pointer)?;
    // The inputs not given are shared by name; when a given one is wrong, what is missing is unknown.
    let given = given(cx, &resolved, callee, env, "an action that runs a workflow")?;
    let mut complete = true;
    let mut arguments = Vec::new();
    for input in &callee.inputs {
        if let Some((_, value)) = given.iter().find(|(name, _)| *name == input.name) {
            arguments.push(ArgumentPlan {
                field: input.field.clone(),
                ty: input.ty.clone(),
                optional: input.optional,
                value: Some(value.clone()),
            });
            continue;
        }
        let own = env.inputs.iter().find(|own| own.name == input.name);
        let value = own.map(|own| {
            ValuePlan::Ref(ValueRef::Input { field: own.field.clone(), ty: own.ty.clone(), optional: own.optional })
        });
        match &value {
            Some(value) => {
                if let Err(message) = convertible(value, input) {
                    cx.reporter.error(
                        &pointer,
                        format!("workflow `{callee_id}` receives this workflow's inputs by name: {message}"),
                    );
                    complete = false;
                }
            }
            None if !input.optional && parameters.is_empty() => {
                cx.reporter.error(
                    &pointer,
                    format!(
                        "workflow `{callee_id}` needs its input `{}`, which this workflow does not have (it passes \
                         the inputs it shares by name)",
                        input.name
                    ),
                );
                complete = false;
            }
            None if !input.optional => {
                cx.reporter.error(
                    &parameters_pointer,
                    format!(
                        "workflow `{callee_id}` needs its input `{}`, which this action's `parameters` do not give \
                         and this workflow does not have (it passes the inputs it shares by name)",
                        input.name
                    ),
                );
                complete = false;
            }
            None => {}
        }
        arguments.push(ArgumentPlan {
            field: input.field.clone(),
            ty: input.ty.clone(),
            optional: input.optional,
            value,
        });
    }
    complete.then(|| CallPlan::of(callee, arguments))
}

/// The planned workflow a `workflowId` names: one of this document (planned first, in call order) or,
/// written `$sourceDescriptions.<name>.<workflowId>`, one of an Arazzo source description.
fn callee<'c>(cx: &mut Context<'c, '_>, callee_id: &str, pointer: &str) -> Option<&'c WorkflowPlan> {
    if callee_id.starts_with("$sourceDescriptions.") {
        let Ok(Expr::SourceDescriptions { name, rest }) = expr::parse(callee_id) else {
            cx.reporter
                .error(pointer, format!("`{callee_id}` is not a `$sourceDescriptions.<name>.<workflowId>` reference"));
            return None;
        };
        let foreign: &'c [(String, crate::plan::ModulePlan)] = cx.foreign;
        let Some((_, plan)) = foreign.iter().find(|(source, _)| *source == name) else {
            let source = cx.document.source_descriptions.iter().find(|source| source.name == name);
            match source {
                None => {
                    let names = list(cx.document.source_descriptions.iter().map(|source| source.name.as_str()));
                    cx.reporter.error_with_help(
                        pointer,
                        format!("no source description is named `{name}`"),
                        format!("sources: {names}"),
                    );
                }
                Some(source) if source.kind != Some(model::SourceKind::Arazzo) => cx.reporter.error(
                    pointer,
                    format!(
                        "source `{name}` is an OpenAPI description, which has no workflows; give it `type: arazzo` \
                         if it is an Arazzo document"
                    ),
                ),
                // The Arazzo source failed to load, which has been reported.
                Some(_) => {}
            }
            return None;
        };
        let found = plan.workflows.iter().find(|workflow| workflow.workflow_id == rest);
        if found.is_none() {
            let names = list(plan.workflows.iter().map(|workflow| workflow.workflow_id.as_str()));
            cx.reporter.error_with_help(
                pointer,
                format!("source `{name}` has no workflow `{rest}`"),
                format!("its workflows are: {names}"),
            );
        }
        return found;
    }
    let Some(index) = cx.document.workflows.iter().position(|workflow| workflow.workflow_id == callee_id) else {
        let names = list(cx.document.workflows.iter().map(|workflow| workflow.workflow_id.as_str()));
        cx.reporter.error_with_help(
            pointer,
            format!("no workflow `{callee_id}` in this document"),
            format!("its workflows are: {names}"),
        );
        return None;
    };
    // A callee that failed to check (or is part of a cycle) has been reported already.
    let callees: &'c [Option<WorkflowPlan>] = cx.callees;
    callees.get(index)?.as_ref()
}
