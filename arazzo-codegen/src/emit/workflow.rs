//! One workflow: its inputs, outputs and partial-outputs structs, and its async function: for a
//! workflow without actions, one function per step (`emit/step_fns.rs`) called in order.

use proc_macro2::TokenStream;
use quote::quote;

use super::request;
use super::value::owned;
use super::{docs, ident, one_line, rust_type};
use crate::plan::{ActionKind, ActionPlan, ModulePlan, StepPlan, ValueRef, WorkflowPlan};

pub(super) fn emit(
    plan: &ModulePlan,
    workflow: &WorkflowPlan,
    settings: &super::Settings,
    serialized: &std::collections::BTreeSet<&str>,
) -> TokenStream {
    let structs = super::structs::Structs { module: &plan.module, settings, serialized };
    let inputs = structs.inputs(workflow);
    let outputs = structs.outputs(workflow);
    let partial = structs.partial(workflow);
    let function = function(plan, workflow, settings);
    let resume = resume_function(workflow);
    quote! { #inputs #outputs #partial #function #resume }
}

fn function_docs(plan: &ModulePlan, workflow: &WorkflowPlan) -> String {
    let mut text = String::new();
    match &workflow.summary {
        Some(summary) => text.push_str(summary.trim_end()),
        None => text.push_str(&format!("Runs the workflow `{}`.", workflow.workflow_id)),
    }
    text.push('\n');
    if let Some(description) = &workflow.description {
        text.push('\n');
        text.push_str(description.trim_end());
        text.push('\n');
    }
    if !workflow.dependencies.is_empty() {
        let names: Vec<String> = workflow
            .dependencies
            .iter()
            .filter_map(|dependency| dependency.call.as_ref())
            .map(|call| format!("[`{}()`]({}) (`{}`)", call.function, call.function, one_line(&call.workflow_id)))
            .collect();
        text.push_str(&format!("\nRuns first (`dependsOn`): {}.\n", names.join(", ")));
    }
    text.push_str("\n# Steps\n\n");
    if !workflow.levels.is_empty() {
        text.push_str(&levels_sentence(workflow));
    }
    for (index, step) in workflow.steps.iter().enumerate() {
        if let Some(call) = &step.call {
            text.push_str(&format!(
                "{}. `{}`: calls the workflow `{}` ([`{}()`]({})).",
                index + 1,
                one_line(&step.step_id),
                one_line(&call.workflow_id),
                call.function,
                call.function
            ));
            push_sentence(&mut text, step.description.as_deref());
            text.push_str(&waits_sentence(workflow, index));
            text.push_str(&actions_sentence(workflow, step));
            text.push('\n');
            continue;
        }
        let operation = step.operation_id.as_deref().map(|id| format!(" (`{}`)", one_line(id))).unwrap_or_default();
        let expects: Vec<String> =
            step.criteria.iter().map(|criterion| format!("`{}`", one_line(&criterion.text))).collect();
        // Without criteria the generated code checks for a 2xx status (see `emit/request.rs`).
        let expects = if expects.is_empty() {
            ", expects a 2xx status".to_string()
        } else {
            format!(", expects {}", expects.join(" and "))
        };
        let target = match &step.server_url {
            Some(_) => " on the server URL an earlier step returned".to_string(),
            None => format!(" on `{}`", plan.sources[step.source].name),
        };
        text.push_str(&format!(
            "{}. `{}`: `{} {}`{operation}{target}{expects}.",
            index + 1,
            one_line(&step.step_id),
            step.method.as_str().to_ascii_uppercase(),
            one_line(&step.path)
        ));
        if step.deprecated {
            text.push_str(" **The operation is deprecated** in its description.");
        }
        push_sentence(&mut text, step.description.as_deref());
        let produced: Vec<String> = step.outputs.iter().map(|output| format!("`{}`", one_line(&output.name))).collect();
        if !produced.is_empty() {
            text.push_str(&format!(" Produces {}.", produced.join(", ")));
        }
        let used = outputs_used(workflow, step);
        if !used.is_empty() {
            text.push_str(&format!(" Uses {}.", used.join(", ")));
        }
        text.push_str(&waits_sentence(workflow, index));
        text.push_str(&actions_sentence(workflow, step));
        text.push('\n');
    }
    text.push_str(&format!(
        "\n# Errors\n\nA [`WorkflowError`](::arazzo_runtime::WorkflowError) names the step that failed and why (transport \
         error, timeout, unmet success criterion, missing or mistyped response value), and carries the \
         outputs known so far as [`{}`] and a checkpoint from which [`{resume}()`]({resume}) finishes the run \
         without repeating the steps that took effect.\n",
        workflow.partial_type,
        resume = workflow.resume_function,
    ));
    text
}

/// The order of a workflow whose steps run by their dependencies: `Steps run once the steps they
/// wait for have succeeded: `a`; then `b` and `c` concurrently; then `d`.`, as a paragraph.
fn levels_sentence(workflow: &WorkflowPlan) -> String {
    let levels: Vec<String> = workflow
        .levels
        .iter()
        .map(|level| {
            let names: Vec<String> =
                level.iter().map(|&index| format!("`{}`", one_line(&workflow.steps[index].step_id))).collect();
            match names.as_slice() {
                [one] => one.clone(),
                [rest @ .., last] => format!("{} and {last} concurrently", rest.join(", ")),
                [] => String::new(),
            }
        })
        .collect();
    format!(
        "Each step runs once the steps it waits for (`dependsOn`, and the steps whose outputs it reads) have \
         succeeded: {}.\n\n",
        levels.join("; then ")
    )
}

/// ` Waits for `a` and `b`.` for step `index` of a workflow whose steps run by their dependencies.
fn waits_sentence(workflow: &WorkflowPlan, index: usize) -> String {
    let Some(waits) = workflow.waits_for.get(index).filter(|waits| !waits.is_empty()) else { return String::new() };
    let names: Vec<String> =
        waits.iter().map(|&step| format!("`{}`", one_line(&workflow.steps[step].step_id))).collect();
    match names.as_slice() {
        [rest @ .., last] if !rest.is_empty() => format!(" Waits for {} and {last}.", rest.join(", ")),
        _ => format!(" Waits for {}.", names.join("")),
    }
}

/// What the step's success and failure actions do, in the order they are tried, as
/// ` On success: go to `poll` when `$statusCode == 200`. On failure: retry up to 3 times.`;
/// empty without actions.
fn actions_sentence(workflow: &WorkflowPlan, step: &StepPlan) -> String {
    let mut text = String::new();
    for (label, actions, success) in [("On success", &step.on_success, true), ("On failure", &step.on_failure, false)] {
        if actions.is_empty() {
            continue;
        }
        let described: Vec<String> = actions.iter().map(|action| describe_action(workflow, action, success)).collect();
        text.push_str(&format!(" {label}: {}.", described.join("; ")));
    }
    text
}

fn describe_action(workflow: &WorkflowPlan, action: &ActionPlan, success: bool) -> String {
    let step_name = |index: usize| format!("`{}`", one_line(&workflow.steps[index].step_id));
    let mut text = match &action.kind {
        ActionKind::End if success => "end the workflow".to_string(),
        ActionKind::End => "fail".to_string(),
        ActionKind::Goto(target) => format!("go to {}", step_name(*target)),
        ActionKind::Retry { after, limit, target, first } => {
            let mut retry = match target {
                Some(target) => format!("retry from {}", step_name(*target)),
                None => "retry".to_string(),
            };
            retry.push_str(&format!(" up to {limit} time{}", if *limit == 1 { "" } else { "s" }));
            if let Some(seconds) = after {
                retry.push_str(&format!(" after {seconds} s"));
            }
            if let Some(call) = first {
                retry.push_str(&format!(", running the workflow `{}` first", one_line(&call.workflow_id)));
            }
            retry
        }
        ActionKind::Transfer(call) => format!("hand over to the workflow `{}`", one_line(&call.workflow_id)),
    };
    let criteria: Vec<String> =
        action.criteria.iter().map(|criterion| format!("`{}`", one_line(&criterion.text))).collect();
    if !criteria.is_empty() {
        text.push_str(&format!(" when {}", criteria.join(" and ")));
    }
    text
}

/// The outputs of earlier steps that `step` sends, as `` `$steps.<id>.outputs.<name>` ``.
fn outputs_used(workflow: &WorkflowPlan, step: &StepPlan) -> Vec<String> {
    let mut used: Vec<String> = Vec::new();
    for value in step.values_read() {
        let ValueRef::StepOutput { variable, .. } = value.base() else { continue };
        let producer = workflow.dependencies.iter().chain(&workflow.steps).find_map(|producer| {
            let output = producer.outputs.iter().find(|output| &output.variable == variable)?;
            Some(format!("`$steps.{}.outputs.{}`", one_line(&producer.step_id), one_line(&output.name)))
        });
        if let Some(producer) = producer
            && !used.contains(&producer)
        {
            used.push(producer);
        }
    }
    used
}

/// Appends a description as a sentence of a list item, ending it with a full stop if it has none.
fn push_sentence(text: &mut String, description: Option<&str>) {
    let Some(description) = description else { return };
    let description = one_line(description);
    if description.is_empty() {
        return;
    }
    text.push(' ');
    text.push_str(&description);
    if !description.ends_with(['.', '!', '?']) {
        text.push('.');
    }
}

/// `resume_<workflow>`: the workflow run again from a failed run's checkpoint.
fn resume_function(workflow: &WorkflowPlan) -> TokenStream {
    let doc = docs(&format!(
        "Finishes a run of [`{function}()`]({function}) that failed, from the checkpoint its error \
         carries ([`WorkflowError::into_checkpoint`](::arazzo_runtime::WorkflowError::into_checkpoint)).\n\nThe requests that took effect \
         before the failed step are answered from the checkpoint instead of being sent again (a key \
         created before the failure is not created twice); the run goes on over the network from the \
         step that failed. Pass the same inputs and configuration as the failed run: a request that \
         does not match the checkpoint fails with [`StepError::CheckpointMismatch`](::arazzo_runtime::StepError::CheckpointMismatch).",
        function = workflow.function
    ));
    let name = ident(&workflow.resume_function);
    let function = ident(&workflow.function);
    let inputs = ident(&workflow.inputs_type);
    let outputs = ident(&workflow.outputs_type);
    let partial = ident(&workflow.partial_type);
    quote! {
        #doc
        pub async fn #name(
            client: &::arazzo_runtime::Client,
            config: &Config,
            inputs: &#inputs,
            checkpoint: ::arazzo_runtime::Checkpoint,
        ) -> ::core::result::Result<#outputs, ::arazzo_runtime::WorkflowError<#partial>> {
            self::#function(&client.resuming(checkpoint), config, inputs).await
        }
    }
}

