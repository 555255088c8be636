//! Fake Apigee API management (`apigee-api-management-openapi.yml`, server `https://apigee.googleapis.com/v1`):
//! `getDeveloperApp`, `createDeveloperAppKey`, `updateDeveloperAppKey` (PUT, as the description says) and
//! `deleteDeveloperAppKey`, with an OAuth2 bearer token. Errors use the description's `Error` schema
//! (`{"error": {code, message, status}}`). Path segments are percent-decoded before lookup.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use crate::server::{self, BodyError, Fake, Shared, authorization, json_object, json_response};

/// A consumer key of a developer app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApigeeKey {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub status: String,
    /// (API product name, approval status)
    pub api_products: Vec<(String, String)>,
    pub issued_at: String,
}

impl ApigeeKey {
    /// An approved key without products.
    pub fn new(consumer_key: &str, consumer_secret: &str) -> Self {
        ApigeeKey {
            consumer_key: consumer_key.to_owned(),
            consumer_secret: consumer_secret.to_owned(),
            status: "approved".to_owned(),
            api_products: Vec::new(),
            issued_at: "1700000000000".to_owned(),
        }
    }
}

/// A developer app; `developerId` in paths matches the developer's email or id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApigeeApp {
    pub organization: String,
    pub developer_email: String,
    pub developer_id: String,
    pub name: String,
    pub app_id: String,
    pub api_products: Vec<String>,
    pub credentials: Vec<ApigeeKey>,
}

/// Initial state of a fake Apigee.
#[derive(Clone, Debug, Default)]
pub struct ApigeeSeed {
    /// OAuth2 access tokens accepted as `Authorization: Bearer <token>`.
    pub tokens: Vec<String>,
    /// API products that exist; granting another one is a 400.
    pub products: Vec<String>,
    pub apps: Vec<ApigeeApp>,
}

#[derive(Debug)]
pub struct ApigeeState {
    pub tokens: Vec<String>,
    pub products: Vec<String>,
    pub apps: Vec<ApigeeApp>,
    /// Lookups that would otherwise scan every app per request: the load test seeds 10,000 apps.
    index: Index,
}

/// (organization, developer email or id, app name) -> position in `apps` (apps are never added or
/// removed), and how many keys of each consumer key value an organization holds.
#[derive(Debug, Default)]
struct Index {
    apps: HashMap<(String, String, String), usize>,
    consumer_keys: HashMap<(String, String), usize>,
}

impl Index {
    fn new(apps: &[ApigeeApp]) -> Self {
        let mut index = Index::default();
        for (position, app) in apps.iter().enumerate() {
            // The first matching app wins, as a scan in order would find it.
            for developer in [&app.developer_email, &app.developer_id] {
                let key = (app.organization.clone(), developer.clone(), app.name.clone());
                index.apps.entry(key).or_insert(position);
            }
            for key in &app.credentials {
                index.add_key(&app.organization, &key.consumer_key);
            }
        }
        index
    }

    fn app(&self, organization: &str, developer: &str, name: &str) -> Option<usize> {
        self.apps.get(&(organization.to_owned(), developer.to_owned(), name.to_owned())).copied()
    }

    fn add_key(&mut self, organization: &str, consumer_key: &str) {
        *self.consumer_keys.entry((organization.to_owned(), consumer_key.to_owned())).or_default() += 1;
    }

    fn remove_key(&mut self, organization: &str, consumer_key: &str) {
        let key = (organization.to_owned(), consumer_key.to_owned());
        if let Some(count) = self.consumer_keys.get_mut(&key) {
            *count -= 1;
            if *count == 0 {
                self.consumer_keys.remove(&key);
            }
        }
    }
}

pub type FakeApigee = Fake<ApigeeState>;

const APP: &str = "/v1/organizations/{organizationId}/developers/{developerId}/apps/{appId}";

