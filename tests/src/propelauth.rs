//! Fake PropelAuth end-user API keys (`propelauth-api-keys-api-openapi.yml`): `fetchActiveApiKeys`,
//! `createApiKey` (201) and `deleteApiKey` (200, empty body), with the backend API key as a bearer token.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::server::{self, BodyError, Fake, Shared, authorization, fake_hex, json_object, json_response};

/// How `expires_at_seconds` appeared in a create request: absent and `null` are different requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presence {
    Absent,
    Null,
    Value(i64),
}

/// A stored end-user API key.
#[derive(Clone, Debug, PartialEq)]
pub struct PropelKey {
    /// 32 hex digits.
    pub api_key_id: String,
    /// The plaintext token (only returned by create).
    pub token: String,
    pub user_id: Option<String>,
    pub org_id: Option<String>,
    pub created_at: i64,
    /// As given in the create request (seeded keys: `Value` or `Absent`).
    pub expires_at_seconds: Presence,
    pub metadata: Option<Value>,
}

/// Initial state of a fake PropelAuth.
#[derive(Clone, Debug, Default)]
pub struct PropelSeed {
    /// Backend integration API keys accepted as `Authorization: Bearer <key>`.
    pub backend_api_keys: Vec<String>,
    pub keys: Vec<PropelKey>,
    /// The clock: created keys get `now`, `now + 1`, ...
    pub now: i64,
}

#[derive(Debug)]
pub struct PropelState {
    pub backend_api_keys: Vec<String>,
    /// In insertion order; listing sorts most recent first.
    pub keys: Vec<PropelKey>,
    pub now: i64,
    pub created: u64,
}

pub type FakePropelAuth = Fake<PropelState>;

/// Starts a fake PropelAuth; `base_url` is `http://127.0.0.1:<port>`.
pub async fn start(seed: PropelSeed) -> std::io::Result<FakePropelAuth> {
    let shared = Shared::new(PropelState {
        backend_api_keys: seed.backend_api_keys,
        keys: seed.keys,
        now: seed.now,
        created: 0,
    });
    let router = Router::new()
        .route("/api/backend/v1/end_user_api_keys", get(fetch_active).post(create))
        .route("/api/backend/v1/end_user_api_keys/{api_key_id}", delete(delete_key))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "Not found") })
        .with_state(shared.clone());
    let handle = server::spawn(router, shared.recorder.clone(), "propelauth").await?;
    Ok(Fake { base_url: format!("http://{}", handle.addr), handle, shared })
}

impl FakePropelAuth {
    /// Every stored key, in insertion order.
    pub fn keys(&self) -> Vec<PropelKey> {
        self.shared.state().keys.clone()
    }

    /// A stored key by id.
    pub fn key(&self, api_key_id: &str) -> Option<PropelKey> {
        self.shared.state().keys.iter().find(|k| k.api_key_id == api_key_id).cloned()
    }
}

type St = State<Arc<Shared<PropelState>>>;

fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "error": message }))
}

