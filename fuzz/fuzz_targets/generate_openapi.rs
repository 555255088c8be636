//! A fixed Arazzo document (the `features` fixture) + a fuzzed OpenAPI description in place of
//! `pets.openapi.yaml` -> the whole generator, in memory. The same oracles as `generate`; diagnostics
//! about the description must be located inside it.

#![no_main]

use std::path::Path;

use arazzo_codegen::{Options, generate_in_memory};
use arazzo_codegen_fuzz::{DOCUMENT, Lines, check_diagnostic, check_generated, files, text};
use libfuzzer_sys::fuzz_target;

const FEATURES: &str = include_str!("../../arazzo-codegen/tests/fixtures/features.arazzo.yaml");
const PETS: &str = "/fuzz/pets.openapi.yaml";

fuzz_target!(|data: &[u8]| {
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
});
