//! The golden module of `arazzo-codegen/tests/fixtures/v1-1-requests.arazzo.yaml` (query strings, step
//! timeouts, action parameters) compiles under `#![deny(warnings)]` (a binary crate sees unused `pub`
//! items as dead code; a library would not).
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/v1-1-requests.rs");

fn main() {
    let _ = v1_1_requests::search_everywhere;
    let _ = v1_1_requests::wait_or_fall_back;
    let _ = v1_1_requests::call_slowly;
    let _ = v1_1_requests::probe_or_notify;
}
