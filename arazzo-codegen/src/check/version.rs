//! The version a document declares, and what Arazzo 1.1 adds, checked where it is written.
//!
//! A 1.1 document is read by 1.1's rules: what arazzo-rs generates is planned as usual; what it does
//! not generate yet (AsyncAPI steps, step `dependsOn`, ...) is refused at the field with the feature
//! named, never ignored; and what 1.1 says is wrong (an `action` on a step that calls an OpenAPI
//! operation, an empty `dependsOn`) is an error that says why. The 1.1 fields never reach a 1.0
//! document's checker: [`crate::model::shape`] refuses them with a hint to upgrade.

use super::Reporter;
use super::workflow::Context;
use crate::expr::{self, Expr, TemplatePart};
use crate::model::{self, Document, Reusable, SourceKind, StepAction, Version};

/// Checks `arazzo` and the document-level 1.1 fields, and sets the rules the rest is checked by.
pub(super) fn document(document: &Document, reporter: &mut Reporter<'_>) {
    match Version::of(&document.arazzo) {
        Some(version) => reporter.version = version,
        None => {
            // The most permissive rules: the version itself is the error.
            reporter.version = Version::V1_1;
            reporter.error(
                "/arazzo",
                format!("unsupported Arazzo version `{}`; arazzo-rs reads 1.0.x and 1.1.x", document.arazzo),
            );
        }
    }
    if let Some(uri) = &document.self_uri {
        self_uri(uri, reporter);
    }
    for (index, source) in document.source_descriptions.iter().enumerate() {
        if source.kind == Some(SourceKind::Asyncapi) {
            reporter.unsupported(
                &format!("/sourceDescriptions/{index}/type"),
                &format!("AsyncAPI source descriptions (`type: asyncapi`, source `{}`)", source.name),
            );
        }
    }
    actions(document, reporter);
}

/// `$self` is a URI-reference without a fragment (RFC 3986 section 4.1).
fn self_uri(uri: &str, reporter: &mut Reporter<'_>) {
    if uri.contains('#') {
        reporter.error(
            "/$self",
            "`$self` must not contain a fragment (`#...`): it is the URI of the whole document, and the base its \
             relative references resolve against",
        );
    } else if uri.is_empty() || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        reporter.error("/$self", format!("`{uri}` is not a URI-reference (RFC 3986): `$self` needs one"));
    }
}

/// Action `parameters` (1.1) pass inputs to the workflow an action names: without `workflowId` they
/// have nowhere to go. With one, they are planned with the action (`check::call::transfer`).
fn actions(document: &Document, reporter: &mut Reporter<'_>) {
    let mut found: Vec<(String, Option<String>)> = Vec::new();
    let mut success = |list: &[Reusable<model::SuccessAction>], pointer: String| {
        for (index, action) in list.iter().enumerate() {
            if let Reusable::Inline(action) = action
                && !action.parameters.is_empty()
            {
                found.push((format!("{pointer}/{index}"), action.workflow_id.clone()));
            }
        }
    };
    for (w, workflow) in document.workflows.iter().enumerate() {
        success(&workflow.success_actions, format!("/workflows/{w}/successActions"));
        for (s, step) in workflow.steps.iter().enumerate() {
            success(&step.on_success, format!("/workflows/{w}/steps/{s}/onSuccess"));
        }
    }
    let mut failure = |list: &[Reusable<model::FailureAction>], pointer: String| {
        for (index, action) in list.iter().enumerate() {
            if let Reusable::Inline(action) = action
                && !action.parameters.is_empty()
            {
                found.push((format!("{pointer}/{index}"), action.workflow_id.clone()));
            }
        }
    };
    for (w, workflow) in document.workflows.iter().enumerate() {
        failure(&workflow.failure_actions, format!("/workflows/{w}/failureActions"));
        for (s, step) in workflow.steps.iter().enumerate() {
            failure(&step.on_failure, format!("/workflows/{w}/steps/{s}/onFailure"));
        }
    }
    if let Some(components) = &document.components {
        for (name, action) in &components.success_actions {
            if !action.parameters.is_empty() {
                let pointer = format!("/components/successActions/{}", super::escape(name));
                found.push((pointer, action.workflow_id.clone()));
            }
        }
        for (name, action) in &components.failure_actions {
            if !action.parameters.is_empty() {
                let pointer = format!("/components/failureActions/{}", super::escape(name));
                found.push((pointer, action.workflow_id.clone()));
            }
        }
    }
    for (pointer, workflow_id) in found {
        if workflow_id.is_none() {
            reporter.error(
                &format!("{pointer}/parameters"),
                "an action's `parameters` are inputs of the workflow it names, and this action names none \
                 (`workflowId`)",
            );
        }
    }
}

