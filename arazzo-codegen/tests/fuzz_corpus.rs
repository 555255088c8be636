//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) and any local findings
//! (`fuzz/artifacts/<target>/`, ignored by git) through the fuzz targets' own oracles, so that CI, which
//! has no cargo-fuzz, keeps those oracles compiling and re-checks every seed on every run.

// Tests fail by panicking; the included fuzz library reports findings by panicking too.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

// The fuzz crate is outside the workspace (it needs libfuzzer-sys and cargo-fuzz); its library needs
// neither, so it is compiled here as a module, with the dependencies this package already has.
#[path = "../../fuzz/src/lib.rs"]
mod fuzz_oracles;

use fuzz_oracles::targets;

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

/// Runs `oracle` on every corpus and artifact file of `target`, and fails naming each file it fails on.
fn replay(target: &str, oracle: fn(&[u8])) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let corpus = inputs(&fuzz.join("corpus").join(target));
    // A moved or emptied corpus folder must not make this test pass without checking anything.
    assert!(!corpus.is_empty(), "no corpus in {}", fuzz.join("corpus").join(target).display());
    let artifacts = inputs(&fuzz.join("artifacts").join(target));

    let mut failures = Vec::new();
    for file in corpus.iter().chain(&artifacts) {
        let data = fs::read(file).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        // Each input on its own, so that one failure does not hide the others. The oracle keeps no
        // state between inputs, so nothing it leaves behind after a panic is seen again.
        if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| oracle(&data))) {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            let name = file.strip_prefix(&fuzz).unwrap_or(file);
            failures.push(format!("fuzz/{}: {message}", name.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{target}: {} of {} inputs fail its oracles:\n{}",
        failures.len(),
        corpus.len() + artifacts.len(),
        failures.join("\n")
    );
}

#[test]
fn load_document_corpus() {
    replay("load_document", targets::load_document);
}

#[test]
fn expression_corpus() {
    replay("expression", targets::expression);
}

#[test]
fn condition_corpus() {
    replay("condition", targets::condition);
}

#[test]
fn generate_corpus() {
    replay("generate", targets::generate);
}

#[test]
fn generate_openapi_corpus() {
    replay("generate_openapi", targets::generate_openapi);
}
