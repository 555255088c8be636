//! What a failed step keeps: `run.keep_on_failure(..)` for a step whose request may take effect, so
//! that a key the server created is in the error's partial outputs even when a criterion did not
//! hold or another output could not be read. Outputs of selectors that embed values read elsewhere
//! are not kept: the hook is a function pointer, which holds nothing.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::plan::{OutputSource, SelectorKind, ValueRef, WorkflowPlan};

/// `run.keep_on_failure(|partial, response| { .. });` for step `index` of `workflow`, when it calls
/// an operation with an unsafe method (the runtime keeps such a response in the checkpoint when it
/// answered below 400) and its response fills partial outputs (workflow outputs, kept secrets):
/// each is read leniently, `None` when the response does not hold it. Values a step copies from
/// its inputs are not read from the response and are left out.
pub(super) fn keep_on_failure(workflow: &WorkflowPlan, index: usize) -> Option<TokenStream> {
    let step = &workflow.steps[index];
    if step.call.is_some() || step.method.is_safe() {
        return None;
    }
    let read = |variable: &str| {
        let output = step.outputs.iter().find(|output| output.variable == variable)?;
        match &output.source {
            // The hook is a plain `fn`, which cannot hold the values a selector embeds (inputs, earlier
            // outputs): such an output is left out of a failed step's partial outputs.
            OutputSource::BodySelector { selector, .. }
                if selector.reads().iter().any(|value| !matches!(value, ValueRef::Constant(_))) =>
            {
                None
            }
            OutputSource::BodyPointer(pointer) => Some(quote!(response.extract(#pointer).ok())),
            OutputSource::BodySelector { context, selector: SelectorKind::JsonPath { query, pieces, .. }, .. }
                if !pieces.is_empty() =>
            {
                let pieces = super::value::jsonpath_pieces(pieces);
                Some(quote!(response.select_all_with(#context, #query, #pieces).ok()))
            }
            OutputSource::BodySelector {
                context,
                selector: SelectorKind::JsonPath { query, singular: true, .. },
                ..
            } => Some(quote!(response.select(#context, #query).ok())),
            OutputSource::BodySelector {
                context,
                selector: SelectorKind::JsonPath { query, singular: false, .. },
                ..
            } => Some(quote!(response.select_all(#context, #query).ok())),
            OutputSource::BodySelector {
                selector: SelectorKind::XPath { expression, translated, version, variables },
                ..
            } if !variables.is_empty() => {
                let xpath = super::criteria::xpath(expression, translated.as_deref(), *version);
                let variables = super::criteria::selector_variables(variables);
                Some(quote!(::arazzo_runtime::xpath::select_body_with(#xpath, #variables, response.body()).ok()))
            }
            OutputSource::BodySelector {
                selector: SelectorKind::XPath { expression, translated, version, .. },
                ..
            } => {
                let xpath = super::criteria::xpath(expression, translated.as_deref(), *version);
                Some(quote!(::arazzo_runtime::xpath::select_body(#xpath, response.body()).ok()))
            }
            OutputSource::ResponseHeader(name) => Some(quote!(response.header(#name).map(::core::convert::Into::into))),
            OutputSource::StatusCode => Some(quote!(::core::option::Option::Some(i64::from(response.status())))),
            OutputSource::Copy(_)
            | OutputSource::Callee(_)
            | OutputSource::CalleePart(_)
            | OutputSource::Sent(_)
            | OutputSource::Constant(_) => None,
        }
    };
    let outputs = workflow.outputs.iter().filter(|output| output.available_after == Some(index)).filter_map(|output| {
        let ValueRef::StepOutput { variable, .. } = &output.value else { return None };
        Some((&output.field.field, read(variable)?))
    });
    let kept = workflow
        .kept_secrets
        .iter()
        .filter(|kept| kept.step_index == index)
        .filter_map(|kept| Some((&kept.field, read(&kept.variable)?)));
    let statements: Vec<TokenStream> = outputs
        .chain(kept)
        .map(|(field, value)| {
            let field = ident(field);
            quote!(partial.#field = #value;)
        })
        .collect();
    if statements.is_empty() {
        return None;
    }
    Some(quote!(run.keep_on_failure(|partial, response| { #(#statements)* });))
}
