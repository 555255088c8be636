//! A workflow whose steps run by their dependencies (Arazzo 1.1 step `dependsOn`), one level at a
//! time, each step a function of its own (`emit/step_fns.rs`): a level with one step calls it as a
//! straight-line workflow does; the steps of a larger level run concurrently in the workflow's own
//! task, each on a branch of the run:
//!
//! ```text
//! let mut list_pets_branch = run.branch("listPets");
//! let mut list_vets_branch = run.branch("listVets");
//! let list_pets = list_pets(&mut list_pets_branch, config, inputs);  // the step's future
//! let list_vets = list_vets(&mut list_vets_branch, config, inputs);
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
use super::step_fns::{self, StepFns};
use crate::naming::Scope;
use crate::plan::{ModulePlan, WorkflowPlan};

/// The statements of the workflow function after `let mut run = ..` (they end in `Ok(outputs)`).
pub(super) fn body(plan: &ModulePlan, workflow: &WorkflowPlan) -> TokenStream {
    let steps = StepFns::new(plan, workflow);
    let names: Vec<String> = steps.names().collect();
    let reserved: Vec<&str> =
        step_fns::reserved(workflow).into_iter().chain(names.iter().map(String::as_str)).collect();
    let mut locals = Scope::with_reserved(&reserved);
    let definitions = steps.definitions();
    let levels: Vec<TokenStream> = workflow
        .levels
        .iter()
        .map(|level| match level.as_slice() {
            [index] => {
                let binding = steps.binding(*index);
                let call = steps.call(*index, quote!(&mut run));
                quote!(#binding #call.await?;)
            }
            _ => concurrent_level(&steps, workflow, level, &mut locals),
        })
        .collect();
    let outputs = ident(&workflow.outputs_type);
    let output_fields = workflow.outputs.iter().map(|output| {
        let field = ident(&output.field.field);
        let value = super::value::owned(&output.value);
        super::field_init(&field, value)
    });
    quote! {
        #(#definitions)*
        #(#levels)*
        ::core::result::Result::Ok(#outputs { #(#output_fields),* })
    }
}

/// The steps of `level`, joined: each on its branch of the run, then what they produced copied into
/// the run's partial outputs, the branches merged, and their results taken in the order written.
fn concurrent_level(steps: &StepFns, workflow: &WorkflowPlan, level: &[usize], locals: &mut Scope) -> TokenStream {
    let mut branches = Vec::new();
    let mut futures = Vec::new();
    let mut copies = Vec::new();
    let mut taken = Vec::new();
    let mut results = Vec::new();
    for &index in level {
        let step = &workflow.steps[index];
        let branch = ident(&locals.snake(&format!("{}_branch", step.step_id)));
        // The step's future takes its function's name: the function is called once, here.
        let result = steps.name(index);
        let step_id = &step.step_id;
        branches.push(quote!(let mut #branch = run.branch(#step_id);));
        let call = steps.call(index, quote!(&mut #branch));
        // Bound to a name before the join, so that the call reads as formatted code (a macro's
        // arguments are not formatted).
        futures.push(quote!(let #result = #call;));
        for field in filled_fields(workflow, index) {
            let field = ident(&field);
            copies.push(quote!(run.partial.#field = ::core::mem::take(&mut #branch.partial.#field);));
        }
        let binding = steps.binding(index);
        taken.push(quote!(#binding run.joined(#result)?;));
        results.push((branch, result));
    }
    let names: Vec<&proc_macro2::Ident> = results.iter().map(|(_, result)| *result).collect();
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
