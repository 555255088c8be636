//! The data types of one workflow: `…Inputs` (and the structs of its nested objects), `…Outputs`
//! and `…Partial`, with the attributes the caller added ([`crate::attributes`]).
//!
//! Inputs deserialize from the document's JSON names and are built with a builder
//! (`emit/inputs_builder.rs`). Outputs and partial outputs serialize under the document's names,
//! every secret written as `"[REDACTED]"` unless serialized through `expose_secrets()`: logging
//! outputs must not leak a key, handing them to a secret manager needs the key, and the second is
//! the one that should take an explicit call (as `Checkpoint::expose_secrets` does). A nested
//! input object an output can hold (`owner: $inputs.owner`) serializes the same way, inside them.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::{Settings, docs, ident, one_line, rust_type};
use crate::plan::{FieldPlan, ModulePlan, RustType, StructPlan, WorkflowPlan};

/// The module and the caller's attributes, for every struct of a workflow.
pub(super) struct Structs<'a> {
    pub(super) module: &'a str,
    pub(super) settings: &'a Settings,
    /// The nested input structs that derive `Serialize` ([`serialized_inputs`]).
    pub(super) serialized: &'a BTreeSet<&'a str>,
}

/// The nested input structs of `plan` that an output can hold, directly (`$inputs.owner`, or another
/// workflow's `$workflows.w.inputs.owner`) or inside another such struct: those derive `Serialize`,
/// which the outputs' own derive needs. The others are left as they are, which keeps their code small.
pub(super) fn serialized_inputs(plan: &ModulePlan) -> BTreeSet<&str> {
    let structs: BTreeMap<&str, &StructPlan> = plan
        .workflows
        .iter()
        .flat_map(|workflow| &workflow.input_structs)
        .map(|structure| (structure.name.as_str(), structure))
        .collect();
    let mut pending: Vec<&RustType> =
        plan.workflows.iter().flat_map(|workflow| &workflow.outputs).map(|output| &output.field.ty).collect();
    let mut serialized = BTreeSet::new();
    while let Some(ty) = pending.pop() {
        match ty {
            RustType::Vec(item) | RustType::Nullable(item) => pending.push(item),
            RustType::Struct(name) => {
                if let Some(structure) = structs.get(name.as_str())
                    && serialized.insert(structure.name.as_str())
                {
                    pending.extend(structure.fields.iter().map(|field| &field.ty));
                }
            }
            _ => {}
        }
    }
    serialized
}

