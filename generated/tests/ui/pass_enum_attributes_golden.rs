//! The golden module of `arazzo-codegen/tests/fixtures/enum-attributes.arazzo.yaml`, generated with
//! `derive(".", "PartialEq, PartialOrd")` and, on the enum alone, `derive("…::GetPetNameSession",
//! "Copy, Ord")`, compiles under `#![deny(warnings)]` (the enum's own `PartialEq` is not derived
//! twice), and what was derived is there to use.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/enum-attributes.rs");

use enum_attributes::{GetPetNameInputs, GetPetNameSession};

fn main() {
    // `Copy` and `Ord` on the enum, in the order its values are listed.
    let guest = GetPetNameSession::Guest;
    let copied = guest;
    assert!(guest < GetPetNameSession::Member);
    assert_eq!(std::cmp::max(copied, GetPetNameSession::Member), GetPetNameSession::Member);
    // `PartialOrd` on the inputs, which needs it on the enum they hold.
    let first = GetPetNameInputs::builder().pet_id("a").session(GetPetNameSession::Member).build();
    let second = GetPetNameInputs::builder().pet_id("b").session(GetPetNameSession::Guest).build();
    assert!(first < second);
}
