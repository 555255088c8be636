//! The golden module of `arazzo-codegen/tests/fixtures/bodies.arazzo.yaml` compiles under
//! `#![deny(warnings)]` (a binary crate sees unused `pub` items as dead code; a library would not).
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/bodies.rs");

fn main() {
    let _ = bodies::send_bodies;
}
