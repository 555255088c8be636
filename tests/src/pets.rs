//! Fake Pets: the four operations of the codegen fixture `pets.openapi.yaml` (`listPets`, `createPet`,
//! `getPet`, `deletePet`), scriptable so that criteria, retries and polling loops can be driven:
//! the first `busy_creates` creations answer 503, and a pet reads as unvaccinated for its first
//! `unvaccinated_reads` reads.
//!
//! Credentials follow the description: HTTP bearer for everything but `getPet`, which takes the
//! `X-Api-Key` header instead. Wrong or missing credentials are 401.
//!
//! [`start_store`] adds a second server beside it, the fixture `store.openapi.json` (`getInventory`,
//! API key in the `api_key` query parameter), recording into the same recorder so that a workflow
//! using both sources can be checked request by request, in order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::server::{self, BodyError, Fake, ServerHandle, Shared, authorization, fake_hex, json_object, json_response};

/// A pet as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pet {
    pub id: String,
    pub name: String,
    pub age: i64,
    /// Write-only in the description; the fake hands it back on creation and when reading one pet.
    pub owner_token: Option<String>,
}

/// Initial state and script of a fake Pets API.
#[derive(Clone, Debug)]
pub struct PetsSeed {
    /// In list order.
    pub pets: Vec<Pet>,
    /// Accepted in `Authorization: Bearer <bearer>` (`listPets`, `createPet`, `deletePet`).
    pub bearer: String,
    /// Accepted in `X-Api-Key` (`getPet`).
    pub api_key: String,
    /// How many `POST /pets` (counting every attempt) answer `503 {"error":"busy"}` before creations succeed.
    pub busy_creates: usize,
    /// The `Retry-After` header value of those 503 responses, if any.
    pub retry_after: Option<String>,
    /// How many reads of a pet (`getPet`) show `vaccinated: false` before it reads `true`;
    /// `usize::MAX`: never vaccinated.
    pub unvaccinated_reads: usize,
}

impl Default for PetsSeed {
    fn default() -> Self {
        PetsSeed {
            pets: Vec::new(),
            bearer: "pets_bearer_token".into(),
            api_key: "pets_api_key".into(),
            busy_creates: 0,
            retry_after: None,
            unvaccinated_reads: 0,
        }
    }
}

/// A stored pet and how many times `getPet` read it.
#[derive(Clone, Debug)]
pub struct StoredPet {
    pub pet: Pet,
    pub reads: usize,
}

/// Current state.
#[derive(Debug)]
pub struct PetsState {
    pub pets: Vec<StoredPet>,
    pub bearer: String,
    pub api_key: String,
    pub busy_creates: usize,
    pub retry_after: Option<String>,
    pub unvaccinated_reads: usize,
    /// Every `POST /pets` that passed authentication, busy or not.
    pub create_attempts: usize,
    /// Pets created so far.
    pub created: u64,
    /// Ids of the pets deleted so far, in order.
    pub deleted: Vec<String>,
}

impl PetsState {
    fn vaccinated(&self, reads: usize) -> bool {
        reads >= self.unvaccinated_reads
    }
}

pub type FakePets = Fake<PetsState>;

/// Starts a fake Pets API; `base_url` is `http://127.0.0.1:<port>/v2`, like the description's server URL.
pub async fn start(seed: PetsSeed) -> std::io::Result<FakePets> {
    let shared = Shared::new(PetsState {
        pets: seed.pets.into_iter().map(|pet| StoredPet { pet, reads: 0 }).collect(),
        bearer: seed.bearer,
        api_key: seed.api_key,
        busy_creates: seed.busy_creates,
        retry_after: seed.retry_after,
        unvaccinated_reads: seed.unvaccinated_reads,
        create_attempts: 0,
        created: 0,
        deleted: Vec::new(),
    });
    let router = Router::new()
        .route("/v2/pets", get(list_pets).post(create_pet))
        .route("/v2/pets/{petId}", get(get_pet).delete(delete_pet))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not found") })
        .with_state(shared.clone());
    let handle = server::spawn(router, shared.recorder.clone(), "pets").await?;
    Ok(Fake { base_url: format!("http://{}/v2", handle.addr), handle, shared })
}

