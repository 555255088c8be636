//! The golden module of `arazzo-codegen/tests/fixtures/depends-on.arazzo.yaml` (Arazzo 1.1 step
//! `dependsOn`, concurrent steps) compiles under `#![deny(warnings)]`. A binary crate sees its unused
//! `pub` items as dead code, which a library (where generated modules normally live) would not, hence
//! the one allowance.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/depends_on.rs");

fn main() {
    let _ = depends_on::three_regions;
    let _ = depends_on::rotate_and_count;
    let _ = depends_on::with_actions;
    let _ = depends_on::audit;
    let _ = depends_on::after_regions;
    let _ = depends_on::three_regions_chained;
}
