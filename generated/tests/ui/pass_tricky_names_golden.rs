//! The golden module of `arazzo-codegen/tests/fixtures/tricky-names.arazzo.yaml` compiles under
//! `#![deny(warnings)]` (a binary crate sees unused `pub` items as dead code; a library would not).
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/tricky-names.rs");

fn main() {
    let _ = tricky_names::main;
    // An input named `build` gets a setter of another name (`build()` finishes the builder), and a
    // nested struct named like the inputs' builder another type name.
    let inputs = tricky_names::FetchInputs::builder()
        .set_build_2("b")
        .set_build("s")
        .inputs_builder(tricky_names::FetchInputsBuilder2::builder().set_build(7).build())
        .build();
    assert_eq!((inputs.build.as_str(), inputs.set_build.as_deref(), inputs.inputs_builder.build), ("b", Some("s"), 7));
}
