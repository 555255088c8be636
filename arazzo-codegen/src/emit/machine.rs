//! A workflow with success or failure actions, as a state machine over a step enum:
//!
//! ```text
//! let mut next = Some(Step::First);
//! while let Some(step) = next {
//!     run.transition()?;            // bounded: an endless goto loop is an error, not a hang
//!     next = match step {
//!         Step::First => { /* send, check, then the first action whose criteria hold */ }
//!         ...
//!     };
//! }
//! ```
//!
//! Step outputs live in `Option` variables declared before the loop; a step that reads one takes a
//! copy through `run.available(..)`, which the checker has proved will succeed.

use proc_macro2::TokenStream;
use quote::quote;

use super::criteria::holds;
use super::request::{self, DEFAULT_CRITERION};
use super::{ident, rust_type};
use crate::naming::{self, Scope};
use crate::plan::{
    ActionKind, ActionPlan, ConditionPlan, CriterionCheck, CriterionPlan, ModulePlan, RustType, StatusCheck, StepPlan,
    ValueRef, WorkflowPlan,
};

/// Names used inside the generated function that no document name may take.
struct Names {
    variants: Vec<proc_macro2::Ident>,
    retries: Vec<proc_macro2::Ident>,
}

fn names(workflow: &WorkflowPlan) -> Names {
    let mut variant_scope = Scope::default();
    let variants =
        workflow.steps.iter().map(|step| ident(&variant_scope.claim(naming::camel(&step.step_id)))).collect();
    let taken: Vec<&str> = workflow
        .steps
        .iter()
        .flat_map(|step| step.outputs.iter().map(|output| output.variable.as_str()))
        .chain(["client", "config", "inputs", "run", "request", "response", "next", "step", "checked", "error"])
        .collect();
    let mut locals = Scope::with_reserved(&taken);
    let retries =
        workflow.steps.iter().map(|step| ident(&locals.snake(&format!("{}_retries", step.step_id)))).collect();
    Names { variants, retries }
}

/// Whether a step output is read only to be kept in the partial outputs (a secret no workflow output
/// carries and no step reads): it is then a local of its step's arm, not a variable of the whole loop,
/// whose initial `None` nothing would read (`unused_assignments`).
fn kept_only(workflow: &WorkflowPlan, variable: &str) -> bool {
    let reads =
        |value: &ValueRef| matches!(value.base(), ValueRef::StepOutput { variable: read, .. } if read == variable);
    workflow.kept_secrets.iter().any(|kept| kept.variable == variable)
        && !workflow.steps.iter().any(|step| step.values_read().into_iter().any(reads))
        && !workflow.outputs.iter().any(|output| reads(&output.value))
}