fn function(plan: &ModulePlan, workflow: &WorkflowPlan, settings: &super::Settings) -> TokenStream {
    let doc = docs(&function_docs(plan, workflow));
    let example = super::example::example(plan, workflow, settings);
    let name = ident(&workflow.function);
    let inputs = ident(&workflow.inputs_type);
    let outputs = ident(&workflow.outputs_type);
    let partial = ident(&workflow.partial_type);
    let workflow_id = &workflow.workflow_id;
    // Outputs known before the first step: inputs at once, outputs of `dependsOn` workflows once they ran.
    let (from_inputs, from_dependencies): (Vec<_>, Vec<_>) = workflow
        .outputs
        .iter()
        .filter(|output| output.available_after.is_none())
        .partition(|output| matches!(output.value.base(), ValueRef::Input { .. }));
    let from_inputs = from_inputs.into_iter().map(record_partial);
    let from_dependencies = from_dependencies.into_iter().map(record_partial);
    let body = if workflow.has_actions() {
        super::machine::body(plan, workflow)
    } else if !workflow.levels.is_empty() {
        super::concurrent::body(plan, workflow)
    } else {
        straight_line(plan, workflow)
    };
    // A workflow that reads no input still takes its (empty) inputs struct, for a uniform signature.
    let reads_inputs = workflow.outputs.iter().any(|output| matches!(output.value.base(), ValueRef::Input { .. }))
        || workflow.steps.iter().chain(&workflow.dependencies).any(|step| step.reads_inputs())
        || workflow.inputs.iter().any(|input| input.ty.is_secret());
    let dependencies =
        workflow.dependencies.iter().map(|dependency| step_statements((plan, workflow), dependency, None));
    let inputs_name = if reads_inputs { ident("inputs") } else { ident("_inputs") };
    // Secret inputs are scrubbed from error excerpts from the start: a server may quote one before
    // the step that sends it.
    let redacted = workflow.inputs.iter().filter(|input| input.ty.is_secret()).map(|input| {
        let field = ident(&input.field);
        if input.optional || input.ty.is_nullable() {
            quote!(run.redact(#inputs_name.#field.as_ref());)
        } else {
            quote!(run.redact(&#inputs_name.#field);)
        }
    });
    quote! {
        #doc
        #example
        pub async fn #name(
            client: &::arazzo_runtime::Client,
            config: &Config,
            #inputs_name: &#inputs,
        ) -> ::core::result::Result<#outputs, ::arazzo_runtime::WorkflowError<#partial>> {
            let mut run = ::arazzo_runtime::Run::<#partial>::new(#workflow_id, client);
            #(#redacted)*
            #(#from_inputs)*
            #(#dependencies)*
            #(#from_dependencies)*
            #body
        }
    }
}

/// A workflow without actions: one function per step (`emit/step_fns.rs`), called in order.
fn straight_line(plan: &ModulePlan, workflow: &WorkflowPlan) -> TokenStream {
    let steps = super::step_fns::StepFns::new(plan, workflow);
    let definitions = steps.definitions();
    let calls = (0..workflow.steps.len()).map(|index| {
        let binding = steps.binding(index);
        let call = steps.call(index, quote!(&mut run));
        quote!(#binding #call.await?;)
    });
    let outputs = ident(&workflow.outputs_type);
    let output_fields = workflow.outputs.iter().map(|output| {
        let field = ident(&output.field.field);
        let value = owned(&output.value);
        super::field_init(&field, value)
    });
    quote! {
        #(#definitions)*
        #(#calls)*
        ::core::result::Result::Ok(#outputs { #(#output_fields),* })
    }
}

/// `run.partial.<field> = Some(<value>);` for a kept secret, or `= <value>;` when it may be `null`
/// (the value is an `Option` already).
pub(super) fn keep_secret(kept: &crate::plan::KeptSecretPlan, value: TokenStream) -> TokenStream {
    let field = ident(&kept.field);
    if kept.nullable {
        quote!(run.partial.#field = #value;)
    } else {
        quote!(run.partial.#field = ::core::option::Option::Some(#value);)
    }
}

pub(super) fn record_partial(output: &crate::plan::WorkflowOutputPlan) -> TokenStream {
    let field = ident(&output.field.field);
    let value = owned(&output.value);
    if output.value.is_optional() {
        quote!(run.partial.#field = #value;)
    } else {
        quote!(run.partial.#field = ::core::option::Option::Some(#value);)
    }
}

/// The statements of one step; `keep` fills the partial outputs should it fail after its request
/// may have taken effect (see `emit/keep.rs`).
pub(super) fn step_statements(
    (plan, workflow): (&ModulePlan, &WorkflowPlan),
    step: &StepPlan,
    keep: Option<TokenStream>,
) -> TokenStream {
    if let Some(call) = &step.call {
        let call = super::calls::call(step, call);
        let criteria = step.criteria.iter().map(|criterion| {
            let holds = super::criteria::holds(&criterion.check, criterion.rules);
            let text = &criterion.text;
            quote!(run.holds(#holds, #text)?;)
        });
        let outputs = step.outputs.iter().map(|output| {
            let variable = output_variable(output);
            let ty = rust_type(&output.ty);
            let value = request::output_value(output);
            quote!(let #variable: #ty = #value;)
        });
        return quote! { #call #(#criteria)* #(#outputs)* };
    }
    let request::StepRequest { enter, request, base_url } = request::request(plan, workflow, step);
    let default_criterion = step.criteria.is_empty().then(|| {
        let text = request::DEFAULT_CRITERION;
        quote!(run.check((200..300).contains(&response.status()), #text, &response)?;)
    });
    let criteria = step.criteria.iter().map(super::criteria::check);
    let outputs = request::output_reads(step).into_iter().map(|read| match read {
        request::OutputRead::One(output) => {
            let variable = output_variable(output);
            let ty = rust_type(&output.ty);
            let value = request::output_value(output);
            quote!(let #variable: #ty = #value;)
        }
        request::OutputRead::Body(outputs) => {
            let variables = outputs.iter().map(|(output, _)| output_variable(output));
            request::outputs_binding(quote!((#(#variables),*)), &outputs)
        }
        request::OutputRead::Unread(output, pointer) => request::unread_check(output, pointer),
    });
    quote! {
        #enter
        #keep
        let response = run.send(#base_url, #request).await?;
        #default_criterion
        #(#criteria)*
        #(#outputs)*
    }
}

/// The variable an output is bound to: `_`-prefixed when nothing reads it, so that it is still read
/// (and checked) without a warning.
fn output_variable(output: &crate::plan::StepOutputPlan) -> proc_macro2::Ident {
    if output.used { ident(&output.variable) } else { ident(&format!("_{}", output.variable)) }
}
