//! The golden module of `arazzo-codegen/tests/fixtures/action-shapes.arazzo.yaml` (every shape of
//! success and failure actions) compiles under `#![deny(warnings)]`: no unused error, response,
//! callee outputs or retry counter. `dead_code` as in `pass_features_golden.rs`.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/action-shapes.rs");

fn main() {
    let _ = action_shapes::failure_goto_to_nested;
    let _ = action_shapes::conditional_shapes;
    let _ = action_shapes::transfers;
    let _ = action_shapes::unreachable_retry;
    let _ = action_shapes::helper;
}
