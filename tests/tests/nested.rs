//! The golden module of `nested.arazzo.yaml` against the fake Pets API: `adopt-and-name` creates a
//! pet, then its step `lookup` calls the workflow `get-pet-name`, whose outputs become its own; a
//! failure inside the called workflow names both workflows and both steps, and keeps the partial
//! outputs of each.

mod common;

include!("../../arazzo-codegen/tests/golden/nested.rs");

use arazzo_runtime::{Client, StepError, WorkflowError};
use arazzo_tests::Failure;
use arazzo_tests::pets::{self, FakePets, PetsSeed};
use common::{Expected, assert_hides, assert_requests};
use nested::{AdoptAndNameInputs, AdoptAndNamePartial, Config, GetPetNameInputs, Pets, adopt_and_name, get_pet_name};
use serde_json::json;

const BEARER: &str = "pets_nested_bearer";
const API_KEY: &str = "pets_nested_api_key";
const NAME: &str = "Biscuit";

fn seed() -> PetsSeed {
    PetsSeed { bearer: BEARER.into(), api_key: API_KEY.into(), ..PetsSeed::default() }
}

fn config(fake: &FakePets) -> Config {
    // Credentials follow the description's order of security schemes: bearer, then API key.
    Config { pets: Pets::new(BEARER, API_KEY).with_base_url(&fake.base_url) }
}

fn inputs() -> AdoptAndNameInputs {
    AdoptAndNameInputs { name: NAME.into() }
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

/// `GET /pets/{id}`: the API key (asserted separately), no `Authorization`, no body.
fn read(path: &str) -> Expected<'_> {
    Expected { method: "GET", path, query: None, authorization: None, json: None }
}

/// The pet the fake created (there is exactly one).
fn created_id(fake: &FakePets) -> String {
    let pets = fake.pets();
    assert_eq!(pets.len(), 1, "{pets:?}");
    pets[0].id.clone()
}

/// Asserts the two requests of a run that got as far as `lookup`, and returns the created id.
#[track_caller]
fn assert_create_then_read(fake: &FakePets) -> String {
    let id = created_id(fake);
    let auth = format!("Bearer {BEARER}");
    let pet = format!("/v2/pets/{id}");
    let requests = fake.requests();
    assert_requests(&requests, &[create(&auth), read(&pet)]);
    assert_eq!(requests[0].header("x-api-key"), None);
    assert_eq!(requests[1].header("x-api-key"), Some(API_KEY));
    assert_eq!(requests[1].header_count("x-api-key"), 1);
    // `get-pet-name` has no cookie parameter.
    assert_eq!(requests[1].header("cookie"), None);
    id
}

/// Asserts that `adopt-and-name` failed at `lookup` because `get-pet-name` failed at `read`, and
/// returns the error of `read`.
#[track_caller]
fn nested_error(err: &WorkflowError<AdoptAndNamePartial>) -> Option<&StepError> {
    assert_eq!(err.workflow_id(), "adopt-and-name");
    assert_eq!(err.step_id(), "lookup");
    assert!(
        matches!(err.error(), StepError::Workflow { workflow_id: "get-pet-name", step_id: "read", .. }),
        "expected StepError::Workflow from `read` of `get-pet-name`, got {:?}",
        err.error()
    );
    match err.error() {
        StepError::Workflow { error, .. } => Some(error),
        _ => None,
    }
}

#[tokio::test]
async fn creates_a_pet_then_reads_its_name_through_the_called_workflow() {
    let fake = pets::start(seed()).await.unwrap();
    let outputs = adopt_and_name(&Client::new(), &config(&fake), &inputs()).await.unwrap();

    let id = assert_create_then_read(&fake);
    assert!(id.starts_with("pet_"), "{id}");
    assert_eq!(outputs.pet_id, id);
    // `name` comes from the called workflow's `$outputs.name`, which it read from `GET /pets/{id}`.
    assert_eq!(outputs.name, NAME);
    // `greeting` is the caller's `"Hello {$inputs.name}"`, passed in and handed back by the callee.
    assert_eq!(outputs.greeting, format!("Hello {NAME}"));
    assert_eq!(fake.reads(&id), Some(1));
    assert_eq!(fake.created(), 1);
}

#[tokio::test]
async fn a_name_with_spaces_and_unicode_is_sent_and_greeted_as_is() {
    let fake = pets::start(seed()).await.unwrap();
    let name = "Señor Biscuit {1}";
    let inputs = AdoptAndNameInputs { name: name.into() };
    let outputs = adopt_and_name(&Client::new(), &config(&fake), &inputs).await.unwrap();
    assert_eq!(outputs.name, name);
    assert_eq!(outputs.greeting, "Hello Señor Biscuit {1}");
    assert_eq!(fake.requests()[0].json(), Some(json!({"name": name})));
}