/// Starts a fake Apigee; `base_url` is `http://127.0.0.1:<port>/v1`, like the description's server URL.
pub async fn start(seed: ApigeeSeed) -> std::io::Result<FakeApigee> {
    let index = Index::new(&seed.apps);
    let shared = Shared::new(ApigeeState { tokens: seed.tokens, products: seed.products, apps: seed.apps, index });
    let router = Router::new()
        .route(APP, get(get_app))
        .route(&format!("{APP}/keys"), post(create_key))
        .route(&format!("{APP}/keys/{{keyId}}"), put(update_key).delete(delete_key))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "NOT_FOUND", "Requested entity was not found.") })
        .with_state(shared.clone());
    let handle = server::spawn(router, shared.recorder.clone(), "apigee").await?;
    Ok(Fake { base_url: format!("http://{}/v1", handle.addr), handle, shared })
}

impl FakeApigee {
    /// The app as stored now.
    pub fn app(&self, organization: &str, developer: &str, app: &str) -> Option<ApigeeApp> {
        let state = self.shared.state();
        state.index.app(organization, developer, app).and_then(|position| state.apps.get(position)).cloned()
    }

    /// A key of an app as stored now.
    pub fn key(&self, organization: &str, developer: &str, app: &str, consumer_key: &str) -> Option<ApigeeKey> {
        self.app(organization, developer, app)?.credentials.into_iter().find(|k| k.consumer_key == consumer_key)
    }
}

type St = State<Arc<Shared<ApigeeState>>>;
type AppPath = Path<(String, String, String)>;
type KeyPath = Path<(String, String, String, String)>;

fn error(status: StatusCode, name: &str, message: &str) -> Response {
    json_response(status, json!({ "error": { "code": status.as_u16(), "message": message, "status": name } }))
}

/// 401 unless the bearer token is known.
fn check_token(state: &ApigeeState, headers: &HeaderMap) -> Result<(), Response> {
    let token = authorization(headers).and_then(|h| h.strip_prefix("Bearer "));
    if token.is_some_and(|t| state.tokens.iter().any(|known| known == t)) {
        Ok(())
    } else {
        Err(error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token.",
        ))
    }
}

/// The app, if the bearer token is known and the app exists.
fn authorize<'a>(
    state: &'a mut ApigeeState,
    headers: &HeaderMap,
    (organization, developer, name): (&str, &str, &str),
) -> Result<&'a mut ApigeeApp, Response> {
    check_token(state, headers)?;
    let position = state.index.app(organization, developer, name);
    position
        .and_then(|position| state.apps.get_mut(position))
        .ok_or_else(|| error(StatusCode::NOT_FOUND, "NOT_FOUND", &format!("App named {name} does not exist")))
}

fn key_json(key: &ApigeeKey) -> Value {
    let products: Vec<Value> =
        key.api_products.iter().map(|(product, status)| json!({ "apiproduct": product, "status": status })).collect();
    json!({
        "consumerKey": key.consumer_key,
        "consumerSecret": key.consumer_secret,
        "apiProducts": products,
        "status": key.status,
        "expiresAt": "-1",
        "issuedAt": key.issued_at,
        "scopes": [],
        "attributes": [],
    })
}

fn app_json(app: &ApigeeApp) -> Value {
    json!({
        "name": app.name,
        "appId": app.app_id,
        "developerId": app.developer_id,
        "apiProducts": app.api_products,
        "attributes": [],
        "callbackUrl": "",
        "credentials": app.credentials.iter().map(key_json).collect::<Vec<_>>(),
        "status": "approved",
        "scopes": [],
        "createdAt": "1700000000000",
        "lastModifiedAt": "1700000000000",
    })
}