impl FakePets {
    /// The pet as stored now.
    pub fn pet(&self, id: &str) -> Option<Pet> {
        self.shared.state().pets.iter().find(|p| p.pet.id == id).map(|p| p.pet.clone())
    }

    /// Every stored pet, in list order.
    pub fn pets(&self) -> Vec<Pet> {
        self.shared.state().pets.iter().map(|p| p.pet.clone()).collect()
    }

    /// How many times `getPet` read the pet.
    pub fn reads(&self, id: &str) -> Option<usize> {
        self.shared.state().pets.iter().find(|p| p.pet.id == id).map(|p| p.reads)
    }

    /// Ids of the pets deleted so far, in order.
    pub fn deleted(&self) -> Vec<String> {
        self.shared.state().deleted.clone()
    }

    /// How many pets were created.
    pub fn created(&self) -> u64 {
        self.shared.state().created
    }

    /// How many authenticated `POST /pets` arrived, including the busy ones.
    pub fn create_attempts(&self) -> usize {
        self.shared.state().create_attempts
    }
}

type St = State<Arc<Shared<PetsState>>>;

fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "error": message }))
}

fn unauthorized() -> Response {
    error(StatusCode::UNAUTHORIZED, "unauthorized")
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "pet not found")
}

/// 401 unless the request carries `Authorization: Bearer <bearer>`.
fn check_bearer(state: &PetsState, headers: &HeaderMap) -> Result<(), Response> {
    match authorization(headers).and_then(|h| h.strip_prefix("Bearer ")) {
        Some(token) if token == state.bearer => Ok(()),
        _ => Err(unauthorized()),
    }
}

/// 401 unless the request carries `X-Api-Key: <api_key>`.
fn check_api_key(state: &PetsState, headers: &HeaderMap) -> Result<(), Response> {
    match headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        Some(key) if key == state.api_key => Ok(()),
        _ => Err(unauthorized()),
    }
}

async fn list_pets(State(shared): St, headers: HeaderMap) -> Response {
    if let Some(injected) = shared.recorder.injected("listPets", &headers) {
        return injected;
    }
    let state = shared.state();
    if let Err(denied) = check_bearer(&state, &headers) {
        return denied;
    }
    let pets: Vec<Value> = state
        .pets
        .iter()
        .map(|p| {
            json!({
                "id": p.pet.id,
                "name": p.pet.name,
                "age": p.pet.age,
                "vaccinated": state.vaccinated(p.reads),
            })
        })
        .collect();
    let more = !pets.is_empty();
    let mut response = json_response(StatusCode::OK, json!({ "pets": pets }));
    if more {
        response.headers_mut().insert("x-next", HeaderValue::from_static("/pets?page=2"));
    }
    response
}

async fn create_pet(State(shared): St, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(injected) = shared.recorder.injected("createPet", &headers) {
        return injected;
    }
    let mut state = shared.state();
    if let Err(denied) = check_bearer(&state, &headers) {
        return denied;
    }
    state.create_attempts += 1;
    if state.create_attempts <= state.busy_creates {
        let mut response = error(StatusCode::SERVICE_UNAVAILABLE, "busy");
        if let Some(value) = state.retry_after.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
        }
        return response;
    }
    let fields: Map<String, Value> = match json_object(&headers, &body) {
        Ok(fields) => fields,
        Err(BodyError::ContentType) => return error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "expected application/json"),
        Err(BodyError::NotAnObject) => return error(StatusCode::BAD_REQUEST, "expected a JSON object"),
    };
    let Some(name) = fields.get("name").and_then(Value::as_str) else {
        return error(StatusCode::BAD_REQUEST, "name is required");
    };
    let age = match fields.get("age") {
        None => 0,
        Some(age) => match age.as_i64() {
            Some(age) => age,
            None => return error(StatusCode::BAD_REQUEST, "age must be an integer"),
        },
    };
    let counter = state.created + 1;
    let pet = Pet {
        id: format!("pet_{}", fake_hex("pets-id", counter, 12)),
        name: name.to_owned(),
        age,
        owner_token: Some(format!("own_{}", fake_hex("pets-owner", counter, 24))),
    };
    state.created = counter;
    state.pets.push(StoredPet { pet: pet.clone(), reads: 0 });
    json_response(StatusCode::CREATED, json!({ "id": pet.id, "name": pet.name, "ownerToken": pet.owner_token }))
}