/// The statements of the workflow function after `let mut run = ..` (they end in `Ok(outputs)`).
pub(super) fn body(plan: &ModulePlan, workflow: &WorkflowPlan) -> TokenStream {
    let names = names(workflow);
    let variants = &names.variants;
    let declarations = workflow
        .steps
        .iter()
        .flat_map(|step| &step.outputs)
        .filter(|output| output.used && !kept_only(workflow, &output.variable))
        .map(|output| {
            let variable = ident(&output.variable);
            let ty = rust_type(&output.ty);
            quote!(let mut #variable: ::core::option::Option<#ty> = ::core::option::Option::None;)
        });
    let counters = workflow
        .steps
        .iter()
        .zip(&names.retries)
        .filter(|(step, _)| has_retry(step))
        .map(|(_, counter)| quote!(let mut #counter: u64 = 0;));
    let bodies: Vec<TokenStream> =
        (0..workflow.steps.len()).map(|index| step_arm(plan, workflow, index, &names)).collect();
    let arms = variants.iter().zip(&bodies).map(|(variant, body)| quote!(Step::#variant => { #body }));
    let first = &variants[0];
    // A step that no step's order or action leads to (the one after a step whose first action is an
    // unconditional `goto`) never runs: its variant is never constructed, which rustc would report.
    let enum_variants = variants.iter().enumerate().map(|(index, variant)| {
        if index == 0 || bodies.iter().any(|body| constructs(body.clone(), variant)) {
            quote!(#variant)
        } else {
            quote!(#[allow(dead_code)] #variant)
        }
    });
    let outputs = ident(&workflow.outputs_type);
    let output_fields = workflow.outputs.iter().map(|output| {
        let field = ident(&output.field.field);
        let value = match &output.value {
            ValueRef::Input { .. }
            | ValueRef::Pointer { .. }
            | ValueRef::Constant(_)
            | ValueRef::Selected { .. }
            | ValueRef::Called { .. } => super::value::owned(&output.value),
            // An output of a `dependsOn` workflow: a plain variable set before the loop.
            ValueRef::StepOutput { variable: dependency, .. }
                if !workflow
                    .steps
                    .iter()
                    .any(|step| step.outputs.iter().any(|output| &output.variable == dependency)) =>
            {
                super::value::owned(&output.value)
            }
            ValueRef::StepOutput { variable, ty } => {
                let variable = ident(variable);
                if output.field.optional && ty.is_nullable() {
                    // Not run, or `null`: one `None` in the outputs (see `emit/structs.rs`).
                    let value = copy_or_clone(&variable, ty);
                    quote!(#value.flatten())
                } else if output.field.optional {
                    copy_or_clone(&variable, ty)
                } else {
                    let what = &output.expression;
                    quote!(run.available(&#variable, #what)?)
                }
            }
        };
        super::field_init(&field, value)
    });
    quote! {
        /// The steps of the workflow, in document order.
        enum Step { #(#enum_variants),* }
        #(#declarations)*
        #(#counters)*
        let mut next = ::core::option::Option::Some(Step::#first);
        while let ::core::option::Option::Some(step) = next {
            run.transition()?;
            next = match step { #(#arms)* };
        }
        ::core::result::Result::Ok(#outputs { #(#output_fields),* })
    }
}

/// Whether `tokens` contain `Step::#variant`.
fn constructs(tokens: TokenStream, variant: &proc_macro2::Ident) -> bool {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    tokens.iter().enumerate().any(|(index, token)| match token {
        TokenTree::Group(group) => constructs(group.stream(), variant),
        TokenTree::Ident(ident) if ident == "Step" => {
            matches!(tokens.get(index + 3), Some(TokenTree::Ident(next)) if next == variant)
                && tokens[index + 1..index + 3]
                    .iter()
                    .all(|punct| matches!(punct, TokenTree::Punct(p) if p.as_char() == ':'))
        }
        _ => false,
    })
}

/// Whether a step has a retry action that can apply, and so a counter. One with `retryLimit: 0` never
/// does (`retries < 0` is always false, and rustc says so), nor one after an unconditional action: its
/// counter would be set and never read, which rustc reports too.
fn has_retry(step: &StepPlan) -> bool {
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

/// `value.clone()`, or `value` for `Copy` types, where clippy would object to the clone.
fn copy_or_clone(variable: &proc_macro2::Ident, ty: &RustType) -> TokenStream {
    if ty.is_copy() { quote!(#variable) } else { quote!(#variable.clone()) }
}

fn step_arm(plan: &ModulePlan, workflow: &WorkflowPlan, index: usize, names: &Names) -> TokenStream {
    let step = &workflow.steps[index];
    // Copies of the earlier outputs this step reads, under the names the request code uses.
    let mut read: Vec<(&String, String)> = Vec::new();
    for value in step.values_read() {
        // Outputs of `dependsOn` workflows are plain variables set before the loop: nothing to copy.
        if let ValueRef::StepOutput { variable, .. } = value.base()
            && workflow.steps.iter().any(|step| step.outputs.iter().any(|output| &output.variable == variable))
            && !read.iter().any(|(known, _)| *known == variable)
        {
            read.push((variable, expression_of(workflow, variable)));
        }
    }
    let copies = read.iter().map(|(variable, what)| {
        let variable = ident(variable);
        quote!(let #variable = run.available(&#variable, #what)?;)
    });
    let outputs = request::output_reads(step).into_iter().map(|read| match read {
        request::OutputRead::One(output) => {
            let value = request::output_value(output);
            let ty = rust_type(&output.ty);
            if output.used && kept_only(workflow, &output.variable) {
                let variable = ident(&output.variable);
                quote!(let #variable: #ty = #value;)
            } else if output.used {
                let variable = ident(&output.variable);
                quote!(#variable = ::core::option::Option::Some(#value);)
            } else {
                quote!(let _: #ty = #value;)
            }
        }
        request::OutputRead::Body(outputs) => {
            let stored =
                outputs.iter().enumerate().filter(|(_, (output, _))| output.used).map(|(position, (output, _))| {
                    let variable = ident(&output.variable);
                    let position = proc_macro2::Literal::usize_unsuffixed(position);
                    if kept_only(workflow, &output.variable) {
                        quote!(let #variable = outputs.#position;)
                    } else {
                        quote!(#variable = ::core::option::Option::Some(outputs.#position);)
                    }
                });
            let binding = if outputs.iter().any(|(output, _)| output.used) { quote!(outputs) } else { quote!(_) };
            let read = request::outputs_binding(binding, &outputs);
            quote! {
                #read
                #(#stored)*
            }
        }
        request::OutputRead::Unread(output, pointer) => request::unread_check(output, pointer),
    });
    let recorded = workflow.outputs.iter().filter(|output| output.available_after == Some(index)).map(|output| {
        let field = ident(&output.field.field);
        let value = match &output.value {
            ValueRef::StepOutput { variable, ty } => copy_or_clone(&ident(variable), ty),
            // A part of a value (at a pointer, picked by a selector) is an `Option` already.
            value if value.is_optional() => super::value::owned(value),
            value => {
                let value = super::value::owned(value);
                quote!(::core::option::Option::Some(#value))
            }
        };
        quote!(run.partial.#field = #value;)
    });
    let kept = workflow.kept_secrets.iter().filter(|kept| kept.step_index == index).map(|kept| {
        let field = ident(&kept.field);
        let variable = ident(&kept.variable);
        match (kept_only(workflow, &kept.variable), kept.nullable) {
            (true, _) => super::workflow::keep_secret(kept, quote!(#variable)),
            (false, false) => quote!(run.partial.#field = #variable.clone();),
            // The step's state holds `Some(None)` for `null`.
            (false, true) => quote!(run.partial.#field = #variable.clone().flatten();),
        }
    });
    let counter = &names.retries[index];
    let reset = has_retry(step).then(|| quote!(#counter = 0;));
    let next_step = match names.variants.get(index + 1) {
        Some(variant) => quote!(::core::option::Option::Some(Step::#variant)),
        None => quote!(::core::option::Option::None),
    };
    let on_success = action_chain(workflow, &step.on_success, names, index, next_step, true);
    let on_failure = action_chain(
        workflow,
        &step.on_failure,
        names,
        index,
        quote!(return ::core::result::Result::Err(run.fail(error));),
        false,
    );
    // Bind the response only where the arm uses it, so the generated code has no unused variables.
    let outputs: Vec<TokenStream> = outputs.collect();
    let succeeded_uses = outputs.iter().chain([&on_success]).any(|tokens| mentions(tokens, "response"));
    let succeeded_response = if succeeded_uses { quote!(response) } else { quote!(_) };
    // A step that calls a workflow carries what it returned into the failure arm instead of a response
    // when its failure actions' criteria read it (its own criteria may have failed after it returned).
    let failure_reads = step.call.as_ref().is_some_and(|call| reads_callee(&step.on_failure, call));
    let failed_response = if failure_reads {
        quote!(called)
    } else if mentions(&on_failure, "response") {
        quote!(response)
    } else {
        quote!(_)
    };
    // Nor the error: an unconditional `goto` on failure does not read it.
    let failed_error = if mentions(&on_failure, "error") { quote!(error) } else { quote!(_) };
    // What the called workflow returned, for the criteria of the success actions.
    let success_reads = step.call.as_ref().map_or_else(Vec::new, |call| {
        let read = call.reads.iter().filter(|read| reads_callee_output(&step.on_success, &read.variable));
        request::callee_reads(read)
    });
    let (attempt, succeeded) = match &step.call {
        Some(call) => {
            let uses = !success_reads.is_empty()
                || outputs.iter().chain([&on_success]).any(|tokens| mentions(tokens, "called"));
            (called(step, call, failure_reads), if uses { quote!(called) } else { quote!(_) })
        }
        None => (
            {
                let request::StepRequest { enter, request, base_url } = request::request(plan, workflow, step);
                let unmet = unmet_chain(&step.criteria);
                let keep = super::keep::keep_on_failure(workflow, index);
                quote! {
                #enter
                #keep
                let checked = match run.attempt(#base_url, #request).await {
                    ::core::result::Result::Ok(response) => #unmet,
                    ::core::result::Result::Err(error) => ::core::result::Result::Err((error, ::core::option::Option::None)),
                };
                }
            },
            succeeded_response,
        ),
    };
    quote! {
        #(#copies)*
        #attempt
        match checked {
            ::core::result::Result::Ok(#succeeded) => {
                #(#outputs)*
                #(#recorded)*
                #(#kept)*
                #reset
                #(#success_reads)*
                #on_success
            }
            ::core::result::Result::Err((#failed_error, #failed_response)) => {
                #on_failure
            }
        }
    }
}

/// A step that calls a workflow: `checked` is the callee's outputs once the step's criteria hold,
/// or the error (the callee's, with its partial outputs kept; or the unmet criterion). With
/// `carry_outputs`, an unmet criterion's error carries the callee's outputs (for the criteria of the
/// failure actions) where other steps carry their response.
fn called(step: &StepPlan, call: &crate::plan::CallPlan, carry_outputs: bool) -> TokenStream {
    let step_id = &step.step_id;
    let operation = format!("workflow {}", call.workflow_id);
    let invocation = super::request::invocation(call, super::request::step_limit(step));
    let keep_partial = super::request::keep_partial(call);
    let (unmet, nothing) = if carry_outputs {
        (quote!(::core::option::Option::Some(called)), quote!(::core::option::Option::None))
    } else {
        let no_response = quote!(::core::option::Option::<::arazzo_runtime::Response>::None);
        (no_response.clone(), no_response)
    };
    let branches: Vec<TokenStream> = step
        .criteria
        .iter()
        .map(|criterion| {
            let holds = holds(&criterion.check, criterion.rules);
            let text = &criterion.text;
            quote! {
                if !(#holds) {
                    ::core::result::Result::Err((::arazzo_runtime::StepError::ConditionFailed { criterion: #text }, #unmet))
                } else
            }
        })
        .collect();
    let reads = call.reads.iter().filter(|read| branches.iter().any(|branch| mentions(branch, &read.variable)));
    let reads = super::request::callee_reads(reads);
    quote! {
        run.step(#step_id, #operation);
        let checked = match #invocation {
            ::core::result::Result::Ok(called) => { #(#reads)* #(#branches)* { ::core::result::Result::Ok(called) } }
            ::core::result::Result::Err(error) => {
                #keep_partial
                ::core::result::Result::Err((error, #nothing))
            }
        };
    }
}

/// Whether the criteria of any of `actions` read an output of the workflow `call` runs.
fn reads_callee(actions: &[ActionPlan], call: &crate::plan::CallPlan) -> bool {
    call.reads.iter().any(|read| reads_callee_output(actions, &read.variable))
}

/// Whether the criteria of any of `actions` read the variable a called workflow's output is bound to.
fn reads_callee_output(actions: &[ActionPlan], variable: &str) -> bool {
    actions
        .iter()
        .flat_map(|action| &action.criteria)
        .flat_map(|criterion| criterion.check.refs())
        .any(|value| matches!(value.base(), ValueRef::StepOutput { variable: read, .. } if read == variable))
}

/// Runs another workflow for an action; its failure fails this step, keeping its partial outputs.
fn transfer(call: &crate::plan::CallPlan) -> TokenStream {
    let invocation = super::request::invocation(call, None);
    let keep_partial = super::request::keep_partial(call);
    quote! {
        if let ::core::result::Result::Err(error) = #invocation {
            #keep_partial
            return ::core::result::Result::Err(run.fail(error));
        }
    }
}

/// Whether `tokens` use the identifier `name` anywhere.
fn mentions(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|tree| match tree {
        proc_macro2::TokenTree::Ident(ident) => ident == name,
        proc_macro2::TokenTree::Group(group) => mentions(&group.stream(), name),
        _ => false,
    })
}

/// The expression that names a step output, for messages.
fn expression_of(workflow: &WorkflowPlan, variable: &str) -> String {
    workflow
        .steps
        .iter()
        .find_map(|step| {
            let output = step.outputs.iter().find(|output| output.variable == variable)?;
            Some(format!("$steps.{}.outputs.{}", step.step_id, output.name))
        })
        .unwrap_or_default()
}

/// `Ok(response)` when every success criterion holds, else `Err((the unmet one, Some(response)))`.
fn unmet_chain(criteria: &[CriterionPlan]) -> TokenStream {
    let mut checks: Vec<(TokenStream, String)> =
        criteria.iter().map(|criterion| (fails(&criterion.check, criterion.rules), criterion.text.clone())).collect();
    if criteria.is_empty() {
        checks.push((quote!(!(200..300).contains(&response.status())), DEFAULT_CRITERION.to_string()));
    }
    let branches = checks.iter().map(|(fails, text)| {
        quote! {
            if #fails {
                ::core::result::Result::Err((run.unmet(#text, &response), ::core::option::Option::Some(response)))
            } else
        }
    });
    quote!({ #(#branches)* { ::core::result::Result::Ok(response) } })
}

/// A `bool` expression: whether the criterion does not hold (`!=` rather than `!(.. == ..)`, which
/// clippy would flag in the user's crate).
fn fails(check: &CriterionCheck, rules: crate::model::Version) -> TokenStream {
    match check {
        CriterionCheck::Status(status) => {
            let negated = StatusCheck { operator: status.operator.negated(), status: status.status };
            holds(&CriterionCheck::Status(negated), rules)
        }
        CriterionCheck::Simple(ConditionPlan::Not(inner)) => super::criteria::boolean(inner, rules),
        CriterionCheck::Simple(ConditionPlan::And(..) | ConditionPlan::Or(..)) => {
            let holds = holds(check, rules);
            quote!(!(#holds))
        }
        other => {
            let holds = holds(other, rules);
            quote!(!#holds)
        }
    }
}

/// `if <criteria> { <action> } else if .. else { <fallback> }`, evaluating to the next step.
fn action_chain(
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
        let reads = super::request::callee_reads(read);
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
            quote!(#counter < #limit)
        } else {
            quote!(#counter < #limit && (#condition))
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
                #counter += 1;
                #first
                run.retry_wait(#response, #after, #counter, #limit).await?;
                ::core::option::Option::Some(Step::#variant)
            }
        }
    }
}