fn body_error(e: BodyError) -> Response {
    match e {
        BodyError::ContentType => error(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", "Expected application/json."),
        BodyError::NotAnObject => error(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", "Invalid JSON payload."),
    }
}

async fn get_app(State(shared): St, Path((org, dev, app)): AppPath, headers: HeaderMap) -> Response {
    if let Some(injected) = shared.recorder.injected("getDeveloperApp", &headers) {
        return injected;
    }
    let mut state = shared.state();
    match authorize(&mut state, &headers, (&org, &dev, &app)) {
        Ok(app) => json_response(StatusCode::OK, app_json(app)),
        Err(denied) => denied,
    }
}

async fn create_key(State(shared): St, Path((org, dev, app)): AppPath, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(injected) = shared.recorder.injected("createDeveloperAppKey", &headers) {
        return injected;
    }
    let mut state = shared.state();
    if let Err(denied) = check_token(&state, &headers) {
        return denied;
    }
    let body = match json_object(&headers, &body) {
        Ok(body) => body,
        Err(e) => return body_error(e),
    };
    let (Some(consumer_key), Some(consumer_secret)) =
        (body.get("consumerKey").and_then(Value::as_str), body.get("consumerSecret").and_then(Value::as_str))
    else {
        return error(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", "consumerKey and consumerSecret are required.");
    };
    // Consumer keys are unique in an organization.
    let taken = state.index.consumer_keys.contains_key(&(org.clone(), consumer_key.to_owned()));
    let app = match authorize(&mut state, &headers, (&org, &dev, &app)) {
        Ok(app) => app,
        Err(denied) => return denied,
    };
    if taken {
        return error(StatusCode::CONFLICT, "ALREADY_EXISTS", "Key already exists.");
    }
    let key = ApigeeKey::new(consumer_key, consumer_secret);
    let response = key_json(&key);
    app.credentials.push(key);
    state.index.add_key(&org, consumer_key);
    json_response(StatusCode::OK, response)
}

/// API product names from `apiProducts`: the workflow sends names, the schema describes
/// `{apiproduct, status}` objects; both are accepted.
fn requested_products(body: &serde_json::Map<String, Value>) -> Option<Vec<String>> {
    body.get("apiProducts")?
        .as_array()?
        .iter()
        .map(|item| match item {
            Value::String(name) => Some(name.clone()),
            other => other.get("apiproduct").and_then(Value::as_str).map(str::to_owned),
        })
        .collect()
}

async fn update_key(
    State(shared): St,
    Path((org, dev, app, key_id)): KeyPath,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(injected) = shared.recorder.injected("updateDeveloperAppKey", &headers) {
        return injected;
    }
    let mut state = shared.state();
    if let Err(denied) = check_token(&state, &headers) {
        return denied;
    }
    let requested = match json_object(&headers, &body) {
        Ok(body) => requested_products(&body),
        Err(e) => return body_error(e),
    };
    let Some(requested) = requested else {
        return error(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", "apiProducts must be a list of API products.");
    };
    if let Some(unknown) = requested.iter().find(|p| !state.products.contains(p)) {
        return error(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", &format!("API product {unknown} does not exist"));
    }
    let app = match authorize(&mut state, &headers, (&org, &dev, &app)) {
        Ok(app) => app,
        Err(denied) => return denied,
    };
    let Some(key) = app.credentials.iter_mut().find(|k| k.consumer_key == key_id) else {
        return error(StatusCode::NOT_FOUND, "NOT_FOUND", "Key does not exist.");
    };
    for product in requested {
        if !key.api_products.iter().any(|(p, _)| *p == product) {
            key.api_products.push((product, "approved".to_owned()));
        }
    }
    json_response(StatusCode::OK, key_json(key))
}

async fn delete_key(State(shared): St, Path((org, dev, app, key_id)): KeyPath, headers: HeaderMap) -> Response {
    if let Some(injected) = shared.recorder.injected("deleteDeveloperAppKey", &headers) {
        return injected;
    }
    let mut state = shared.state();
    let app = match authorize(&mut state, &headers, (&org, &dev, &app)) {
        Ok(app) => app,
        Err(denied) => return denied,
    };
    match app.credentials.iter().position(|k| k.consumer_key == key_id) {
        Some(index) => {
            let key = app.credentials.remove(index);
            state.index.remove_key(&org, &key.consumer_key);
            json_response(StatusCode::OK, key_json(&key))
        }
        None => error(StatusCode::NOT_FOUND, "NOT_FOUND", "Key does not exist."),
    }
}

#[cfg(test)]
mod tests;
