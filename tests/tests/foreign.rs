//! The golden module of `foreign.arazzo.yaml`: a step calls `get-pet-name` of another Arazzo
//! document (`nested.arazzo.yaml`, a `type: arazzo` source), whose workflows and sources join the
//! module; the Pets fake serves that document's source, the store fake this one's.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

include!("../../arazzo-codegen/tests/golden/foreign.rs");

use arazzo_runtime::{Client, StepError};
use arazzo_tests::pets::{self, Pet, PetsSeed, StoreSeed};
use foreign::{Config, NameAndCountInputs, PetFlowsPets, Store, name_and_count};

const BEARER: &str = "foreign_bearer";
const API_KEY: &str = "foreign_api_key";
const STORE_KEY: &str = "foreign_store_key";

async fn start() -> (pets::FakePets, pets::FakeStore) {
    let pet = Pet { id: "pet_1".into(), name: "Dora".into(), age: 2, owner_token: Some("tok".into()) };
    let fake = pets::start(PetsSeed {
        pets: vec![pet],
        bearer: BEARER.into(),
        api_key: API_KEY.into(),
        ..PetsSeed::default()
    })
    .await
    .unwrap();
    let store = pets::start_store(&fake, StoreSeed { api_key: STORE_KEY.into(), count: 7 }).await.unwrap();
    (fake, store)
}

fn config(fake: &pets::FakePets, store: &pets::FakeStore) -> Config {
    Config {
        store: Store::new(STORE_KEY).with_base_url(&store.base_url),
        pet_flows_pets: PetFlowsPets::new(BEARER, API_KEY).with_base_url(&fake.base_url),
    }
}

#[tokio::test]
async fn a_workflow_of_another_document_runs_with_its_own_source() {
    let (fake, store) = start().await;
    let inputs = NameAndCountInputs { pet_id: "pet_1".into() };
    let outputs = name_and_count(&Client::new(), &config(&fake, &store), &inputs).await.unwrap();
    assert_eq!(outputs.name, "Dora");
    assert_eq!(outputs.count, 7);
    let requests = fake.requests();
    let seen: Vec<(&str, &str, &str)> =
        requests.iter().map(|request| (request.server, request.method.as_str(), request.path.as_str())).collect();
    assert_eq!(seen, [("pets", "GET", "/v2/pets/pet_1"), ("store", "GET", "/inventory")]);
    assert_eq!(requests[0].header("x-api-key"), Some(API_KEY));
}

#[tokio::test]
async fn a_failure_in_the_other_document_names_its_workflow_and_step() {
    let (fake, store) = start().await;
    let inputs = NameAndCountInputs { pet_id: "pet_missing".into() };
    let error = name_and_count(&Client::new(), &config(&fake, &store), &inputs).await.unwrap_err();
    assert_eq!(error.step_id(), "name");
    assert!(
        matches!(error.error(), StepError::Workflow { workflow_id: "get-pet-name", step_id: "read", .. }),
        "{error}"
    );
    assert!(error.partial().name_partial.is_some());
}
