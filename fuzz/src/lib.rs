//! The fuzz targets' code: each target's body in [`targets`], and what they share here: turning bytes
//! into text, the in-memory files the generator reads, and the oracles (checks on results) that make a
//! wrong answer fail like a crash.
//!
//! `arazzo-codegen/tests/fuzz_corpus.rs` includes this file as a module (so it must not use
//! `libfuzzer-sys`) and replays the committed corpus through [`targets`] on every CI run;
//! `arazzo-codegen/tests/fuzz_regressions.rs` repeats these checks for every input the fuzzers found.

// A fuzz target reports a finding by panicking: that is what libFuzzer records as a crash.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arazzo_codegen::diagnostic::Location;
use arazzo_codegen::{Diagnostic, GenerateError, Generated};
use proc_macro2::{TokenStream, TokenTree};

pub mod targets;

/// Fuzz inputs are bytes; the code under test takes text. Lossy decoding keeps every mutation useful
/// (the loader's own UTF-8 check runs before any parsing and is a single `String::from_utf8`).
pub fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Where the fuzzed Arazzo document lives in the in-memory file set.
pub const DOCUMENT: &str = "/fuzz/doc.arazzo.yaml";

/// The descriptions a fuzzed document can name, at the paths its URLs resolve to from [`DOCUMENT`]:
/// the test fixtures (`./pets.openapi.yaml`, ...) and the seed workflows' OpenAPI descriptions
/// (`../openapi/...`, as the published workflows write them).
const FIXTURES: [(&str, &str); 10] = [
    ("/fuzz/pets.openapi.yaml", include_str!("../../arazzo-codegen/tests/fixtures/pets.openapi.yaml")),
    ("/fuzz/store.openapi.json", include_str!("../../arazzo-codegen/tests/fixtures/store.openapi.json")),
    ("/fuzz/nullable.openapi.yaml", include_str!("../../arazzo-codegen/tests/fixtures/nullable.openapi.yaml")),
    ("/fuzz/nested.arazzo.yaml", include_str!("../../arazzo-codegen/tests/fixtures/nested.arazzo.yaml")),
    ("/fuzz/cycle.openapi.yaml", include_str!("../../arazzo-codegen/tests/fixtures/robustness/cycle.openapi.yaml")),
    ("/fuzz/../openapi/svix-openapi.json", include_str!("../../workflows/svix/openapi/svix-openapi.json")),
    (
        "/fuzz/../openapi/propelauth-api-keys-api-openapi.yml",
        include_str!("../../workflows/propelauth/openapi/propelauth-api-keys-api-openapi.yml"),
    ),
    (
        "/fuzz/../openapi/deepgram-management-openapi.yml",
        include_str!("../../workflows/deepgram/openapi/deepgram-management-openapi.yml"),
    ),
    (
        "/fuzz/../openapi/apigee-api-management-openapi.yml",
        include_str!("../../workflows/apigee/openapi/apigee-api-management-openapi.yml"),
    ),
    (
        "/fuzz/../openapi/backblaze-b2-native-api.yaml",
        include_str!("../../workflows/backblaze/openapi/backblaze-b2-native-api.yaml"),
    ),
];

/// The fixed files plus `(path, text)` overrides.
pub fn files(overrides: &[(&str, &str)]) -> BTreeMap<PathBuf, String> {
    let mut files: BTreeMap<PathBuf, String> =
        FIXTURES.iter().map(|(path, text)| (PathBuf::from(path), (*text).to_string())).collect();
    for (path, text) in overrides {
        files.insert(PathBuf::from(path), (*text).to_string());
    }
    files
}

/// Whether `text` is read as JSON (the loader's rule: first non-blank character `{` or `[`).
pub fn is_json(text: &str) -> bool {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    matches!(body.trim_start_matches([' ', '\t', '\r', '\n']).chars().next(), Some('{' | '['))
}

/// The length in characters of each line of a text, with line breaks as its format counts them:
/// YAML also breaks at a lone `\r`, JSON only at `\n`. Computed once per input: checking many
/// positions must not cost a pass over the text each.
pub struct Lines(Vec<usize>);

impl Lines {
    pub fn new(text: &str) -> Self {
        let lines: Vec<&str> = if is_json(text) {
            text.split('\n').collect()
        } else {
            text.split("\r\n").flat_map(|part| part.split(['\r', '\n'])).collect()
        };
        Self(lines.iter().map(|line| line.chars().count()).collect())
    }

    /// A reported position must exist in the text: lines and columns start at 1, and the column is
    /// at most one past the line's last character (the end of the line).
    /// `what` names the position in the panic message (only built then).
    pub fn check(&self, location: Location, what: impl Fn() -> String) {
        let fits = location.line >= 1
            && location.column >= 1
            && self.0.get(location.line - 1).is_some_and(|chars| location.column <= chars + 1);
        if !fits {
            let line = self.0.get(location.line.wrapping_sub(1));
            panic!("{}: position {location:?} is not in the text (that line has {line:?} characters)", what());
        }
    }
}

/// A diagnostic about `path` (whose text has `lines`) must be located inside it, when it is located.
pub fn check_diagnostic(diagnostic: &Diagnostic, path: &Path, lines: &Lines) {
    if diagnostic.file == path
        && let Some(location) = diagnostic.location
    {
        lines.check(location, || diagnostic.to_string());
    }
}

/// The generator's answer to a document: Rust that parses with `syn` and whose identifiers all come
/// from `naming` (ASCII, never the `invalid_name` fallback of `emit::ident`), or errors that are
/// located in the document. An [`GenerateError::Emit`] is the generator admitting a bug: a finding.
pub fn check_generated(result: Result<Generated, GenerateError>, document: &Path, text: &str, loads: bool) {
    match result {
        Ok(generated) => {
            if let Err(error) = syn::parse_file(&generated.source) {
                panic!("generated code does not parse: {error}\n{}", generated.source);
            }
            let tokens: TokenStream = generated.source.parse().expect("syn parsed it, so it lexes");
            let mut idents = Vec::new();
            collect_idents(tokens, &mut idents);
            for ident in idents {
                assert!(ident.is_ascii(), "non-ASCII identifier `{ident}` in generated code");
                assert!(
                    ident != "invalid_name" || text.contains("invalid"),
                    "`emit::ident` fell back to `invalid_name`: `naming` handed out a bad identifier"
                );
            }
        }
        Err(GenerateError::Emit(error)) => panic!("{error}"),
        Err(error) => {
            let diagnostics = error.diagnostics();
            let lines = Lines::new(text);
            assert!(diagnostics.iter().any(Diagnostic::is_error), "failed without an error: {diagnostics:?}");
            for diagnostic in diagnostics {
                // Once the document loaded, everything reported about it has a place in it.
                if loads && diagnostic.file == document {
                    assert!(diagnostic.location.is_some(), "unlocated diagnostic: {diagnostic}");
                }
                check_diagnostic(diagnostic, document, &lines);
            }
        }
    }
}

fn collect_idents(tokens: TokenStream, out: &mut Vec<String>) {
    for token in tokens {
        match token {
            TokenTree::Group(group) => collect_idents(group.stream(), out),
            TokenTree::Ident(ident) => out.push(ident.to_string()),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}