/// What a step calls, as far as 1.1 tells them apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Workflow,
    OpenApi,
    AsyncApi,
}

/// Checks what 1.1 adds to a step. Returns `false` when the step must not be planned: it is an
/// AsyncAPI step (refused), or 1.1 makes what it calls ambiguous or wrong.
pub(super) fn step(cx: &mut Context<'_, '_>, workflow: &model::Workflow, step: &model::Step, pointer: &str) -> bool {
    if cx.reporter.version < Version::V1_1 {
        return true;
    }
    depends_on(cx, workflow, step, pointer);
    if step.success_criteria.is_empty() && has_key(cx, &format!("{pointer}/successCriteria")) {
        cx.reporter.error(
            &format!("{pointer}/successCriteria"),
            "`successCriteria` must hold at least one criterion when it is present; leave it out to require a \
             2xx status",
        );
    }
    let targets = [
        step.operation_id.is_some(),
        step.operation_path.is_some(),
        step.channel_path.is_some(),
        step.workflow_id.is_some(),
    ];
    if targets.iter().filter(|set| **set).count() != 1 {
        cx.reporter.error(
            pointer,
            "a step needs exactly one of `operationId`, `operationPath`, `channelPath` and `workflowId`",
        );
        return false;
    }
    let target = target(cx.document, step);
    let fine = match target {
        Target::Workflow => not_async(cx, step, pointer, "this step calls a workflow"),
        Target::OpenApi => {
            let what = match (&step.operation_id, &step.operation_path) {
                (Some(id), _) => format!("`{id}` is an operation of an OpenAPI source description"),
                _ => "`operationPath` points at an OpenAPI operation".to_string(),
            };
            not_async(cx, step, pointer, &what)
        }
        Target::AsyncApi => {
            asyncapi(cx, step, pointer);
            false
        }
    };
    // Negative and fractional values are refused with the field's type (a non-negative integer).
    if step.timeout == Some(0) {
        cx.reporter.error(
            &format!("{pointer}/timeout"),
            "`timeout: 0` leaves the step no time at all, so it could never succeed; give the milliseconds it may \
             take, or leave `timeout` out for no limit of its own",
        );
    }
    fine
}

/// Whether the document has the key at `pointer` (an empty list reads as absent in the model).
fn has_key(cx: &Context<'_, '_>, pointer: &str) -> bool {
    cx.reporter.loaded.value.pointer(pointer).is_some()
}

/// Whether `step` sends or receives AsyncAPI messages (refused as not generated yet by [`step`]).
pub(super) fn is_asyncapi(document: &Document, step: &model::Step) -> bool {
    target(document, step) == Target::AsyncApi
}

/// What `step` calls: its field, and for an `operationId` the kind of source it names (unqualified,
/// the only kind of source the document has; with both kinds, `action` says it is AsyncAPI).
fn target(document: &Document, step: &model::Step) -> Target {
    if step.workflow_id.is_some() {
        return Target::Workflow;
    }
    if step.channel_path.is_some() {
        return Target::AsyncApi;
    }
    if step.operation_path.is_some() {
        return Target::OpenApi;
    }
    let id = step.operation_id.as_deref().unwrap_or_default();
    let kind_of =
        |name: &str| document.source_descriptions.iter().find(|source| source.name == name).map(|source| source.kind);
    if let Ok(Expr::SourceDescriptions { name, .. }) = expr::parse(id)
        && let Some(kind) = kind_of(&name)
    {
        return if kind == Some(SourceKind::Asyncapi) { Target::AsyncApi } else { Target::OpenApi };
    }
    let kinds = document.source_descriptions.iter().filter(|source| source.kind != Some(SourceKind::Arazzo));
    let (asyncapi, openapi): (Vec<_>, Vec<_>) = kinds.partition(|source| source.kind == Some(SourceKind::Asyncapi));
    match (asyncapi.is_empty(), openapi.is_empty()) {
        (false, true) => Target::AsyncApi,
        (false, false) if step.action.is_some() => Target::AsyncApi,
        _ => Target::OpenApi,
    }
}

/// `action` and `correlationId` belong to AsyncAPI steps: anywhere else they are mistakes.
fn not_async(cx: &mut Context<'_, '_>, step: &model::Step, pointer: &str, what: &str) -> bool {
    let mut fine = true;
    if let Some(action) = step.action {
        cx.reporter.error(
            &format!("{pointer}/action"),
            format!("`action: {}` is for steps that send or receive AsyncAPI messages, but {what}", action.as_str()),
        );
        fine = false;
    }
    if step.correlation_id.is_some() {
        cx.reporter.error(
            &format!("{pointer}/correlationId"),
            format!("`correlationId` is for steps that receive AsyncAPI messages, but {what}"),
        );
        fine = false;
    }
    fine
}

