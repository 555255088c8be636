//! The golden module of `reuse.arazzo.yaml` against the fake Pets API: workflow inputs from a
//! reusable component (with a `$ref` inside), workflow parameters inherited by every step (one of
//! them a reusable `X-Request-Id` header from an optional input), and a step overriding `limit`
//! through a reusable parameter whose value it overrides in turn.

mod common;

include!("../../arazzo-codegen/tests/golden/reuse.rs");

use arazzo_runtime::{Client, StepError};
use arazzo_tests::RecordedRequest;
use arazzo_tests::pets::{self, FakePets, Pet, PetsSeed};
use common::{Expected, assert_requests};
use reuse::{Config, ListTwiceInputs, Pets, list_twice};
use serde_json::json;

const BEARER: &str = "pets_reuse_bearer";

fn pet(id: &str, name: &str) -> Pet {
    Pet { id: id.into(), name: name.into(), age: 2, owner_token: None }
}

fn seed(pets: Vec<Pet>) -> PetsSeed {
    PetsSeed { pets, bearer: BEARER.into(), ..PetsSeed::default() }
}

fn two_pets() -> Vec<Pet> {
    vec![pet("pet_rex", "rex"), pet("pet_tom", "tom")]
}

fn config(fake: &FakePets) -> Config {
    Config { pets: Pets::new(BEARER).with_base_url(&fake.base_url) }
}

fn inputs(page_size: i64, request_id: Option<&str>) -> ListTwiceInputs {
    ListTwiceInputs { page_size, request_id: request_id.map(str::to_owned) }
}

/// `GET /pets?<query>` with the bearer token and no body.
fn list<'a>(query: &'a str, auth: &'a str) -> Expected<'a> {
    Expected { method: "GET", path: "/v2/pets", query: Some(query), authorization: Some(auth), json: None }
}

#[track_caller]
fn assert_request_id(requests: &[RecordedRequest], expected: Option<&str>) {
    for (index, request) in requests.iter().enumerate() {
        assert_eq!(request.header("x-request-id"), expected, "request #{index}");
        assert_eq!(request.header_count("x-request-id"), usize::from(expected.is_some()), "request #{index}");
    }
}

#[tokio::test]
async fn the_inherited_limit_then_the_overridden_one_with_the_request_id_on_both() {
    let fake = pets::start(seed(two_pets())).await.unwrap();
    let outputs = list_twice(&Client::new(), &config(&fake), &inputs(7, Some("req-42"))).await.unwrap();
    assert_eq!(outputs.first, "pet_rex");

    let auth = format!("Bearer {BEARER}");
    let requests = fake.requests();
    // `inherited`: the workflow's `limit: 5`; `overridden`: the reusable `limit` (10) with its value
    // replaced by `$inputs.pageSize`.
    assert_requests(&requests, &[list("limit=5", &auth), list("limit=7", &auth)]);
    assert_request_id(&requests, Some("req-42"));
}

#[tokio::test]
async fn without_a_request_id_the_header_is_left_out() {
    let fake = pets::start(seed(two_pets())).await.unwrap();
    let outputs = list_twice(&Client::new(), &config(&fake), &inputs(3, None)).await.unwrap();
    assert_eq!(outputs.first, "pet_rex");
    let auth = format!("Bearer {BEARER}");
    let requests = fake.requests();
    assert_requests(&requests, &[list("limit=5", &auth), list("limit=3", &auth)]);
    assert_request_id(&requests, None);
}

#[tokio::test]
async fn inputs_deserialize_from_the_referenced_component_schema() {
    let fake = pets::start(seed(two_pets())).await.unwrap();
    let auth = format!("Bearer {BEARER}");
    for (json, query, request_id) in [
        (json!({"pageSize": 20, "requestId": "from json"}), "limit=20", Some("from json")),
        (json!({"pageSize": 0}), "limit=0", None),
        (json!({"pageSize": -1, "requestId": null}), "limit=-1", None),
    ] {
        fake.recorder().clear_requests();
        let inputs: ListTwiceInputs = serde_json::from_value(json.clone()).unwrap();
        let outputs = list_twice(&Client::new(), &config(&fake), &inputs).await.unwrap();
        assert_eq!(outputs.first, "pet_rex", "{json}");
        let requests = fake.requests();
        assert_requests(&requests, &[list("limit=5", &auth), list(query, &auth)]);
        assert_request_id(&requests, request_id);
    }
    // `pageSize` is required by the component.
    assert!(serde_json::from_value::<ListTwiceInputs>(json!({"requestId": "r"})).is_err());
}

#[tokio::test]
async fn a_request_id_with_a_line_break_fails_before_anything_is_sent() {
    let fake = pets::start(seed(two_pets())).await.unwrap();
    let err = list_twice(&Client::new(), &config(&fake), &inputs(5, Some("r1\r\nX-Evil: 1"))).await.unwrap_err();
    assert_eq!((err.workflow_id(), err.step_id()), ("list-twice", "inherited"));
    let StepError::InvalidRequest { message } = err.error() else {
        panic!("expected InvalidRequest, got {:?}", err.error());
    };
    assert!(message.contains("x-request-id"), "{message}");
    assert!(!err.to_string().contains("X-Evil"), "{err}");
    assert!(err.partial().first.is_none());
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn an_empty_list_fails_overridden_on_the_first_id() {
    let fake = pets::start(seed(vec![])).await.unwrap();
    let err = list_twice(&Client::new(), &config(&fake), &inputs(5, Some("req-1"))).await.unwrap_err();
    assert_eq!(err.step_id(), "overridden");
    assert_eq!(err.error(), &StepError::MissingValue { pointer: "/pets/0/id".into() });
    assert!(err.partial().first.is_none());
    let auth = format!("Bearer {BEARER}");
    assert_requests(&fake.requests(), &[list("limit=5", &auth), list("limit=5", &auth)]);
}

#[tokio::test]
async fn a_failing_first_listing_stops_the_run() {
    let fake = pets::start(seed(two_pets())).await.unwrap();
    fake.fail_request(1, arazzo_tests::Failure::status(429));
    let err = list_twice(&Client::new(), &config(&fake), &inputs(5, None)).await.unwrap_err();
    assert_eq!(err.step_id(), "inherited");
    assert!(
        matches!(err.error(), StepError::CriterionFailed { criterion: "$statusCode == 200", status: 429, .. }),
        "{err:?}"
    );
    assert_eq!(fake.requests().len(), 1);
}
