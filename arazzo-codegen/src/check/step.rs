//! One step: its operation, request, success criteria, credentials and outputs.

use serde_json::Value;

use super::operation;
use super::parameters::Applied;
use super::values::Env;
use super::workflow::Context;
use crate::expr::{self, Expr, Source as ExprSource};
use crate::model::{self, ParameterLocation};
use crate::naming::Scope;
use crate::openapi::{Operation, ParamLocation};
use crate::plan::{
    CredentialKind, CredentialUse, CriterionPlan, OutputSource, ParameterPlan, ParameterStyle, RustType,
    StepOutputPlan, StepPlan, ValuePlan, ValueRef,
};
use crate::types;

pub(crate) fn plan<'d>(
    cx: &mut Context<'d, '_>,
    (workflow, workflow_pointer): (&'d model::Workflow, &str),
    step: &'d model::Step,
    pointer: &str,
    env: &Env<'_>,
    locals: &mut Scope,
) -> Option<StepPlan> {
    cx.reporter.extra(&step.extra, pointer, &[]);
    if !super::version::step(cx, workflow, step, pointer) {
        return None;
    }
    if let Some(callee) = &step.workflow_id {
        return super::call::plan(cx, Some((workflow, workflow_pointer)), step, callee, pointer, env, locals);
    }
    let Some((source, operation)) = operation::find(cx, step, pointer) else {
        check_without_operation(cx, (workflow, workflow_pointer), step, pointer, env);
        return None;
    };
    // Problems in the description's operation only matter for the operations a step uses.
    cx.reporter.diagnostics.extend(operation.problems.iter().cloned());
    if operation.problems.iter().any(|problem| problem.is_error()) {
        cx.reporter.error(pointer, "the operation this step calls has errors in its OpenAPI description");
        return None;
    }

    let sources = cx.sources;
    let request = super::dataflow::Request {
        openapi: &sources[source].openapi,
        operation,
        document: cx.document,
        workflow,
        workflow_pointer,
        env,
    };
    let parameters = super::parameters::for_operation(cx, (workflow, workflow_pointer), step, pointer)
        .and_then(|applied| parameters(cx, &applied, &request, pointer));
    let (parameters, query_string) = match parameters {
        Some((parameters, query_string)) => (Some(parameters), query_string),
        None => (None, None),
    };
    let body = super::body::request_body(cx, step, operation, pointer, env);
    if let Some(Some(body)) = &body {
        super::dataflow::body(cx, &request, body, &format!("{pointer}/requestBody/payload"));
    }
    let criteria = super::criteria::plan_all(cx, &step.success_criteria, &format!("{pointer}/successCriteria"), env);
    let server_url = server_url(cx, step, pointer, env);
    let bound = bound_credentials(cx, step, pointer, env);
    let actions = super::actions::plan(cx, workflow, workflow_pointer, step, pointer, env);
    let (parameters, body, criteria, server_url, bound) = (parameters?, body?, criteria?, server_url?, bound?);
    let criteria_pointer = format!("{pointer}/successCriteria");
    let written = (step.success_criteria.as_slice(), criteria_pointer.as_str());
    super::dataflow::response_pointer::check_criteria(cx.reporter, request.openapi, operation, &criteria, written);
    super::dataflow::jsonpath_context::check(cx.reporter, request.openapi, operation, &criteria, written);
    let credentials = match bound {
        Some(bound) => bound,
        None => operation::credentials(cx, source, operation, &parameters, pointer),
    };
    let sent = super::sent::Sent {
        parameters: &parameters,
        body: body.as_ref(),
        credentials: credentials
            .iter()
            .filter_map(|credential| match credential {
                CredentialUse::Configured(scheme) => cx.source_plans[source]
                    .credentials
                    .iter()
                    .find(|planned| &planned.scheme_name == scheme)
                    .map(|planned| planned.kind.clone()),
                CredentialUse::Bound { kind, .. } => Some(kind.clone()),
            })
            .collect(),
    };
    let outputs = outputs(cx, (workflow, step), operation, (&criteria, &sent), pointer, env, locals)?;
    let (on_success, on_failure) = actions?;
    Some(StepPlan {
        step_id: step.step_id.clone(),
        description: step.description.clone(),
        operation_id: operation.operation_id.clone(),
        operation_summary: operation.summary.clone(),
        deprecated: operation.deprecated,
        method: operation.method,
        path: operation.path.clone(),
        source,
        server_url,
        parameters,
        query_string,
        body,
        credentials,
        criteria,
        outputs,
        call: None,
        on_success,
        on_failure,
        timeout: step.timeout,
    })
}