#[tokio::test]
async fn a_failed_read_in_the_called_workflow_fails_lookup_and_keeps_both_partials() {
    let fake = pets::start(seed()).await.unwrap();
    fake.fail_operation("getPet", Failure::status(404).json(json!({"error": "pet not found"})));
    let err = adopt_and_name(&Client::new(), &config(&fake), &inputs()).await.unwrap_err();

    let id = assert_create_then_read(&fake);
    assert_eq!(
        nested_error(&err),
        Some(&StepError::CriterionFailed {
            criterion: "$statusCode == 200",
            status: 404,
            body_excerpt: r#"{"error":"pet not found"}"#.into(),
            retries: None,
        })
    );
    assert_eq!(
        err.to_string(),
        "workflow `adopt-and-name` failed at step `lookup`: the workflow `get-pet-name` it calls failed at step \
         `read`: expected `$statusCode == 200` to hold, but the response status was 404 (body: {\"error\":\"pet not \
         found\"})"
    );

    // The caller keeps the pet it created; `name` and `greeting` come from `lookup`, which failed.
    let partial = err.partial();
    assert_eq!(partial.pet_id.as_deref(), Some(id.as_str()));
    assert_eq!(partial.name, None);
    assert_eq!(partial.greeting, None);
    // The callee's partial: its `greeting` output is its input, known before its first step; `read`
    // produced nothing.
    let callee = partial.lookup_partial.as_ref().expect("the called workflow's partial outputs");
    assert_eq!(callee.name, None);
    assert_eq!(callee.greeting.as_deref(), Some("Hello Biscuit"));
    assert!(callee.read_owner_token.is_none());
    assert_hides(&err, &[BEARER, API_KEY]);
    // The pet is still there: nothing after `lookup`, and the nested workflow removes nothing.
    assert!(fake.deleted().is_empty());
}

#[tokio::test]
async fn a_server_error_in_the_called_workflow_is_reported_with_its_status() {
    let fake = pets::start(seed()).await.unwrap();
    fake.fail_operation("getPet", Failure::status(500));
    let err = adopt_and_name(&Client::new(), &config(&fake), &inputs()).await.unwrap_err();
    assert_create_then_read(&fake);
    assert_eq!(
        nested_error(&err),
        Some(&StepError::CriterionFailed {
            criterion: "$statusCode == 200",
            status: 500,
            body_excerpt: String::new(),
            retries: None
        })
    );
    let text = err.to_string();
    assert!(text.contains("`adopt-and-name`") && text.contains("`lookup`"), "{text}");
    assert!(text.contains("`get-pet-name`") && text.contains("`read`"), "{text}");
    assert!(text.ends_with("the response status was 500 (empty body)"), "{text}");
}

#[tokio::test]
async fn a_wrong_api_key_fails_only_the_called_workflow() {
    let fake = pets::start(seed()).await.unwrap();
    // The bearer token (createPet) is right, the API key (getPet) is not.
    let config = Config { pets: Pets::new(BEARER, "wrong_key").with_base_url(&fake.base_url) };
    let err = adopt_and_name(&Client::new(), &config, &inputs()).await.unwrap_err();

    let id = created_id(&fake);
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].path, format!("/v2/pets/{id}"));
    assert_eq!(requests[1].header("x-api-key"), Some("wrong_key"));
    assert!(
        matches!(
            nested_error(&err),
            Some(StepError::CriterionFailed { criterion: "$statusCode == 200", status: 401, .. })
        ),
        "{err:?}"
    );
    assert_eq!(err.partial().pet_id.as_deref(), Some(id.as_str()));
    assert!(err.partial().lookup_partial.is_some());
    assert_eq!(fake.reads(&id), Some(0));
    assert_hides(&err, &[BEARER, "wrong_key"]);
}

#[tokio::test]
async fn a_read_without_the_owner_token_loses_the_name_read_in_the_same_step() {
    // A 200 whose body has a name but no `ownerToken`: `read` reads `/name`, then fails on
    // `/ownerToken`; a step's outputs are recorded together, so the callee's partial has neither.
    let fake = pets::start(seed()).await.unwrap();
    fake.fail_operation("getPet", Failure::status(200).json(json!({"id": "pet_x", "name": "Rex"})));
    let err = adopt_and_name(&Client::new(), &config(&fake), &inputs()).await.unwrap_err();
    assert_create_then_read(&fake);
    assert_eq!(nested_error(&err), Some(&StepError::MissingValue { pointer: "/ownerToken".into() }));
    let callee = err.partial().lookup_partial.as_ref().unwrap();
    assert_eq!(callee.name, None);
    assert_eq!(callee.greeting.as_deref(), Some("Hello Biscuit"));
    assert!(callee.read_owner_token.is_none());
    assert_eq!(err.partial().name, None);
}

