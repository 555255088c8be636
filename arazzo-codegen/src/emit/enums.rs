//! The string enums of a module ([`EnumPlan`]): one variant per value, `#[serde(rename)]` to the
//! value on the wire, `as_str()`, `Display` and `FromStr` giving and taking it, and
//! `arazzo_runtime::ParamValue`, so that an enum goes into parameters, bodies and criteria as its
//! wire string.
//!
//! An open enum (values read from a response) ends with `#[serde(untagged)] Unknown(String)`:
//! serde tries the listed values first, then keeps any other string there, so a value the API
//! added since its description was written is not an error (`#[serde(other)]` would drop the
//! string). A closed enum (inputs) refuses an unlisted value, in serde and in `FromStr`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident};
use crate::attributes::Attributes;
use crate::plan::EnumPlan;
use crate::types::enums::UNKNOWN;

/// The traits every enum derives, by the last segment of their paths: a caller's derive of one of
/// them is left out ([`Attributes::on_enum`]).
const DERIVED: [&str; 7] = ["Clone", "Debug", "PartialEq", "Eq", "Hash", "Serialize", "Deserialize"];

/// The enum of `plan`, with the caller's type attributes and derives for `module::Name`.
pub(super) fn emit(plan: &EnumPlan, module: &str, attributes: &Attributes) -> TokenStream {
    let name = ident(&plan.name);
    let added = attributes.on_enum(module, &plan.name, &DERIVED);
    let mut text = format!("The values of {}.", plan.uses.join(", "));
    text.push_str(if plan.open {
        "\n\nSerializes as its value on the wire ([`as_str()`](Self::as_str)). A value the description does \
         not list (the API may have added it since) deserializes as `Unknown`, holding it."
    } else {
        "\n\nSerializes as its value on the wire ([`as_str()`](Self::as_str)); deserializing or parsing \
         a value it does not list is an error."
    });
    let doc = docs(&text);
    let variants = plan.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let value = &variant.value;
        let doc = docs(&format!("`{}`", value.replace('`', "'")));
        quote! { #doc #[serde(rename = #value)] #variant_name, }
    });
    let unknown_ident = ident(UNKNOWN);
    let unknown = plan.open.then(|| {
        quote! {
            /// A value the description does not list.
            #[serde(untagged)]
            #unknown_ident(::std::string::String),
        }
    });
    let as_str_arms = plan.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let value = &variant.value;
        quote!(Self::#variant_name => #value,)
    });
    let unknown_arm = plan.open.then(|| quote!(Self::#unknown_ident(value) => value.as_str(),));
    let parse_arms = plan.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let value = &variant.value;
        quote!(#value => ::core::result::Result::Ok(Self::#variant_name),)
    });
    let (error, fallback) = if plan.open {
        (
            quote!(::core::convert::Infallible),
            quote!(other => ::core::result::Result::Ok(Self::#unknown_ident(::std::string::String::from(other))),),
        )
    } else {
        let values = plan.variants.iter().map(|variant| &variant.value);
        (
            quote!(::arazzo_runtime::UnknownValue),
            quote!(other => ::core::result::Result::Err(::arazzo_runtime::UnknownValue::new(other, &[#(#values),*])),),
        )
    };
    quote! {
        #doc
        #[derive(
            Clone,
            Debug,
            PartialEq,
            Eq,
            Hash,
            ::arazzo_runtime::serde::Serialize,
            ::arazzo_runtime::serde::Deserialize,
        )]
        #[serde(crate = "::arazzo_runtime::serde")]
        #added
        pub enum #name {
            #(#variants)*
            #unknown
        }
        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str_arms)*
                    #unknown_arm
                }
            }
        }
        impl ::core::fmt::Display for #name {
            fn fmt(&self, formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }
        impl ::core::str::FromStr for #name {
            type Err = #error;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                match value {
                    #(#parse_arms)*
                    #fallback
                }
            }
        }
        impl ::arazzo_runtime::ParamValue for #name {
            fn to_json(&self) -> ::core::option::Option<::arazzo_runtime::serde_json::Value> {
                ::arazzo_runtime::ParamValue::to_json(self.as_str())
            }
            fn as_text(&self) -> ::core::option::Option<::std::borrow::Cow<'_, str>> {
                ::arazzo_runtime::ParamValue::as_text(self.as_str())
            }
            fn write_json(&self, out: &mut ::std::vec::Vec<u8>) -> bool {
                ::arazzo_runtime::ParamValue::write_json(self.as_str(), out)
            }
        }
    }
}
