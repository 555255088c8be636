//! The golden module of `arazzo-codegen/tests/diagnostics/implicit-inputs.arazzo.yaml` (a workflow
//! without `inputs`, whose inputs are read from what it uses, embedded values in 1.1 queries too)
//! compiles under `#![deny(warnings)]`.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/implicit-inputs.rs");

fn main() {
    let _ = implicit_inputs::everywhere;
}