fn check_auth(state: &PropelState, headers: &HeaderMap) -> Result<(), Response> {
    let token = authorization(headers).and_then(|h| h.strip_prefix("Bearer "));
    match token {
        Some(token) if state.backend_api_keys.iter().any(|k| k == token) => Ok(()),
        _ => Err(error(StatusCode::UNAUTHORIZED, "Unauthorized")),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    user_id: Option<String>,
    org_id: Option<String>,
    page_size: Option<usize>,
    page_number: Option<usize>,
}

fn key_json(key: &PropelKey) -> Value {
    let mut object = Map::new();
    object.insert("api_key_id".into(), json!(key.api_key_id));
    object.insert("created_at".into(), json!(key.created_at));
    object.insert(
        "expires_at_seconds".into(),
        match key.expires_at_seconds {
            Presence::Value(v) => json!(v),
            Presence::Absent | Presence::Null => Value::Null,
        },
    );
    object.insert("metadata".into(), key.metadata.clone().unwrap_or(Value::Null));
    object.insert("user_id".into(), json!(key.user_id));
    object.insert("org_id".into(), json!(key.org_id));
    Value::Object(object)
}

async fn fetch_active(
    State(shared): St,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    if let Some(injected) = shared.recorder.injected("fetchActiveApiKeys", &headers) {
        return injected;
    }
    let state = shared.state();
    if let Err(denied) = check_auth(&state, &headers) {
        return denied;
    }
    let Ok(Query(query)) = query else {
        return error(StatusCode::BAD_REQUEST, "Invalid query parameters");
    };
    let page_size = query.page_size.unwrap_or(10);
    let page_number = query.page_number.unwrap_or(0);
    // Most recent first; among equal timestamps the later insertion wins.
    let mut matching: Vec<(usize, &PropelKey)> = state
        .keys
        .iter()
        .enumerate()
        .filter(|(_, k)| query.user_id.as_ref().is_none_or(|u| k.user_id.as_ref() == Some(u)))
        .filter(|(_, k)| query.org_id.as_ref().is_none_or(|o| k.org_id.as_ref() == Some(o)))
        .collect();
    matching.sort_by(|(ia, a), (ib, b)| b.created_at.cmp(&a.created_at).then(ib.cmp(ia)));
    let total = matching.len();
    let page: Vec<Value> =
        matching.iter().skip(page_number.saturating_mul(page_size)).take(page_size).map(|(_, k)| key_json(k)).collect();
    let has_more = page_number.saturating_add(1).saturating_mul(page_size) < total;
    json_response(
        StatusCode::OK,
        json!({
            "api_keys": page,
            "total_api_keys": total,
            "current_page": page_number,
            "page_size": page_size,
            "has_more_results": has_more,
        }),
    )
}

async fn delete_key(State(shared): St, Path(api_key_id): Path<String>, headers: HeaderMap) -> Response {
    if let Some(injected) = shared.recorder.injected("deleteApiKey", &headers) {
        return injected;
    }
    let mut state = shared.state();
    if let Err(denied) = check_auth(&state, &headers) {
        return denied;
    }
    match state.keys.iter().position(|k| k.api_key_id == api_key_id) {
        Some(index) => {
            state.keys.remove(index);
            StatusCode::OK.into_response()
        }
        None => error(StatusCode::NOT_FOUND, "API key not found"),
    }
}

/// An optional string field: absent or null -> None, anything else must be a string.
fn optional_string(body: &Map<String, Value>, field: &str) -> Result<Option<String>, Response> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(error(StatusCode::BAD_REQUEST, &format!("{field} must be a string"))),
    }
}

async fn create(State(shared): St, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(injected) = shared.recorder.injected("createApiKey", &headers) {
        return injected;
    }
    let mut state = shared.state();
    if let Err(denied) = check_auth(&state, &headers) {
        return denied;
    }
    let body = match json_object(&headers, &body) {
        Ok(body) => body,
        Err(BodyError::ContentType) => return error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Expected application/json"),
        Err(BodyError::NotAnObject) => return error(StatusCode::BAD_REQUEST, "Expected a JSON object"),
    };
    let (user_id, org_id) = match (optional_string(&body, "user_id"), optional_string(&body, "org_id")) {
        (Ok(user_id), Ok(org_id)) => (user_id, org_id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    if user_id.is_none() && org_id.is_none() {
        return error(StatusCode::BAD_REQUEST, "user_id or org_id is required");
    }
    let expires_at_seconds = match body.get("expires_at_seconds") {
        None => Presence::Absent,
        Some(Value::Null) => Presence::Null,
        Some(value) => match value.as_i64() {
            Some(v) => Presence::Value(v),
            None => return error(StatusCode::BAD_REQUEST, "expires_at_seconds must be an integer"),
        },
    };
    let metadata = match body.get("metadata") {
        None | Some(Value::Null) => None,
        Some(value @ Value::Object(_)) => Some(value.clone()),
        Some(_) => return error(StatusCode::BAD_REQUEST, "metadata must be an object"),
    };
    state.created += 1;
    let counter = state.created;
    let key = PropelKey {
        api_key_id: fake_hex("propelauth-id", counter, 32),
        token: fake_hex("propelauth-token", counter, 64),
        user_id,
        org_id,
        created_at: state.now,
        expires_at_seconds,
        metadata,
    };
    state.now += 1;
    let response = json!({ "api_key_id": key.api_key_id, "api_key_token": key.token });
    state.keys.push(key);
    json_response(StatusCode::CREATED, response)
}

#[cfg(test)]
mod tests;