async fn get_pet(State(shared): St, Path(pet_id): Path<String>, headers: HeaderMap) -> Response {
    if let Some(injected) = shared.recorder.injected("getPet", &headers) {
        return injected;
    }
    let mut state = shared.state();
    if let Err(denied) = check_api_key(&state, &headers) {
        return denied;
    }
    let Some(index) = state.pets.iter().position(|p| p.pet.id == pet_id) else {
        return not_found();
    };
    let reads = state.pets[index].reads;
    let vaccinated = state.vaccinated(reads);
    let stored = &mut state.pets[index];
    stored.reads = reads.saturating_add(1);
    let pet = &stored.pet;
    let mut body = json!({ "id": pet.id, "name": pet.name, "age": pet.age, "vaccinated": vaccinated });
    if let (Some(token), Value::Object(object)) = (&pet.owner_token, &mut body) {
        object.insert("ownerToken".to_owned(), Value::from(token.as_str()));
    }
    json_response(StatusCode::OK, body)
}

async fn delete_pet(State(shared): St, Path(pet_id): Path<String>, headers: HeaderMap) -> Response {
    if let Some(injected) = shared.recorder.injected("deletePet", &headers) {
        return injected;
    }
    let mut state = shared.state();
    if let Err(denied) = check_bearer(&state, &headers) {
        return denied;
    }
    let Some(index) = state.pets.iter().position(|p| p.pet.id == pet_id) else {
        return not_found();
    };
    state.pets.remove(index);
    state.deleted.push(pet_id);
    StatusCode::NO_CONTENT.into_response()
}

/// Initial state of a fake Store (`store.openapi.json`).
#[derive(Clone, Debug)]
pub struct StoreSeed {
    /// Accepted in the `api_key` query parameter (`getInventory`).
    pub api_key: String,
    /// The `count` every authenticated `GET /inventory` answers, whatever `petId` it asks about.
    pub count: i64,
}

impl Default for StoreSeed {
    fn default() -> Self {
        StoreSeed { api_key: "store_api_key".into(), count: 0 }
    }
}

/// State of a fake Store.
#[derive(Debug)]
pub struct StoreState {
    pub api_key: String,
    pub count: i64,
}

/// A fake Store served beside a fake Pets API. Its requests are recorded by the Pets fake (server
/// `"store"`, the Pets server being `"pets"`), and its failures are injected there too
/// (operation `getInventory`).
#[derive(Debug)]
pub struct FakeStore {
    /// `http://127.0.0.1:<port>/`, with the trailing slash of the description's `https://store.example/`.
    pub base_url: String,
    pub handle: ServerHandle,
}

/// Starts a fake Store whose requests `pets` records.
pub async fn start_store(pets: &FakePets, seed: StoreSeed) -> std::io::Result<FakeStore> {
    let recorder = pets.shared.recorder.clone();
    let shared = Arc::new(Shared {
        recorder: recorder.clone(),
        state: Mutex::new(StoreState { api_key: seed.api_key, count: seed.count }),
    });
    let router = Router::new()
        .route("/inventory", get(get_inventory))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not found") })
        .with_state(shared);
    let handle = server::spawn(router, recorder, "store").await?;
    Ok(FakeStore { base_url: format!("http://{}/", handle.addr), handle })
}

