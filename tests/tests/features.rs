//! The golden module of `features.arazzo.yaml` against two fakes, each on its own port: the Pets
//! API (`pets`, base URL `.../v2`) and the Store (`store`, base URL `.../`, API key in the query),
//! recording into one recorder so the whole run can be checked request by request, in order.
//! Covers every parameter location (query in `form` and `pipeDelimited` style, header, path,
//! cookie), a JSON body built from inputs and literals, operationPath, qualified operationIds, a
//! secret input only in the body, and a secret response value kept in the partial outputs.

mod common;

include!("../../arazzo-codegen/tests/golden/features.rs");

use arazzo_runtime::{Client, StepError, WorkflowError};
use arazzo_tests::pets::{self, FakePets, FakeStore, Pet, PetsSeed, StoreSeed};
use arazzo_tests::{Failure, RecordedRequest};
use common::{Expected, assert_hides, assert_requests};
use features::{AdoptPetInputs, AdoptPetPartial, Config, CountStoreInputs, Pets, Store, adopt_pet, count_store};
use serde_json::json;

const BEARER: &str = "pets_features_bearer";
const API_KEY: &str = "pets_features_api_key";
const STORE_KEY: &str = "store_features_key";
const PASSWORD: &str = "owner-pa55word";
const COUNT: i64 = 42;

/// Both fakes; the store records into the Pets fake's recorder.
struct Fakes {
    pets: FakePets,
    store: FakeStore,
}

impl Fakes {
    fn requests(&self) -> Vec<RecordedRequest> {
        self.pets.requests()
    }

    fn pets_host(&self) -> String {
        self.pets.handle.addr.to_string()
    }

    fn store_host(&self) -> String {
        self.store.handle.addr.to_string()
    }
}

/// One pet already listed, so that `list` finds `X-Next` and `/pets/0/id`.
async fn start_with(store_key: &str) -> std::io::Result<Fakes> {
    let seed = PetsSeed {
        pets: vec![Pet { id: "pet_rex".into(), name: "Rex".into(), age: 7, owner_token: None }],
        bearer: BEARER.into(),
        api_key: API_KEY.into(),
        ..PetsSeed::default()
    };
    let pets = pets::start(seed).await?;
    let store = pets::start_store(&pets, StoreSeed { api_key: store_key.into(), count: COUNT }).await?;
    Ok(Fakes { pets, store })
}

async fn start() -> std::io::Result<Fakes> {
    start_with(STORE_KEY).await
}

fn config(fakes: &Fakes) -> Config {
    Config {
        pets: Pets::new(BEARER, API_KEY).with_base_url(&fakes.pets.base_url),
        store: Store::new(STORE_KEY).with_base_url(&fakes.store.base_url),
    }
}

/// Every input given.
fn full_inputs() -> AdoptPetInputs {
    AdoptPetInputs {
        name: "Biscuit".into(),
        age: Some(3),
        weight: Some(4.5),
        vaccinated: Some(true),
        tags: Some(vec!["a".into(), "b".into()]),
        limit: 5,
        session: "sess_123".into(),
        owner_password: Some(PASSWORD.into()),
        extra: Some(json!({"unused": true})),
        type_: Some("dog".into()),
    }
}

/// Only the required inputs.
fn minimal_inputs() -> AdoptPetInputs {
    AdoptPetInputs {
        name: "Rexy".into(),
        age: None,
        weight: None,
        vaccinated: None,
        tags: None,
        limit: 1,
        session: "s".into(),
        owner_password: None,
        extra: None,
        type_: None,
    }
}

/// The id of the pet the run created (the fake holds the seeded `pet_rex` and at most that one).
fn created_id(fakes: &Fakes) -> String {
    let ids: Vec<String> = fakes.pets.pets().into_iter().map(|p| p.id).filter(|id| id != "pet_rex").collect();
    let deleted = fakes.pets.deleted();
    let all: Vec<&String> = ids.iter().chain(deleted.iter()).collect();
    assert_eq!(all.len(), 1, "created {ids:?}, deleted {deleted:?}");
    all[0].clone()
}