/// Checks what of a step does not depend on its operation (parameter values, criteria, actions,
/// server URL, credentials), so that one misspelt operationId does not hide the step's other
/// mistakes until it is fixed. Nothing is planned: the step cannot be generated anyway.
fn check_without_operation<'d>(
    cx: &mut Context<'d, '_>,
    (workflow, workflow_pointer): (&'d model::Workflow, &str),
    step: &'d model::Step,
    pointer: &str,
    env: &Env<'_>,
) {
    if let Some(applied) = super::parameters::for_operation(cx, (workflow, workflow_pointer), step, pointer) {
        for Applied { parameter, value_pointer, .. } in &applied {
            env.value(&parameter.value, value_pointer, cx.reporter);
        }
    }
    super::criteria::plan_all(cx, &step.success_criteria, &format!("{pointer}/successCriteria"), env);
    server_url(cx, step, pointer, env);
    bound_credentials(cx, step, pointer, env);
    super::actions::plan(cx, workflow, workflow_pointer, step, pointer, env);
}

/// The step's parameters, and its whole query string (1.1 `in: querystring`) when one applies.
fn parameters(
    cx: &mut Context<'_, '_>,
    applied: &[Applied],
    request: &super::dataflow::Request<'_>,
    pointer: &str,
) -> Option<(Vec<ParameterPlan>, Option<crate::plan::QueryStringPlan>)> {
    let (operation, env) = (request.operation, request.env);
    let mut planned: Vec<ParameterPlan> = Vec::new();
    let mut query_strings: Vec<super::query_string::Written<'_>> = Vec::new();
    let mut complete = true;
    for Applied { parameter, pointer: parameter_pointer, value_pointer, .. } in applied {
        let parameter_pointer = parameter_pointer.as_str();
        cx.reporter.extra(&parameter.extra, parameter_pointer, &[]);
        if parameter.location == Some(model::ParameterIn::Querystring) {
            query_strings.push((parameter, parameter_pointer, value_pointer));
            continue;
        }
        let Some(location) = super::version::location(cx.reporter, parameter, parameter_pointer) else {
            complete = false;
            continue;
        };
        let duplicate = planned.iter().any(|earlier| {
            earlier.location == location
                && if location == ParameterLocation::Header {
                    earlier.name.eq_ignore_ascii_case(&parameter.name)
                } else {
                    earlier.name == parameter.name
                }
        });
        if duplicate {
            cx.reporter.error(
                &format!("{parameter_pointer}/name"),
                format!("parameter `{}` in {} is given twice", parameter.name, location.as_str()),
            );
            complete = false;
            continue;
        }
        let declared = operation.parameters.iter().find(|declared| {
            same_location(declared.location, location)
                && if location == ParameterLocation::Header {
                    declared.name.eq_ignore_ascii_case(&parameter.name)
                } else {
                    declared.name == parameter.name
                }
        });
        if declared.is_none() {
            let names = super::values::list(
                operation
                    .parameters
                    .iter()
                    .filter(|declared| same_location(declared.location, location))
                    .map(|declared| declared.name.as_str()),
            );
            let message = format!(
                "operation `{}` declares no {} parameter `{}`; it declares: {names}",
                operation_name(operation),
                location.as_str(),
                parameter.name
            );
            match location {
                ParameterLocation::Path => {
                    cx.reporter.error(&format!("{parameter_pointer}/name"), message);
                    complete = false;
                }
                // Credentials travel in headers the description does not list as parameters.
                ParameterLocation::Header => {}
                ParameterLocation::Query | ParameterLocation::Cookie => {
                    cx.reporter.warning(&format!("{parameter_pointer}/name"), message)
                }
            }
        }
        let Some(value) = env.value(&parameter.value, value_pointer, cx.reporter) else {
            complete = false;
            continue;
        };
        if let Err(message) = super::body::embeddable(&value) {
            cx.reporter.error(value_pointer, message);
            complete = false;
            continue;
        }
        if location == ParameterLocation::Path
            && let ValuePlan::Ref(ValueRef::Input { optional: true, .. }) = &value
        {
            super::lenient::optional_input_in_path(cx.reporter, value_pointer, &parameter.name);
        } else if location == ParameterLocation::Path
            && value.refs().iter().any(|value| value.is_optional() && !matches!(value, ValueRef::Input { .. }))
        {
            cx.reporter.error(
                value_pointer,
                format!(
                    "path parameter `{}` is fed from an optional input; path parameters must always have a value",
                    parameter.name
                ),
            );
            complete = false;
            continue;
        }
        let style = match declared.map(|declared| style(declared, location)).transpose() {
            Ok(style) => style.flatten(),
            Err(message) => {
                cx.reporter.error(parameter_pointer, message);
                complete = false;
                continue;
            }
        };
        if let Some(declared) = declared {
            super::dataflow::parameter(cx, request, declared, &value, value_pointer);
        }
        let required = location == ParameterLocation::Path || declared.is_some_and(|declared| declared.required);
        if required
            && let ValuePlan::Ref(reference) = &value
            && reference.ty().is_nullable()
        {
            let path = location == ParameterLocation::Path;
            super::lenient::nullable_in_required_parameter(cx.reporter, value_pointer, &parameter.name, path);
        }
        planned.push(ParameterPlan { name: parameter.name.clone(), location, value, style, required });
    }
    for declared in operation.parameters.iter().filter(|declared| declared.location == ParamLocation::Path) {
        let supplied = planned
            .iter()
            .any(|parameter| parameter.location == ParameterLocation::Path && parameter.name == declared.name);
        let failed = applied.iter().any(|applied| applied.parameter.name == declared.name);
        if !supplied && !failed {
            cx.reporter.error(
                &format!("{pointer}/parameters"),
                format!(
                    "path parameter `{}` of operation `{}` ({}) is not supplied",
                    declared.name,
                    operation_name(operation),
                    operation.path
                ),
            );
            complete = false;
        }
    }
    let query: Vec<&ParameterPlan> =
        planned.iter().filter(|parameter| parameter.location == ParameterLocation::Query).collect();
    let query_string = super::query_string::plan(cx, &query_strings, &query, request);
    let (planned, query_string) = (complete.then_some(planned)?, query_string?);
    Some((planned, query_string))
}

