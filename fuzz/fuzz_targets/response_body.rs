//! Fuzz target `response_body`: its body and oracles are `response_body` (src/response_body.rs), which
//! `arazzo-runtime/tests/fuzz_corpus.rs` also runs on the committed corpus.

#![no_main]

use libfuzzer_sys::fuzz_target;

// Included here rather than through the library: the library is also compiled inside
// arazzo-codegen's tests, which do not depend on arazzo-runtime.
#[path = "../src/response_body.rs"]
mod response_body;

fuzz_target!(|data: &[u8]| response_body::response_body(data));
