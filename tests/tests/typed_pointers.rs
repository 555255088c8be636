//! The golden module of `typed-pointers.arazzo.yaml` (Arazzo 1.1) against the fake Pets API: pointers
//! into inputs, typed from the inputs schema, put typed values on the wire and in the outputs; a
//! payload written as JSON text is read back typed (`$request.body#/...`) by a criterion and by step
//! outputs; a called workflow's outputs are read at a pointer and through Selector Objects.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

include!("../../arazzo-codegen/tests/golden/typed-pointers.rs");

use arazzo_runtime::{Client, StepError};
use arazzo_tests::pets::{self, FakePets, PetsSeed};
use serde_json::json;
use typed_pointers::{AdoptInputs, AdoptOwner, AdoptOwnerAddress, Config, Pets, adopt};

const BEARER: &str = "typed_e2e_bearer";
const API_KEY: &str = "typed_e2e_api_key";

fn config(fake: &FakePets) -> Config {
    Config { pets: Pets::new(BEARER, API_KEY).with_base_url(&fake.base_url) }
}

fn seed() -> PetsSeed {
    PetsSeed { bearer: BEARER.into(), api_key: API_KEY.into(), ..PetsSeed::default() }
}

fn inputs(profile: serde_json::Value) -> AdoptInputs {
    let address = AdoptOwnerAddress::builder().city("Oslo").zip("0150").build();
    let owner = AdoptOwner::builder().name("Ada").address(address).tags(vec!["calm".into(), "old".into()]).build();
    AdoptInputs::builder().owner(owner).profile(profile).build()
}

#[tokio::test]
async fn typed_pointers_reach_the_wire_and_the_outputs() {
    let fake = pets::start(seed()).await.unwrap();
    let outputs = adopt(&Client::new(), &config(&fake), &inputs(json!({"age": 7, "motto": null}))).await.unwrap();

    let requests = fake.requests();
    let list = &requests[0];
    // `city-{$inputs.owner#/address/city}`, a list and an integer read inside the JSON `profile`.
    let header = list.headers.iter().find(|(name, _)| name == "x-request-id").map(|(_, value)| value.as_str());
    assert_eq!(header, Some("city-Oslo"));
    assert_eq!(list.query.as_deref(), Some("tags=calm&tags=old&limit=7"));
    // The JSON text as written, its values filled in.
    let create = &requests[1];
    assert_eq!(std::str::from_utf8(&create.body).unwrap(), "{\"name\": \"Ada\", \"age\": 7, \"weight\": 4.5}\n");

    // Typed from the inputs schema: fields of structs, an item of a list, an integer inside JSON.
    assert_eq!(outputs.city, "Oslo");
    assert_eq!(outputs.address, Some(json!({"city": "Oslo", "zip": "0150"})));
    assert_eq!(outputs.zip.as_deref(), Some("0150"));
    assert_eq!(outputs.nickname, None);
    assert_eq!(outputs.first_tag.as_deref(), Some("calm"));
    assert_eq!(outputs.age, Some(7));
    // `$request.body#/...` of the JSON text, typed as the payload says (the criterion that compares
    // `$request.body#/name` with the input held, or the step would have failed).
    assert_eq!(outputs.sent_name, "Ada");
    assert_eq!(outputs.sent_weight, 4.5);
    // The called workflow's `pet` output, at a pointer and through selectors.
    let pet_id = outputs.pet_id.as_str().unwrap();
    assert!(pet_id.starts_with("pet_"), "{pet_id}");
    assert_eq!(outputs.pet_name, json!("Ada"));
    assert_eq!(outputs.fields, json!([pet_id, "Ada", 7, true, fake.pet(pet_id).unwrap().owner_token]));
}

#[tokio::test]
async fn absent_parts_are_absent() {
    // No `age` in the profile: the query leaves `limit` out, the JSON text writes `null` (which the
    // fake refuses, failing the create step), and the outputs read so far keep `None`.
    let fake = pets::start(seed()).await.unwrap();
    let error = adopt(&Client::new(), &config(&fake), &inputs(json!({}))).await.unwrap_err();
    assert_eq!(fake.requests()[0].query.as_deref(), Some("tags=calm&tags=old"));
    assert_eq!(
        std::str::from_utf8(&fake.requests()[1].body).unwrap(),
        "{\"name\": \"Ada\", \"age\": null, \"weight\": 4.5}\n"
    );
    assert_eq!(error.step_id(), "create");
    assert_eq!(error.partial().age, None);
    assert_eq!(error.partial().city.as_deref(), Some("Oslo"));
}

#[tokio::test]
async fn a_part_of_another_type_than_the_schema_says_fails_before_anything_is_sent() {
    let fake = pets::start(seed()).await.unwrap();
    let error = adopt(&Client::new(), &config(&fake), &inputs(json!({"age": "seven"}))).await.unwrap_err();
    assert_eq!(error.error(), &StepError::InputMismatch { expression: "$inputs.profile#/age", found: "string" });
    assert_eq!(
        error.to_string(),
        "workflow `adopt` failed before its first step: `$inputs.profile#/age` is a string, not the type the \
         workflow's inputs schema gives it"
    );
    assert!(fake.requests().is_empty());
}
