//! The golden module of `actions.arazzo.yaml` against the fake Pets API: `retry` failure actions
//! (with `retryAfter`, `retryLimit` and the response's `Retry-After`), a `goto` polling loop, the
//! bound on transitions, a referenced `end` failure action, an `end` success action, and a step with
//! actions reading the output of a `dependsOn` workflow.

mod common;

include!("../../arazzo-codegen/tests/golden/actions.rs");

use std::time::{Duration, Instant};

use actions::{
    AdoptThenReadInputs, AdoptWhenReadyInputs, Config, FirstPetNameInputs, Pets, adopt_then_read, adopt_when_ready,
    first_pet_name,
};
use arazzo_runtime::retry::MAX_TRANSITIONS;
use arazzo_runtime::{Client, StepError};
use arazzo_tests::pets::{self, FakePets, Pet, PetsSeed};
use common::{Expected, assert_hides, assert_requests};
use serde_json::json;

const BEARER: &str = "pets_e2e_bearer";
const API_KEY: &str = "pets_e2e_api_key";
const NAME: &str = "Biscuit";

fn seed() -> PetsSeed {
    PetsSeed { bearer: BEARER.into(), api_key: API_KEY.into(), ..PetsSeed::default() }
}

fn config(fake: &FakePets) -> Config {
    Config { pets: Pets::new(BEARER, API_KEY).with_base_url(&fake.base_url) }
}

fn adopt_inputs() -> AdoptWhenReadyInputs {
    AdoptWhenReadyInputs { name: NAME.into() }
}

/// `POST /pets` with the bearer token and `{"name": NAME}`.
fn create(auth: &str) -> Expected<'_> {
    Expected {
        method: "POST",
        path: "/v2/pets",
        query: None,
        authorization: Some(auth),
        json: Some(json!({"name": NAME})),
    }
}

/// `GET /pets/{id}` with the API key (asserted separately) and no `Authorization`.
fn read(path: &str) -> Expected<'_> {
    Expected { method: "GET", path, query: None, authorization: None, json: None }
}

fn remove<'a>(path: &'a str, auth: &'a str) -> Expected<'a> {
    Expected { method: "DELETE", path, query: None, authorization: Some(auth), json: None }
}

#[tokio::test]
async fn retries_while_busy_polls_until_vaccinated_then_removes() {
    let fake = pets::start(PetsSeed { busy_creates: 2, unvaccinated_reads: 2, ..seed() }).await.unwrap();
    let outputs = adopt_when_ready(&Client::new(), &config(&fake), &adopt_inputs()).await.unwrap();

    // One pet was created (on the third POST: 503, 503, 201) and removed by the last step.
    assert_eq!(fake.create_attempts(), 3);
    assert_eq!(fake.created(), 1);
    assert_eq!(fake.deleted(), [outputs.pet_id.as_str()]);
    assert!(outputs.pet_id.starts_with("pet_"), "{}", outputs.pet_id);
    // `name` is optional: the workflow's `finished` success action (`$statusCode == 204`, type end) is
    // checked after `create` too, so a run may end before `poll` ever produced the name.
    assert_eq!(outputs.name.as_deref(), Some(NAME));

    let auth = format!("Bearer {BEARER}");
    let pet = format!("/v2/pets/{}", outputs.pet_id);
    let requests = fake.requests();
    assert_requests(
        &requests,
        &[create(&auth), create(&auth), create(&auth), read(&pet), read(&pet), read(&pet), remove(&pet, &auth)],
    );
    for request in requests.iter().filter(|r| r.method == "GET") {
        assert_eq!(request.header("x-api-key"), Some(API_KEY));
    }
}

