//! Fake Backblaze B2 native API (`backblaze-b2-native-api.yaml`) as two servers, like the real service:
//! an auth server for `authorizeAccount` (HTTP Basic: application key id and key) whose answer names the
//! API server in `apiInfo.storageApi.apiUrl`, and that API server for `createKey` and `deleteKey`, which
//! requires `Authorization: <authorizationToken>` (the raw token, no scheme). Each server answers 404 to
//! the other's paths. Errors use the description's `ErrorResponse` (`status`, `code`, `message`).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::server::{
    self, BodyError, Failure, RecordedRequest, Recorder, ServerHandle, Shared, authorization, fake_hex, json_object,
    json_response, parse_basic, string_array,
};

/// An application key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct B2Key {
    pub application_key_id: String,
    /// The secret.
    pub application_key: String,
    pub key_name: String,
    pub capabilities: Vec<String>,
}

/// Initial state of a fake Backblaze.
#[derive(Clone, Debug, Default)]
pub struct BackblazeSeed {
    pub account_id: String,
    pub keys: Vec<B2Key>,
}

#[derive(Debug)]
pub struct BackblazeState {
    pub account_id: String,
    pub keys: Vec<B2Key>,
    /// Issued authorization tokens and the key id each was issued to.
    pub tokens: Vec<(String, String)>,
    /// The API server's base URL, returned as `apiUrl`.
    pub api_url: String,
    pub created: u64,
}

/// Both servers of a fake Backblaze, sharing one state and one recorder.
pub struct FakeBackblaze {
    /// The auth server (the description's `https://api.backblazeb2.com`).
    pub base_url: String,
    /// The API server, returned by `authorizeAccount` as `apiInfo.storageApi.apiUrl`.
    pub api_url: String,
    pub handle: ServerHandle,
    pub api_handle: ServerHandle,
    shared: Arc<Shared<BackblazeState>>,
}

/// Starts both servers of a fake Backblaze.
pub async fn start(seed: BackblazeSeed) -> std::io::Result<FakeBackblaze> {
    let shared = Shared::new(BackblazeState {
        account_id: seed.account_id,
        keys: seed.keys,
        tokens: Vec::new(),
        api_url: String::new(),
        created: 0,
    });
    let api_router = Router::new()
        .route("/b2api/v4/b2_create_key", post(create_key))
        .route("/b2api/v4/b2_delete_key", post(delete_key))
        .fallback(|| async { not_found() })
        .with_state(shared.clone());
    let api_handle = server::spawn(api_router, shared.recorder.clone(), "api").await?;
    let api_url = format!("http://{}", api_handle.addr);
    shared.state().api_url = api_url.clone();

    let auth_router = Router::new()
        .route("/b2api/v4/b2_authorize_account", get(authorize_account))
        .fallback(|| async { not_found() })
        .with_state(shared.clone());
    let handle = server::spawn(auth_router, shared.recorder.clone(), "auth").await?;
    Ok(FakeBackblaze { base_url: format!("http://{}", handle.addr), api_url, handle, api_handle, shared })
}

impl FakeBackblaze {
    /// Every request received by either server, in order; `server` is `"auth"` or `"api"`.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.recorder.requests()
    }

    /// The recorder shared by both servers, for failure injection.
    pub fn recorder(&self) -> &Recorder {
        &self.shared.recorder
    }

    /// See [`Recorder::fail_request`] (requests are counted across both servers).
    pub fn fail_request(&self, n: usize, failure: Failure) {
        self.shared.recorder.fail_request(n, failure);
    }

    /// See [`Recorder::fail_operation`].
    pub fn fail_operation(&self, operation_id: &str, failure: Failure) {
        self.shared.recorder.fail_operation(operation_id, failure);
    }

    /// Every key as stored now.
    pub fn keys(&self) -> Vec<B2Key> {
        self.shared.state().keys.clone()
    }

    /// A key by id.
    pub fn key(&self, application_key_id: &str) -> Option<B2Key> {
        self.keys().into_iter().find(|k| k.application_key_id == application_key_id)
    }

    /// Authorization tokens issued so far, oldest first.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.shared.state().tokens.iter().map(|(token, _)| token.clone()).collect()
    }
}

type St = State<Arc<Shared<BackblazeState>>>;

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(status, json!({ "status": status.as_u16(), "code": code, "message": message }))
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "Not found")
}

