//! The body of each fuzz target, one function per target: `fuzz_targets/<name>.rs` calls `<name>`, and
//! `arazzo-codegen/tests/fuzz_corpus.rs` calls the same functions on the committed corpus, so CI runs
//! these oracles without cargo-fuzz. Each panics on a finding.
//!
//! Paths go through `super::`, not `crate::`: the test includes this library as a module of its own crate.

use std::path::Path;

use arazzo_codegen::condition::{parse_condition, parse_jsonpath};
use arazzo_codegen::expr::{ExprError, TemplatePart, parse, parse_template};
use arazzo_codegen::load::load_str;
use arazzo_codegen::{Options, generate_in_memory};
use serde_json::Value;

use super::{DOCUMENT, Lines, check_diagnostic, check_generated, files, is_json, text};

/// Bytes -> the YAML/JSON loader with line and column (`load::load_str`).
///
/// Oracles: no panic; every reported position is inside the text, and no span ends before it
/// starts; on success every span names a node of the value, every node has a span (JSON, and YAML
/// without aliases, whose copies are located at the alias only), and JSON is read exactly as
/// `serde_json` reads it (the loader's own scan must agree with it, rejecting only duplicate keys).
pub fn load_document(data: &[u8]) {
    let text = text(data);
    let path = Path::new("fuzz.yaml");
    let json = is_json(&text);
    let lines = Lines::new(&text);
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let serde: Option<Value> = if json { serde_json::from_str(body).ok() } else { None };
    match load_str(path, &text) {
        Ok(loaded) => {
            let mut pointers = Vec::new();
            nodes(&loaded.value, String::new(), &mut pointers);
            let complete = json || !text.contains('*');
            for pointer in &pointers {
                let span = loaded.spans.get(pointer);
                if complete {
                    assert!(span.is_some(), "node {pointer:?} has no span");
                }
                let key = loaded.spans.key(pointer);
                let ranges = [("value", span, loaded.spans.end(pointer)), ("key", key, loaded.spans.key_end(pointer))];
                for (what, start, end) in ranges {
                    if let Some(start) = start {
                        lines.check(start, || format!("{what} of {pointer:?}"));
                    }
                    if let Some(end) = end {
                        lines.check(end, || format!("end of the {what} of {pointer:?}"));
                        assert!(start.is_some_and(|start| start <= end), "{what} of {pointer:?} ends before it starts");
                    }
                }
            }
            // Spans are keyed by pointer, so at most one per node; with all nodes present, exactly one.
            assert!(loaded.spans.len() <= pointers.len(), "{} spans for {} nodes", loaded.spans.len(), pointers.len());
            if complete {
                assert_eq!(loaded.spans.len(), pointers.len(), "spans that name no node");
            }
            if json {
                assert_eq!(Some(&loaded.value), serde.as_ref(), "the loader and serde_json read different values");
            }
        }
        Err(diagnostic) => {
            check_diagnostic(&diagnostic, path, &lines);
            if serde.is_some() {
                assert!(
                    diagnostic.message.contains("duplicate key"),
                    "serde_json accepts this JSON but the loader refused it: {diagnostic}"
                );
            }
        }
    }
}

