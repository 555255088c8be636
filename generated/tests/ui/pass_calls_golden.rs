//! The golden module of `arazzo-codegen/tests/fixtures/calls.arazzo.yaml` compiles under
//! `#![deny(warnings)]` (a binary crate sees unused `pub` items as dead code; a library would not).
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/calls.rs");

fn main() {
    let _ = calls::adopt_and_check;
}
