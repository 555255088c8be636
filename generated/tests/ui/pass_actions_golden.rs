//! The golden module of `arazzo-codegen/tests/fixtures/actions.arazzo.yaml` compiles under
//! `#![deny(warnings)]` (a binary crate sees unused `pub` items as dead code; a library would not).
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/actions.rs");

fn main() {
    let _ = actions::adopt_when_ready;
    let _ = actions::first_pet_name;
    let _ = actions::retry_a_workflow;
    let _ = actions::read_or_hand_over;
}
