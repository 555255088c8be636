//! `include_workflow!` with a name build.rs did not write is a compile error listing the modules there
//! are. trybuild compiles the case as a crate of its own, without a build script: it reads this
//! crate's OUT_DIR, which cargo sets for the test and trybuild's cargo passes on to rustc.

#[test]
fn an_unknown_module_name_lists_the_modules() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
