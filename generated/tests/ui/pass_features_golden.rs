//! The golden module of `arazzo-codegen/tests/fixtures/features.arazzo.yaml` compiles under
//! `#![deny(warnings)]`. A binary crate sees its unused `pub` items as dead code, which a library
//! (where generated modules normally live) would not, hence the one allowance.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/features.rs");

fn main() {
    let _ = features::adopt_pet;
    let _ = features::count_store;
}