/// The declared `style`/`explode`, when not the location's default (`None`: the default applies).
fn style(
    declared: &crate::openapi::Parameter,
    location: ParameterLocation,
) -> Result<Option<(ParameterStyle, bool)>, String> {
    let default = match location {
        ParameterLocation::Path | ParameterLocation::Header => ParameterStyle::Simple,
        ParameterLocation::Query | ParameterLocation::Cookie => ParameterStyle::Form,
    };
    let style = match &declared.style {
        None => default,
        Some(text) => ParameterStyle::parse(text)
            .ok_or_else(|| format!("parameter `{}` declares an unknown style `{text}`", declared.name))?,
    };
    let allowed = match location {
        ParameterLocation::Path => {
            matches!(style, ParameterStyle::Simple | ParameterStyle::Label | ParameterStyle::Matrix)
        }
        ParameterLocation::Query => matches!(
            style,
            ParameterStyle::Form
                | ParameterStyle::SpaceDelimited
                | ParameterStyle::PipeDelimited
                | ParameterStyle::DeepObject
        ),
        ParameterLocation::Header => style == ParameterStyle::Simple,
        ParameterLocation::Cookie => style == ParameterStyle::Form,
    };
    if !allowed {
        return Err(format!(
            "parameter `{}` declares style `{}`, which OpenAPI does not allow in {}",
            declared.name,
            declared.style.as_deref().unwrap_or_default(),
            location.as_str()
        ));
    }
    // `explode` defaults to true for form and false for every other style.
    let explode = declared.explode.unwrap_or(style == ParameterStyle::Form);
    let default_explode = default == ParameterStyle::Form;
    Ok((style != default || explode != default_explode).then_some((style, explode)))
}

fn same_location(declared: ParamLocation, used: ParameterLocation) -> bool {
    matches!(
        (declared, used),
        (ParamLocation::Path, ParameterLocation::Path)
            | (ParamLocation::Query, ParameterLocation::Query)
            | (ParamLocation::Header, ParameterLocation::Header)
            | (ParamLocation::Cookie, ParameterLocation::Cookie)
    )
}

fn operation_name(operation: &Operation) -> String {
    operation.operation_id.clone().unwrap_or_else(|| format!("{} {}", operation.method.as_str(), operation.path))
}

