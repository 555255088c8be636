//! Steps to operations: `operationId` (plain or qualified) and `operationPath`, and the credentials an
//! operation needs.

use super::values::list;
use super::workflow::Context;
use crate::expr::{self, Expr, TemplatePart};
use crate::model;
use crate::naming::Scope;
use crate::openapi::{Operation, ParamLocation, SecurityScheme};
use crate::plan::{CredentialKind, CredentialPlan, CredentialUse, ParameterPlan};

/// The operation a step calls, and the index of the source that describes it.
pub(crate) fn find<'s>(cx: &mut Context<'s, '_>, step: &model::Step, pointer: &str) -> Option<(usize, &'s Operation)> {
    let targets = [step.operation_id.is_some(), step.operation_path.is_some(), step.workflow_id.is_some()];
    if targets.iter().filter(|set| **set).count() != 1 {
        cx.reporter.error(pointer, "a step needs exactly one of `operationId`, `operationPath` and `workflowId`");
        return None;
    }
    if let Some(id) = &step.operation_id {
        return by_id(cx, id, &format!("{pointer}/operationId"));
    }
    let path = step.operation_path.as_deref().unwrap_or_default();
    by_path(cx, path, &format!("{pointer}/operationPath"))
}

fn by_id<'s>(cx: &mut Context<'s, '_>, id: &str, pointer: &str) -> Option<(usize, &'s Operation)> {
    // Only `$sourceDescriptions.<name>.<id>` is qualified: plain ids may contain dots (`v1.integration.get`).
    if id.starts_with("$sourceDescriptions.") {
        let Ok(Expr::SourceDescriptions { name, rest }) = expr::parse(id) else {
            cx.reporter
                .error(pointer, format!("`{id}` is not a valid `$sourceDescriptions.<name>.<operationId>` reference"));
            return None;
        };
        let (index, source) = source_named(cx, &name, pointer)?;
        return match source.openapi.operation_by_id(&rest) {
            Some(operation) => Some((index, operation)),
            None => {
                let hint = list(source.openapi.closest_operation_ids(&rest, 3).into_iter());
                cx.reporter.error_with_help(
                    pointer,
                    format!("source `{name}` has no operation `{rest}` (operationIds are case-sensitive)"),
                    format!("closest: {hint}"),
                );
                None
            }
        };
    }
    let found: Vec<(usize, &Operation)> = cx
        .sources
        .iter()
        .enumerate()
        .filter_map(|(index, source)| source.openapi.operation_by_id(id).map(|operation| (index, operation)))
        .collect();
    match found.as_slice() {
        [one] => Some(*one),
        [] => {
            if cx.all_sources_loaded {
                // Each source's three closest, then the three closest of those over all sources.
                let mut closest: Vec<&str> =
                    cx.sources.iter().flat_map(|source| source.openapi.closest_operation_ids(id, 3)).collect();
                closest.sort_by_key(|candidate| (strsim::levenshtein(id, candidate), *candidate));
                closest.dedup();
                let hint = list(closest.into_iter().take(3));
                cx.reporter.error_with_help(
                    pointer,
                    format!("no source description has an operation `{id}`"),
                    format!("closest: {hint}"),
                );
            }
            None
        }
        _ => {
            let names = list(found.iter().map(|(index, _)| cx.sources[*index].name.as_str()));
            cx.reporter.error(
                pointer,
                format!("operation `{id}` exists in several sources ({names}); qualify it as `$sourceDescriptions.<name>.{id}`"),
            );
            None
        }
    }
}

/// `{$sourceDescriptions.<name>.url}#<JSON pointer to an operation>`.
fn by_path<'s>(cx: &mut Context<'s, '_>, path: &str, pointer: &str) -> Option<(usize, &'s Operation)> {
    let parts = expr::parse_template(path).ok();
    let parsed = match parts.as_deref() {
        Some(
            [
                TemplatePart::Expr { expr: Expr::SourceDescriptions { name, rest }, braced: true, .. },
                TemplatePart::Literal(fragment),
            ],
        ) if rest == "url" => fragment.strip_prefix('#').map(|json_pointer| (name.clone(), json_pointer.to_string())),
        _ => None,
    };
    let Some((name, json_pointer)) =
        parsed.or_else(|| super::lenient::unbraced_operation_path(cx.reporter, path, pointer))
    else {
        cx.reporter.error(
            pointer,
            format!("`{path}` is not of the form `{{$sourceDescriptions.<name>.url}}#/paths/<escaped path>/<method>`"),
        );
        return None;
    };
    let (index, source) = source_named(cx, &name, pointer)?;
    match source.openapi.operation_by_pointer(&json_pointer) {
        Some(operation) => Some((index, operation)),
        None => {
            cx.reporter.error(
                pointer,
                format!("`#{json_pointer}` does not point at an operation of source `{name}` (it must end in a method such as `/get`)"),
            );
            None
        }
    }
}

