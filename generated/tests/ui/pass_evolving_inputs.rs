//! A caller written against the first version of a document compiles unchanged against the second,
//! which adds an optional input: the inputs builder is how to stay compatible (a struct literal would
//! miss the new field). Both golden modules compile under `#![deny(warnings)]`, attributes added
//! through the Builder's hooks included.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/evolving-v1.rs");
include!("../../../arazzo-codegen/tests/golden/evolving-v2.rs");

macro_rules! caller {
    ($module:ident) => {{
        let config = $module::Config { pets: $module::Pets::new("api key") };
        let inputs = $module::GetPetNameInputs::builder().pet_id("pet_1").build();
        let client = arazzo_runtime::Client::new();
        let _ = $module::get_pet_name(&client, &config, &inputs);
    }};
}

fn main() {
    caller!(evolving_v1);
    caller!(evolving_v2);
    // The new input, where a caller wants it; `derive(".", "PartialEq")` put `PartialEq` on the inputs.
    let inputs = evolving_v2::GetPetNameInputs::builder().session("s").pet_id("pet_1").build();
    assert!(inputs == inputs.clone());
}
