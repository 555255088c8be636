//! The golden module of `arazzo-codegen/tests/fixtures/lenient-xml.arazzo.yaml` (XML payloads
//! written as objects) compiles under `#![deny(warnings)]`.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/lenient-xml.rs");

fn main() {
    let _ = lenient_xml::configure_bucket;
}
