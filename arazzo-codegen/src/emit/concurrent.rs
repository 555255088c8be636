//! A workflow whose steps run by their dependencies (Arazzo 1.1 step `dependsOn`), one level at a
//! time: a level with one step is the same block of statements as in a straight-line workflow; the
//! steps of a larger level run concurrently in the workflow's own task, each on a branch of the run:
//!
//! ```text
//! let mut list_pets_branch = run.branch("listPets");
//! let mut list_vets_branch = run.branch("listVets");
//! let list_pets = async { let run = &mut list_pets_branch; /* the step's statements */ Ok(list_pets_count) };
//! let list_vets = async { let run = &mut list_vets_branch; /* ... */ Ok(()) };
//! let (list_pets, list_vets) = ::arazzo_runtime::join!(list_pets, list_vets);
//! run.partial.pet_count = ::core::mem::take(&mut list_pets_branch.partial.pet_count);
//! run.merge([list_pets_branch, list_vets_branch]);
//! let list_pets_count = run.joined(list_pets)?;
//! run.joined(list_vets)?;
//! ```
//!
//! Levels rather than a scheduler that starts each step the moment its own dependencies finish: the
//! code reads as the workflow's shape (what runs together, then what runs next), every step's
//! statements are those of straight-line code, and a failure is handled once per level, after every
//! step of it has finished, so that what the others did is kept. The cost is that a step may wait
//! for a slow step of the previous level that it does not depend on.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::workflow::{record_partial, step_statements};
use crate::naming::Scope;
use crate::plan::{ModulePlan, ValueRef, WorkflowPlan};

/// The statements of the workflow function after `let mut run = ..` (they end in `Ok(outputs)`).
pub(super) fn body(plan: &ModulePlan, workflow: &WorkflowPlan) -> TokenStream {
    let mut locals = Scope::with_reserved(&reserved(workflow));
    let levels = workflow.levels.iter().enumerate().map(|(depth, level)| match level.as_slice() {
        [index] => step_block(plan, workflow, *index),
        _ => concurrent_level(plan, workflow, depth, &mut locals),
    });
    let outputs = ident(&workflow.outputs_type);
    let output_fields = workflow.outputs.iter().map(|output| {
        let field = ident(&output.field.field);
        let value = super::value::owned(&output.value);
        super::field_init(&field, value)
    });
    quote! {
        #(#levels)*
        ::core::result::Result::Ok(#outputs { #(#output_fields),* })
    }
}

/// Names the function already uses: the generated locals and every step output's variable.
fn reserved(workflow: &WorkflowPlan) -> Vec<&str> {
    let outputs = workflow.dependencies.iter().chain(&workflow.steps).flat_map(|step| &step.outputs);
    outputs
        .flat_map(|output| [output.variable.as_str()])
        .chain(["client", "config", "inputs", "_inputs", "run", "request", "response", "called", "error", "partial"])
        .collect()
}

/// Step `index` as in straight-line code: its statements, then the partial outputs it fills.
fn step_block(plan: &ModulePlan, workflow: &WorkflowPlan, index: usize) -> TokenStream {
    let step = &workflow.steps[index];
    let body = step_statements((plan, workflow), step, super::keep::keep_on_failure(workflow, index));
    let recorded = workflow.outputs.iter().filter(|output| output.available_after == Some(index)).map(record_partial);
    let kept = workflow.kept_secrets.iter().filter(|kept| kept.step_index == index).map(|kept| {
        let variable = ident(&kept.variable);
        super::workflow::keep_secret(kept, quote!(#variable.clone()))
    });
    quote! { #body #(#recorded)* #(#kept)* }
}

/// The steps of level `depth`, joined: each on its branch of the run, then what they produced copied
/// into the run's partial outputs, the branches merged, and their results taken in the order written.
fn concurrent_level(plan: &ModulePlan, workflow: &WorkflowPlan, depth: usize, locals: &mut Scope) -> TokenStream {
    let level = &workflow.levels[depth];
    let partial = ident(&workflow.partial_type);
    let later: Vec<usize> = workflow.levels[depth + 1..].iter().flatten().copied().collect();
    let mut branches = Vec::new();
    let mut results = Vec::new();
    let mut futures = Vec::new();
    let mut copies = Vec::new();
    let mut taken = Vec::new();
    for &index in level {
        let step = &workflow.steps[index];
        let branch = ident(&locals.snake(&format!("{}_branch", step.step_id)));
        let result = ident(&locals.snake(&step.step_id));
        let step_id = &step.step_id;
        branches.push(quote!(let mut #branch = run.branch(#step_id);));
        // The outputs that later steps or the workflow's outputs read leave the branch.
        let needed: Vec<proc_macro2::Ident> = step
            .outputs
            .iter()
            .filter(|output| output.used && needed_after(workflow, &later, &output.variable))
            .map(|output| ident(&output.variable))
            .collect();
        let value = match needed.as_slice() {
            [] => quote!(()),
            [one] => quote!(#one),
            many => quote!((#(#many),*)),
        };
        let block = step_block(plan, workflow, index);
        // Bound to a name before the join, so that the step reads as formatted statements (a macro's
        // arguments are not formatted).
        futures.push(quote! {
            let #result = async {
                let run = &mut #branch;
                #block
                ::core::result::Result::<_, ::arazzo_runtime::WorkflowError<#partial>>::Ok(#value)
            };
        });
        for field in filled_fields(workflow, index) {
            let field = ident(&field);
            copies.push(quote!(run.partial.#field = ::core::mem::take(&mut #branch.partial.#field);));
        }
        taken.push(match needed.as_slice() {
            [] => quote!(run.joined(#result)?;),
            [one] => quote!(let #one = run.joined(#result)?;),
            many => quote!(let (#(#many),*) = run.joined(#result)?;),
        });
        results.push((branch, result));
    }
    let names: Vec<&proc_macro2::Ident> = results.iter().map(|(_, result)| result).collect();
    let merged = results.iter().map(|(branch, _)| branch);
    quote! {
        #(#branches)*
        #(#futures)*
        let (#(#names),*) = ::arazzo_runtime::join!(#(#names),*);
        #(#copies)*
        run.merge([#(#merged),*]);
        #(#taken)*
    }
}

/// Whether a step of `later` (indexes into the steps) or a workflow output reads `variable`.
fn needed_after(workflow: &WorkflowPlan, later: &[usize], variable: &str) -> bool {
    let reads =
        |value: &ValueRef| matches!(value.base(), ValueRef::StepOutput { variable: read, .. } if read == variable);
    later.iter().any(|&index| workflow.steps[index].values_read().into_iter().any(reads))
        || workflow.outputs.iter().any(|output| reads(&output.value))
}

/// The fields of the partial outputs that step `index` fills: the workflow outputs it produces, the
/// secrets it keeps, and the partial outputs of the workflow it calls.
fn filled_fields(workflow: &WorkflowPlan, index: usize) -> Vec<String> {
    let outputs = workflow.outputs.iter().filter(|output| output.available_after == Some(index));
    let kept = workflow.kept_secrets.iter().filter(|kept| kept.step_index == index);
    outputs
        .map(|output| output.field.field.clone())
        .chain(kept.map(|kept| kept.field.clone()))
        .chain(workflow.steps[index].call.iter().map(|call| call.partial_field.clone()))
        .collect()
}
