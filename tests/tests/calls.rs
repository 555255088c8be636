//! The golden module of `calls.arazzo.yaml` against the fake Pets API: the step `lookup` calls the
//! workflow `read-pet` and its criteria, and its actions' criteria, read what `read-pet` returned; its
//! inputs come from a Reusable parameter and from the calling workflow's parameter without `in`.

// Helpers outside `#[test]` functions fail the test by panicking, as tests do.
#![allow(clippy::unwrap_used)]

include!("../../arazzo-codegen/tests/golden/calls.rs");

use arazzo_runtime::{Client, StepError};
use arazzo_tests::Failure;
use arazzo_tests::pets::{self, FakePets, PetsSeed};
use calls::{AdoptAndCheckInputs, Config, Pets, adopt_and_check};

const BEARER: &str = "pets_calls_bearer";
const API_KEY: &str = "pets_calls_api_key";

async fn start() -> (FakePets, Config) {
    let fake =
        pets::start(PetsSeed { bearer: BEARER.into(), api_key: API_KEY.into(), ..PetsSeed::default() }).await.unwrap();
    let config = Config { pets: Pets::new(BEARER, API_KEY).with_base_url(&fake.base_url) };
    (fake, config)
}

fn inputs(expected: &str) -> AdoptAndCheckInputs {
    AdoptAndCheckInputs { name: "Biscuit".into(), expected: expected.into() }
}

/// The id of the one pet the fake created.
fn created_id(fake: &FakePets) -> String {
    let pets = fake.pets();
    assert_eq!(pets.len(), 1, "{pets:?}");
    pets[0].id.clone()
}

#[tokio::test]
async fn the_steps_criterion_reads_the_name_the_called_workflow_returned() {
    let (fake, config) = start().await;
    let outputs = adopt_and_check(&Client::new(), &config, &inputs("Biscuit")).await.unwrap();
    assert_eq!(outputs.name.as_deref(), Some("Biscuit"));

    // `greeted` (a regex on the callee's `greeting`, from the workflow parameter without `in`) ended
    // the workflow: `list` never ran.
    let id = created_id(&fake);
    let requests = fake.requests();
    let paths: Vec<(&str, &str)> =
        requests.iter().map(|request| (request.method.as_str(), request.path.as_str())).collect();
    assert_eq!(paths, [("POST", "/v2/pets"), ("GET", format!("/v2/pets/{id}").as_str())]);
    // The workflow parameter with `in` goes to the operation step only, not into the called workflow.
    assert_eq!(requests[0].header("x-request-id"), Some("adopt-and-check"));
    assert_eq!(requests[1].header("x-request-id"), None);
}

#[tokio::test]
async fn another_name_fails_the_criterion_and_the_failure_action_reads_it_too() {
    let (fake, config) = start().await;
    let outputs = adopt_and_check(&Client::new(), &config, &inputs("Rex")).await.unwrap();
    // `lookup` failed its criterion, so its output is not known; `otherName` went on to `list`, whose
    // success action hands over to `read-pet` (given the pet by a Reusable parameter).
    assert_eq!(outputs.name, None);
    let id = created_id(&fake);
    let pet = format!("/v2/pets/{id}");
    let requests = fake.requests();
    let paths: Vec<(&str, &str)> =
        requests.iter().map(|request| (request.method.as_str(), request.path.as_str())).collect();
    assert_eq!(paths, [("POST", "/v2/pets"), ("GET", pet.as_str()), ("GET", "/v2/pets"), ("GET", pet.as_str())]);
    assert_eq!(requests[2].header("x-request-id"), Some("adopt-and-check"));
}

#[tokio::test]
async fn when_the_called_workflow_fails_the_criteria_on_its_outputs_do_not_hold() {
    let (fake, config) = start().await;
    fake.fail_operation("getPet", Failure::status(500));
    let error = adopt_and_check(&Client::new(), &config, &inputs("Rex")).await.unwrap_err();
    // `otherName` reads `read-pet`'s name, which it never returned: the step fails with its error.
    assert_eq!(error.step_id(), "lookup");
    assert!(
        matches!(error.error(), StepError::Workflow { workflow_id: "read-pet", step_id: "read", .. }),
        "{:?}",
        error.error()
    );
    assert_eq!(fake.requests().len(), 2, "`list` never ran");
}
