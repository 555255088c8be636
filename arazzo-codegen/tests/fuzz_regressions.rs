//! Inputs the fuzzers (`fuzz/`, run by `scripts/fuzz.sh`) found that crashed or broke one of their
//! checks, each run again through the code path of the target that found it. The inputs are in
//! `tests/fixtures/fuzz/`, minimized; the expected values were worked out by hand from them.

// Tests fail by panicking.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arazzo_codegen::condition::parse_jsonpath;
use arazzo_codegen::diagnostic::Location;
use arazzo_codegen::load::load_str;
use arazzo_codegen::{Options, generate_in_memory};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// `load_document` target: saphyr puts an error at the end of a text that has no final line break
/// one line past the last line (here line 2 of a one-line file), where an editor shows nothing. The
/// loader now reports it at the end of the last line.
#[test]
fn yaml_error_at_the_end_of_the_text_is_on_its_last_line() {
    let text = fixture("yaml-error-past-last-line.yaml");
    assert_eq!(text, "%%", "the minimized input");
    let error = load_str(Path::new("fuzz.yaml"), &text).unwrap_err();
    assert!(error.message.starts_with("malformed YAML"), "{error}");
    // `%%` is one line of two characters: its end is column 3.
    assert_eq!(error.location, Some(Location { line: 1, column: 3 }), "{error}");

    // The same with more lines: the unclosed `[` is noticed at the end, after `b: [` on line 2.
    let error = load_str(Path::new("fuzz.yaml"), "a: 1\nb: [").unwrap_err();
    assert_eq!(error.location, Some(Location { line: 2, column: 5 }), "{error}");
    // A final line break makes the empty line 3 exist, and saphyr's position is kept.
    let error = load_str(Path::new("fuzz.yaml"), "a: 1\nb: [\n").unwrap_err();
    assert_eq!(error.location, Some(Location { line: 3, column: 1 }), "{error}");
}

/// `load_document` target: saphyr-parser 0.3.4 counts the bytes of a directive name as characters, so
/// an error later on that line lies past its end (column 5 of a 3-character line, from the lossy
/// decoding of the bytes `%`, 0xFF, 0x00). The loader now keeps the column inside the line.
#[test]
fn yaml_error_column_after_a_non_ascii_directive_is_inside_the_line() {
    let text = fixture("yaml-directive-column.yaml");
    assert_eq!(text, "%\u{FFFD}\0", "the minimized input");
    let error = load_str(Path::new("fuzz.yaml"), &text).unwrap_err();
    assert!(error.message.contains("unprintable character"), "{error}");
    // The NUL is character 3; saphyr's column cannot be trusted on this line, so the best the loader
    // can do is the end of the line, column 4.
    assert_eq!(error.location, Some(Location { line: 1, column: 4 }), "{error}");
}

/// `load_document` target: the same end-of-text position in a span. `? ` is a mapping whose only
/// entry has an empty key and no value (null); saphyr puts that empty value on line 2 of this
/// one-line text. Its span is now the end of the text.
#[test]
fn yaml_empty_value_at_the_end_of_the_text_is_located_on_its_last_line() {
    let text = fixture("yaml-empty-value-at-end.yaml");
    assert_eq!(text, "? ", "the minimized input");
    let loaded = load_str(Path::new("fuzz.yaml"), &text).unwrap();
    assert_eq!(loaded.value, serde_json::json!({ "": null }));
    assert_eq!(loaded.spans.get(""), Some(Location { line: 1, column: 1 }));
    // The pointer of the entry with the empty key is `/`; the text ends at column 3 of line 1.
    assert_eq!(loaded.spans.get("/"), Some(Location { line: 1, column: 3 }));
}

/// `condition` target: serde_json_path 0.7.2 panics (`unreachable!("we do not use streaming
/// parsers")`) on a query that ends inside a `\u` escape. `condition::parse_jsonpath`, which the
/// checker and overlays now use, refuses such a query first.
#[test]
fn jsonpath_ending_inside_a_unicode_escape_is_an_error() {
    let query = fixture("jsonpath-unicode-escape-at-end.txt");
    assert_eq!(query, r"$['\u", "the minimized input");
    let error = parse_jsonpath(&query).unwrap_err();
    assert!(error.contains(r"`\u` escape"), "{error}");
    // One character after the `u` is still too few; the parser would ask for more input there too.
    assert!(parse_jsonpath(r"$['\uD").is_err());
    assert!(parse_jsonpath(r"$['\uD800\u").is_err());
    // Not an escape: an escaped backslash followed by the letter u, then the string closes.
    assert!(parse_jsonpath(r"$['\\u']").is_ok());
    // A complete escape still parses.
    assert!(parse_jsonpath(r"$['\u00e9']").is_ok());
}

/// The same query in a document: generating reports it at the criterion's condition (line 14, where
/// the value starts at column 24), through the in-memory entry point the `generate` target uses.
#[test]
fn jsonpath_criterion_ending_inside_a_unicode_escape_is_a_located_error() {
    let dir = Path::new("/fuzz");
    let document = dir.join("doc.arazzo.yaml");
    let files = BTreeMap::from([
        (document.clone(), fixture("jsonpath-unicode-escape-at-end.arazzo.yaml")),
        (dir.join("pets.openapi.yaml"), pets()),
    ]);
    let error = generate_in_memory(&files, &document, &Options::default()).unwrap_err();
    let diagnostics = error.diagnostics();
    assert_eq!(diagnostics.len(), 1, "{error}");
    assert!(diagnostics[0].message.contains("invalid JSONPath"), "{error}");
    assert_eq!(diagnostics[0].location, Some(Location { line: 14, column: 24 }), "{error}");
}

fn pets() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pets.openapi.yaml");
    std::fs::read_to_string(path).unwrap()
}
