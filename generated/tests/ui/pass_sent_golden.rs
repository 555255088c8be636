//! The golden module of `arazzo-codegen/tests/fixtures/sent.arazzo.yaml` (step outputs read from
//! what was sent, action criteria reading the response) compiles under `#![deny(warnings)]`.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/sent.rs");

fn main() {
    let _ = sent::sent;
}
