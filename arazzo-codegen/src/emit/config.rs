//! `Config` and one settings struct per source description: base URL and credentials.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, one_line};
use crate::plan::{CredentialKind, CredentialPlan, ModulePlan, SourcePlan};

pub(super) fn emit(plan: &ModulePlan) -> TokenStream {
    let sources = plan.sources.iter().map(source);
    let fields = plan.sources.iter().map(|source| {
        let doc = docs(&format!("Settings for the source description `{}`.", source.name));
        let field = ident(&source.field);
        let ty = ident(&source.type_name);
        quote! { #doc pub #field: #ty, }
    });
    let all_default = plan.sources.iter().all(|source| source.credentials.is_empty());
    let derive_default = all_default.then(|| quote!(Default,));
    let doc =
        docs("Settings for every source description of this document: where each API is and how to authenticate.");
    quote! {
        #doc
        #[derive(Clone, Debug, #derive_default)]
        pub struct Config { #(#fields)* }
        #(#sources)*
    }
}

fn source(source: &SourcePlan) -> TokenStream {
    let name = ident(&source.type_name);
    let title = source.api_title.as_deref().map(|title| format!(" ({})", one_line(title))).unwrap_or_default();
    let doc = docs(&format!(
        "Settings for the source description `{}`{title}, described by `{}`.",
        source.name,
        one_line(&source.url)
    ));
    let default_url = &source.default_base_url;
    let const_doc = format!(" The description's first server: `{}`.", one_line(default_url));
    let fields = source.credentials.iter().map(|credential| {
        let field = ident(&credential.field);
        let ty = credential_type(credential);
        let doc = docs(&credential_doc(credential));
        quote! { #doc pub #field: #ty, }
    });
    let parameters = source.credentials.iter().map(|credential| {
        let field = ident(&credential.field);
        match credential.kind {
            CredentialKind::Basic => quote!(#field: ::arazzo_runtime::BasicCredentials),
            _ => quote!(#field: impl ::core::convert::Into<::arazzo_runtime::SecretString>),
        }
    });
    let initializers = source.credentials.iter().map(|credential| {
        let field = ident(&credential.field);
        match credential.kind {
            CredentialKind::Basic => quote!(#field),
            _ => quote!(#field: #field.into()),
        }
    });
    let new_doc = docs(if source.credentials.is_empty() {
        "Settings with the default base URL."
    } else {
        "Settings with the default base URL and the credentials the workflows need."
    });
    let default_impl = source.credentials.is_empty().then(|| {
        quote! {
            impl ::core::default::Default for #name {
                fn default() -> Self { Self::new() }
            }
        }
    });
    // Debug by hand: a base URL may carry a user name and password (which runs refuse) or a
    // query; `DebugUrl` shows it without them. Credentials are `SecretString`s, redacted anyway.
    let type_name = &source.type_name;
    let debug_fields = source.credentials.iter().map(|credential| {
        let field = ident(&credential.field);
        // As derived Debug would name it: the identifier's text.
        let name = field.to_string();
        quote! { .field(#name, &self.#field) }
    });
    quote! {
        #doc
        #[derive(Clone)]
        pub struct #name {
            /// Base URL the operation paths are appended to.
            pub base_url: ::std::string::String,
            #(#fields)*
        }
        impl #name {
            #[doc = #const_doc]
            pub const DEFAULT_BASE_URL: &'static str = #default_url;

            #new_doc
            pub fn new(#(#parameters),*) -> Self {
                Self { base_url: Self::DEFAULT_BASE_URL.to_string(), #(#initializers),* }
            }

            /// The same settings with another base URL (a region, a proxy, a test server).
            pub fn with_base_url(mut self, base_url: impl ::core::convert::Into<::std::string::String>) -> Self {
                self.base_url = base_url.into();
                self
            }
        }
        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#type_name)
                    .field("base_url", &::arazzo_runtime::DebugUrl(&self.base_url))
                    #(#debug_fields)*
                    .finish()
            }
        }
        #default_impl
    }
}

fn credential_type(credential: &CredentialPlan) -> TokenStream {
    match credential.kind {
        CredentialKind::Basic => quote!(::arazzo_runtime::BasicCredentials),
        _ => quote!(::arazzo_runtime::SecretString),
    }
}

fn credential_doc(credential: &CredentialPlan) -> String {
    let how = match &credential.kind {
        CredentialKind::Bearer => "sent as `Authorization: Bearer <token>`".to_string(),
        CredentialKind::Basic => "sent as HTTP Basic authentication".to_string(),
        CredentialKind::ApiKeyHeader(name) => format!("sent in the `{}` header", one_line(name)),
        CredentialKind::ApiKeyQuery(name) => format!("sent as the `{}` query parameter", one_line(name)),
        CredentialKind::ApiKeyCookie(name) => format!("sent as the `{}` cookie", one_line(name)),
    };
    let mut doc = format!("Credential for the security scheme `{}`, {how}.", credential.scheme_name);
    if let Some(description) = &credential.description {
        doc.push_str("\n\n");
        doc.push_str(description);
    }
    doc
}
