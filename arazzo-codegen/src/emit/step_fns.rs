//! The steps of a workflow without actions, each as an `async fn` of its own, declared in the
//! workflow's function, which calls them in order (straight-line code) or joins those of a level
//! (`dependsOn`, `emit/concurrent.rs`):
//!
//! ```text
//! /// The step `createKey`.
//! async fn create_key(run: &mut Run<Partial>, config: &Config, inputs: &Inputs) -> Result<String, WorkflowError<Partial>> {
//!     /* the step's statements, then the partial outputs it fills */
//!     Ok(create_key_id)
//! }
//! /// The step `deleteOldKey`.
//! async fn delete_old_key(run: .., config: .., create_key_id: String) -> Result<(), WorkflowError<Partial>> { .. }
//! let create_key_id = create_key(&mut run, config, inputs).await?;
//! delete_old_key(&mut run, config, create_key_id.clone()).await?;
//! Ok(Outputs { id: create_key_id.clone() })
//! ```
//!
//! A step takes the earlier outputs it reads as arguments (moved at their last read, cloned
//! before) and returns those that later steps or the workflow's outputs read. One function per step,
//! rather than every step's statements in the workflow's function, keeps the compile time linear in
//! the number of steps: rustc checks each body, and lays out its future, on its own, where one body
//! with every step's locals and awaits took 20 s of CPU for 250 steps, 5.8 s now (docs/BENCHMARKS.md,
//! "Straight-line workflows: one function per step").

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::machine::{copy_or_clone, mentions};
use super::workflow::{keep_secret, record_partial, step_statements};
use super::{docs, ident, one_line, rust_type};
use crate::naming::Scope;
use crate::plan::{ModulePlan, RustType, StepOutputPlan, ValueRef, WorkflowPlan};

/// clippy's `type_complexity` threshold (its default), above which a signature type is reported.
const TYPE_COMPLEXITY: u64 = 250;
/// clippy's `too_many_arguments` threshold (its default): more arguments are reported.
const TOO_MANY_ARGUMENTS: usize = 7;

pub(super) struct StepFns<'a> {
    workflow: &'a WorkflowPlan,
    /// The function of each step, by step index.
    names: Vec<Ident>,
    /// Where each step is called among the workflow's steps (its index in straight-line code; its
    /// place in the levels, one after the other, with `dependsOn`).
    position: Vec<usize>,
    /// Each step's statements, by step index.
    statements: Vec<TokenStream>,
    /// The place of the last step that reads each output variable.
    last_read: BTreeMap<&'a str, usize>,
    /// The output variables the workflow's outputs read.
    output_reads: BTreeSet<&'a str>,
}

impl<'a> StepFns<'a> {
    pub(super) fn new(plan: &'a ModulePlan, workflow: &'a WorkflowPlan) -> Self {
        let mut scope = Scope::with_reserved(&reserved(workflow));
        let names = workflow.steps.iter().map(|step| ident(&scope.snake(&step.step_id))).collect();
        let mut position = vec![0; workflow.steps.len()];
        if workflow.levels.is_empty() {
            position.iter_mut().enumerate().for_each(|(index, place)| *place = index);
        } else {
            for (place, &index) in workflow.levels.iter().flatten().enumerate() {
                if let Some(slot) = position.get_mut(index) {
                    *slot = place;
                }
            }
        }
        let statements = (0..workflow.steps.len()).map(|index| statements(plan, workflow, index)).collect();
        let mut last_read = BTreeMap::new();
        for (index, step) in workflow.steps.iter().enumerate() {
            for value in step.values_read() {
                if let ValueRef::StepOutput { variable, .. } = value.base() {
                    let last = last_read.entry(variable.as_str()).or_insert(position[index]);
                    *last = (*last).max(position[index]);
                }
            }
        }
        let output_reads = workflow
            .outputs
            .iter()
            .flat_map(|output| output.value.reads())
            .filter_map(|value| match value.base() {
                ValueRef::StepOutput { variable, .. } => Some(variable.as_str()),
                _ => None,
            })
            .collect();
        Self { workflow, names, position, statements, last_read, output_reads }
    }