/// An AsyncAPI step: what 1.1 says is wrong with it, or else that it is not generated yet.
fn asyncapi(cx: &mut Context<'_, '_>, step: &model::Step, pointer: &str) {
    let before = cx.reporter.diagnostics.len();
    let asyncapi_sources: Vec<&str> = cx
        .document
        .source_descriptions
        .iter()
        .filter(|source| source.kind == Some(SourceKind::Asyncapi))
        .map(|source| source.name.as_str())
        .collect();
    if let Some(path) = &step.channel_path {
        let path_pointer = format!("{pointer}/channelPath");
        if asyncapi_sources.is_empty() {
            cx.reporter.error(
                &path_pointer,
                "`channelPath` points into an AsyncAPI description, but no source description of this document has \
                 `type: asyncapi`",
            );
        } else if !channel_path_names(path, &asyncapi_sources) {
            cx.reporter.error(
                &path_pointer,
                format!(
                    "`{path}` is not of the form `{{$sourceDescriptions.<name>.url}}#/channels/<channel>` naming an \
                     AsyncAPI source description"
                ),
            );
        }
    }
    match step.action {
        // An `action` of the wrong type is reported as such, and read as absent.
        None if has_key(cx, &format!("{pointer}/action")) => {}
        None => cx
            .reporter
            .error(pointer, "a step that sends or receives AsyncAPI messages needs `action` (`send` or `receive`)"),
        Some(StepAction::Send) if step.correlation_id.is_some() => cx.reporter.error(
            &format!("{pointer}/correlationId"),
            "`correlationId` selects the message a step receives; it does not apply to `action: send`",
        ),
        Some(_) => {}
    }
    for (index, parameter) in step.parameters.iter().enumerate() {
        if let Reusable::Inline(parameter) = parameter
            && parameter.location.is_none()
        {
            cx.reporter.error(
                &format!("{pointer}/parameters/{index}/in"),
                format!("parameter `{}` needs `in` on a step that calls an operation", parameter.name),
            );
        }
    }
    // A bad `action` (reported by the shape check) is the step's problem, rather than what is not generated.
    let unreadable_action = step.action.is_none() && has_key(cx, &format!("{pointer}/action"));
    if unreadable_action || cx.reporter.diagnostics[before..].iter().any(crate::Diagnostic::is_error) {
        return;
    }
    let (field, text) = match (step.action, &step.channel_path, &step.operation_id) {
        (Some(action), _, _) => ("action", format!("`action: {}`", action.as_str())),
        (None, Some(path), _) => ("channelPath", format!("`{path}`")),
        (None, None, id) => ("operationId", format!("`{}`", id.as_deref().unwrap_or_default())),
    };
    cx.reporter.unsupported(&format!("{pointer}/{field}"), &format!("AsyncAPI steps ({text})"));
}

/// Whether a `channelPath` is `{$sourceDescriptions.<name>.url}#<pointer>` with `name` one of `sources`.
fn channel_path_names(path: &str, sources: &[&str]) -> bool {
    match expr::parse_template(path).ok().as_deref() {
        Some(
            [
                TemplatePart::Expr { expr: Expr::SourceDescriptions { name, rest }, braced: true, .. },
                TemplatePart::Literal(fragment),
            ],
        ) => rest == "url" && fragment.starts_with("#/") && sources.contains(&name.as_str()),
        _ => false,
    }
}

/// Step `dependsOn` (1.1): a non-empty list of distinct references to steps that exist, each written
/// as a local `stepId`, `$workflows.<id>.steps.<stepId>` or `$sourceDescriptions.<name>.<id>.steps.<stepId>`.
/// What they mean for the order of the steps is `check::order`'s.
fn depends_on(cx: &mut Context<'_, '_>, workflow: &model::Workflow, step: &model::Step, pointer: &str) {
    let Some(entries) = &step.depends_on else { return };
    let list_pointer = format!("{pointer}/dependsOn");
    if entries.is_empty() {
        cx.reporter.error(&list_pointer, "`dependsOn` must list at least one step; leave it out if there is none");
        return;
    }
    for (index, entry) in entries.iter().enumerate() {
        let entry_pointer = format!("{list_pointer}/{index}");
        if entries[..index].contains(entry) {
            cx.reporter.error(&entry_pointer, format!("`{entry}` is listed twice in `dependsOn`"));
            continue;
        }
        if let Err(message) = dependency(cx.document, workflow, step, entry) {
            cx.reporter.error(&entry_pointer, message);
        }
    }
}