/// `x-serverUrl`: an expression giving the base URL for this step (Redocly Respect's convention,
/// taken per step here so that a URL returned by an earlier step can be used).
fn server_url(cx: &mut Context<'_, '_>, step: &model::Step, pointer: &str, env: &Env<'_>) -> Option<Option<ValueRef>> {
    let Some(value) = step.extra.get("x-serverUrl") else { return Some(None) };
    let pointer = format!("{pointer}/x-serverUrl");
    let reference = value.as_str().and_then(|text| expr::parse(text).ok());
    let Some(reference) = reference else {
        cx.reporter.error(&pointer, "`x-serverUrl` must be a runtime expression such as `$steps.login.outputs.apiUrl`");
        return None;
    };
    let value = env.reference(&reference, &pointer, cx.reporter)?;
    if value.ty() != &RustType::String || value.is_optional() {
        cx.reporter.error(&pointer, "`x-serverUrl` must name a required string value");
        return None;
    }
    Some(Some(value))
}

/// `x-security`: credentials produced by the workflow itself, replacing the operation's security.
fn bound_credentials(
    cx: &mut Context<'_, '_>,
    step: &model::Step,
    pointer: &str,
    env: &Env<'_>,
) -> Option<Option<Vec<CredentialUse>>> {
    let Some(value) = step.extra.get("x-security") else { return Some(None) };
    let pointer = format!("{pointer}/x-security");
    let Some(entries) = value.as_array() else {
        cx.reporter.error(&pointer, "`x-security` must be a list of `{scheme, values}` entries");
        return None;
    };
    let mut uses = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let entry_pointer = format!("{pointer}/{index}");
        let scheme = entry.get("scheme").and_then(|scheme| crate::openapi::SecurityScheme::from_value(scheme).ok());
        let kind = scheme.as_ref().and_then(operation::credential_kind);
        let (Some(kind), Some(values)) = (kind, entry.get("values").and_then(Value::as_object)) else {
            cx.reporter.error(
                &entry_pointer,
                "an `x-security` entry needs an inline `scheme` (http bearer/basic or apiKey) and `values`",
            );
            return None;
        };
        let key = match kind {
            CredentialKind::Bearer => "token",
            CredentialKind::Basic => {
                cx.reporter.unsupported(&entry_pointer, "`x-security` with http basic");
                return None;
            }
            _ => "apiKey",
        };
        let Some(text) = values.get(key).and_then(Value::as_str) else {
            cx.reporter
                .error(&format!("{entry_pointer}/values"), format!("`values.{key}` is required for this scheme"));
            return None;
        };
        let value_pointer = format!("{entry_pointer}/values/{key}");
        let Ok(reference) = expr::parse(text) else {
            cx.reporter.error(&value_pointer, format!("`{text}` is not a runtime expression"));
            return None;
        };
        let value = env.reference(&reference, &value_pointer, cx.reporter)?;
        if !matches!(value.ty(), RustType::Secret | RustType::String) || value.is_optional() {
            cx.reporter.error(&value_pointer, "a credential must be a required string value");
            return None;
        }
        uses.push(CredentialUse::Bound { kind, value });
    }
    Some(Some(uses))
}

