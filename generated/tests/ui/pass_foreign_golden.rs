//! The golden module of `arazzo-codegen/tests/fixtures/foreign.arazzo.yaml` compiles under
//! `#![deny(warnings)]` (a binary crate sees unused `pub` items as dead code; a library would not).
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/foreign.rs");

fn main() {
    let _ = foreign::name_and_count;
}
