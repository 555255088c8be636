//! An Arazzo document -> the whole generator (load, check against fixed OpenAPI descriptions, emit),
//! entirely in memory (`generate_in_memory`).
//!
//! Oracles: no panic; on success the Rust parses with `syn` and every identifier comes from `naming`;
//! on failure at least one error, each located inside the document once it loaded; never the
//! generator's own "produced Rust that does not parse" error.

#![no_main]

use std::path::Path;

use arazzo_codegen::{Options, generate_in_memory, load::load_str};
use arazzo_codegen_fuzz::{DOCUMENT, check_generated, files, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let path = Path::new(DOCUMENT);
    let files = files(&[(DOCUMENT, &text)]);
    let result = generate_in_memory(&files, path, &Options::default());
    check_generated(result, path, &text, load_str(path, &text).is_ok());
});
