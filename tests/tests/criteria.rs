//! The golden module of `criteria.arazzo.yaml` against the fake Pets API: every kind of success
//! criterion (simple with `&&`, `!`, `||`, header and input operands, jsonpath, regex) decides
//! whether the run goes on, and a failed one is named exactly as written in the document.

mod common;

include!("../../arazzo-codegen/tests/golden/criteria.rs");

use arazzo_runtime::{Client, StepError, WorkflowError};
use arazzo_tests::pets::{self, FakePets, Pet, PetsSeed};
use common::{Expected, assert_hides, assert_requests};
use criteria::{CheckPetsInputs, CheckPetsPartial, Config, Pets, check_pets};
use serde_json::{Value, json};

const BEARER: &str = "pets_e2e_bearer";
const API_KEY: &str = "pets_e2e_api_key";

/// The second criterion of `list`, as written in the document.
const NAME_AND_AGE: &str =
    "$response.body#/pets/0/name == $inputs.name && !($response.body#/pets/0/age < $inputs.minimum)";

fn pet(id: &str, name: &str, age: i64) -> Pet {
    Pet { id: id.into(), name: name.into(), age, owner_token: None }
}

fn seed(pets: Vec<Pet>) -> PetsSeed {
    PetsSeed { pets, bearer: BEARER.into(), api_key: API_KEY.into(), ..PetsSeed::default() }
}

/// Rex (3) first, then Tom (5).
fn rex_and_tom() -> Vec<Pet> {
    vec![pet("pet_rex", "rex", 3), pet("pet_tom", "tom", 5)]
}

fn config(fake: &FakePets) -> Config {
    Config { pets: Pets::new(BEARER, API_KEY).with_base_url(&fake.base_url) }
}

fn inputs(name: &str, minimum: i64, filter: Option<Value>) -> CheckPetsInputs {
    CheckPetsInputs { name: name.into(), minimum, filter }
}

fn cat() -> Option<Value> {
    Some(json!({"kind": "cat"}))
}

/// Asserts that the run failed at `list` on `criterion` with the 200 response, after one request.
#[track_caller]
fn assert_list_failed_on(fake: &FakePets, err: &WorkflowError<CheckPetsPartial>, criterion: &str) {
    assert_eq!(err.workflow_id(), "check-pets");
    assert_eq!(err.step_id(), "list");
    assert!(
        matches!(err.error(), StepError::CriterionFailed { criterion: failed, status: 200, .. } if *failed == criterion),
        "expected `{criterion}` to fail on a 200 response, got {:?}",
        err.error()
    );
    assert!(err.to_string().contains(criterion), "{err}");
    assert!(err.partial().first_id.is_none());
    let auth = format!("Bearer {BEARER}");
    assert_requests(
        &fake.requests(),
        &[Expected { method: "GET", path: "/v2/pets", query: None, authorization: Some(&auth), json: None }],
    );
}

#[tokio::test]
async fn all_criteria_hold_and_the_first_id_is_returned() {
    let fake = pets::start(seed(rex_and_tom())).await.unwrap();
    // `minimum` equal to Rex's age: `!(3 < 3)` holds.
    let outputs = check_pets(&Client::new(), &config(&fake), &inputs("rex", 3, cat())).await.unwrap();
    assert_eq!(outputs.first_id, "pet_rex");

    let auth = format!("Bearer {BEARER}");
    assert_requests(
        &fake.requests(),
        &[
            Expected { method: "GET", path: "/v2/pets", query: None, authorization: Some(&auth), json: None },
            // `getPet` uses the API key scheme only: no bearer token.
            Expected { method: "GET", path: "/v2/pets/pet_rex", query: None, authorization: None, json: None },
        ],
    );
    let requests = fake.requests();
    assert_eq!(requests[0].header("x-api-key"), None);
    assert_eq!(requests[1].header("x-api-key"), Some(API_KEY));
    assert_eq!(requests[1].header_count("x-api-key"), 1);
}

