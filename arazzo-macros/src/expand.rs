//! What `workflow!` expands to: the module `Builder` would write, the generator's diagnostics as
//! compiler errors and warnings at the document's literal, and one `include_bytes!` per file read so
//! that the crate is rebuilt when a document changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arazzo_codegen::diagnostic::Renderer;
use arazzo_codegen::paths::normalize;
use arazzo_codegen::{Diagnostic, GenerateError, Options, Overlay};
use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

use crate::args::Args;

/// The expansion of one `workflow!` call. Every failure is a `compile_error!` at the call.
pub fn expand(args: &Args) -> TokenStream {
    let span = args.document.span();
    let Some(root) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        return compile_error(
            span,
            "CARGO_MANIFEST_DIR is not set: workflow! resolves its paths against it, so it must be compiled by cargo",
        );
    };
    let document = normalize(&root.join(args.document.value()));
    let options = Options {
        sources: args.sources.iter().map(|(name, path)| (name.clone(), normalize(&root.join(path.value())))).collect(),
        display_name: Some(relative(&document, &root).to_string_lossy().replace('\\', "/")),
        deny_warnings: args.deny_warnings,
        ..Options::default()
    };
    let mut problems = Vec::new();
    let mut files_read = vec![document.clone()];
    let mut overlays = Vec::new();
    for overlay in &args.overlays {
        let path = normalize(&root.join(overlay.value()));
        files_read.push(path.clone());
        match Overlay::load(&path) {
            Ok(overlay) => overlays.push(overlay),
            Err(diagnostics) => problems.extend(diagnostics),
        }
    }
    let mut module = None;
    match arazzo_codegen::generate_file(&document, &options, &overlays) {
        Ok(generated) => {
            files_read.extend(generated.files_read);
            problems.extend(generated.warnings);
            module = Some(generated.source);
        }
        Err(GenerateError::Invalid { diagnostics, files_read: read }) => {
            files_read.extend(read);
            problems.extend(diagnostics);
        }
        Err(error @ GenerateError::Emit(_)) => return compile_error(span, &error.to_string()),
    }
    let mut out = track(&files_read);
    let rendered = render(&problems, &root);
    let failed = problems.iter().any(Diagnostic::is_error);
    for (diagnostic, text) in problems.iter().zip(&rendered) {
        if diagnostic.is_error() {
            out.extend(compile_error(span, text.strip_prefix("error: ").unwrap_or(text)));
        } else if !failed {
            out.extend(warning(span, text.strip_prefix("warning: ").unwrap_or(text)));
        }
    }
    match module {
        _ if failed => {}
        None => out.extend(compile_error(span, "arazzo-codegen generated nothing for this document")),
        // Comments (the `@generated` header) are dropped by the lexer; doc comments stay as `#[doc]`.
        Some(source) => match source.parse::<TokenStream>() {
            Ok(tokens) => out.extend(tokens),
            Err(error) => out.extend(compile_error(
                span,
                &format!("internal error: arazzo-codegen produced Rust that does not lex ({error}); please report this with the document"),
            )),
        },
    }
    out
}

