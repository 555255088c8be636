//! The golden module of `arazzo-codegen/tests/fixtures/selectors.arazzo.yaml` (Arazzo 1.1 Selector
//! Objects) compiles under `#![deny(warnings)]` (a binary crate sees unused `pub` items as dead code;
//! a library would not).
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/selectors.rs");

fn main() {
    let _ = selectors::issue_key;
}
