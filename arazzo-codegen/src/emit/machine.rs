//! A workflow with success or failure actions, as a state machine over a step enum, with one method
//! per step:
//!
//! ```text
//! enum Step { First, .. }
//! struct Steps { first_id: Option<String>, first_retries: u64, .. }  // outputs so far, retry counters
//! impl Steps {
//!     async fn first(&mut self, run, config, inputs) -> Result<Option<Step>, WorkflowError<_>> {
//!         /* send, check, then the first action whose criteria hold: the step to run next */
//!     }
//!     ..
//! }
//! let mut next = Some(Step::First);
//! while let Some(step) = next {
//!     run.transition()?;            // bounded: an endless goto loop is an error, not a hang
//!     next = match step {
//!         Step::First => steps.first(&mut run, config, inputs).await?,
//!         ..
//!     };
//! }
//! ```
//!
//! Step outputs live in `Option` fields of `Steps`; a step that reads one takes a copy through
//! `run.available(..)`, which the checker has proved will succeed. One method per step, rather than
//! one `match` holding every step's code in the workflow's function, keeps the compile time linear
//! in the number of steps: rustc checks each method's body, and lays out its future, on its own,
//! where one function with every step's locals and awaits took 73 s for 250 steps
//! (docs/BENCHMARKS.md, "Compile time of action workflows").

mod actions;

use proc_macro2::TokenStream;
use quote::quote;

use super::criteria::holds;
use super::request::{self, DEFAULT_CRITERION};
use super::{docs, ident, one_line, rust_type};
use crate::naming::{self, Scope};
use crate::plan::{
    ConditionPlan, CriterionCheck, CriterionPlan, ModulePlan, RustType, StatusCheck, StepPlan, ValueRef, WorkflowPlan,
};
use actions::{action_chain, has_retry, reads_callee, reads_callee_output};

/// Names used inside the generated function that no document name may take.
struct Names {
    variants: Vec<proc_macro2::Ident>,
    /// The methods of `Steps`, one per step.
    methods: Vec<proc_macro2::Ident>,
    /// The retry counters, fields of `Steps` beside the step outputs.
    retries: Vec<proc_macro2::Ident>,
}

fn names(workflow: &WorkflowPlan) -> Names {
    let mut variant_scope = Scope::default();
    let variants =
        workflow.steps.iter().map(|step| ident(&variant_scope.claim(naming::camel(&step.step_id)))).collect();
    let mut method_scope = Scope::default();
    let methods = workflow.steps.iter().map(|step| ident(&method_scope.snake(&step.step_id))).collect();
    let taken: Vec<&str> = workflow
        .steps
        .iter()
        .chain(&workflow.dependencies)
        .flat_map(|step| step.outputs.iter().map(|output| output.variable.as_str()))
        .chain([
            "client", "config", "inputs", "run", "request", "response", "next", "step", "steps", "checked", "error",
        ])
        .collect();
    let mut locals = Scope::with_reserved(&taken);
    let retries =
        workflow.steps.iter().map(|step| ident(&locals.snake(&format!("{}_retries", step.step_id)))).collect();
    Names { variants, methods, retries }
}

/// Whether a step output is read only to be kept in the partial outputs (a secret no workflow output
/// carries and no step reads): it is then a local of its step's method, not a field of `Steps`,
/// whose initial `None` nothing would read (`dead_code`).
fn kept_only(workflow: &WorkflowPlan, variable: &str) -> bool {
    let reads =
        |value: &ValueRef| matches!(value.base(), ValueRef::StepOutput { variable: read, .. } if read == variable);
    workflow.kept_secrets.iter().any(|kept| kept.variable == variable)
        && !workflow.steps.iter().any(|step| step.values_read().into_iter().any(reads))
        && !workflow.outputs.iter().any(|output| reads(&output.value))
}

/// Whether `variable` is an output of one of the workflow's own steps (a field of `Steps`), rather
/// than of a `dependsOn` workflow (a plain variable set before the loop).
fn is_step_output(workflow: &WorkflowPlan, variable: &str) -> bool {
    workflow.steps.iter().any(|step| step.outputs.iter().any(|output| output.variable == variable))
}