#[tokio::test]
async fn a_failed_create_never_calls_the_nested_workflow() {
    let fake = pets::start(seed()).await.unwrap();
    fake.fail_operation("createPet", Failure::status(503).json(json!({"error": "busy"})));
    let err = adopt_and_name(&Client::new(), &config(&fake), &inputs()).await.unwrap_err();
    assert_eq!(err.step_id(), "create");
    assert!(
        matches!(err.error(), StepError::CriterionFailed { criterion: "$statusCode == 201", status: 503, .. }),
        "{err:?}"
    );
    assert!(err.partial().pet_id.is_none());
    assert!(err.partial().lookup_partial.is_none());
    let auth = format!("Bearer {BEARER}");
    assert_requests(&fake.requests(), &[create(&auth)]);
}

#[tokio::test]
async fn the_called_workflow_runs_on_its_own() {
    let fake = pets::start(seed()).await.unwrap();
    // Create the pet through the caller, then read it again directly.
    let adopted = adopt_and_name(&Client::new(), &config(&fake), &inputs()).await.unwrap();
    let inputs = GetPetNameInputs { pet_id: adopted.pet_id.clone(), greeting: "hi".into() };
    let outputs = get_pet_name(&Client::new(), &config(&fake), &inputs).await.unwrap();
    assert_eq!(outputs.name, NAME);
    assert_eq!(outputs.greeting, "hi");
    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    assert_request_is_read(&requests[2], &adopted.pet_id);

    // An unknown pet: 404 at `read` of `get-pet-name` itself, no nesting.
    let inputs = GetPetNameInputs { pet_id: "pet_gone".into(), greeting: "hi".into() };
    let err = get_pet_name(&Client::new(), &config(&fake), &inputs).await.unwrap_err();
    assert_eq!((err.workflow_id(), err.step_id()), ("get-pet-name", "read"));
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 404, .. }), "{err:?}");
    assert_eq!(err.partial().greeting.as_deref(), Some("hi"));
}

#[track_caller]
fn assert_request_is_read(request: &arazzo_tests::RecordedRequest, id: &str) {
    common::assert_request(0, request, &read(&format!("/v2/pets/{id}")));
    assert_eq!(request.header("x-api-key"), Some(API_KEY));
}

/// `dependsOn`: `list-after-reading` runs `get-pet-name` first (with the inputs it shares by name),
/// then uses its output in its own request and outputs.
#[tokio::test]
async fn depends_on_runs_the_dependency_first_and_shares_its_outputs() {
    let pet = pets::Pet { id: "pet_dep".into(), name: "Dora".into(), age: 2, owner_token: Some("tok_dep".into()) };
    let fake = pets::start(PetsSeed { pets: vec![pet], ..seed() }).await.unwrap();
    let inputs = nested::ListAfterReadingInputs { pet_id: "pet_dep".into(), greeting: "hi".into() };
    let outputs = nested::list_after_reading(&Client::new(), &config(&fake), &inputs).await.unwrap();
    assert_eq!(outputs.name, "Dora");
    // A step output at a JSON pointer inside an earlier step's output.
    assert_eq!(outputs.first_pet_id, serde_json::json!("pet_dep"));

    let requests = fake.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert_eq!((requests[0].method.as_str(), requests[0].path.as_str()), ("GET", "/v2/pets/pet_dep"));
    assert_eq!(requests[0].header("x-api-key"), Some(API_KEY));
    assert_eq!((requests[1].method.as_str(), requests[1].path.as_str()), ("GET", "/v2/pets"));
    assert_eq!(requests[1].header("x-request-id"), Some("after-Dora"));
}

/// A failing dependency fails the workflow at a step named after it, before any step of its own.
#[tokio::test]
async fn a_failing_dependency_stops_the_workflow_before_its_steps() {
    let fake = pets::start(seed()).await.unwrap();
    let inputs = nested::ListAfterReadingInputs { pet_id: "pet_missing".into(), greeting: "hi".into() };
    let error = nested::list_after_reading(&Client::new(), &config(&fake), &inputs).await.unwrap_err();
    assert_eq!(error.step_id(), "get-pet-name");
    assert!(matches!(error.error(), StepError::Workflow { workflow_id: "get-pet-name", step_id: "read", .. }));
    assert_eq!(error.partial().name, None);
    assert!(error.partial().get_pet_name_partial.is_some());
    assert_eq!(fake.requests().len(), 1);
}
