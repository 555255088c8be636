//! The golden modules of `arazzo-codegen/tests/fixtures/xpath.arazzo.yaml`, `xpath-1-1.arazzo.yaml`
//! and `xpath-10.arazzo.yaml` (XPath criteria, XML replacements, XPath 1.0 translated) compile under `#![deny(warnings)]` with the runtime's `xpath`
//! feature (a binary crate sees unused `pub` items as dead code; a library would not).
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/xpath.rs");
include!("../../../arazzo-codegen/tests/golden/xpath-1-1.rs");
include!("../../../arazzo-codegen/tests/golden/xpath-10.rs");

fn main() {
    let _ = xpath::place_order;
    let _ = xpath_1_1::amend_order;
    let _ = xpath_10::check_queue;
}