fn outputs(
    cx: &mut Context<'_, '_>,
    (workflow, step): (&model::Workflow, &model::Step),
    operation: &Operation,
    (criteria, sent): (&[CriterionPlan], &super::sent::Sent<'_>),
    pointer: &str,
    env: &Env<'_>,
    locals: &mut Scope,
) -> Option<Vec<StepOutputPlan>> {
    let openapi = &cx
        .sources
        .iter()
        .find(|source| source.openapi.operations.iter().any(|candidate| std::ptr::eq(candidate, operation)))?
        .openapi;
    let body_schema = success_body_schema(operation, criteria);
    let candidates = super::dataflow::response_pointer::success_schemas(operation, criteria).unwrap_or_default();
    let mut planned = Vec::new();
    let mut complete = true;
    for (name, output) in &step.outputs {
        let output_pointer = format!("{pointer}/outputs/{}", super::escape(name));
        // A string enum of the response is open: the API may add values.
        let (types, enums) = (&mut *cx.types, &mut *cx.enums);
        let mut declare = |hint: &str, values: Vec<String>| {
            let used = format!("output `{name}` of step `{}` of workflow `{}`", step.step_id, workflow.workflow_id);
            enums.declare(types, (hint, &format!("{} {hint}", workflow.workflow_id)), values, true, &used)
        };
        let text = match output {
            model::Output::Expression(text) => text,
            model::Output::Selector(selector) => {
                let body = super::selector::Body { openapi, operation, schema: body_schema, candidates: &candidates };
                let Some((source, ty)) = super::selector::step_output(
                    cx.reporter,
                    env,
                    (&body, &mut declare),
                    selector,
                    (name, &output_pointer),
                ) else {
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
        let (source, ty) = match parsed {
            Expr::Response(ExprSource::Body(json_pointer)) => {
                let json_pointer = json_pointer.unwrap_or_default();
                let written = (output_pointer.as_str(), text.as_str());
                super::dataflow::response_pointer::check(
                    cx.reporter,
                    openapi,
                    operation,
                    &candidates,
                    &json_pointer,
                    written,
                );
                match types::output_type(openapi, body_schema, &json_pointer, name, &mut declare) {
                    Ok(ty) => (OutputSource::BodyPointer(json_pointer), ty),
                    Err(message) => {
                        let ty = super::lenient::unreadable_output_schema(cx.reporter, &output_pointer, name, &message);
                        (OutputSource::BodyPointer(json_pointer), ty)
                    }
                }
            }
            Expr::Response(ExprSource::Header(header)) => {
                let ty = if crate::naming::names_a_secret(name) { RustType::Secret } else { RustType::String };
                (OutputSource::ResponseHeader(header), ty)
            }
            Expr::StatusCode => (OutputSource::StatusCode, RustType::I64),
            reference @ (Expr::Inputs { .. } | Expr::Steps { .. } | Expr::Workflows { .. }) => {
                let Some(value) = env.request_reference(&reference, &output_pointer, cx.reporter) else {
                    complete = false;
                    continue;
                };
                match copied(cx.reporter, value, &output_pointer) {
                    Some(copied) => copied,
                    None => {
                        complete = false;
                        continue;
                    }
                }
            }
            sent_expr @ (Expr::Url | Expr::Method | Expr::Request(_)) => {
                match super::sent::output(cx.reporter, sent, &sent_expr, name, &output_pointer) {
                    Some((part, ty)) => (OutputSource::Sent(part), ty),
                    None => {
                        complete = false;
                        continue;
                    }
                }
            }
            other => match super::meaning::constant(cx.reporter, (cx.document, cx.sources), &other, &output_pointer) {
                Some(Ok(text)) => (OutputSource::Constant(text), RustType::String),
                Some(Err(())) => {
                    complete = false;
                    continue;
                }
                None => {
                    super::meaning::refuse(cx.reporter, &other, super::meaning::Place::StepOutput, &output_pointer);
                    complete = false;
                    continue;
                }
            },
        };
        let variable = locals.snake(&format!("{}_{name}", step.step_id));
        planned.push(StepOutputPlan { name: name.clone(), variable, ty, source, used: false });
    }
    complete.then_some(planned)
}

/// A step output that copies a value the workflow holds, and its type. A part of a value that may
/// be absent (at a pointer, picked by a selector) is JSON, `null` when nothing is there; a secret
/// that may be absent, and an optional input, are refused (a step output always has a value).
pub(crate) fn copied(
    reporter: &mut super::Reporter<'_>,
    value: ValueRef,
    pointer: &str,
) -> Option<(OutputSource, RustType)> {
    if !value.is_optional() {
        let ty = value.ty().clone();
        return Some((OutputSource::Copy(value), ty));
    }
    if !value.is_part() {
        reporter.unsupported(pointer, "a step output copied from an optional input");
        return None;
    }
    if value.ty() == &RustType::Secret {
        reporter.unsupported(pointer, "a step output copied from a secret that may be absent");
        return None;
    }
    Some((OutputSource::Copy(value), RustType::Json))
}

/// The JSON schema of the response the success criteria expect (or of the first 2xx response).
fn success_body_schema<'o>(operation: &'o Operation, criteria: &[CriterionPlan]) -> Option<&'o Value> {
    let expected =
        criteria.iter().find_map(|criterion| criterion.check.expected_status().map(|status| status.to_string()));
    let response = match &expected {
        Some(status) => {
            let range = format!("{}XX", &status[..1]);
            operation
                .responses
                .get(status)
                .or_else(|| operation.responses.get(&range))
                .or_else(|| operation.responses.get(&range.to_ascii_lowercase()))
                .or_else(|| operation.responses.get("default"))
        }
        None => operation.responses.iter().find(|(status, _)| status.starts_with('2')).map(|(_, response)| response),
    }?;
    let json = response
        .content
        .iter()
        .find(|(media, _)| media.starts_with("application/json") || media.contains("+json"))
        .or_else(|| response.content.first());
    json.and_then(|(_, schema)| schema.as_ref())
}
