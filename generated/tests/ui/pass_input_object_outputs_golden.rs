//! The golden module of `arazzo-codegen/tests/fixtures/input-object-outputs.arazzo.yaml`, whose
//! outputs hand back an object input whole (`owner: $inputs.owner`), compiles under
//! `#![deny(warnings)]`, and the outputs serialize the object as it was given: absent optional
//! fields left out, its secrets (and its nested object's) redacted unless exposed explicitly.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/input-object-outputs.rs");

use arazzo_runtime::serde_json;
use input_object_outputs::{GetPetForOwnerOutputs, GetPetForOwnerOwner, GetPetForOwnerOwnerAddress, GetPetForOwnerPartial};

fn main() {
    let address = GetPetForOwnerOwnerAddress::builder().city("Oslo").door_code("4711").build();
    let owner = GetPetForOwnerOwner::builder().name("Ann").api_token("tok_secret").address(address).build();
    let outputs = GetPetForOwnerOutputs { name: "Rex".to_owned(), owner: owner.clone() };

    assert_eq!(
        serde_json::to_string(&outputs).unwrap(),
        r#"{"name":"Rex","owner":{"name":"Ann","apiToken":"[REDACTED]","address":{"city":"Oslo","doorCode":"[REDACTED]"}}}"#
    );
    let exposed = serde_json::to_string(&outputs.expose_secrets()).unwrap();
    assert_eq!(
        exposed,
        r#"{"name":"Rex","owner":{"name":"Ann","apiToken":"tok_secret","address":{"city":"Oslo","doorCode":"4711"}}}"#
    );
    // What was written reads back as the input it came from.
    let value: serde_json::Value = serde_json::from_str(&exposed).unwrap();
    let read: GetPetForOwnerOwner = serde_json::from_value(value["owner"].clone()).unwrap();
    assert_eq!(read.api_token.expose_secret(), "tok_secret");
    assert_eq!(read.address.and_then(|address| address.door_code).map(|code| code.expose_secret().to_owned()), Some("4711".to_owned()));

    // The partial outputs hold it too, with the same redaction.
    let partial = GetPetForOwnerPartial { name: None, owner: Some(owner) };
    let written = serde_json::to_string(&partial).unwrap();
    assert!(!written.contains("tok_secret") && !written.contains("4711"), "{written}");
    assert!(written.contains(r#""apiToken":"[REDACTED]""#), "{written}");
}
