//! Fuzz target `condition`: its body and oracles are `targets::condition` (src/targets.rs), which
//! `arazzo-codegen/tests/fuzz_corpus.rs` also runs on the committed corpus.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| arazzo_codegen_fuzz::targets::condition(data));