/// Resolves one `dependsOn` entry, or says why it names no step.
fn dependency(document: &Document, workflow: &model::Workflow, step: &model::Step, entry: &str) -> Result<(), String> {
    let in_workflow = |workflow: &model::Workflow, id: &str, entry: &str| {
        if workflow.steps.iter().any(|candidate| candidate.step_id == id) {
            Ok(())
        } else {
            Err(format!("`{entry}` names no step of workflow `{}`", workflow.workflow_id))
        }
    };
    if !entry.starts_with('$') {
        if entry == step.step_id {
            return Err(format!("step `{entry}` cannot depend on itself"));
        }
        return in_workflow(workflow, entry, entry);
    }
    let parts: Vec<&str> = entry.split('.').collect();
    match parts.as_slice() {
        ["$workflows", id, "steps", step_id] => match document.workflows.iter().find(|w| w.workflow_id == *id) {
            Some(other) => in_workflow(other, step_id, entry),
            None => Err(format!("`{entry}` names no workflow of this document (`{id}`)")),
        },
        ["$sourceDescriptions", name, _, "steps", _] => {
            match document.source_descriptions.iter().find(|source| source.name == *name) {
                Some(source) if source.kind == Some(SourceKind::Arazzo) => Ok(()),
                Some(_) => Err(format!("`{entry}` names a step of source `{name}`, which is not an Arazzo document")),
                None => Err(format!("`{entry}` names no source description of this document (`{name}`)")),
            }
        }
        _ => Err(format!(
            "`{entry}` is not a step reference: write a `stepId` of this workflow, `$workflows.<workflowId>.steps.\
             <stepId>` or `$sourceDescriptions.<name>.<workflowId>.steps.<stepId>`"
        )),
    }
}

/// `in` of a parameter of a step that calls an OpenAPI operation, as a location arazzo-rs generates.
pub(super) fn location(
    reporter: &mut Reporter<'_>,
    parameter: &model::Parameter,
    pointer: &str,
) -> Option<model::ParameterLocation> {
    use model::{ParameterIn, ParameterLocation};
    let location = match parameter.location {
        None => {
            reporter.error(
                &format!("{pointer}/in"),
                format!(
                    "parameter `{}` needs `in` (path, query, header or cookie) on a step that calls an operation",
                    parameter.name
                ),
            );
            return None;
        }
        Some(ParameterIn::Path) => ParameterLocation::Path,
        Some(ParameterIn::Query) => ParameterLocation::Query,
        Some(ParameterIn::Header) => ParameterLocation::Header,
        Some(ParameterIn::Cookie) => ParameterLocation::Cookie,
        // The whole query string is planned on its own (`check::query_string`), never as a parameter.
        Some(ParameterIn::Querystring) => return None,
        Some(ParameterIn::Channel) => {
            reporter.error(
                &format!("{pointer}/in"),
                "`in: channel` is for AsyncAPI channel parameters; an OpenAPI operation takes parameters in path, \
                 query, header or cookie",
            );
            return None;
        }
    };
    Some(location)
}

/// Whether `expr` is an expression of the version the document declares; reports it when not. The
/// parser reads both grammars: 1.0 has no `$self` or `$message`; 1.1 restricts the names of inputs,
/// outputs and workflow fields to `[A-Za-z0-9.-_]+`, keeps `{` and `}` out of names and pointers
/// (they delimit embedded expressions), and names three kinds of components.
pub(super) fn expression(reporter: &mut Reporter<'_>, expr: &Expr, pointer: &str) -> bool {
    let problem = match (reporter.version, expr) {
        (Version::V1_0, Expr::SelfUri | Expr::Message { .. }) => {
            let keyword = if matches!(expr, Expr::SelfUri) { "$self" } else { "$message" };
            reporter.error(
                pointer,
                format!(
                    "`{keyword}` is an Arazzo 1.1 expression, but this document declares `arazzo: {}`; declare \
                     `arazzo: 1.1.0` to use it (`arazzo-codegen upgrade` rewrites the document)",
                    reporter.loaded.value.get("arazzo").and_then(serde_json::Value::as_str).unwrap_or("1.0.x")
                ),
            );
            return false;
        }
        (Version::V1_0, _) => None,
        (Version::V1_1, _) => expr::v1_1_problem(expr),
    };
    match problem {
        Some(problem) => {
            reporter.error(pointer, format!("`{expr}` is not an Arazzo 1.1 runtime expression: {problem}"));
            false
        }
        None => true,
    }
}