/// Asserts the requests of a run that got through `step_count` steps (1 = `list` ... 5 = `remove`)
/// with the given list query, create body (exact text) and cookie.
#[track_caller]
fn assert_run(fakes: &Fakes, id: &str, step_count: usize, list_query: &str, body: &str, cookie: &str) {
    let auth = format!("Bearer {BEARER}");
    let pet = format!("/v2/pets/{id}");
    let inventory_query = format!("petId={id}&api_key={STORE_KEY}");
    let expected = [
        Expected { method: "GET", path: "/v2/pets", query: Some(list_query), authorization: Some(&auth), json: None },
        Expected {
            method: "POST",
            path: "/v2/pets",
            query: None,
            authorization: Some(&auth),
            json: serde_json::from_str(body).ok(),
        },
        Expected { method: "GET", path: &pet, query: None, authorization: None, json: None },
        Expected { method: "GET", path: "/inventory", query: Some(&inventory_query), authorization: None, json: None },
        Expected { method: "DELETE", path: &pet, query: None, authorization: Some(&auth), json: None },
    ];
    let requests = fakes.requests();
    assert_requests(&requests, &expected[..step_count]);

    // Each source on its own server: the store's request went to the store's port, the rest to the pets'.
    let servers: Vec<&str> = requests.iter().map(|r| r.server).collect();
    assert_eq!(servers, ["pets", "pets", "pets", "store", "pets"][..step_count]);
    for request in &requests {
        let host = if request.server == "store" { fakes.store_host() } else { fakes.pets_host() };
        assert_eq!(request.header("host"), Some(host.as_str()), "{} {}", request.method, request.path);
    }
    // The create body byte for byte: document order, absent inputs left out.
    if step_count >= 2 {
        assert_eq!(String::from_utf8_lossy(&requests[1].body), body);
    }
    // Only `getPet` carries the API key, only `read` the cookie.
    for (index, request) in requests.iter().enumerate() {
        let (key, cookie) = if index == 2 { (Some(API_KEY), Some(cookie)) } else { (None, None) };
        assert_eq!(request.header("x-api-key"), key, "request #{index}");
        assert_eq!(request.header("cookie"), cookie, "request #{index}");
        assert_eq!(request.header_count("cookie"), usize::from(cookie.is_some()), "request #{index}");
    }
}

#[tokio::test]
async fn adopts_a_pet_with_every_input_across_both_sources() {
    let fakes = start().await.unwrap();
    let outputs = adopt_pet(&Client::new(), &config(&fakes), &full_inputs()).await.unwrap();

    let id = created_id(&fakes);
    assert!(id.starts_with("pet_"), "{id}");
    assert_eq!(outputs.pet_id, id);
    assert_eq!(outputs.name, "Biscuit");
    assert_eq!(outputs.count, COUNT);
    assert_eq!(outputs.removed, id);
    assert_eq!(outputs.tags, Some(vec!["a".to_owned(), "b".to_owned()]));

    // `limit` as is; `tags` in the default form style, exploded; `fields` pipeDelimited, not
    // exploded, the `|` percent-encoded.
    let list_query = "limit=5&tags=a&tags=b&fields=id%7Cname";
    let body = concat!(
        r#"{"name":"Biscuit","age":3,"weight":4.5,"vaccinated":true,"#,
        r#""tags":[["a","b"],"literal",3,true,null],"#,
        r#""owner":{"password":"owner-pa55word","kind":"dog"},"#,
        r#""meta":{"source":"arazzo-rs","nested":{"ok":false}}}"#,
    );
    assert_run(&fakes, &id, 5, list_query, body, "session=sess_123");
    let requests = fakes.requests();
    // `X-Request-Id` only on `list`, from `"adopt-{$inputs.name}-1"`.
    assert_eq!(requests[0].header("x-request-id"), Some("adopt-Biscuit-1"));
    assert!(requests[1..].iter().all(|r| r.header("x-request-id").is_none()));

    // The pet was created, read once and deleted.
    assert_eq!(fakes.pets.created(), 1);
    assert_eq!(fakes.pets.deleted(), [id.as_str()]);
    assert_eq!(fakes.pets.pets().len(), 1);
}

#[tokio::test]
async fn absent_optional_inputs_are_left_out_of_the_query_and_the_body() {
    let fakes = start().await.unwrap();
    let outputs = adopt_pet(&Client::new(), &config(&fakes), &minimal_inputs()).await.unwrap();
    let id = created_id(&fakes);
    assert_eq!(outputs.pet_id, id);
    assert_eq!(outputs.name, "Rexy");
    assert_eq!(outputs.count, COUNT);
    assert_eq!(outputs.tags, None);

    // No `tags` parameter. In the body, absent fields are dropped, the absent array item keeps its
    // position as `null`, and `owner` stays as an empty object.
    let body = concat!(
        r#"{"name":"Rexy","tags":[null,"literal",3,true,null],"owner":{},"#,
        r#""meta":{"source":"arazzo-rs","nested":{"ok":false}}}"#,
    );
    assert_run(&fakes, &id, 5, "limit=1&fields=id%7Cname", body, "session=s");
    assert_eq!(fakes.requests()[0].header("x-request-id"), Some("adopt-Rexy-1"));
}

