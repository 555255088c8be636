//! The golden module of `arazzo-codegen/tests/fixtures/nested.arazzo.yaml` compiles under
//! `#![deny(warnings)]` (a binary crate sees unused `pub` items as dead code; a library would not).
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/nested.rs");

fn main() {
    let _ = nested::adopt_and_name;
}
