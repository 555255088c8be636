//! A builder for each inputs struct: `…Inputs::builder().app_id("app_1").integration_id("i_1").build()`.
//!
//! Required inputs are checked by the compiler (typestate): the builder has one type parameter per
//! required input, `::arazzo_runtime::Missing` until its setter is called, and `build()` exists only
//! once every one is set, so a forgotten input does not compile and none can be set twice. Optional
//! inputs have setters in every state. Adding an optional input to a document adds a setter and
//! breaks no caller; a struct literal would break (this is why the builder exists). Every state is
//! the inputs' own fields or zero-sized markers, so the builder costs nothing at run time.
//!
//! The setters take what the constructors of the settings structs take: `impl Into<String>`,
//! `impl Into<SecretString>`, and the value itself for other types.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{docs, ident, rust_type};
use crate::plan::{FieldPlan, RustType};

pub(super) fn builder(type_name: &str, fields: &[FieldPlan]) -> TokenStream {
    let target = ident(type_name);
    let name = builder_name(type_name);
    let path = quote!(self::#name);
    let required: Vec<&FieldPlan> = fields.iter().filter(|field| !field.optional).collect();
    // Type parameters named after the inputs (`AppId`), as the docs show them. They may shadow a
    // generated type of the same name, so every type named below is `self::`- or fully qualified.
    let parameters = state_parameters(&required);
    let missing = quote!(::arazzo_runtime::Missing);
    let defaults = parameters.iter().map(|parameter| quote!(#parameter = #missing));
    let members = fields.iter().map(|field| {
        let member = ident(&field.field);
        match required.iter().position(|required| required.field == field.field) {
            Some(index) => {
                let parameter = &parameters[index];
                quote!(#member: #parameter,)
            }
            None => {
                let ty = qualified_type(&field.ty);
                quote!(#member: ::core::option::Option<#ty>,)
            }
        }
    });
    let start_members = fields.iter().map(|field| {
        let member = ident(&field.field);
        if field.optional { quote!(#member: ::core::option::Option::None,) } else { quote!(#member: #missing,) }
    });
    let names: Vec<&str> = fields.iter().map(|field| field.field.as_str()).collect();
    let required_setters = required.iter().enumerate().map(|(index, field)| {
        let member = ident(&field.field);
        let setter = ident(&crate::naming::setter(&field.field, &names));
        let (parameter, conversion) = setter_parameter(&field.ty);
        let value_type = qualified_type(&field.ty);
        let before = parameters
            .iter()
            .enumerate()
            .map(|(other, parameter)| if other == index { missing.clone() } else { quote!(#parameter) });
        let after = parameters
            .iter()
            .enumerate()
            .map(|(other, parameter)| if other == index { value_type.clone() } else { quote!(#parameter) });
        let generics = angled(
            parameters
                .iter()
                .enumerate()
                .filter(|(other, _)| *other != index)
                .map(|(_, parameter)| quote!(#parameter))
                .collect(),
        );
        let moved = fields.iter().map(|other| {
            let other_member = ident(&other.field);
            if other.field == field.field && conversion.is_empty() {
                quote!(#member,)
            } else if other.field == field.field {
                quote!(#other_member: #member #conversion,)
            } else {
                quote!(#other_member: self.#other_member,)
            }
        });
        let doc = setter_doc(field, "Sets the required");
        quote! {
            impl #generics #path<#(#before),*> {
                #doc
                pub fn #setter(self, #member: #parameter) -> #path<#(#after),*> {
                    #path { #(#moved)* }
                }
            }
        }
    });
    let optional_setters = fields.iter().filter(|field| field.optional).map(|field| {
        let member = ident(&field.field);
        let setter = ident(&crate::naming::setter(&field.field, &names));
        let (parameter, conversion) = setter_parameter(&field.ty);
        let doc = setter_doc(field, "Sets the optional");
        quote! {
            #doc
            pub fn #setter(mut self, #member: #parameter) -> Self {
                self.#member = ::core::option::Option::Some(#member #conversion);
                self
            }
        }
    });
    let optional_setters: Vec<TokenStream> = optional_setters.collect();
    let all_generics = angled(parameters.iter().map(|parameter| quote!(#parameter)).collect());
    let optional_impl = (!optional_setters.is_empty()).then(|| {
        quote! {
            impl #all_generics #path #all_generics {
                #(#optional_setters)*
            }
        }
    });
    let set_types = angled(required.iter().map(|field| qualified_type(&field.ty)).collect());
    let struct_generics = angled(defaults.collect());
    let built = fields.iter().map(|field| {
        let member = ident(&field.field);
        quote!(#member: self.#member,)
    });
    let builder_doc = docs(&format!(
        "Builds [`{type_name}`]: start from [`{type_name}::builder()`]({type_name}::builder), call the setter of \
         every required input (each type parameter stands for one, [`Missing`](::arazzo_runtime::Missing) until \
         it is set), then `build()`."
    ));
    quote! {
            impl #target {
                /// A builder of these inputs: `build()` compiles once every required input is set.
                pub fn builder() -> #path {
                    #path { #(#start_members)* }
                }
            }
            #builder_doc
            #[must_use]
            #[derive(Clone, Debug)]
            pub struct #name #struct_generics { #(#members)* }
            #(#required_setters)*
    #optional_impl
            impl #path #set_types {
                /// The inputs, every required one set.
                pub fn build(self) -> self::#target {
                    self::#target { #(#built)* }
                }
            }
        }
}

/// `<A, B>`, or nothing for no parameters.
fn angled(parameters: Vec<TokenStream>) -> TokenStream {
    if parameters.is_empty() { TokenStream::new() } else { quote!(<#(#parameters),*>) }
}

/// `…InputsBuilder`.
fn builder_name(type_name: &str) -> Ident {
    ident(&format!("{type_name}{}", crate::naming::BUILDER_SUFFIX))
}

/// `AppId` for the input field `app_id`; unique, and never `Self`.
fn state_parameters(required: &[&FieldPlan]) -> Vec<Ident> {
    let mut names: Vec<String> = Vec::new();
    for field in required {
        let mut name: String = field
            .field
            .split('_')
            .map(|part| {
                let mut chars = part.chars();
                chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
            })
            .collect();
        if name.is_empty() || name == "Self" || name.starts_with(|c: char| c.is_ascii_digit()) {
            name.insert_str(0, "Input");
        }
        while names.contains(&name) {
            name.push('_');
        }
        names.push(name);
    }
    names.iter().map(|name| format_ident!("{}", name)).collect()
}

/// The type of a field, generated structs named through `self::` (no type parameter shadows them).
fn qualified_type(ty: &RustType) -> TokenStream {
    match ty {
        RustType::Struct(name) | RustType::Enum(name) => {
            let name = ident(name);
            quote!(self::#name)
        }
        RustType::Vec(item) => {
            let item = qualified_type(item);
            quote!(::std::vec::Vec<#item>)
        }
        RustType::Nullable(inner) => {
            let inner = qualified_type(inner);
            quote!(::core::option::Option<#inner>)
        }
        other => rust_type(other),
    }
}

/// The setter's parameter type and the conversion applied to it.
fn setter_parameter(ty: &RustType) -> (TokenStream, TokenStream) {
    match ty {
        RustType::String => (quote!(impl ::core::convert::Into<::std::string::String>), quote!(.into())),
        RustType::Secret => (quote!(impl ::core::convert::Into<::arazzo_runtime::SecretString>), quote!(.into())),
        other => (qualified_type(other), TokenStream::new()),
    }
}

fn setter_doc(field: &FieldPlan, verb: &str) -> TokenStream {
    let mut text = format!("{verb} input `{}`.", field.name);
    if field.field == "build" {
        text.push_str(" Not named `build`: `build()` finishes the builder.");
    }
    if let Some(doc) = &field.doc {
        text.push_str("\n\n");
        text.push_str(doc);
    }
    docs(&text)
}
