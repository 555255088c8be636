//! Inputs the fuzzers (`fuzz/`, run by `scripts/fuzz.sh`) found that crashed or broke one of their
//! checks, each run again through the code path of the target that found it. The inputs are in
//! `tests/fixtures/fuzz/`, minimized; the expected values were worked out by hand from them.

// Tests fail by panicking.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use arazzo_codegen::diagnostic::Location;
use arazzo_codegen::load::load_str;

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