/// Every node's JSON pointer, the root included.
fn nodes(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                nodes(item, format!("{pointer}/{index}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                nodes(item, format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        _ => {}
    }
    out.push(pointer);
}

/// Strings -> the runtime expression parser (`expr::parse`) and the embedded-template parser
/// (`expr::parse_template`).
///
/// Oracles: no panic; error offsets are char boundaries inside the text; an accepted expression prints
/// back unchanged (the module's promise) and parses again to the same value; a template's parts put
/// back together (literals as they are, braced expressions inside `{}`) give the text again.
pub fn expression(data: &[u8]) {
    let text = text(data);
    match parse(&text) {
        Ok(expr) => {
            let printed = expr.to_string();
            assert_eq!(printed, text, "an accepted expression does not print back unchanged");
            assert_eq!(parse(&printed).as_ref(), Ok(&expr));
        }
        Err(error) => check_offset(&error, &text),
    }
    match parse_template(&text) {
        Ok(parts) => {
            let mut rebuilt = String::new();
            for part in &parts {
                match part {
                    TemplatePart::Literal(literal) => rebuilt.push_str(literal),
                    TemplatePart::Expr { expr, braced, offset } => {
                        assert_eq!(text.get(*offset..*offset + 1), Some("$"), "offset {offset} is not at a `$`");
                        if *braced {
                            rebuilt.push_str(&format!("{{{expr}}}"));
                        } else {
                            rebuilt.push_str(&expr.to_string());
                        }
                    }
                }
            }
            assert_eq!(rebuilt, text, "template parts do not give the text back");
        }
        Err(error) => check_offset(&error, &text),
    }
}

fn check_offset(error: &ExprError, text: &str) {
    assert!(error.offset <= text.len(), "offset {} past the end ({})", error.offset, text.len());
    assert!(text.is_char_boundary(error.offset), "offset {} inside a character", error.offset);
}

/// Strings -> the `simple` criterion condition parser (`condition::parse_condition`), and the two
/// validators the checker runs on `regex` and `jsonpath` criteria (`regex_syntax`,
/// `condition::parse_jsonpath`).
///
/// Oracles: no panic; error offsets are char boundaries inside the text; the canonical print of an
/// accepted condition parses again to the same tree (the `Display` impl's promise).
pub fn condition(data: &[u8]) {
    let text = text(data);
    match parse_condition(&text) {
        Ok(condition) => {
            let printed = condition.to_string();
            match parse_condition(&printed) {
                Ok(again) => assert_eq!(again, condition, "`{text}` prints as `{printed}`, which reads differently"),
                Err(error) => panic!("`{text}` prints as `{printed}`, which does not parse: {error}"),
            }
        }
        Err(error) => {
            assert!(error.offset <= text.len(), "offset {} past the end ({})", error.offset, text.len());
            assert!(text.is_char_boundary(error.offset), "offset {} inside a character", error.offset);
        }
    }
    // The checker validates `regex` and `jsonpath` criteria with these calls (check/criteria.rs).
    let _ = regex_syntax::Parser::new().parse(&text);
    let _ = parse_jsonpath(&text);
}

/// An Arazzo document -> the whole generator (load, check against fixed OpenAPI descriptions, emit),
/// entirely in memory (`generate_in_memory`).
///
/// Oracles: no panic; on success the Rust parses with `syn` and every identifier comes from `naming`;
/// on failure at least one error, each located inside the document once it loaded; never the
/// generator's own "produced Rust that does not parse" error.
pub fn generate(data: &[u8]) {
    let text = text(data);
    let path = Path::new(DOCUMENT);
    let files = files(&[(DOCUMENT, &text)]);
    let result = generate_in_memory(&files, path, &Options::default());
    check_generated(result, path, &text, load_str(path, &text).is_ok());
}

/// The fixed document of [`generate_openapi`]: the `features` fixture.
const FEATURES: &str = include_str!("../../arazzo-codegen/tests/fixtures/features.arazzo.yaml");
/// Where [`generate_openapi`] puts the fuzzed description: the file [`FEATURES`] names.
const PETS: &str = "/fuzz/pets.openapi.yaml";

/// A fixed Arazzo document (the `features` fixture) + a fuzzed OpenAPI description in place of
/// `pets.openapi.yaml` -> the whole generator, in memory. The same oracles as [`generate`]; diagnostics
/// about the description must be located inside it.
pub fn generate_openapi(data: &[u8]) {
    let text = text(data);
    let path = Path::new(DOCUMENT);
    let files = files(&[(DOCUMENT, FEATURES), (PETS, &text)]);
    let result = generate_in_memory(&files, path, &Options::default());
    if let Err(error) = &result {
        let lines = Lines::new(&text);
        for diagnostic in error.diagnostics() {
            check_diagnostic(diagnostic, Path::new(PETS), &lines);
        }
    }
    check_generated(result, path, FEATURES, true);
}