    /// The names of the step functions, which the workflow function's other locals must not take.
    pub(super) fn names(&self) -> impl Iterator<Item = String> + '_ {
        self.names.iter().map(ToString::to_string)
    }

    /// The function of step `index`.
    pub(super) fn name(&self, index: usize) -> &Ident {
        &self.names[index]
    }

    /// Every step's function, in document order.
    pub(super) fn definitions(&self) -> impl Iterator<Item = TokenStream> + '_ {
        (0..self.workflow.steps.len()).map(|index| self.definition(index))
    }

    /// The earlier outputs (of the workflow's steps or of the `dependsOn` workflows run first) that
    /// step `index` reads, in the order it first reads them, with their types.
    fn reads(&self, index: usize) -> Vec<(&'a str, &'a RustType)> {
        let workflow = self.workflow;
        let step = &workflow.steps[index];
        let mut read: Vec<(&str, &RustType)> = Vec::new();
        for value in step.values_read() {
            let ValueRef::StepOutput { variable, .. } = value.base() else { continue };
            if read.iter().any(|(known, _)| known == variable)
                || step.outputs.iter().any(|own| &own.variable == variable)
            {
                continue;
            }
            let producer = workflow.dependencies.iter().chain(&workflow.steps).flat_map(|step| &step.outputs);
            if let Some(output) = producer.into_iter().find(|output| &output.variable == variable) {
                read.push((&output.variable, &output.ty));
            }
        }
        read
    }

    /// Whether a step called after the one at `position`, or the workflow's outputs, read `variable`.
    fn read_after(&self, position: usize, variable: &str) -> bool {
        self.output_reads.contains(variable) || self.last_read.get(variable).is_some_and(|&last| last > position)
    }

    /// The outputs of step `index` that it returns: those a later step or the workflow's outputs read.
    fn returned(&self, index: usize) -> Vec<&'a StepOutputPlan> {
        let position = self.position[index];
        let step = &self.workflow.steps[index];
        step.outputs.iter().filter(|output| output.used && self.read_after(position, &output.variable)).collect()
    }

    /// `let x = `, `let (x, y) = ` or nothing: what binds the value step `index` returns.
    pub(super) fn binding(&self, index: usize) -> TokenStream {
        let returned: Vec<Ident> = self.returned(index).iter().map(|output| ident(&output.variable)).collect();
        match returned.as_slice() {
            [] => TokenStream::new(),
            [one] => quote!(let #one = ),
            many => quote!(let (#(#many),*) = ),
        }
    }

    /// `create_key(<run>, config, inputs, earlier_output.clone())`: the future of step `index`, on
    /// `run` (`&mut run`, or a branch of it). An earlier output is moved into its last reader.
    pub(super) fn call(&self, index: usize, run: TokenStream) -> TokenStream {
        let name = &self.names[index];
        let [config, inputs] = self.reads_config_and_inputs(index);
        let position = self.position[index];
        let arguments = self.reads(index).into_iter().map(|(variable, ty)| {
            let name = ident(variable);
            if self.read_after(position, variable) { copy_or_clone(&quote!(#name), ty) } else { quote!(#name) }
        });
        let config = config.then(|| quote!(config,));
        let inputs = inputs.then(|| quote!(inputs,));
        quote!(#name(#run, #config #inputs #(#arguments),*))
    }

    /// Whether step `index` reads the configuration and the inputs, each then an argument.
    fn reads_config_and_inputs(&self, index: usize) -> [bool; 2] {
        let statements = &self.statements[index];
        [mentions(statements, "config"), mentions(statements, "inputs")]
    }

    /// `async fn <step>(run, [config], [inputs], <earlier outputs>) -> Result<<returned>, WorkflowError<_>>`.
    fn definition(&self, index: usize) -> TokenStream {
        let workflow = self.workflow;
        let step = &workflow.steps[index];
        let doc = docs(&format!("The step `{}`.", one_line(&step.step_id)));
        let name = &self.names[index];
        let partial = ident(&workflow.partial_type);
        let inputs_type = ident(&workflow.inputs_type);
        let statements = &self.statements[index];
        let [config, inputs] = self.reads_config_and_inputs(index);
        let config = config.then(|| quote!(config: &Config,));
        let inputs = inputs.then(|| quote!(inputs: &#inputs_type,));
        let reads = self.reads(index);
        let parameters = reads.iter().map(|(variable, ty)| {
            let variable = ident(variable);
            let ty = rust_type(ty);
            quote!(#variable: #ty)
        });
        let returned = self.returned(index);
        let types = returned.iter().map(|output| rust_type(&output.ty));
        let variables = returned.iter().map(|output| ident(&output.variable));
        let (ty, value) = match returned.len() {
            0 => (quote!(()), quote!(())),
            1 => (quote!(#(#types)*), quote!(#(#variables)*)),
            _ => (quote!((#(#types),*)), quote!((#(#variables),*))),
        };
        let result = quote!(::core::result::Result<#ty, ::arazzo_runtime::WorkflowError<#partial>>);
        // Rare in documents (a step reading many earlier outputs, or returning many), but clippy
        // would report them in the user's crate.
        let count = 1 + usize::from(config.is_some()) + usize::from(inputs.is_some()) + reads.len();
        let many = (count > TOO_MANY_ARGUMENTS).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        // Only the parameters: clippy does not score an `async fn`'s return type (an opaque future).
        let complex = reads
            .iter()
            .any(|(_, ty)| complexity(&rust_type(ty)) > TYPE_COMPLEXITY)
            .then(|| quote!(#[allow(clippy::type_complexity)]));
        quote! {
            #doc
            #many
            #complex
            async fn #name(
                run: &mut ::arazzo_runtime::Run<#partial>,
                #config
                #inputs
                #(#parameters),*
            ) -> #result {
                #statements
                ::core::result::Result::Ok(#value)
            }
        }
    }
}

/// The statements of step `index`: its request, checks and outputs, then the partial outputs it
/// fills.
fn statements(plan: &ModulePlan, workflow: &WorkflowPlan, index: usize) -> TokenStream {
    let step = &workflow.steps[index];
    let body = step_statements((plan, workflow), step, super::keep::keep_on_failure(workflow, index));
    let recorded = workflow.outputs.iter().filter(|output| output.available_after == Some(index)).map(record_partial);
    let kept = workflow.kept_secrets.iter().filter(|kept| kept.step_index == index).map(|kept| {
        let variable = ident(&kept.variable);
        keep_secret(kept, quote!(#variable.clone()))
    });
    quote! { #body #(#recorded)* #(#kept)* }
}

/// Names the workflow's function already uses: its parameters and locals, and every step output's
/// variable.
pub(super) fn reserved(workflow: &WorkflowPlan) -> Vec<&str> {
    let outputs = workflow.dependencies.iter().chain(&workflow.steps).flat_map(|step| &step.outputs);
    outputs
        .map(|output| output.variable.as_str())
        .chain(["client", "config", "inputs", "_inputs", "run", "request", "response", "called", "error", "partial"])
        .collect()
}

/// The score clippy's `type_complexity` gives a type (`clippy_lints/src/types/type_complexity.rs`):
/// 10 per named type, tuple, slice or array, times how deeply it is nested; 1 per reference.
fn complexity(ty: &TokenStream) -> u64 {
    match syn::parse2::<syn::Type>(ty.clone()) {
        Ok(ty) => score(&ty, 1),
        // Not a type: nothing clippy would score either.
        Err(_) => 0,
    }
}

fn score(ty: &syn::Type, nest: u64) -> u64 {
    match ty {
        syn::Type::Path(path) => {
            let arguments = path.path.segments.iter().flat_map(|segment| match &segment.arguments {
                syn::PathArguments::AngleBracketed(arguments) => arguments.args.iter().collect(),
                _ => Vec::new(),
            });
            let inner: u64 = arguments
                .map(|argument| match argument {
                    syn::GenericArgument::Type(ty) => score(ty, nest + 1),
                    _ => 0,
                })
                .sum();
            10 * nest + inner
        }
        syn::Type::Tuple(tuple) => 10 * nest + tuple.elems.iter().map(|ty| score(ty, nest + 1)).sum::<u64>(),
        syn::Type::Slice(slice) => 10 * nest + score(&slice.elem, nest + 1),
        syn::Type::Array(array) => 10 * nest + score(&array.elem, nest + 1),
        syn::Type::Reference(reference) => 1 + score(&reference.elem, nest),
        syn::Type::Paren(paren) => score(&paren.elem, nest),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::complexity;
    use quote::quote;

    #[test]
    fn complexity_scores_as_clippy_does() {
        // Result (10) + String (20) + WorkflowError (20) + P (30).
        let simple = quote!(::core::result::Result<::std::string::String, ::arazzo_runtime::WorkflowError<P>>);
        assert_eq!(complexity(&simple), 80);
        // Result 10, tuple 20, three Options 30 each with a Value 40 each, WorkflowError 20, P 30.
        let option = quote!(::core::option::Option<::arazzo_runtime::serde_json::Value>);
        let tuple = quote!(::core::result::Result<(#option, #option, #option), ::arazzo_runtime::WorkflowError<P>>);
        assert_eq!(complexity(&tuple), 10 + 20 + 3 * (30 + 40) + 20 + 30);
        assert!(complexity(&tuple) > super::TYPE_COMPLEXITY);
    }
}