/// `const _: &[u8] = include_bytes!("/abs/path");` per file that exists: rustc records the files an
/// expansion includes and rebuilds the crate when one changes, which is what `cargo:rerun-if-changed`
/// does for `build.rs` (proc macros have no stable way to declare the files they read).
fn track(files: &[PathBuf]) -> TokenStream {
    let mut files: Vec<PathBuf> = files.iter().filter(|file| file.is_file()).map(|file| normalize(file)).collect();
    files.sort();
    files.dedup();
    let mut out = TokenStream::new();
    for file in files {
        let path = file.to_string_lossy();
        out.extend(quote_spanned! { Span::call_site() => const _: &[u8] = ::core::include_bytes!(#path); });
    }
    out
}

/// Each diagnostic as the command line renders it, with paths relative to the crate's folder (as
/// the macro call names them), the source lines read from the files themselves.
fn render(problems: &[Diagnostic], root: &Path) -> Vec<String> {
    let mut texts = BTreeMap::new();
    let shown: Vec<Diagnostic> =
        problems.iter().map(|diagnostic| relative_diagnostic(diagnostic, root, &mut texts)).collect();
    let mut renderer = Renderer::new();
    for (path, text) in texts {
        renderer = renderer.with_source(path, text);
    }
    shown.iter().map(|diagnostic| renderer.render(diagnostic)).collect()
}

/// `diagnostic` with its files (and those of its notes) relative to `root`; the text of each file it
/// names is added to `texts` under the relative name, for the renderer.
fn relative_diagnostic(diagnostic: &Diagnostic, root: &Path, texts: &mut BTreeMap<PathBuf, String>) -> Diagnostic {
    let mut shown_as = |file: &Path| {
        let shown = relative(file, root);
        if !texts.contains_key(&shown)
            && let Ok(text) = std::fs::read_to_string(file)
        {
            texts.insert(shown.clone(), text);
        }
        shown
    };
    let file = shown_as(&diagnostic.file);
    let mut shown =
        Diagnostic::error(&file, diagnostic.location, diagnostic.json_path.clone(), diagnostic.message.clone())
            .with_end(diagnostic.end());
    shown.severity = diagnostic.severity;
    for help in diagnostic.help() {
        shown = shown.with_help(help.clone());
    }
    for related in diagnostic.related() {
        let mut related = related.clone();
        related.file = shown_as(&related.file);
        shown = shown.with_related(related);
    }
    shown
}

/// A compiler error at `span`.
fn compile_error(span: Span, message: &str) -> TokenStream {
    quote_spanned! { span => ::core::compile_error! { #message } }
}

/// A compiler warning at `span`: stable Rust gives procedural macros no way to warn, so the warning is
/// the deprecation note of an item the expansion uses, which rustc shows as `warning: use of
/// deprecated constant `_::arazzo_document_warning`: <the warning>` (`#[allow(deprecated)]`
/// silences it, and `#![deny(warnings)]` makes it an error, as for any warning).
fn warning(span: Span, text: &str) -> TokenStream {
    quote_spanned! { span =>
        const _: () = {
            #[deprecated(note = #text)]
            #[allow(non_upper_case_globals)]
            const arazzo_document_warning: () = ();
            arazzo_document_warning
        };
    }
}

/// `path` relative to `base` (both absolute), with `..` where `path` is outside `base`.
fn relative(path: &Path, base: &Path) -> PathBuf {
    let path = normalize(path);
    let base = normalize(base);
    let common = path.components().zip(base.components()).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return path;
    }
    let mut out = PathBuf::new();
    for _ in base.components().skip(common) {
        out.push("..");
    }
    out.extend(path.components().skip(common));
    out
}

#[cfg(test)]
#[allow(clippy::panic)] // Test code: a panic is a failed test.
mod tests {
    use super::*;

    fn expand_str(args: &str) -> String {
        let args: Args = syn::parse_str(args).unwrap_or_else(|error| panic!("{error}"));
        expand(&args).to_string()
    }

    #[test]
    fn every_file_read_is_included_so_that_a_change_rebuilds_the_crate() {
        let expanded = expand_str(r#""../workflows/svix/arazzo/svix-rotate-integration-key-workflow.yml""#);
        let root = normalize(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
        for file in [
            "workflows/svix/arazzo/svix-rotate-integration-key-workflow.yml",
            "workflows/svix/openapi/svix-openapi.json",
        ] {
            let included = format!("include_bytes ! ({:?})", root.join(file).to_string_lossy());
            assert!(expanded.contains(&included), "{included} missing from the expansion");
        }
        assert!(expanded.contains("pub mod svix_rotate_integration_key"));
    }

    #[test]
    fn a_failing_document_is_still_tracked_so_that_fixing_it_rebuilds() {
        let expanded = expand_str(r#""tests/documents/unknown-operation.arazzo.yaml""#);
        assert!(expanded.contains("compile_error"));
        assert!(expanded.contains("tests/documents/pets.openapi.yaml"), "{expanded}");
        assert!(!expanded.contains("pub mod"));
    }

    #[test]
    fn a_missing_document_is_an_error_naming_it() {
        let expanded = expand_str(r#""tests/documents/nowhere.arazzo.yaml""#);
        assert!(expanded.contains("compile_error"));
        assert!(expanded.contains("tests/documents/nowhere.arazzo.yaml"), "{expanded}");
        assert!(!expanded.contains("include_bytes"), "a missing file cannot be included: {expanded}");
    }

    #[test]
    fn paths_are_shown_relative_to_the_crate() {
        assert_eq!(relative(Path::new("/a/b/c/d.yml"), Path::new("/a/b")), Path::new("c/d.yml"));
        assert_eq!(relative(Path::new("/a/x/../w/d.yml"), Path::new("/a/b")), Path::new("../w/d.yml"));
    }
}
