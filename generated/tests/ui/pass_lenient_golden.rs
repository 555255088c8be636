//! The golden module of `arazzo-codegen/tests/fixtures/lenient.arazzo.yaml` (tolerant readings)
//! compiles under `#![deny(warnings)]`.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/lenient.rs");

fn main() {
    let _ = lenient::check_bucket;
}
