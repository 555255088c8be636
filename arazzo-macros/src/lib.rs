//! `workflow!`: compiles an Arazzo document into a typed async Rust client where the macro is called,
//! without a build script. It expands to the module `arazzo_codegen::Builder` would write to
//! `OUT_DIR` (same code, same name), so everything said of that module holds here.
//!
//! ```ignore
//! arazzo_macros::workflow!(
//!     "workflows/backblaze-rotate-application-key-workflow.yml",
//!     // Each as `Builder`'s method of the same name; paths are relative to `CARGO_MANIFEST_DIR`.
//!     source(backblazeB2 = "vendor/backblaze-b2-native-api.yaml"),
//!     source("name-with-dashes" = "vendor/other.yaml"),
//!     overlay("workflows/backblaze-credentials.overlay.yml"),
//!     deny_warnings,
//! );
//!
//! use backblaze_rotate_application_key::{rotate_application_key, Config};
//! ```
//!
//! - **Errors** in the documents are compile errors at the macro's first argument, each rendered as
//!   the command line renders it: the message, `--> file:line:column`, the source line underlined,
//!   the hints.
//! - **Warnings** are compiler warnings at the same place. Stable Rust gives procedural macros no way
//!   to emit a warning, so each is the deprecation note of an item the expansion uses: rustc shows
//!   `warning: use of deprecated constant ...: <the rendered warning>`. `#[allow(deprecated)]` on
//!   the enclosing module silences them; `deny_warnings` (or `#![deny(warnings)]`) makes them errors.
//! - **Rebuilds**: the expansion holds `const _: &[u8] = include_bytes!("<absolute path>");` for
//!   every file the generator read (document, OpenAPI descriptions, overlays), so rustc rebuilds
//!   the crate when one of them changes, as `cargo:rerun-if-changed` does for `build.rs`.
//!
//! The generated code calls `arazzo-runtime`, which the crate depends on itself (this crate cannot
//! re-export it, nor be re-exported from it: a procedural-macro crate exports only macros).

mod args;
mod expand;

use proc_macro::TokenStream;

/// Compiles an Arazzo document into a Rust module named after its file: see the [crate] docs.
#[proc_macro]
pub fn workflow(input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as args::Args);
    expand::expand(&args).into()
}