#[tokio::test]
async fn retries_are_exhausted_after_the_retry_limit_and_the_workflow_ends_with_the_error() {
    let fake = pets::start(PetsSeed { busy_creates: 10, ..seed() }).await.unwrap();
    let started = Instant::now();
    let err = adopt_when_ready(&Client::new(), &config(&fake), &adopt_inputs()).await.unwrap_err();
    // Three retries, each after the document's `retryAfter: 0.01` (the 503s carry no `Retry-After`).
    assert!(started.elapsed() >= Duration::from_millis(30), "{:?}", started.elapsed());

    assert_eq!(err.workflow_id(), "adopt-when-ready");
    assert_eq!(err.step_id(), "create");
    match err.error() {
        StepError::CriterionFailed { criterion, status, body_excerpt, retries } => {
            assert_eq!(*criterion, "$statusCode == 201");
            assert_eq!(*status, 503);
            assert_eq!(body_excerpt, r#"{"error":"busy"}"#);
            assert_eq!(retries.map(|retries| retries.attempts), Some(4));
            assert!(retries.is_some_and(|retries| retries.over >= Duration::from_millis(30)), "{retries:?}");
        }
        other => panic!("expected CriterionFailed, got {other:?}"),
    }
    // The message says the criterion never held, however often it was tried.
    let message = err.error().to_string();
    assert!(message.starts_with("expected `$statusCode == 201` to hold after 4 attempts over "), "{message}");
    assert!(message.contains(", but the last response status was 503"), "{message}");
    assert!(err.partial().pet_id.is_none());
    assert!(err.partial().name.is_none());
    assert_hides(&err, &[BEARER, API_KEY]);

    // 1 attempt + 3 retries, then `give-up` (type end) ends the workflow: nothing else is sent.
    let auth = format!("Bearer {BEARER}");
    assert_requests(&fake.requests(), &[create(&auth), create(&auth), create(&auth), create(&auth)]);
    assert_eq!(fake.create_attempts(), 4);
    assert_eq!(fake.created(), 0);
}

#[tokio::test]
async fn the_retry_after_header_overrules_the_documents_retry_after() {
    let fake = pets::start(PetsSeed { busy_creates: 1, retry_after: Some("1".into()), ..seed() }).await.unwrap();
    let started = Instant::now();
    let outputs = adopt_when_ready(&Client::new(), &config(&fake), &adopt_inputs()).await.unwrap();
    let elapsed = started.elapsed();
    // The document says 0.01 s; the 503's `Retry-After: 1` wins.
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");

    assert_eq!(outputs.name.as_deref(), Some(NAME));
    let auth = format!("Bearer {BEARER}");
    let pet = format!("/v2/pets/{}", outputs.pet_id);
    assert_requests(&fake.requests(), &[create(&auth), create(&auth), read(&pet), remove(&pet, &auth)]);
}

#[tokio::test]
async fn endless_polling_stops_at_the_transition_bound_and_keeps_the_created_pet() {
    let fake = pets::start(PetsSeed { unvaccinated_reads: usize::MAX, ..seed() }).await.unwrap();
    let err = adopt_when_ready(&Client::new(), &config(&fake), &adopt_inputs()).await.unwrap_err();

    assert_eq!(err.step_id(), "poll");
    assert_eq!(err.error(), &StepError::TooManyTransitions { limit: MAX_TRANSITIONS });
    assert_eq!(MAX_TRANSITIONS, 10_000);

    // The pet created before the loop is not lost.
    let pets = fake.pets();
    assert_eq!(pets.len(), 1);
    let id = &pets[0].id;
    assert_eq!(err.partial().pet_id.as_ref(), Some(id));
    assert_eq!(err.partial().name.as_deref(), Some(NAME));

    // Transition 1 entered `create`, transitions 2..=10_000 entered `poll`; the next one failed.
    let requests = fake.requests();
    assert_eq!(requests.len(), MAX_TRANSITIONS);
    assert_eq!(requests[0].method, "POST");
    let pet = format!("/v2/pets/{id}");
    assert!(requests[1..].iter().all(|r| r.method == "GET" && r.path == pet));
    assert_eq!(fake.reads(id), Some(MAX_TRANSITIONS - 1));
    assert!(fake.deleted().is_empty());
}

fn first_pet_name_config(fake: &FakePets) -> (Config, FirstPetNameInputs) {
    (config(fake), FirstPetNameInputs { pet_id: "pet_rex".into() })
}

#[tokio::test]
async fn first_pet_name_ends_after_list_when_there_are_no_pets() {
    let fake = pets::start(seed()).await.unwrap();
    let (config, inputs) = first_pet_name_config(&fake);
    let outputs = first_pet_name(&Client::new(), &config, &inputs).await.unwrap();
    // `no-pets` (type end) held: `read` never ran, so its output is absent.
    assert_eq!(outputs.name, None);
    let auth = format!("Bearer {BEARER}");
    assert_requests(
        &fake.requests(),
        &[Expected { method: "GET", path: "/v2/pets", query: None, authorization: Some(&auth), json: None }],
    );
}

#[tokio::test]
async fn first_pet_name_reads_the_pet_when_there_are_pets() {
    let pets = vec![Pet { id: "pet_rex".into(), name: "rex".into(), age: 3, owner_token: None }];
    let fake = pets::start(PetsSeed { pets, ..seed() }).await.unwrap();
    let (config, inputs) = first_pet_name_config(&fake);
    let outputs = first_pet_name(&Client::new(), &config, &inputs).await.unwrap();
    assert_eq!(outputs.name.as_deref(), Some("rex"));
    let auth = format!("Bearer {BEARER}");
    assert_requests(
        &fake.requests(),
        &[
            Expected { method: "GET", path: "/v2/pets", query: None, authorization: Some(&auth), json: None },
            read("/v2/pets/pet_rex"),
        ],
    );
    assert_eq!(fake.requests()[1].header("x-api-key"), Some(API_KEY));
}

/// A step of a workflow with actions reads an output of the workflow its `dependsOn` ran first: the
/// step methods get it from the state they share. `adopt-when-ready` removes the pet it adopted, so
/// reading it again finds nothing; the step fails with the unmet criterion (404 is not a retried 503).
#[tokio::test]
async fn a_step_with_actions_reads_the_output_of_a_workflow_run_first() {
    let fake = pets::start(seed()).await.unwrap();
    let inputs = AdoptThenReadInputs { name: NAME.into() };
    let err = adopt_then_read(&Client::new(), &config(&fake), &inputs).await.unwrap_err();
    assert_eq!(err.step_id(), "read");
    assert!(matches!(err.error(), StepError::CriterionFailed { criterion: "$statusCode == 200", status: 404, .. }));
    let adopted = err.partial().pet_id.clone().unwrap();
    assert_eq!(fake.deleted(), [adopted.as_str()]);
    let read_again = fake.requests().last().map(|request| (request.method.clone(), request.path.clone()));
    assert_eq!(read_again, Some(("GET".to_owned(), format!("/v2/pets/{adopted}"))));
}

#[tokio::test]
async fn first_pet_name_fails_at_read_for_an_unknown_pet() {
    let pets = vec![Pet { id: "pet_rex".into(), name: "rex".into(), age: 3, owner_token: None }];
    let fake = pets::start(PetsSeed { pets, ..seed() }).await.unwrap();
    let inputs = FirstPetNameInputs { pet_id: "pet_gone".into() };
    let err = first_pet_name(&Client::new(), &config(&fake), &inputs).await.unwrap_err();
    assert_eq!(err.step_id(), "read");
    assert!(
        matches!(
            err.error(),
            StepError::CriterionFailed { criterion: "a 2xx status (the step has no successCriteria)", status: 404, .. }
        ),
        "{:?}",
        err.error()
    );
    assert!(err.partial().name.is_none());
}

/// A step that calls a workflow, retried on failure: each attempt runs the whole called workflow
/// (list, then read); after the retry limit the step fails with the called workflow's error.
#[tokio::test]
async fn a_called_workflow_is_retried_as_a_whole() {
    let rex = || vec![Pet { id: "pet_rex".into(), name: "rex".into(), age: 3, owner_token: None }];
    let fake = pets::start(PetsSeed { pets: rex(), ..seed() }).await.unwrap();
    let inputs = actions::RetryAWorkflowInputs { pet_id: "pet_unknown".into() };
    let error = actions::retry_a_workflow(&Client::new(), &config(&fake), &inputs).await.unwrap_err();
    assert_eq!(error.step_id(), "lookup");
    assert!(matches!(error.error(), StepError::Workflow { workflow_id: "first-pet-name", step_id: "read", .. }));
    // 1 attempt + 2 retries, each a list and a read.
    let paths: Vec<String> = fake.requests().iter().map(|request| request.path.clone()).collect();
    assert_eq!(paths, ["/v2/pets", "/v2/pets/pet_unknown"].repeat(3), "{paths:?}");
    assert!(error.partial().lookup_partial.is_some());

    let fake = pets::start(PetsSeed { pets: rex(), ..seed() }).await.unwrap();
    let inputs = actions::RetryAWorkflowInputs { pet_id: "pet_rex".into() };
    actions::retry_a_workflow(&Client::new(), &config(&fake), &inputs).await.unwrap();
    assert_eq!(fake.requests().len(), 2);
}

/// `retry` with a `workflowId`: after a 503 the other workflow runs (list, read), then the step is
/// retried; `goto` with a `workflowId` hands over to it (it runs, then this workflow ends).
#[tokio::test]
async fn actions_run_other_workflows_before_a_retry_or_to_hand_over() {
    let rex = || vec![Pet { id: "pet_rex".into(), name: "rex".into(), age: 3, owner_token: None }];
    let inputs = actions::ReadOrHandOverInputs { pet_id: "pet_rex".into() };

    // A 503, then the refresh workflow, then the retried read, which shows a vaccinated pet: done.
    let fake = pets::start(PetsSeed { pets: rex(), unvaccinated_reads: 0, ..seed() }).await.unwrap();
    fake.recorder().fail_operation_times("getPet", 1, arazzo_tests::Failure::status(503));
    actions::read_or_hand_over(&Client::new(), &config(&fake), &inputs).await.unwrap();
    let paths: Vec<String> = fake.requests().iter().map(|request| request.path.clone()).collect();
    assert_eq!(paths, ["/v2/pets/pet_rex", "/v2/pets", "/v2/pets/pet_rex", "/v2/pets/pet_rex"]);

    // A pet that is not vaccinated yet: hand over to `first-pet-name` (list, read) and end.
    let fake = pets::start(PetsSeed { pets: rex(), unvaccinated_reads: usize::MAX, ..seed() }).await.unwrap();
    actions::read_or_hand_over(&Client::new(), &config(&fake), &inputs).await.unwrap();
    let paths: Vec<String> = fake.requests().iter().map(|request| request.path.clone()).collect();
    assert_eq!(paths, ["/v2/pets/pet_rex", "/v2/pets", "/v2/pets/pet_rex"]);
}
