//! Replays the committed corpus of the `response_body` fuzz target (`fuzz/corpus/response_body/`) and
//! any local findings (`fuzz/artifacts/response_body/`, ignored by git) through the target's own
//! oracles, so that CI, which has no cargo-fuzz, keeps them compiling and re-checks every seed.
//! (arazzo-codegen/tests/fuzz_corpus.rs does the same for the generator's targets.)

// Tests fail by panicking; the included fuzz target reports findings by panicking too.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

// The fuzz crate is outside the workspace; this target's body needs only arazzo-runtime.
#[path = "../../fuzz/src/response_body.rs"]
mod response_body;

/// The files of `dir`, sorted by name; none when it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap_or_else(|error| panic!("{}: {error}", dir.display())).path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn response_body_corpus() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let corpus = inputs(&fuzz.join("corpus/response_body"));
    // A moved or emptied corpus folder must not make this test pass without checking anything.
    assert!(corpus.len() >= 30, "{} inputs in fuzz/corpus/response_body", corpus.len());
    let artifacts = inputs(&fuzz.join("artifacts/response_body"));
    let mut failures = Vec::new();
    for file in corpus.iter().chain(&artifacts) {
        let data = fs::read(file).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        // Each input on its own, so that one failure does not hide the others.
        if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| response_body::response_body(&data))) {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            failures.push(format!("{}: {message}", file.strip_prefix(&fuzz).unwrap_or(file).display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} inputs fail:\n{}",
        failures.len(),
        corpus.len() + artifacts.len(),
        failures.join("\n")
    );
}
