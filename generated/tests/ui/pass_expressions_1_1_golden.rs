//! The golden module of `arazzo-codegen/tests/fixtures/expressions-1-1.arazzo.yaml` (`$self`, dotted input names,
//! the 1.1 criteria rules) compiles under `#![deny(warnings)]`.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/expressions-1-1.rs");

fn main() {
    let _ = expressions_1_1::expressions;
}