#[tokio::test]
async fn values_are_encoded_for_their_location() {
    let fakes = start_with("store key+1").await.unwrap();
    let config = Config {
        pets: Pets::new(BEARER, API_KEY).with_base_url(&fakes.pets.base_url),
        store: Store::new("store key+1").with_base_url(&fakes.store.base_url),
    };
    let inputs = AdoptPetInputs {
        name: "Mr Biscuit".into(),
        tags: Some(vec!["a b".into(), "c&d=e".into(), "é|f".into()]),
        session: "s/1;x=y z".into(),
        ..minimal_inputs()
    };
    let outputs = adopt_pet(&Client::new(), &config, &inputs).await.unwrap();
    assert_eq!(outputs.name, "Mr Biscuit");

    let requests = fakes.requests();
    assert_eq!(requests.len(), 5);
    // Query data is form-urlencoded: space `+`, `&`, `=`, `|` and UTF-8 percent-encoded.
    assert_eq!(requests[0].query.as_deref(), Some("limit=1&tags=a+b&tags=c%26d%3De&tags=%C3%A9%7Cf&fields=id%7Cname"));
    // Header values are sent as is.
    assert_eq!(requests[0].header("x-request-id"), Some("adopt-Mr Biscuit-1"));
    // Cookie values are percent-encoded (RFC 3986 unreserved kept).
    assert_eq!(requests[2].header("cookie"), Some("session=s%2F1%3Bx%3Dy%20z"));
    // The store key as form data in the query, after the step's own parameter.
    let id = created_id(&fakes);
    assert_eq!(requests[3].query, Some(format!("petId={id}&api_key=store+key%2B1")));
    // The body holds the name and tags as JSON strings.
    let body = requests[1].json().unwrap();
    assert_eq!(body["name"], "Mr Biscuit");
    assert_eq!(body["tags"][0], json!(["a b", "c&d=e", "é|f"]));
}

#[tokio::test]
async fn an_empty_tag_list_is_no_query_parameter_but_an_empty_array_in_the_body() {
    let fakes = start().await.unwrap();
    let inputs = AdoptPetInputs { tags: Some(Vec::new()), ..minimal_inputs() };
    let outputs = adopt_pet(&Client::new(), &config(&fakes), &inputs).await.unwrap();
    assert_eq!(outputs.tags, Some(Vec::new()));
    let requests = fakes.requests();
    assert_eq!(requests[0].query.as_deref(), Some("limit=1&fields=id%7Cname"));
    assert_eq!(requests[1].json().unwrap()["tags"], json!([[], "literal", 3, true, null]));
}

/// Asserts what a run that failed after `read` (at `inventory` or `remove`) kept.
#[track_caller]
fn assert_partial_after_read(fakes: &Fakes, err: &WorkflowError<AdoptPetPartial>) {
    let id = created_id(fakes);
    let partial = err.partial();
    assert_eq!(partial.pet_id.as_deref(), Some(id.as_str()));
    assert_eq!(partial.name.as_deref(), Some("Biscuit"));
    assert_eq!(partial.tags, Some(vec!["a".to_owned(), "b".to_owned()]));
    assert_eq!(partial.removed, None);
    // The owner token (write-only, a secret no output carries) is kept so that it is not lost.
    let stored = fakes.pets.pet(&id).and_then(|p| p.owner_token);
    assert!(stored.is_some(), "the created pet has an owner token");
    assert_eq!(partial.create_owner_token.as_ref().map(|t| t.expose_secret()), stored.as_deref());
    assert_hides(err, &[BEARER, API_KEY, STORE_KEY, PASSWORD, stored.as_deref().unwrap_or_default()]);
}

#[tokio::test]
async fn a_failing_store_stops_the_run_before_remove_and_keeps_the_created_pet() {
    let fakes = start().await.unwrap();
    fakes.pets.fail_operation("getInventory", Failure::status(503).json(json!({"error": "store closed"})));
    let err = adopt_pet(&Client::new(), &config(&fakes), &full_inputs()).await.unwrap_err();

    assert_eq!((err.workflow_id(), err.step_id()), ("adopt-pet", "inventory"));
    assert_eq!(
        err.error(),
        &StepError::CriterionFailed {
            criterion: "a 2xx status (the step has no successCriteria)",
            status: 503,
            body_excerpt: r#"{"error":"store closed"}"#.into(),
            retries: None,
        }
    );
    assert_eq!(err.partial().count, None);
    assert_partial_after_read(&fakes, &err);
    // Four requests, no DELETE: the pet is still there.
    let id = created_id(&fakes);
    assert_eq!(fakes.requests().len(), 4);
    assert!(fakes.pets.pet(&id).is_some());
    assert!(fakes.pets.deleted().is_empty());
}

