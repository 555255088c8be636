//! The golden module of `arazzo-codegen/tests/fixtures/tricky-names.arazzo.yaml` compiles under
//! `#![deny(warnings)]` (a binary crate sees unused `pub` items as dead code; a library would not).
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/tricky-names.rs");

fn main() {
    let _ = tricky_names::main;
}