async fn get_inventory(
    State(shared): State<Arc<Shared<StoreState>>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(injected) = shared.recorder.injected("getInventory", &headers) {
        return injected;
    }
    let state = shared.state();
    match query.get("api_key") {
        Some(key) if *key == state.api_key => json_response(StatusCode::OK, json!({ "count": state.count })),
        _ => unauthorized(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::call;

    fn seed() -> PetsSeed {
        PetsSeed {
            pets: vec![Pet { id: "p1".into(), name: "Rex".into(), age: 3, owner_token: None }],
            bearer: "bearer_1".into(),
            api_key: "key_1".into(),
            ..PetsSeed::default()
        }
    }

    async fn get_with_key(url: &str, key: Option<&str>) -> (u16, Value) {
        let mut request = crate::test_util::reqwest_client().get(url);
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    #[tokio::test]
    async fn list_pages_only_when_there_are_pets() {
        let fake = start(seed()).await.unwrap();
        let url = format!("{}/pets", fake.base_url);
        let reply = call("GET", &url, Some("Bearer bearer_1"), None).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, json!({"pets": [{"id": "p1", "name": "Rex", "age": 3, "vaccinated": true}]}));
        let response = crate::test_util::reqwest_client().get(&url).bearer_auth("bearer_1").send().await.unwrap();
        assert_eq!(response.headers().get("x-next").unwrap(), "/pets?page=2");

        let empty = start(PetsSeed { pets: vec![], ..seed() }).await.unwrap();
        let url = format!("{}/pets", empty.base_url);
        let response = crate::test_util::reqwest_client().get(&url).bearer_auth("bearer_1").send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert!(response.headers().get("x-next").is_none());
        assert_eq!(response.json::<Value>().await.unwrap(), json!({"pets": []}));
    }

    #[tokio::test]
    async fn wrong_credentials_are_401() {
        let fake = start(seed()).await.unwrap();
        let list = format!("{}/pets", fake.base_url);
        for auth in [None, Some("Bearer wrong"), Some("bearer_1"), Some("Bearer key_1")] {
            assert_eq!(call("GET", &list, auth, None).await.status, 401, "{auth:?}");
            assert_eq!(call("POST", &list, auth, Some(json!({"name": "x"}))).await.status, 401, "{auth:?}");
        }
        let one = format!("{}/pets/p1", fake.base_url);
        assert_eq!(call("DELETE", &one, Some("Bearer wrong"), None).await.status, 401);
        // getPet takes the API key, not the bearer token.
        assert_eq!(call("GET", &one, Some("Bearer bearer_1"), None).await.status, 401);
        assert_eq!(get_with_key(&one, Some("bearer_1")).await.0, 401);
        assert_eq!(fake.create_attempts(), 0);
        assert_eq!(fake.reads("p1"), Some(0));
        assert!(fake.deleted().is_empty());
    }

    #[tokio::test]
    async fn busy_creates_answer_503_with_retry_after_then_201() {
        let fake = start(PetsSeed { busy_creates: 2, retry_after: Some("7".into()), ..seed() }).await.unwrap();
        let url = format!("{}/pets", fake.base_url);
        for _ in 0..2 {
            let response = crate::test_util::reqwest_client()
                .post(&url)
                .bearer_auth("bearer_1")
                .json(&json!({"name": "Tom"}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 503);
            assert_eq!(response.headers().get("retry-after").unwrap(), "7");
            assert_eq!(response.json::<Value>().await.unwrap(), json!({"error": "busy"}));
        }
        assert_eq!(fake.created(), 0);
        let reply = call("POST", &url, Some("Bearer bearer_1"), Some(json!({"name": "Tom"}))).await;
        assert_eq!(reply.status, 201);
        let id = reply.body["id"].as_str().unwrap().to_owned();
        let token = reply.body["ownerToken"].as_str().unwrap().to_owned();
        assert_eq!(reply.body, json!({"id": id, "name": "Tom", "ownerToken": token}));
        assert_eq!(fake.create_attempts(), 3);
        assert_eq!(fake.created(), 1);
        assert_eq!(fake.pet(&id).unwrap().name, "Tom");
    }

    #[tokio::test]
    async fn busy_creates_without_retry_after_send_no_header() {
        let fake = start(PetsSeed { busy_creates: 1, ..seed() }).await.unwrap();
        let url = format!("{}/pets", fake.base_url);
        let response = crate::test_util::reqwest_client()
            .post(&url)
            .bearer_auth("bearer_1")
            .json(&json!({"name": "Tom"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 503);
        assert!(response.headers().get("retry-after").is_none());
    }

    #[tokio::test]
    async fn create_refuses_bodies_without_a_name() {
        let fake = start(seed()).await.unwrap();
        let url = format!("{}/pets", fake.base_url);
        assert_eq!(call("POST", &url, Some("Bearer bearer_1"), Some(json!({"age": 2}))).await.status, 400);
        assert_eq!(call("POST", &url, Some("Bearer bearer_1"), None).await.status, 415);
        assert_eq!(fake.created(), 0);
    }

    #[tokio::test]
    async fn a_pet_is_vaccinated_after_its_unvaccinated_reads() {
        let fake = start(PetsSeed {
            pets: vec![Pet { id: "p1".into(), name: "Rex".into(), age: 3, owner_token: Some("own_1".into()) }],
            unvaccinated_reads: 2,
            ..seed()
        })
        .await
        .unwrap();
        let url = format!("{}/pets/p1", fake.base_url);
        let mut seen = Vec::new();
        for _ in 0..4 {
            let (status, body) = get_with_key(&url, Some("key_1")).await;
            assert_eq!(status, 200);
            assert_eq!(body["id"], "p1");
            assert_eq!(body["name"], "Rex");
            assert_eq!(body["age"], 3);
            assert_eq!(body["ownerToken"], "own_1");
            seen.push(body["vaccinated"].as_bool().unwrap());
        }
        assert_eq!(seen, [false, false, true, true]);
        assert_eq!(fake.reads("p1"), Some(4));
    }

    #[tokio::test]
    async fn never_vaccinated_with_usize_max() {
        let fake = start(PetsSeed { unvaccinated_reads: usize::MAX, ..seed() }).await.unwrap();
        let url = format!("{}/pets/p1", fake.base_url);
        for _ in 0..3 {
            assert_eq!(get_with_key(&url, Some("key_1")).await.1["vaccinated"], false);
        }
    }

    #[tokio::test]
    async fn unknown_pets_are_404_and_delete_removes() {
        let fake = start(seed()).await.unwrap();
        assert_eq!(get_with_key(&format!("{}/pets/nope", fake.base_url), Some("key_1")).await.0, 404);
        let one = format!("{}/pets/p1", fake.base_url);
        let reply = call("DELETE", &one, Some("Bearer bearer_1"), None).await;
        assert_eq!(reply.status, 204);
        assert!(reply.raw.is_empty());
        assert_eq!(call("DELETE", &one, Some("Bearer bearer_1"), None).await.status, 404);
        assert_eq!(get_with_key(&one, Some("key_1")).await.0, 404);
        assert_eq!(fake.deleted(), ["p1"]);
        assert!(fake.pets().is_empty());
        let paths: Vec<String> = fake.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
        assert_eq!(paths, ["GET /v2/pets/nope", "DELETE /v2/pets/p1", "DELETE /v2/pets/p1", "GET /v2/pets/p1"]);
    }

    #[tokio::test]
    async fn the_store_takes_its_key_in_the_query_and_records_into_the_pets_fake() {
        let fake = start(seed()).await.unwrap();
        let store = start_store(&fake, StoreSeed { api_key: "store key+1".into(), count: 7 }).await.unwrap();
        assert_eq!(store.base_url, format!("http://{}/", store.handle.addr));
        let inventory = format!("{}inventory", store.base_url);
        let reply = call("GET", &format!("{inventory}?petId=p1&api_key=store+key%2B1"), None, None).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, json!({"count": 7}));
        // The key in a header, a wrong key, no key: 401.
        assert_eq!(call("GET", &inventory, Some("store key+1"), None).await.status, 401);
        assert_eq!(call("GET", &format!("{inventory}?api_key=wrong"), None, None).await.status, 401);
        assert_eq!(call("GET", &format!("{}/inventory?api_key=pets", fake.base_url), None, None).await.status, 404);
        let seen: Vec<String> =
            fake.requests().iter().map(|r| format!("{} {} {:?}", r.server, r.path, r.query)).collect();
        assert_eq!(
            seen,
            [
                "store /inventory Some(\"petId=p1&api_key=store+key%2B1\")",
                "store /inventory None",
                "store /inventory Some(\"api_key=wrong\")",
                "pets /v2/inventory Some(\"api_key=pets\")",
            ]
        );
    }
}
