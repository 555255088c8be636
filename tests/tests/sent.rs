//! The golden module of `sent.arazzo.yaml` against the fake Pets API: step outputs read from the
//! request a step sent (`$url`, `$method`, `$request.header.*`, `$request.query.*`,
//! `$request.path.*`, `$request.body#/...`) hold exactly what went on the wire, credentials among
//! them only as secrets; and a failure action's criterion that reads `$response.body` (and
//! `$request.body`) decides the retry.

include!("../../arazzo-codegen/tests/golden/sent.rs");

use arazzo_runtime::{Client, StepError};
use arazzo_tests::pets::{self, FakePets, Pet, PetsSeed};
use sent::{Config, Pets, SentInputs};

const BEARER: &str = "sent_e2e_bearer";
const API_KEY: &str = "sent_e2e_api_key";

fn config(fake: &FakePets) -> Config {
    Config { pets: Pets::new(BEARER, API_KEY).with_base_url(&fake.base_url) }
}

fn inputs() -> SentInputs {
    SentInputs::builder().pet_name("rex").trace("abc").limit(5).owner_token("owner_secret").build()
}

/// `read` fetches the pet whose id is the header `list` sent: `trace-abc`.
fn seed(busy_creates: usize) -> PetsSeed {
    let pet = Pet { id: "trace-abc".into(), name: "rex".into(), age: 3, owner_token: None };
    PetsSeed { pets: vec![pet], bearer: BEARER.into(), api_key: API_KEY.into(), busy_creates, ..PetsSeed::default() }
}

#[tokio::test]
async fn outputs_hold_what_was_sent() {
    let fake = pets::start(seed(0)).await.unwrap();
    let outputs = sent::sent(&Client::new(), &config(&fake), &inputs()).await.unwrap();

    let requests = fake.requests();
    let list = &requests[0];
    assert_eq!((list.method.as_str(), list.path.as_str(), list.query.as_deref()), ("GET", "/v2/pets", Some("limit=5")));
    // `$url` and `$method`: the full URL and the method of the request as sent.
    assert_eq!(outputs.url, format!("{}/pets?limit=5", fake.base_url.trim_end_matches('/')));
    assert_eq!(outputs.method, "GET");
    // `$request.header.X-Request-Id`, built from a template, as the server received it.
    let header = list.headers.iter().find(|(name, _)| name == "x-request-id").map(|(_, value)| value.as_str());
    assert_eq!(header, Some("trace-abc"));
    assert_eq!(outputs.trace, "trace-abc");
    // `$request.body#/name`, as posted.
    let create = &requests[1];
    let body: serde_json::Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(body["name"], "rex");
    assert_eq!(outputs.name.as_deref(), Some("rex"));
    assert_eq!(outputs.source, "./pets.openapi.yaml");
    // `$request.path.petId` fed the path; `$request.header.X-Api-Key` is the API key, a secret.
    assert_eq!(requests[2].path, "/v2/pets/trace-abc");
    assert_eq!(requests.len(), 3);
    assert!(!format!("{outputs:?}").contains(API_KEY));
}

#[tokio::test]
async fn credentials_read_from_the_request_are_secrets() {
    // The third step fails (no such pet): the partial outputs keep the secrets the steps read.
    let fake = pets::start(PetsSeed { pets: Vec::new(), ..seed(0) }).await.unwrap();
    let error = sent::sent(&Client::new(), &config(&fake), &inputs()).await.unwrap_err();
    assert_eq!(error.step_id(), "read");
    let partial = error.partial();
    // `$request.header.Authorization` (the bearer credential) and `$request.body#/ownerToken` (a
    // secret input) are SecretStrings: exposed only on request, never in `Debug`.
    let authorization = partial.list_authorization.as_ref().unwrap();
    assert_eq!(authorization.expose_secret(), format!("Bearer {BEARER}"));
    assert_eq!(partial.create_sent_owner_token.as_ref().unwrap().expose_secret(), "owner_secret");
    let printed = format!("{error:?} {error}");
    assert!(!printed.contains(BEARER) && !printed.contains("owner_secret"), "{printed}");
}

#[tokio::test]
async fn a_failure_action_criterion_reads_the_response_body() {
    // The first create answers 503 {"error":"busy"}: `$response.body#/error == 'busy' &&
    // $request.body#/name != null` holds, so the step is retried once and succeeds.
    let fake = pets::start(seed(1)).await.unwrap();
    let outputs = sent::sent(&Client::new(), &config(&fake), &inputs()).await.unwrap();
    assert_eq!(fake.create_attempts(), 2);
    assert_eq!(outputs.name.as_deref(), Some("rex"));

    // Two busy answers: the one retry is used up, and the step fails with the unmet criterion.
    let fake = pets::start(seed(2)).await.unwrap();
    let error = sent::sent(&Client::new(), &config(&fake), &inputs()).await.unwrap_err();
    assert_eq!(error.step_id(), "create");
    assert!(matches!(error.error(), StepError::CriterionFailed { status: 503, .. }), "{:?}", error.error());
    assert_eq!(fake.create_attempts(), 2);
}