/// The source description named `name`, or else the one whose name differs from it only in case (with a
/// warning: names are case-sensitive, but a second source that matches too makes it an error).
fn source_named<'s>(cx: &mut Context<'s, '_>, name: &str, pointer: &str) -> Option<(usize, &'s super::Source)> {
    let sources: &'s [super::Source] = cx.sources;
    let found = super::lenient::named_or_case_folded(sources, name, |source| &source.name);
    if let Some((_, source)) = found
        && source.name != name
    {
        super::lenient::source_name_case(cx.reporter, pointer, name, &source.name);
    }
    if found.is_none() && cx.all_sources_loaded {
        let names = list(cx.sources.iter().map(|source| source.name.as_str()));
        cx.reporter.error_with_help(
            pointer,
            format!("no source description is named `{name}`"),
            format!("sources: {names}"),
        );
    }
    found
}

/// The credentials a step sends: the first security requirement of the operation whose schemes are
/// all supported, less the schemes whose header the step sets itself.
pub(crate) fn credentials(
    cx: &mut Context<'_, '_>,
    source: usize,
    operation: &Operation,
    parameters: &[ParameterPlan],
    pointer: &str,
) -> Vec<CredentialUse> {
    let openapi = &cx.sources[source].openapi;
    if operation.security.is_empty() || operation.security.iter().any(|requirement| requirement.is_empty()) {
        return Vec::new();
    }
    // A scheme the requirement names but components.securitySchemes lacks gets no credential: the
    // description already warned where it is named. A requirement whose schemes all exist wins.
    let declared = |name: &&String| openapi.security_schemes.contains_key(*name);
    let kinds_of = |requirement: &crate::openapi::SecurityRequirement| -> Option<Vec<(String, CredentialKind)>> {
        requirement
            .keys()
            .filter(declared)
            .map(|name| Some((name.clone(), credential_kind(openapi.security_schemes.get(name)?)?)))
            .collect()
    };
    let mut complete = operation.security.iter().filter(|requirement| requirement.keys().all(|name| declared(&name)));
    let Some(chosen) = complete.find_map(kinds_of).or_else(|| operation.security.iter().find_map(kinds_of)) else {
        let names = list(operation.security.iter().flat_map(|requirement| requirement.keys().map(String::as_str)));
        cx.reporter.unsupported(
            pointer,
            &format!("the security schemes of this operation ({names}); supported: http bearer and basic, apiKey, oauth2, openIdConnect"),
        );
        return Vec::new();
    };
    let mut uses = Vec::new();
    for (scheme_name, kind) in chosen {
        let header = match &kind {
            CredentialKind::Bearer | CredentialKind::Basic => Some("authorization"),
            CredentialKind::ApiKeyHeader(name) => Some(name.as_str()),
            CredentialKind::ApiKeyQuery(_) | CredentialKind::ApiKeyCookie(_) => None,
        };
        let set_by_step = header.is_some_and(|header| {
            parameters.iter().any(|parameter| {
                parameter.location == model::ParameterLocation::Header && parameter.name.eq_ignore_ascii_case(header)
            })
        });
        if set_by_step {
            continue;
        }
        let plan = &mut cx.source_plans[source];
        let index = match plan.credentials.iter().position(|credential| credential.scheme_name == scheme_name) {
            Some(index) => index,
            None => {
                let mut fields = Scope::with_reserved(&["base_url"]);
                for existing in &plan.credentials {
                    fields.claim(existing.field.clone());
                }
                let description = openapi.security_scheme_description(&scheme_name).map(str::to_string);
                plan.credentials.push(CredentialPlan {
                    field: fields.snake(&scheme_name),
                    scheme_name,
                    kind,
                    description,
                });
                plan.credentials.len() - 1
            }
        };
        uses.push(CredentialUse::Configured(plan.credentials[index].scheme_name.clone()));
    }
    uses
}

/// How a security scheme is sent, or `None` when arazzo-rs cannot send it.
pub(crate) fn credential_kind(scheme: &SecurityScheme) -> Option<CredentialKind> {
    match scheme {
        SecurityScheme::HttpBearer { .. } | SecurityScheme::OAuth2 | SecurityScheme::OpenIdConnect => {
            Some(CredentialKind::Bearer)
        }
        SecurityScheme::HttpBasic => Some(CredentialKind::Basic),
        SecurityScheme::ApiKey { name, location } => match location {
            ParamLocation::Header => Some(CredentialKind::ApiKeyHeader(name.clone())),
            ParamLocation::Query => Some(CredentialKind::ApiKeyQuery(name.clone())),
            ParamLocation::Cookie => Some(CredentialKind::ApiKeyCookie(name.clone())),
            ParamLocation::Path | ParamLocation::Querystring => None,
        },
        _ => None,
    }
}