impl Structs<'_> {
    fn type_attributes(&self, ty: &str) -> TokenStream {
        self.settings.attributes.on_type(self.module, ty)
    }

    fn field_attributes(&self, ty: &str, field: &str) -> TokenStream {
        self.settings.attributes.on_field(self.module, ty, field)
    }

    pub(super) fn inputs(&self, workflow: &WorkflowPlan) -> TokenStream {
        let doc = format!(
            "Inputs of the workflow `{}`.\n\nBuild them with [`{name}::builder()`]({name}::builder): a required input \
             left unset does not compile, and inputs the document adds later as optional do not break the call. \
             Deserializes from the JSON object the workflow's input schema describes.",
            workflow.workflow_id,
            name = workflow.inputs_type,
        );
        let inputs = self.deserializable(&workflow.inputs_type, &doc, &workflow.inputs, "input");
        let builder = super::inputs_builder::builder(&workflow.inputs_type, &workflow.inputs);
        let nested = workflow.input_structs.iter().map(|structure| {
            let doc = structure
                .doc
                .clone()
                .unwrap_or_else(|| format!("An object of the inputs of `{}`.", workflow.workflow_id));
            let definition = self.deserializable(&structure.name, &doc, &structure.fields, "field");
            let builder = super::inputs_builder::builder(&structure.name, &structure.fields);
            let parameter = parameter_value(structure);
            quote! { #definition #builder #parameter }
        });
        quote! { #(#nested)* #inputs #builder }
    }

    /// A struct of typed fields that deserializes from JSON under the document's names; `Default`
    /// when every field is optional. One that outputs can hold serializes too, under the same names,
    /// as its object was given: an absent optional field is left out, and secrets are written as
    /// the outputs holding it write theirs (redacted unless through `expose_secrets()`).
    fn deserializable(&self, name: &str, doc: &str, fields: &[FieldPlan], noun: &str) -> TokenStream {
        let attributes = self.type_attributes(name);
        let default = fields_all_optional(fields).then(|| quote!(Default,));
        let serialized = self.serialized.contains(name);
        let serialize = serialized.then(|| quote!(::arazzo_runtime::serde::Serialize,));
        let fields = fields.iter().map(|input| {
            let serialization = serialized.then(|| {
                let secret = serialize_secret(&input.ty);
                // `None` of a nullable field is `null`, sent as such (`json::or_null`); of another, absent.
                let absent = (input.optional && !input.ty.is_nullable())
                    .then(|| quote!(#[serde(skip_serializing_if = "::core::option::Option::is_none")]));
                quote!(#secret #absent)
            });
            let attributes = self.field_attributes(name, &input.field);
            let field = ident(&input.field);
            let ty = field_type(input);
            let mut text = input.doc.clone().unwrap_or_else(|| format!("The {noun} `{}`.", input.name));
            if input.ty == RustType::Json {
                text.push_str("\n\nThe schema names no type arazzo-rs maps to Rust, so this is any JSON value.");
            }
            if input.ty.is_nullable() {
                text.push_str("\n\nThe schema allows `null`: `None` sends `null`.");
            }
            let doc = docs(&text);
            let rename = rename(input);
            quote! { #doc #rename #serialization #attributes pub #field: #ty, }
        });
        let mut doc = doc.to_owned();
        if serialized {
            doc.push_str(
                "\n\nSerializes under the document's names, as part of the outputs that hold it: secrets are \
                 written as `\"[REDACTED]\"` unless the outputs are serialized through their `expose_secrets()`.",
            );
        }
        let doc = docs(&doc);
        let name = ident(name);
        quote! {
            #doc
            #[derive(Clone, Debug, #default #serialize ::arazzo_runtime::serde::Deserialize)]
            #[serde(crate = "::arazzo_runtime::serde")]
            #attributes
            pub struct #name { #(#fields)* }
        }
    }

    pub(super) fn outputs(&self, workflow: &WorkflowPlan) -> TokenStream {
        let type_name = &workflow.outputs_type;
        let doc = docs(&format!("Outputs of the workflow `{}`.\n\n{SERIALIZES}", workflow.workflow_id));
        let fields = workflow.outputs.iter().map(|output| {
            let attributes = self.field_attributes(type_name, &output.field.field);
            let field = ident(&output.field.field);
            let ty = field_type(&output.field);
            let mut text = format!("`{}`: `{}`.", output.field.name, one_line(&output.expression));
            match (output.field.optional, output.field.ty.is_nullable()) {
                (true, true) => text.push_str(
                    "\n\n`None` when the step that produces it did not run, or when the value was `null` (its schema \
                     allows `null`).",
                ),
                (false, true) => text.push_str("\n\n`None` when the value was `null` (its schema allows `null`)."),
                (_, false) => {}
            }
            let doc = docs(&text);
            let rename = rename(&output.field);
            let secret = serialize_secret(&output.field.ty);
            quote! { #doc #rename #secret #attributes pub #field: #ty, }
        });
        self.serializable(type_name, doc, quote!(Clone, Debug), fields.collect())
    }

    pub(super) fn partial(&self, workflow: &WorkflowPlan) -> TokenStream {
        let type_name = &workflow.partial_type;
        let doc = docs(&format!(
            "The outputs of the workflow `{}` that were known when it failed: each is `Some` once the step \
             that produces it has succeeded, so a key created before a later step failed is never lost. A step \
             whose request may have taken effect (an unsafe method answered below 400) and then failed fills \
             those its response holds as well.\n\n{SERIALIZES}",
            workflow.workflow_id
        ));
        let mut fields: Vec<TokenStream> = workflow
            .outputs
            .iter()
            .map(|output| {
                let attributes = self.field_attributes(type_name, &output.field.field);
                let field = ident(&output.field.field);
                let ty = rust_type(&output.field.ty);
                let doc = if output.field.ty.is_nullable() {
                    docs(&format!(
                        "`{}`, once known: `Some(None)` when the step that produces it succeeded with `null` (the \
                         schema allows `null`), `None` while it is not known.",
                        output.field.name
                    ))
                } else {
                    docs(&format!("`{}`, once known.", output.field.name))
                };
                let rename = rename(&output.field);
                let secret = serialize_secret(&output.field.ty);
                quote! { #doc #rename #secret #attributes pub #field: ::core::option::Option<#ty>, }
            })
            .collect();
        fields.extend(workflow.kept_secrets.iter().map(|kept| {
            let attributes = self.field_attributes(type_name, &kept.field);
            let field = ident(&kept.field);
            let null = if kept.nullable { " `None` too when it was `null` (its schema allows `null`)." } else { "" };
            let doc = docs(&format!(
                "Output `{}` of step `{}`: a secret no workflow output carries, kept so that a failure after that \
                 step does not lose it.{null}",
                kept.output, kept.step_id
            ));
            let secret = serialize_secret(&RustType::Secret);
            quote! { #doc #secret #attributes pub #field: ::core::option::Option<::arazzo_runtime::SecretString>, }
        }));
        let calls = workflow.dependencies.iter().chain(&workflow.steps).flat_map(|step| {
            let actions = step.on_success.iter().chain(&step.on_failure).filter_map(|action| match &action.kind {
                crate::plan::ActionKind::Transfer(call) | crate::plan::ActionKind::Retry { first: Some(call), .. } => {
                    Some((call.as_ref(), format!("action `{}` of step `{}`", action.name, step.step_id)))
                }
                _ => None,
            });
            step.call.iter().map(|call| (call, format!("step `{}`", step.step_id))).chain(actions)
        });
        fields.extend(calls.map(|(call, by)| {
            let attributes = self.field_attributes(type_name, &call.partial_field);
            let field = ident(&call.partial_field);
            let ty = ident(&call.partial_type);
            let doc =
                docs(&format!("What the workflow `{}` run by {by} had produced when it failed.", call.workflow_id));
            quote! { #doc #attributes pub #field: ::core::option::Option<#ty>, }
        }));
        self.serializable(type_name, doc, quote!(Clone, Debug, Default), fields)
    }

    /// A struct that derives `Serialize` (secrets redacted) and has `expose_secrets()`.
    fn serializable(
        &self,
        name: &str,
        doc: TokenStream,
        derives: TokenStream,
        fields: Vec<TokenStream>,
    ) -> TokenStream {
        let attributes = self.type_attributes(name);
        let name = ident(name);
        quote! {
            #doc
            #[derive(#derives, ::arazzo_runtime::serde::Serialize)]
            #[serde(crate = "::arazzo_runtime::serde")]
            #attributes
            pub struct #name { #(#fields)* }
            impl #name {
                /// These values in a form that serializes every secret in plain text, for storage the caller
                /// trusts (a secret manager). Serializing `self` writes them as `"[REDACTED]"`.
                pub fn expose_secrets(&self) -> ::arazzo_runtime::serde_support::ExposeSecrets<'_, Self> {
                    ::arazzo_runtime::serde_support::ExposeSecrets::new(self)
                }
            }
        }
    }
}

const SERIALIZES: &str = "Serializes under the document's names with every secret written as `\"[REDACTED]\"`, \
     so that it can be logged; serialize [`expose_secrets()`](Self::expose_secrets) to write the secrets.";

/// The field's type: `Option<T>` when it is optional, one `Option` only when its value may also be
/// `null` (`None` is then either).
fn field_type(field: &FieldPlan) -> TokenStream {
    let ty = rust_type(&field.ty);
    if field.optional && !field.ty.is_nullable() { quote!(::core::option::Option<#ty>) } else { ty }
}

fn fields_all_optional(fields: &[FieldPlan]) -> bool {
    fields.iter().all(|field| field.optional)
}

fn rename(field: &FieldPlan) -> Option<TokenStream> {
    (field.field != field.name).then(|| {
        let original = &field.name;
        quote!(#[serde(rename = #original)])
    })
}

/// Secrets (and arrays of them) serialize through the runtime, which redacts them.
fn serialize_secret(ty: &RustType) -> Option<TokenStream> {
    fn secret_strings(ty: &RustType) -> bool {
        match ty {
            RustType::Secret => true,
            RustType::Vec(item) | RustType::Nullable(item) => secret_strings(item),
            _ => false,
        }
    }
    secret_strings(ty).then(|| quote!(#[serde(serialize_with = "::arazzo_runtime::serde_support::secret")]))
}

/// How a nested input object goes into a request: as a JSON object of its fields (absent optional
/// fields left out), with every secret inside it registered for redaction.
fn parameter_value(structure: &StructPlan) -> TokenStream {
    let name = ident(&structure.name);
    let entries = structure.fields.iter().map(|field| {
        let original = &field.name;
        let member = ident(&field.field);
        if field.ty.is_nullable() {
            quote!((#original, &::arazzo_runtime::json::or_null(&self.#member)))
        } else {
            quote!((#original, &self.#member))
        }
    });
    let secrets: Vec<TokenStream> = structure
        .fields
        .iter()
        .map(|field| {
            let member = ident(&field.field);
            quote!(::arazzo_runtime::ParamValue::collect_secrets(&self.#member, out);)
        })
        .collect();
    let out = if secrets.is_empty() { ident("_out") } else { ident("out") };
    quote! {
        impl ::arazzo_runtime::ParamValue for #name {
            fn to_json(&self) -> ::core::option::Option<::arazzo_runtime::serde_json::Value> {
                ::arazzo_runtime::ParamValue::to_json(&::arazzo_runtime::json::object([#(#entries),*]))
            }
            fn collect_secrets(&self, #out: &mut ::std::vec::Vec<::arazzo_runtime::SecretString>) {
                #(#secrets)*
            }
        }
    }
}