/// The outputs of `dependsOn` workflows that steps read, with their types: `Steps` holds a copy of
/// each, so that the step methods, which see no local of the workflow's function, can read them.
fn dependency_outputs(workflow: &WorkflowPlan) -> Vec<(&str, &RustType)> {
    let mut read: Vec<(&str, &RustType)> = Vec::new();
    for value in workflow.steps.iter().flat_map(StepPlan::values_read) {
        if let ValueRef::StepOutput { variable, .. } = value.base()
            && let Some(output) =
                workflow.dependencies.iter().flat_map(|step| &step.outputs).find(|output| &output.variable == variable)
            && !read.iter().any(|(known, _)| known == variable)
        {
            read.push((variable, &output.ty));
        }
    }
    read
}

/// The statements of the workflow function after `let mut run = ..` (they end in `Ok(outputs)`).
pub(super) fn body(plan: &ModulePlan, workflow: &WorkflowPlan) -> TokenStream {
    let names = names(workflow);
    let variants = &names.variants;
    let outputs: Vec<&crate::plan::StepOutputPlan> = workflow
        .steps
        .iter()
        .flat_map(|step| &step.outputs)
        .filter(|output| output.used && !kept_only(workflow, &output.variable))
        .collect();
    let dependencies = dependency_outputs(workflow);
    let retried: Vec<&proc_macro2::Ident> = workflow
        .steps
        .iter()
        .zip(&names.retries)
        .filter(|(step, _)| has_retry(step))
        .map(|(_, counter)| counter)
        .collect();
    let fields = outputs
        .iter()
        .map(|output| {
            let variable = ident(&output.variable);
            let ty = rust_type(&output.ty);
            quote!(#variable: ::core::option::Option<#ty>)
        })
        .chain(dependencies.iter().map(|(variable, ty)| {
            let variable = ident(variable);
            let ty = rust_type(ty);
            quote!(#variable: #ty)
        }))
        .chain(retried.iter().map(|counter| quote!(#counter: u64)));
    let initial = outputs
        .iter()
        .map(|output| {
            let variable = ident(&output.variable);
            quote!(#variable: ::core::option::Option::None)
        })
        .chain(dependencies.iter().map(|(variable, ty)| {
            let variable = ident(variable);
            super::field_init(&variable, copy_or_clone(&quote!(#variable), ty))
        }))
        .chain(retried.iter().map(|counter| quote!(#counter: 0)));
    let bodies: Vec<TokenStream> =
        (0..workflow.steps.len()).map(|index| step_body(plan, workflow, index, &names)).collect();
    let methods = bodies.iter().enumerate().map(|(index, body)| step_method(workflow, index, &names, body));
    let arms = variants.iter().zip(&names.methods).zip(&bodies).map(|((variant, method), body)| {
        let arguments = reads_config_and_inputs(body).into_iter().flatten();
        quote!(Step::#variant => steps.#method(&mut run #(, #arguments)*).await?,)
    });
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
    let outputs_type = ident(&workflow.outputs_type);
    let output_fields: Vec<TokenStream> = workflow
        .outputs
        .iter()
        .map(|output| {
            let field = ident(&output.field.field);
            let value = match &output.value {
                ValueRef::StepOutput { variable, ty } if is_step_output(workflow, variable) => {
                    let variable = ident(variable);
                    if output.field.optional && ty.is_nullable() {
                        // Not run, or `null`: one `None` in the outputs (see `emit/structs.rs`).
                        let value = copy_or_clone(&quote!(#variable), ty);
                        quote!(#value.flatten())
                    } else if output.field.optional {
                        copy_or_clone(&quote!(#variable), ty)
                    } else {
                        let what = &output.expression;
                        quote!(run.available(&#variable, #what)?)
                    }
                }
                // Inputs, constants, parts of values, and outputs of `dependsOn` workflows (plain
                // variables set before the loop).
                value => super::value::owned(value),
            };
            super::field_init(&field, value)
        })
        .collect();
    // The step outputs the workflow's outputs read, taken back out of `Steps` under their own names.
    let taken: Vec<proc_macro2::Ident> = outputs
        .iter()
        .filter(|output| output_fields.iter().any(|tokens| mentions(tokens, &output.variable)))
        .map(|output| ident(&output.variable))
        .collect();
    let rest = (taken.len() < outputs.len() + dependencies.len() + retried.len()).then(|| quote!(..));
    let take = (!taken.is_empty()).then(|| quote!(let Steps { #(#taken,)* #rest } = steps;));
    let what = if dependencies.is_empty() { "" } else { ", the outputs of the workflows run first that they read" };
    let steps_doc = docs(&format!(
        "What the steps produced so far (each output `None` until its step succeeded){what} and the retry \
         counters. A method per step runs it and returns the step to run next (`None`: the workflow is done)."
    ));
    quote! {
        /// The steps of the workflow, in document order.
        enum Step { #(#enum_variants),* }
        #steps_doc
        struct Steps { #(#fields),* }
        impl Steps { #(#methods)* }
        let mut steps = Steps { #(#initial),* };
        let mut next = ::core::option::Option::Some(Step::#first);
        while let ::core::option::Option::Some(step) = next {
            run.transition()?;
            next = match step { #(#arms)* };
        }
        #take
        ::core::result::Result::Ok(#outputs_type { #(#output_fields),* })
    }
}

/// `config` and `inputs`, each when the step's code reads it: the arguments its method takes after
/// `run` (the workflow's function names its inputs `_inputs` when no step reads them).
fn reads_config_and_inputs(body: &TokenStream) -> [Option<TokenStream>; 2] {
    [mentions(body, "config").then(|| quote!(config)), mentions(body, "inputs").then(|| quote!(inputs))]
}

/// `async fn <step>(&mut self, run, [config], [inputs]) -> Result<Option<Step>, WorkflowError<_>>`,
/// whose body is `body`.
fn step_method(workflow: &WorkflowPlan, index: usize, names: &Names, body: &TokenStream) -> TokenStream {
    let step = &workflow.steps[index];
    let doc = docs(&format!("The step `{}`.", one_line(&step.step_id)));
    let method = &names.methods[index];
    let partial = ident(&workflow.partial_type);
    let inputs_type = ident(&workflow.inputs_type);
    let [config, inputs] = reads_config_and_inputs(body);
    let config = config.map(|config| quote!(#config: &Config,));
    let inputs = inputs.map(|inputs| quote!(#inputs: &#inputs_type,));
    quote! {
        #doc
        async fn #method(
            &mut self,
            run: &mut ::arazzo_runtime::Run<#partial>,
            #config
            #inputs
        ) -> ::core::result::Result<::core::option::Option<Step>, ::arazzo_runtime::WorkflowError<#partial>> {
            #body
        }
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

/// `value.clone()`, or `value` for `Copy` types, where clippy would object to the clone.
pub(super) fn copy_or_clone(place: &TokenStream, ty: &RustType) -> TokenStream {
    if ty.is_copy() { quote!(#place) } else { quote!(#place.clone()) }
}

/// The code of step `index`, the body of its method: it evaluates to the step to run next.
fn step_body(plan: &ModulePlan, workflow: &WorkflowPlan, index: usize, names: &Names) -> TokenStream {
    let step = &workflow.steps[index];
    // Copies of the earlier outputs this step reads, under the names the request code uses: from
    // `Steps`, checked for a step output, as they are for a `dependsOn` workflow's.
    let mut read: Vec<&String> = Vec::new();
    for value in step.values_read() {
        if let ValueRef::StepOutput { variable, .. } = value.base()
            && !read.contains(&variable)
        {
            read.push(variable);
        }
    }
    let dependencies = dependency_outputs(workflow);
    let copies: Vec<TokenStream> = read
        .iter()
        .filter_map(|variable| {
            let name = ident(variable);
            if is_step_output(workflow, variable) {
                let what = expression_of(workflow, variable);
                Some(quote!(let #name = run.available(&self.#name, #what)?;))
            } else {
                let (_, ty) = dependencies.iter().find(|(known, _)| known == variable)?;
                let copy = copy_or_clone(&quote!(self.#name), ty);
                Some(quote!(let #name = #copy;))
            }
        })
        .collect();
    let outputs = request::output_reads(step).into_iter().map(|read| match read {
        request::OutputRead::One(output) => {
            let value = request::output_value(output);
            let ty = rust_type(&output.ty);
            if output.used && kept_only(workflow, &output.variable) {
                let variable = ident(&output.variable);
                quote!(let #variable: #ty = #value;)
            } else if output.used {
                let variable = ident(&output.variable);
                quote!(self.#variable = ::core::option::Option::Some(#value);)
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
                        quote!(self.#variable = ::core::option::Option::Some(outputs.#position);)
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
            ValueRef::StepOutput { variable, ty } => {
                let variable = ident(variable);
                copy_or_clone(&quote!(self.#variable), ty)
            }
            // A part of a value (at a pointer, picked by a selector) is an `Option` already.
            value if value.is_optional() => super::value::owned(value),
            value => {
                let value = super::value::owned(value);
                quote!(::core::option::Option::Some(#value))
            }
        };
        // A part of a step output this step did not copy: read from its field, as an `Option`.
        match output.value.base() {
            ValueRef::StepOutput { variable, .. }
                if !matches!(output.value, ValueRef::StepOutput { .. })
                    && is_step_output(workflow, variable)
                    && !read.contains(&variable) =>
            {
                let variable = ident(variable);
                quote!({
                    let #variable = &self.#variable;
                    run.partial.#field = #value;
                })
            }
            _ => quote!(run.partial.#field = #value;),
        }
    });
    let kept = workflow.kept_secrets.iter().filter(|kept| kept.step_index == index).map(|kept| {
        let field = ident(&kept.field);
        let variable = ident(&kept.variable);
        match (kept_only(workflow, &kept.variable), kept.nullable) {
            (true, _) => super::workflow::keep_secret(kept, quote!(#variable)),
            (false, false) => quote!(run.partial.#field = self.#variable.clone();),
            // The step's state holds `Some(None)` for `null`.
            (false, true) => quote!(run.partial.#field = self.#variable.clone().flatten();),
        }
    });
    let counter = &names.retries[index];
    let reset = has_retry(step).then(|| quote!(self.#counter = 0;));
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
        super::calls::callee_reads(read)
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
        let next = match checked {
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
        };
        ::core::result::Result::Ok(next)
    }
}

/// A step that calls a workflow: `checked` is the callee's outputs once the step's criteria hold,
/// or the error (the callee's, with its partial outputs kept; or the unmet criterion). With
/// `carry_outputs`, an unmet criterion's error carries the callee's outputs (for the criteria of the
/// failure actions) where other steps carry their response.
fn called(step: &StepPlan, call: &crate::plan::CallPlan, carry_outputs: bool) -> TokenStream {
    let step_id = &step.step_id;
    let operation = format!("workflow {}", call.workflow_id);
    let invocation = super::calls::invocation(call, super::calls::step_limit(step));
    let keep_partial = super::calls::keep_partial(call);
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
    let reads = super::calls::callee_reads(reads);
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

/// Whether `tokens` use the variable `name`: the identifier anywhere but as a field's name, after a
/// `.` (`called.inputs`) or before a single `:` (`CalleeInputs { inputs: ... }`), where a called
/// workflow's input or output may bear the name, or in a path (`self::inputs`).
pub(super) fn mentions(tokens: &TokenStream, name: &str) -> bool {
    use proc_macro2::{Spacing, TokenTree};
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    trees.iter().enumerate().any(|(index, tree)| match tree {
        TokenTree::Ident(ident) => {
            // `.inputs` is a field, `::inputs` a path (`:` joined to the `:` before it).
            let punct_at = |back: usize, char: char, spacing: Option<Spacing>| {
                index.checked_sub(back).and_then(|at| trees.get(at)).is_some_and(|tree| {
                    matches!(tree, TokenTree::Punct(punct)
                        if punct.as_char() == char && spacing.is_none_or(|spacing| punct.spacing() == spacing))
                })
            };
            let after_dot =
                punct_at(1, '.', None) || (punct_at(1, ':', None) && punct_at(2, ':', Some(Spacing::Joint)));
            let field_label = matches!(
                trees.get(index + 1),
                Some(TokenTree::Punct(punct)) if punct.as_char() == ':' && punct.spacing() == Spacing::Alone
            );
            ident == name && !after_dot && !field_label
        }
        TokenTree::Group(group) => mentions(&group.stream(), name),
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

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn a_field_or_path_named_like_a_variable_is_not_a_use_of_it() {
        let not_used = quote!(self::callee(run.client(), &CalleeInputs { inputs: called.inputs.clone() }));
        assert!(!super::mentions(&not_used, "inputs"));
        assert!(super::mentions(&quote!(f(&inputs.app_id)), "inputs"));
        assert!(super::mentions(&quote!(CalleeInputs { name: inputs.name.clone() }), "inputs"));
        assert!(super::mentions(&quote!(let copy = inputs;), "inputs"));
        assert!(super::mentions(&quote!(&config.api.base_url), "config"));
        assert!(!super::mentions(&quote!(Settings { config: 1 }), "config"));
    }
}
