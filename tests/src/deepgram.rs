//! Fake Deepgram management API (`deepgram-management-openapi.yml`): `createProjectKey` (200),
//! `listProjectKeys` (200, `KeyList`) and `deleteProjectKey` (204). Authentication is
//! `Authorization: Token <key>`, where the key must be one of the accessed project's keys, so a deleted
//! key stops authenticating. Errors use the description's `Error` schema (`err_code`, `err_msg`, `request_id`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use serde_json::{Value, json};

use crate::server::{self, BodyError, Fake, Shared, authorization, fake_hex, json_object, json_response, string_array};

/// A project API key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeepgramKey {
    pub api_key_id: String,
    /// The full secret value.
    pub secret: String,
    pub comment: String,
    pub scopes: Vec<String>,
    pub created: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeepgramProject {
    pub project_id: String,
    pub keys: Vec<DeepgramKey>,
}

/// Initial state of a fake Deepgram.
#[derive(Clone, Debug, Default)]
pub struct DeepgramSeed {
    pub projects: Vec<DeepgramProject>,
}

#[derive(Debug)]
pub struct DeepgramState {
    pub projects: Vec<DeepgramProject>,
    pub created: u64,
    /// Project id -> position in `projects` (projects are never added or removed): the load test seeds
    /// 10,000 projects, and scans per request would measure the fake instead of the client.
    project_index: HashMap<String, usize>,
}

pub type FakeDeepgram = Fake<DeepgramState>;

/// Starts a fake Deepgram; `base_url` is `http://127.0.0.1:<port>` (paths start with `/v1`).
pub async fn start(seed: DeepgramSeed) -> std::io::Result<FakeDeepgram> {
    let mut project_index = HashMap::new();
    for (position, project) in seed.projects.iter().enumerate() {
        // The first project with an id wins, as a scan in order would find it.
        project_index.entry(project.project_id.clone()).or_insert(position);
    }
    let shared = Shared::new(DeepgramState { projects: seed.projects, created: 0, project_index });
    let router = Router::new()
        .route("/v1/projects/{project_id}/keys", get(list_keys).post(create_key))
        .route("/v1/projects/{project_id}/keys/{key_id}", delete(delete_key))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "NOT_FOUND", "Not found") })
        .with_state(shared.clone());
    let handle = server::spawn(router, shared.recorder.clone(), "deepgram").await?;
    Ok(Fake { base_url: format!("http://{}", handle.addr), handle, shared })
}

impl FakeDeepgram {
    /// The keys of a project, in creation order.
    pub fn keys(&self, project_id: &str) -> Vec<DeepgramKey> {
        let state = self.shared.state();
        let project = state.project_index.get(project_id).and_then(|&position| state.projects.get(position));
        project.map(|p| p.keys.clone()).unwrap_or_default()
    }

    /// A key by id.
    pub fn key(&self, project_id: &str, key_id: &str) -> Option<DeepgramKey> {
        self.keys(project_id).into_iter().find(|k| k.api_key_id == key_id)
    }
}

type St = State<Arc<Shared<DeepgramState>>>;

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(
        status,
        json!({ "err_code": code, "err_msg": message, "request_id": "00000000-0000-4000-8000-000000000000" }),
    )
}

/// The project, if the request authenticates with `Token <one of its keys>`.
fn authorize<'a>(
    state: &'a mut DeepgramState,
    headers: &HeaderMap,
    project_id: &str,
) -> Result<&'a mut DeepgramProject, Response> {
    let unauthorized = || error(StatusCode::UNAUTHORIZED, "INVALID_AUTH", "Invalid credentials.");
    let token = authorization(headers).and_then(|h| h.strip_prefix("Token ")).ok_or_else(unauthorized)?;
    // The usual case, a key of the accessed project, without scanning every project's keys.
    let own_key = state
        .project_index
        .get(project_id)
        .copied()
        .filter(|&position| state.projects.get(position).is_some_and(|p| p.keys.iter().any(|k| k.secret == token)));
    if let Some(position) = own_key {
        return state.projects.get_mut(position).ok_or_else(unauthorized);
    }
    let known = state.projects.iter().any(|p| p.keys.iter().any(|k| k.secret == token));
    if !known {
        return Err(unauthorized());
    }
    let project = state
        .projects
        .iter_mut()
        .find(|p| p.project_id == project_id)
        .ok_or_else(|| error(StatusCode::NOT_FOUND, "NOT_FOUND", "Project not found."))?;
    if project.keys.iter().any(|k| k.secret == token) { Ok(project) } else { Err(unauthorized()) }
}

/// The description calls the listed `key` "masked": only its last four characters show.
fn masked(secret: &str) -> String {
    let tail: String = secret.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("****{tail}")
}

async fn list_keys(State(shared): St, Path(project_id): Path<String>, headers: HeaderMap) -> Response {
    if let Some(injected) = shared.recorder.injected("listProjectKeys", &headers) {
        return injected;
    }
    let mut state = shared.state();
    let project = match authorize(&mut state, &headers, &project_id) {
        Ok(project) => project,
        Err(denied) => return denied,
    };
    let keys: Vec<Value> = project
        .keys
        .iter()
        .map(|k| {
            json!({
                "api_key_id": k.api_key_id,
                "key": masked(&k.secret),
                "comment": k.comment,
                "scopes": k.scopes,
                "created": k.created,
            })
        })
        .collect();
    json_response(StatusCode::OK, json!({ "api_keys": keys }))
}

async fn create_key(State(shared): St, Path(project_id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(injected) = shared.recorder.injected("createProjectKey", &headers) {
        return injected;
    }
    let mut state = shared.state();
    let counter = state.created + 1;
    let project = match authorize(&mut state, &headers, &project_id) {
        Ok(project) => project,
        Err(denied) => return denied,
    };
    let body = match json_object(&headers, &body) {
        Ok(body) => body,
        Err(BodyError::ContentType) => {
            return error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", "Content-Type must be application/json.");
        }
        Err(BodyError::NotAnObject) => return error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", "Invalid JSON body."),
    };
    let (Some(comment), Some(scopes)) = (body.get("comment").and_then(Value::as_str), string_array(body.get("scopes")))
    else {
        return error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", "comment and scopes are required.");
    };
    let hex = fake_hex("deepgram-id", counter, 32);
    let key = DeepgramKey {
        api_key_id: format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]),
        secret: fake_hex("deepgram-secret", counter, 40),
        comment: comment.to_owned(),
        scopes,
        created: format!("2024-06-01T12:{:02}:{:02}Z", (counter / 60) % 60, counter % 60),
    };
    let response = json!({
        "api_key_id": key.api_key_id,
        "key": key.secret,
        "comment": key.comment,
        "scopes": key.scopes,
        "created": key.created,
    });
    project.keys.push(key);
    state.created = counter;
    json_response(StatusCode::OK, response)
}

async fn delete_key(
    State(shared): St,
    Path((project_id, key_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Some(injected) = shared.recorder.injected("deleteProjectKey", &headers) {
        return injected;
    }
    let mut state = shared.state();
    let project = match authorize(&mut state, &headers, &project_id) {
        Ok(project) => project,
        Err(denied) => return denied,
    };
    match project.keys.iter().position(|k| k.api_key_id == key_id) {
        Some(index) => {
            project.keys.remove(index);
            StatusCode::NO_CONTENT.into_response()
        }
        None => error(StatusCode::NOT_FOUND, "NOT_FOUND", "API key not found."),
    }
}

#[cfg(test)]
mod tests;
