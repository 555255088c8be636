//! Steps that call another workflow of the same document (`workflowId`): parameters become the
//! callee's typed inputs, and what it returned is read by `callee_outputs`.

use serde_json::Value;

use super::criteria;
use super::parameters::Applied;
use super::values::{Env, list};
use super::workflow::Context;
use crate::expr::{self, Expr};
use crate::model::{self, Reusable};
use crate::naming::Scope;
use crate::openapi::Method;
use crate::plan::{ArgumentPlan, CallPlan, FieldPlan, RustType, StepPlan, TemplatePiece, ValuePlan};
use crate::plan::{ValueRef, WorkflowPlan};
use crate::types::enums::Enums;

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
    let called = super::callee_outputs::CalleeOutputs::of(callee, &step.step_id, locals);
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
    let outputs = super::callee_outputs::outputs(cx, step, (callee, &called), pointer, env, locals);
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

/// Whether the workflow `callee_id` names has an input `name`; `None` when it is not known (a
/// workflow that does not exist or could not be planned is reported where a step calls it).
pub(crate) fn has_input(cx: &Context<'_, '_>, callee_id: &str, name: &str) -> Option<bool> {
    let found = if callee_id.starts_with("$sourceDescriptions.") {
        let Ok(Expr::SourceDescriptions { name: source, rest }) = expr::parse(callee_id) else { return None };
        let (_, (_, plan)) = super::lenient::named_or_case_folded(cx.foreign, &source, |(name, _)| name)?;
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
    // A parameter refused above is not reported again as a missing input.
    let refused = given.is_none();
    let given = given.unwrap_or_default();
    for input in &callee.inputs {
        let value = given.iter().find(|(name, _)| *name == input.name).map(|(_, value)| value.clone());
        if value.is_none() && !input.optional && !refused {
            cx.reporter.error(
                &parameters_pointer,
                format!(
                    "workflow `{}` needs its input `{}`, which this step does not give",
                    callee.workflow_id, input.name
                ),
            );
            complete = false;
        }
        arguments.push(argument(cx.enums, input, value));
    }
    complete.then_some(arguments)
}

/// The argument that passes `value` to the callee's `input` (`None` leaves it out).
fn argument(enums: &Enums, input: &FieldPlan, value: Option<ValuePlan>) -> ArgumentPlan {
    let variant = literal_variant(enums, value.as_ref(), &input.ty);
    ArgumentPlan { field: input.field.clone(), ty: input.ty.clone(), optional: input.optional, value, variant }
}

/// The variant of an enum input that a string literal names.
fn literal_variant(enums: &Enums, value: Option<&ValuePlan>, ty: &RustType) -> Option<String> {
    let (Some(ValuePlan::Literal(Value::String(text))), RustType::Enum(name)) = (value, ty.non_null()) else {
        return None;
    };
    let plan = enums.get(name)?;
    plan.variants.iter().find(|variant| &variant.value == text).map(|variant| variant.name.clone())
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
        if let Err(message) = convertible(&value, input, cx.enums) {
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
///
/// A value that may be `null` fits an input of its type that may be `null` too, or that is optional
/// (`null` leaves it out); a plain value fits an input that may be `null`. An enum fits an input of
/// the same enum, or a string one (its value on the wire); a string literal fits an enum input that
/// lists it. Converting a string or another enum into an enum is refused: pass a value of that enum.
fn convertible(value: &ValuePlan, input: &FieldPlan, enums: &Enums) -> Result<(), String> {
    let target = &input.ty;
    let fits = match value {
        _ if *target == RustType::Json => true,
        ValuePlan::Ref(reference) => {
            if reference.is_optional() && !input.optional && !target.is_nullable() {
                return Err(format!("input `{}` is required, but this value is an optional input", input.name));
            }
            if reference.ty().is_nullable() && !input.optional && !target.is_nullable() {
                return Err(format!(
                    "input `{}` is required and cannot be `null`, but this value may be `null` (its schema allows it)",
                    input.name
                ));
            }
            let (from, to) = if reference.ty().is_nullable() {
                (reference.ty().non_null(), target.non_null())
            } else {
                (reference.ty(), target.non_null())
            };
            from == to
                || (from == &RustType::String && to == &RustType::Secret)
                || (matches!(from, RustType::Enum(_))
                    && to == &RustType::String
                    && !reference.ty().is_nullable()
                    && !reference.is_optional())
        }
        ValuePlan::Literal(Value::Null) => target.is_nullable(),
        ValuePlan::Literal(Value::String(text)) if matches!(target.non_null(), RustType::Enum(_)) => {
            let RustType::Enum(name) = target.non_null() else { return Ok(()) };
            let Some(plan) = enums.get(name) else {
                return Err(format!("input `{}` takes a value of an enum of another document", input.name));
            };
            if plan.variants.iter().any(|variant| &variant.value == text) {
                return Ok(());
            }
            let values: Vec<String> = plan.variants.iter().map(|variant| format!("`{}`", variant.value)).collect();
            return Err(format!(
                "input `{}` takes one of the values {}; `{text}` is none of them",
                input.name,
                values.join(", ")
            ));
        }
        ValuePlan::Literal(literal) => literal_fits(literal, target.non_null()),
        ValuePlan::Template(pieces) => {
            let secret =
                pieces.iter().any(|piece| matches!(piece, TemplatePiece::Value(value) if value.ty().is_secret()));
            let target = target.non_null();
            *target == RustType::Secret || (*target == RustType::String && !secret)
        }
        ValuePlan::Object(_) | ValuePlan::Array(_) => false,
    };
    if fits {
        return Ok(());
    }
    if let RustType::Enum(name) = target.non_null()
        && let Some(plan) = enums.get(name)
    {
        let values: Vec<String> = plan.variants.iter().map(|variant| format!("`{}`", variant.value)).collect();
        return Err(format!(
            "input `{}` is of the enum `{name}` ({}): give it one of these values, or a value of that enum (other \
             values are not converted, as a value it does not list could not be sent)",
            input.name,
            values.join(", ")
        ));
    }
    Err(format!("this value does not fit input `{}` of type `{}`", input.name, type_name(target)))
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
        RustType::Struct(name) | RustType::Enum(name) => format!("`{name}`"),
        RustType::Nullable(inner) => format!("{} or null", type_name(inner)),
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
            arguments.push(argument(cx.enums, input, Some(value.clone())));
            continue;
        }
        let own = env.inputs.iter().find(|own| own.name == input.name);
        let value = own.map(|own| {
            ValuePlan::Ref(ValueRef::Input { field: own.field.clone(), ty: own.ty.clone(), optional: own.optional })
        });
        match &value {
            Some(value) => {
                if let Err(message) = convertible(value, input, cx.enums) {
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
        arguments.push(argument(cx.enums, input, value));
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
        // A source named in another case is read as an operation's source is (`check/operation.rs`).
        let found = super::lenient::named_or_case_folded(foreign, &name, |(source, _)| source).map(|(_, found)| found);
        if let Some((actual, _)) = found
            && *actual != name
        {
            super::lenient::source_name_case(cx.reporter, pointer, &name, actual);
        }
        let Some((_, plan)) = found else {
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
