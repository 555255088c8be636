//! Fake Svix: the three integration operations of `svix-openapi.json` (`v1.integration.get`,
//! `v1.integration.rotate-key`, `v1.integration.get-key`), HTTP bearer auth, errors as `HttpErrorOut`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::server::{self, Fake, Shared, authorization, fake_hex, json_response};

/// An integration of an application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvixIntegration {
    /// `integ_...`
    pub id: String,
    pub name: String,
    /// The current integration key (`integsk_...`).
    pub key: String,
    pub feature_flags: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// An application; `app_id` in paths matches its id or its uid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvixApp {
    pub id: String,
    pub uid: Option<String>,
    pub integrations: Vec<SvixIntegration>,
}

/// Initial state of a fake Svix.
#[derive(Clone, Debug, Default)]
pub struct SvixSeed {
    /// Tokens accepted in `Authorization: Bearer <token>`.
    pub tokens: Vec<String>,
    pub apps: Vec<SvixApp>,
}

/// Current state; `rotations` counts successful key rotations.
#[derive(Debug)]
pub struct SvixState {
    pub tokens: Vec<String>,
    pub apps: Vec<SvixApp>,
    pub rotations: u64,
    /// App id or uid -> position in `apps` (apps are never added or removed): the load test seeds
    /// 10,000 apps, and a scan per request would measure the fake instead of the client.
    app_index: HashMap<String, usize>,
}

pub type FakeSvix = Fake<SvixState>;

/// Starts a fake Svix on 127.0.0.1; `base_url` is `http://127.0.0.1:<port>` (paths start with `/api/v1`).
pub async fn start(seed: SvixSeed) -> std::io::Result<FakeSvix> {
    let mut app_index = HashMap::new();
    for (position, app) in seed.apps.iter().enumerate() {
        // The first app with a matching id or uid wins, as a scan in order would find it.
        for key in std::iter::once(&app.id).chain(app.uid.as_ref()) {
            app_index.entry(key.clone()).or_insert(position);
        }
    }
    let shared = Shared::new(SvixState { tokens: seed.tokens, apps: seed.apps, rotations: 0, app_index });
    let router = Router::new()
        .route("/api/v1/app/{app_id}/integration/{integ_id}", get(get_integration))
        .route("/api/v1/app/{app_id}/integration/{integ_id}/key", get(get_key))
        .route("/api/v1/app/{app_id}/integration/{integ_id}/key/rotate", post(rotate_key))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found", "Entity not found") })
        .with_state(shared.clone());
    let handle = server::spawn(router, shared.recorder.clone(), "svix").await?;
    Ok(Fake { base_url: format!("http://{}", handle.addr), handle, shared })
}

impl FakeSvix {
    /// The integration as stored now.
    pub fn integration(&self, app_id: &str, integ_id: &str) -> Option<SvixIntegration> {
        let state = self.shared.state();
        find(&state, app_id, integ_id).cloned()
    }

    /// The current key of an integration.
    pub fn current_key(&self, app_id: &str, integ_id: &str) -> Option<String> {
        self.integration(app_id, integ_id).map(|i| i.key)
    }

    /// How many rotations succeeded.
    pub fn rotations(&self) -> u64 {
        self.shared.state().rotations
    }
}

type St = State<Arc<Shared<SvixState>>>;

fn error(status: StatusCode, code: &str, detail: &str) -> Response {
    json_response(status, json!({ "code": code, "detail": detail }))
}

/// 401 unless the request carries `Bearer <known token>`.
fn check_auth(state: &SvixState, headers: &HeaderMap) -> Result<(), Response> {
    let token = authorization(headers).and_then(|h| h.strip_prefix("Bearer "));
    match token {
        Some(token) if state.tokens.iter().any(|t| t == token) => Ok(()),
        _ => Err(error(StatusCode::UNAUTHORIZED, "authentication_failed", "Invalid token")),
    }
}

fn find<'a>(state: &'a SvixState, app_id: &str, integ_id: &str) -> Option<&'a SvixIntegration> {
    let position = *state.app_index.get(app_id)?;
    state.apps.get(position)?.integrations.iter().find(|i| i.id == integ_id)
}

fn find_mut<'a>(state: &'a mut SvixState, app_id: &str, integ_id: &str) -> Option<&'a mut SvixIntegration> {
    let position = *state.app_index.get(app_id)?;
    state.apps.get_mut(position)?.integrations.iter_mut().find(|i| i.id == integ_id)
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "Entity not found")
}

fn integration_json(i: &SvixIntegration) -> Value {
    json!({
        "id": i.id,
        "name": i.name,
        "createdAt": i.created_at,
        "updatedAt": i.updated_at,
        "featureFlags": i.feature_flags,
    })
}

async fn get_integration(
    State(shared): St,
    Path((app_id, integ_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Some(injected) = shared.recorder.injected("v1.integration.get", &headers) {
        return injected;
    }
    let state = shared.state();
    if let Err(denied) = check_auth(&state, &headers) {
        return denied;
    }
    match find(&state, &app_id, &integ_id) {
        Some(integration) => json_response(StatusCode::OK, integration_json(integration)),
        None => not_found(),
    }
}

async fn get_key(State(shared): St, Path((app_id, integ_id)): Path<(String, String)>, headers: HeaderMap) -> Response {
    if let Some(injected) = shared.recorder.injected("v1.integration.get-key", &headers) {
        return injected;
    }
    let state = shared.state();
    if let Err(denied) = check_auth(&state, &headers) {
        return denied;
    }
    match find(&state, &app_id, &integ_id) {
        Some(integration) => json_response(StatusCode::OK, json!({ "key": integration.key })),
        None => not_found(),
    }
}

async fn rotate_key(
    State(shared): St,
    Path((app_id, integ_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Some(injected) = shared.recorder.injected("v1.integration.rotate-key", &headers) {
        return injected;
    }
    let mut state = shared.state();
    if let Err(denied) = check_auth(&state, &headers) {
        return denied;
    }
    let counter = state.rotations + 1;
    match find_mut(&mut state, &app_id, &integ_id) {
        Some(integration) => {
            integration.key = format!("integsk_{}", fake_hex("svix-rotate", counter, 32));
            let body = json!({ "key": integration.key });
            state.rotations = counter;
            json_response(StatusCode::OK, body)
        }
        None => not_found(),
    }
}

#[cfg(test)]
mod tests;
