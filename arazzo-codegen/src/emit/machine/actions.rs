//! Success and failure actions: which applies (`if <criteria> { .. } else if ..`) and what it does
//! (the next step, a retry after a wait, the end of the workflow, or another workflow run first).

use proc_macro2::TokenStream;
use quote::quote;

use super::super::calls;
use super::super::criteria::holds;
use super::Names;
use crate::plan::{ActionKind, ActionPlan, StepPlan, ValueRef, WorkflowPlan};

/// Whether a step has a retry action that can apply, and so a counter. One with `retryLimit: 0` never
/// does (`retries < 0` is always false, and rustc says so), nor one after an unconditional action: its
/// counter would be set and never read, which rustc reports too.
pub(super) fn has_retry(step: &StepPlan) -> bool {
    reachable(&step.on_failure).chain(reachable(&step.on_success)).any(is_retry)
}

/// The actions that can apply, in order: not a retry with `retryLimit: 0`, and none after the first
/// unconditional action (it always applies).
fn reachable(actions: &[ActionPlan]) -> impl Iterator<Item = &ActionPlan> {
    let mut ended = false;
    actions.iter().filter(|action| !never_applies(action)).take_while(move |action| {
        let reached = !ended;
        ended = is_unconditional(action);
        reached
    })
}

/// A retry applies only until its limit is used up; other actions without criteria always apply.
fn is_unconditional(action: &ActionPlan) -> bool {
    action.criteria.is_empty() && !is_retry(action)
}

fn is_retry(action: &ActionPlan) -> bool {
    matches!(action.kind, ActionKind::Retry { .. })
}

fn never_applies(action: &ActionPlan) -> bool {
    matches!(action.kind, ActionKind::Retry { limit: 0, .. })
}

/// Whether the criteria of any of `actions` read an output of the workflow `call` runs.
pub(super) fn reads_callee(actions: &[ActionPlan], call: &crate::plan::CallPlan) -> bool {
    call.reads.iter().any(|read| reads_callee_output(actions, &read.variable))
}

/// Whether the criteria of any of `actions` read the variable a called workflow's output is bound to.
pub(super) fn reads_callee_output(actions: &[ActionPlan], variable: &str) -> bool {
    actions
        .iter()
        .flat_map(|action| &action.criteria)
        .flat_map(|criterion| criterion.check.refs())
        .any(|value| matches!(value.base(), ValueRef::StepOutput { variable: read, .. } if read == variable))
}

/// Runs another workflow for an action; its failure fails this step, keeping its partial outputs.
fn transfer(call: &crate::plan::CallPlan) -> TokenStream {
    let invocation = calls::invocation(call, None);
    let keep_partial = calls::keep_partial(call);
    quote! {
        if let ::core::result::Result::Err(error) = #invocation {
            #keep_partial
            return ::core::result::Result::Err(run.fail(error));
        }
    }
}

/// `if <criteria> { <action> } else if .. else { <fallback> }`, evaluating to the next step.
pub(super) fn action_chain(
    workflow: &WorkflowPlan,
    actions: &[ActionPlan],
    names: &Names,
    index: usize,
    fallback: TokenStream,
    success: bool,
) -> TokenStream {
    let mut branches = Vec::new();
    let mut otherwise = fallback;
    for action in reachable(actions) {
        let effect = action_effect(workflow, action, names, index, success);
        if is_unconditional(action) {
            // Later actions and the default can no longer be reached.
            otherwise = effect;
            break;
        }
        branches.push((action_condition(workflow, action, success, names, index), effect));
    }
    // A branch that does what the default does anyway would only be noise (and trip clippy).
    let fallback_text = otherwise.to_string();
    branches.retain(|(_, effect)| effect.to_string() != fallback_text);
    if branches.is_empty() {
        return otherwise;
    }
    let branches = branches.iter().map(|(condition, effect)| quote!(if #condition { #effect } else));
    quote!(#(#branches)* { #otherwise })
}

fn action_condition(
    workflow: &WorkflowPlan,
    action: &ActionPlan,
    success: bool,
    names: &Names,
    index: usize,
) -> TokenStream {
    let parts: Vec<TokenStream> =
        action.criteria.iter().map(|criterion| holds(&criterion.check, criterion.rules)).collect();
    let all = if parts.is_empty() { quote!(true) } else { quote!(#(#parts)&&*) };
    // What a called workflow returned is bound in the failure arm only when it returned (its outputs
    // are then carried in place of a response): after its failure, criteria that read them do not hold.
    let call = workflow.steps[index].call.as_ref();
    let read = call.map_or_else(Vec::new, |call| {
        call.reads.iter().filter(|read| reads_callee_output(std::slice::from_ref(action), &read.variable)).collect()
    });
    // After a failure there may be no response (a transport error): criteria that read it do not hold.
    let mut condition = if !success && !read.is_empty() {
        let reads = calls::callee_reads(read);
        quote!(match &called {
            ::core::option::Option::Some(called) => { #(#reads)* #all }
            ::core::option::Option::None => false,
        })
    } else if !success && action.reads_response() {
        quote!(match &response { ::core::option::Option::Some(response) => #all, ::core::option::Option::None => false })
    } else {
        all
    };
    if let ActionKind::Retry { limit, .. } = action.kind {
        // A retry applies until its limit is used up; then the later actions get their turn.
        let counter = &names.retries[index];
        condition = if action.criteria.is_empty() {
            quote!(self.#counter < #limit)
        } else {
            quote!(self.#counter < #limit && (#condition))
        };
    }
    condition
}

fn action_effect(
    workflow: &WorkflowPlan,
    action: &ActionPlan,
    names: &Names,
    index: usize,
    success: bool,
) -> TokenStream {
    match &action.kind {
        ActionKind::End if success => quote!(::core::option::Option::None),
        ActionKind::End => quote!(return ::core::result::Result::Err(run.fail(error));),
        ActionKind::Goto(target) => {
            let variant = &names.variants[*target];
            let target_id = &workflow.steps[*target].step_id;
            quote! {
                run.goto(#target_id);
                ::core::option::Option::Some(Step::#variant)
            }
        }
        ActionKind::Transfer(call) => {
            let run_callee = transfer(call);
            let target_id = format!("workflow {}", call.workflow_id);
            let after = if success {
                quote!(::core::option::Option::None)
            } else {
                quote!(return ::core::result::Result::Err(run.fail(error));)
            };
            quote! {
                run.goto(#target_id);
                #run_callee
                #after
            }
        }
        ActionKind::Retry { after, limit, target, first } => {
            let first = first.as_deref().map(transfer);
            let counter = &names.retries[index];
            let variant = &names.variants[target.unwrap_or(index)];
            let after = match after {
                Some(seconds) => quote!(::core::option::Option::Some(#seconds)),
                None => quote!(::core::option::Option::None),
            };
            let step = &workflow.steps[index];
            let carries_outputs = step.call.as_ref().is_some_and(|call| reads_callee(&step.on_failure, call));
            let response = match (success, step.call.is_some()) {
                (true, false) => quote!(::core::option::Option::Some(&response)),
                (true, true) => quote!(::core::option::Option::None),
                // A step that calls a workflow has no response; its failure arm may carry the outputs.
                (false, true) if carries_outputs => quote!(::core::option::Option::None),
                (false, _) => quote!(response.as_ref()),
            };
            quote! {
                self.#counter += 1;
                #first
                run.retry_wait(#response, #after, self.#counter, #limit).await?;
                ::core::option::Option::Some(Step::#variant)
            }
        }
    }
}