async fn authorize_account(State(shared): St, headers: HeaderMap) -> Response {
    if let Some(injected) = shared.recorder.injected("authorizeAccount", &headers) {
        return injected;
    }
    let mut state = shared.state();
    let credentials = authorization(&headers).and_then(parse_basic);
    let key = credentials.and_then(|(id, secret)| {
        state.keys.iter().find(|k| k.application_key_id == id && k.application_key == secret).cloned()
    });
    let Some(key) = key else {
        return error(StatusCode::UNAUTHORIZED, "unauthorized", "");
    };
    let token = format!("4_{}", fake_hex("b2-token", state.tokens.len() as u64 + 1, 60));
    state.tokens.push((token.clone(), key.application_key_id.clone()));
    json_response(
        StatusCode::OK,
        json!({
            "accountId": state.account_id,
            "authorizationToken": token,
            "allowed": { "capabilities": key.capabilities, "bucketId": null, "bucketName": null, "namePrefix": null },
            "apiInfo": {
                "storageApi": {
                    "absoluteMinimumPartSize": 5_000_000,
                    "recommendedPartSize": 100_000_000,
                    "apiUrl": state.api_url,
                    "downloadUrl": state.api_url,
                    "s3ApiUrl": state.api_url,
                }
            },
        }),
    )
}

/// The key behind the raw token in `Authorization`, if it holds `capability`.
fn authorize(state: &BackblazeState, headers: &HeaderMap, capability: &str) -> Result<(), Response> {
    let token = authorization(headers).unwrap_or_default();
    let key_id = state.tokens.iter().find(|(t, _)| t == token).map(|(_, id)| id);
    let Some(key) = key_id.and_then(|id| state.keys.iter().find(|k| k.application_key_id == *id)) else {
        return Err(error(StatusCode::UNAUTHORIZED, "bad_auth_token", "Invalid authorization token"));
    };
    if key.capabilities.iter().any(|c| c == capability) {
        Ok(())
    } else {
        Err(error(StatusCode::UNAUTHORIZED, "unauthorized", &format!("Missing capability {capability}")))
    }
}

fn key_json(key: &B2Key, account_id: &str, with_secret: bool) -> Value {
    let mut value = json!({
        "keyName": key.key_name,
        "applicationKeyId": key.application_key_id,
        "applicationKey": key.application_key,
        "accountId": account_id,
        "capabilities": key.capabilities,
        "expirationTimestamp": null,
        "bucketId": null,
        "namePrefix": null,
    });
    // The secret is only returned when the key is created.
    if let (false, Some(object)) = (with_secret, value.as_object_mut()) {
        object.remove("applicationKey");
    }
    value
}

fn body_error(e: BodyError) -> Response {
    match e {
        BodyError::ContentType => error(StatusCode::BAD_REQUEST, "bad_request", "Expected application/json"),
        BodyError::NotAnObject => error(StatusCode::BAD_REQUEST, "bad_request", "Invalid JSON"),
    }
}

async fn create_key(State(shared): St, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(injected) = shared.recorder.injected("createKey", &headers) {
        return injected;
    }
    let mut state = shared.state();
    if let Err(denied) = authorize(&state, &headers, "writeKeys") {
        return denied;
    }
    let body = match json_object(&headers, &body) {
        Ok(body) => body,
        Err(e) => return body_error(e),
    };
    let (Some(account_id), Some(capabilities), Some(key_name)) = (
        body.get("accountId").and_then(Value::as_str),
        string_array(body.get("capabilities")),
        body.get("keyName").and_then(Value::as_str),
    ) else {
        return error(StatusCode::BAD_REQUEST, "bad_request", "accountId, capabilities and keyName are required");
    };
    if account_id != state.account_id {
        return error(StatusCode::UNAUTHORIZED, "unauthorized", "accountId does not match the authorization");
    }
    state.created += 1;
    let counter = state.created;
    let key = B2Key {
        application_key_id: format!("005{}", fake_hex("b2-key-id", counter, 21)),
        application_key: format!("K005{}", fake_hex("b2-key", counter, 27)),
        key_name: key_name.to_owned(),
        capabilities,
    };
    let response = key_json(&key, &state.account_id, true);
    state.keys.push(key);
    json_response(StatusCode::OK, response)
}

async fn delete_key(State(shared): St, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(injected) = shared.recorder.injected("deleteKey", &headers) {
        return injected;
    }
    let mut state = shared.state();
    if let Err(denied) = authorize(&state, &headers, "deleteKeys") {
        return denied;
    }
    let body = match json_object(&headers, &body) {
        Ok(body) => body,
        Err(e) => return body_error(e),
    };
    let Some(id) = body.get("applicationKeyId").and_then(Value::as_str) else {
        return error(StatusCode::BAD_REQUEST, "bad_request", "applicationKeyId is required");
    };
    // Real B2 answers 400 bad_request for an unknown key id (the description documents only 200 and 401).
    let Some(index) = state.keys.iter().position(|k| k.application_key_id == id) else {
        return error(StatusCode::BAD_REQUEST, "bad_request", "key not found");
    };
    let key = state.keys.remove(index);
    // Tokens issued to a deleted key stop working.
    state.tokens.retain(|(_, key_id)| *key_id != key.application_key_id);
    json_response(StatusCode::OK, key_json(&key, &state.account_id, false))
}

#[cfg(test)]
mod tests;