#[tokio::test]
async fn a_wrong_store_key_is_refused_by_the_store_only() {
    let fakes = start_with("the_real_store_key").await.unwrap();
    let err = adopt_pet(&Client::new(), &config(&fakes), &full_inputs()).await.unwrap_err();
    assert_eq!(err.step_id(), "inventory");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 401, .. }), "{err:?}");
    assert_partial_after_read(&fakes, &err);
    let requests = fakes.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[3].server, "store");
}

#[tokio::test]
async fn a_failed_remove_keeps_every_output_but_removed() {
    let fakes = start().await.unwrap();
    fakes.pets.fail_operation("deletePet", Failure::status(409).json(json!({"error": "in use"})));
    let err = adopt_pet(&Client::new(), &config(&fakes), &full_inputs()).await.unwrap_err();
    assert_eq!(err.step_id(), "remove");
    assert!(
        matches!(err.error(), StepError::CriterionFailed { criterion: "$statusCode == 204", status: 409, .. }),
        "{err:?}"
    );
    assert_eq!(err.partial().count, Some(COUNT));
    assert_partial_after_read(&fakes, &err);
    assert_eq!(fakes.requests().len(), 5);
}

#[tokio::test]
async fn an_empty_listing_fails_list_on_the_missing_next_header() {
    let fakes = start().await.unwrap();
    fakes.pets.recorder().fail_operation("listPets", Failure::status(200).json(json!({"pets": []})));
    let err = adopt_pet(&Client::new(), &config(&fakes), &full_inputs()).await.unwrap_err();
    assert_eq!(err.step_id(), "list");
    // `next` is read first, and the 200 has no `X-Next`.
    assert_eq!(err.error(), &StepError::MissingHeader { name: "X-Next" });
    // `tags` is an input, known before the first step; nothing else is.
    let partial = err.partial();
    assert_eq!(partial.tags, Some(vec!["a".to_owned(), "b".to_owned()]));
    assert_eq!((partial.pet_id.as_ref(), partial.name.as_ref(), partial.count), (None, None, None));
    assert!(partial.create_owner_token.is_none());
    assert_eq!(fakes.requests().len(), 1);
}

#[tokio::test]
async fn the_body_only_password_is_scrubbed_from_a_failed_creation() {
    let fakes = start().await.unwrap();
    // A server that echoes the request body back in its error.
    let echo = json!({"error": "invalid owner", "detail": format!("rejected {PASSWORD}")});
    fakes.pets.fail_operation("createPet", Failure::status(422).json(echo));
    let err = adopt_pet(&Client::new(), &config(&fakes), &full_inputs()).await.unwrap_err();
    assert_eq!(err.step_id(), "create");
    let StepError::CriterionFailed { status: 422, body_excerpt, .. } = err.error() else {
        panic!("expected a 422 CriterionFailed, got {:?}", err.error());
    };
    assert_eq!(body_excerpt, r#"{"error":"invalid owner","detail":"rejected [REDACTED]"}"#);
    assert_hides(&err, &[BEARER, API_KEY, STORE_KEY, PASSWORD]);
    assert!(err.partial().pet_id.is_none());
    assert_eq!(fakes.requests().len(), 2);
}

#[tokio::test]
async fn count_store_calls_only_the_store_with_its_key() {
    let fakes = start().await.unwrap();
    assert_eq!(Store::DEFAULT_BASE_URL, "https://store.example/");
    assert_eq!(Pets::DEFAULT_BASE_URL, "https://eu.pets.example/v2");
    // With and without the trailing slash of the description's server URL.
    let bare = fakes.store.base_url.trim_end_matches('/').to_owned();
    for base_url in [fakes.store.base_url.clone(), bare] {
        fakes.pets.recorder().clear_requests();
        let config = Config { store: Store::new(STORE_KEY).with_base_url(base_url), ..config(&fakes) };
        let outputs = count_store(&Client::new(), &config, &CountStoreInputs {}).await.unwrap();
        assert_eq!(outputs.count, COUNT);
        let requests = fakes.requests();
        let query = format!("api_key={STORE_KEY}");
        assert_requests(
            &requests,
            &[Expected { method: "GET", path: "/inventory", query: Some(&query), authorization: None, json: None }],
        );
        assert_eq!(requests[0].server, "store");
        assert_eq!(requests[0].header("host"), Some(fakes.store_host().as_str()));
    }
}
