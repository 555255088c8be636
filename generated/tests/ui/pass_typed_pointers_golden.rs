//! The golden module of `arazzo-codegen/tests/fixtures/typed-pointers.arazzo.yaml` (pointers into
//! inputs typed from the inputs schema, a JSON-text payload read back, selectors over a called
//! workflow's outputs) compiles under `#![deny(warnings)]`.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/typed-pointers.rs");

fn main() {
    let _ = typed_pointers::adopt;
}