#[tokio::test]
async fn inputs_deserialize_from_the_json_the_schema_describes() {
    let fake = pets::start(seed(rex_and_tom())).await.unwrap();
    let inputs: CheckPetsInputs =
        serde_json::from_value(json!({"name": "rex", "minimum": 2, "filter": {"kind": "cat", "indoor": true}}))
            .unwrap();
    let outputs = check_pets(&Client::new(), &config(&fake), &inputs).await.unwrap();
    assert_eq!(outputs.first_id, "pet_rex");
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn string_equality_ignores_case() {
    let fake = pets::start(seed(rex_and_tom())).await.unwrap();
    // Input "REX" against the pet name "rex", and the literal 'cat' against the input "CAT".
    let outputs =
        check_pets(&Client::new(), &config(&fake), &inputs("REX", 1, Some(json!({"kind": "CAT"})))).await.unwrap();
    assert_eq!(outputs.first_id, "pet_rex");
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn another_name_fails_the_name_and_age_criterion() {
    let fake = pets::start(seed(rex_and_tom())).await.unwrap();
    // Tom is in the list, but the criterion looks at the first pet only.
    let err = check_pets(&Client::new(), &config(&fake), &inputs("tom", 1, cat())).await.unwrap_err();
    assert_list_failed_on(&fake, &err, NAME_AND_AGE);
}

#[tokio::test]
async fn an_age_below_the_minimum_fails_at_list_after_one_request() {
    let fake = pets::start(seed(rex_and_tom())).await.unwrap();
    // Rex is 3: `!(3 < 4)` is false.
    let err = check_pets(&Client::new(), &config(&fake), &inputs("rex", 4, cat())).await.unwrap_err();
    assert_list_failed_on(&fake, &err, NAME_AND_AGE);
}

#[tokio::test]
async fn a_filter_of_another_kind_fails_on_the_input_criterion() {
    let fake = pets::start(seed(rex_and_tom())).await.unwrap();
    let err =
        check_pets(&Client::new(), &config(&fake), &inputs("rex", 3, Some(json!({"kind": "dog"})))).await.unwrap_err();
    assert_list_failed_on(&fake, &err, "$inputs.filter#/kind == 'cat'");
}

#[tokio::test]
async fn a_missing_filter_fails_on_the_input_criterion() {
    // The optional input is absent, so `$inputs.filter#/kind` is absent, which is not 'cat'.
    for filter in [None, Some(json!({})), Some(json!({"kind": null})), Some(json!("cat"))] {
        let fake = pets::start(seed(rex_and_tom())).await.unwrap();
        let err = check_pets(&Client::new(), &config(&fake), &inputs("rex", 3, filter)).await.unwrap_err();
        assert_list_failed_on(&fake, &err, "$inputs.filter#/kind == 'cat'");
    }
}

#[tokio::test]
async fn no_pet_older_than_one_fails_on_the_jsonpath_criterion() {
    // Rex is 1: the name and age criterion holds (`!(1 < 1)`), the filter `@.age > 1` selects nothing.
    let fake = pets::start(seed(vec![pet("pet_rex", "rex", 1), pet("pet_kit", "kit", 0)])).await.unwrap();
    let err = check_pets(&Client::new(), &config(&fake), &inputs("rex", 1, cat())).await.unwrap_err();
    assert_list_failed_on(&fake, &err, "$.pets[?@.age > 1] (jsonpath on $response.body)");
}

#[tokio::test]
async fn an_empty_list_fails_first_on_the_name_and_age_criterion() {
    // `$statusCode == 200` holds. Then `$response.body#/pets/0/name` is absent and `$inputs.name`
    // is a string: absent equals only null or absent, so `==` is false and `&&` short-circuits.
    // (The `X-Next || vaccinated` criterion would fail next: no header and no pets[0].)
    let fake = pets::start(seed(vec![])).await.unwrap();
    let err = check_pets(&Client::new(), &config(&fake), &inputs("rex", 0, cat())).await.unwrap_err();
    assert!(
        matches!(err.error(), StepError::CriterionFailed { body_excerpt, .. } if body_excerpt == r#"{"pets":[]}"#),
        "{:?}",
        err.error()
    );
    assert_list_failed_on(&fake, &err, NAME_AND_AGE);
}

#[tokio::test]
async fn a_wrong_api_key_fails_the_read_step_after_list_succeeded() {
    let fake = pets::start(seed(rex_and_tom())).await.unwrap();
    let config = Config { pets: Pets::new(BEARER, "wrong_key").with_base_url(&fake.base_url) };
    let err = check_pets(&Client::new(), &config, &inputs("rex", 3, cat())).await.unwrap_err();
    assert_eq!(err.step_id(), "read");
    // The 401 body has no `id`: the first criterion of `read` fails.
    assert!(
        matches!(
            err.error(),
            StepError::CriterionFailed {
                criterion: "$steps.list.outputs.firstId == $response.body#/id",
                status: 401,
                ..
            }
        ),
        "{:?}",
        err.error()
    );
    assert_eq!(err.partial().first_id.as_deref(), Some("pet_rex"));
    assert_eq!(fake.requests().len(), 2);
    assert_hides(&err, &[BEARER, API_KEY, "wrong_key"]);
}

/// `$response.body#/age == 9007199254740993`: 2^53 + 1, which an f64 rounds to 2^53. The literal and
/// the response's number are both compared as integers, so the neighbours do not pass.
#[tokio::test]
async fn integers_beyond_two_to_the_53_are_compared_exactly() {
    let config = Config { pets: Pets::new(BEARER, API_KEY) };
    let inputs = criteria::LargeIntegersInputs { pet_id: "pet_big".into() };
    for (age, holds) in [
        (json!(9_007_199_254_740_993_u64), true),
        (json!(9_007_199_254_740_992_u64), false),
        (json!(9_007_199_254_740_994_u64), false),
    ] {
        let dry_run = arazzo_runtime::DryRun::new();
        dry_run.respond(arazzo_runtime::DryRunResponse::json(200, json!({"id": "pet_big", "name": "big", "age": age})));
        let result = criteria::large_integers(&dry_run.client(), &config, &inputs).await;
        match result {
            Ok(_) => assert!(holds, "{age} passed"),
            Err(err) => {
                assert!(!holds, "{age} failed: {err}");
                assert!(
                    matches!(err.error(), StepError::CriterionFailed { criterion, status: 200, .. }
                        if *criterion == "$response.body#/age == 9007199254740993"),
                    "{err}"
                );
            }
        }
    }
}
