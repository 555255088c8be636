//! A transport for tests: generated workflows run against responses the caller supplies, and
//! every request they would have sent is recorded instead of going over the network.
//!
//! ```
//! use arazzo_runtime::{DryRun, DryRunResponse, Method, Request, Run, SecretString};
//! use serde_json::json;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let dry_run = DryRun::new();
//! dry_run.respond(DryRunResponse::json(200, json!({ "key": "integsk_new" })));
//! let client = dry_run.client();
//!
//! // In real use this is a generated workflow function called with `&client`.
//! let mut run = Run::<()>::new("rotate", &client);
//! run.step("rotateKey", "v1.integration.rotate-key");
//! let request = Request::new(Method::Post, "/app/{app_id}/key/rotate")
//!     .path_param("app_id", "app_1")
//!     .bearer_auth(&SecretString::from("testsk"));
//! let response = run.send("https://api.example.com", request).await?;
//! let key: SecretString = run.output(&response, "/key")?;
//!
//! assert_eq!(key.expose_secret(), "integsk_new");
//! let sent = dry_run.requests();
//! assert_eq!(sent[0].method(), "POST");
//! assert_eq!(sent[0].path(), "/app/app_1/key/rotate");
//! assert_eq!(sent[0].header("authorization"), Some("Bearer testsk"));
//! # Ok(())
//! # }
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use crate::encoding::Prepared;
use crate::error::StepError;

/// Answers requests with queued responses, in order, and records the requests.
///
/// Cheap to clone: clones share the queue and the record, so a test keeps one to inspect what a
/// workflow sent through the [`Client`](crate::Client) made by [`DryRun::client`].
#[derive(Clone, Default)]
pub struct DryRun {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    responses: VecDeque<DryRunResponse>,
    requests: Vec<DryRunRequest>,
}

impl DryRun {
    /// A dry run with no responses queued yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues the response to the next request not answered yet.
    pub fn respond(&self, response: DryRunResponse) -> &Self {
        self.lock().responses.push_back(response);
        self
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<DryRunRequest> {
        self.lock().requests.clone()
    }

    /// How many queued responses no request has taken yet.
    pub fn pending_responses(&self) -> usize {
        self.lock().responses.len()
    }

    /// Records `request` and takes the next queued response. With none left the step fails with
    /// [`StepError::Transport`], as an unreachable server would.
    pub(crate) fn answer(
        &self,
        (workflow_id, step_id): (&'static str, &'static str),
        request: &Prepared,
    ) -> Result<DryRunResponse, StepError> {
        let mut state = self.lock();
        state.requests.push(DryRunRequest {
            workflow_id,
            step_id,
            method: request.method.as_str().to_owned(),
            url: request.url.as_str().to_owned(),
            path: request.url.path().to_owned(),
            query: request.url.query().map(str::to_owned),
            headers: request.headers.clone(),
            body: request.body.clone().unwrap_or_default(),
        });
        state
            .responses
            .pop_front()
            .ok_or_else(|| StepError::Transport { message: "the dry run has no response left for this request".into() })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is a queue and a list, consistent after any panic mid-push.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for DryRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("DryRun")
            .field("pending_responses", &state.responses.len())
            .field("requests", &state.requests.len())
            .finish()
    }
}

/// A response for a [`DryRun`] to answer with.
#[derive(Clone, Debug)]
pub struct DryRunResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl DryRunResponse {
    /// A response with this status and no body.
    pub fn status(status: u16) -> Self {
        Self { status, headers: HeaderMap::new(), body: Vec::new() }
    }

    /// A response with this status and `body` as JSON (`content-type: application/json`).
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        let mut response = Self::status(status);
        response.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response.body = body.to_string().into_bytes();
        response
    }

    /// Sets the body bytes as they are.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Adds a header. A name or value that is not valid in HTTP is ignored, as a server could
    /// not have sent it.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            self.headers.append(name, value);
        }
        self
    }
}

/// A request a workflow sent to a [`DryRun`], as it would have gone on the wire.
///
/// Its `Debug` output hides the values of sensitive headers (credentials), like the rest of the
/// runtime; the accessors give them to the test that asks.
#[derive(Clone)]
pub struct DryRunRequest {
    workflow_id: &'static str,
    step_id: &'static str,
    method: String,
    url: String,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl DryRunRequest {
    /// The workflow that sent it (a called workflow's own id for its requests).
    pub fn workflow_id(&self) -> &str {
        self.workflow_id
    }

    /// The step that sent it.
    pub fn step_id(&self) -> &str {
        self.step_id
    }

    /// The full URL as sent: scheme, host, percent-encoded path and query (which may hold an API
    /// key: it is not shown by `Debug`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The method, upper case (`"POST"`).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path as sent, percent-encoded, including any path of the base URL.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query string as sent, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The first value of header `name` (case-insensitive), if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Every header the runtime set, credentials included.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body bytes (empty when there is none).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body parsed as JSON, `None` when it is empty or not JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl fmt::Debug for DryRunRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `HeaderMap`'s Debug shows sensitive values, so list the headers ourselves.
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if value.is_sensitive() { "[REDACTED]" } else { value.to_str().unwrap_or("[binary]") };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("DryRunRequest")
            .field("workflow_id", &self.workflow_id)
            .field("step_id", &self.step_id)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query.as_ref().map(|_| "[not shown]"))
            .field("headers", &headers)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::{Method, Request};
    use crate::run::Run;
    use crate::secrets::SecretString;
    use serde_json::json;

    #[tokio::test]
    async fn answers_in_order_and_records_the_requests() {
        let dry_run = DryRun::new();
        dry_run.respond(DryRunResponse::json(201, json!({"id": "k1"}))).respond(DryRunResponse::status(204));
        let client = dry_run.client();
        let mut run = Run::<()>::new("w", &client);
        run.step("create", "createKey");
        let first = Request::new(Method::Post, "/keys").json_body(&json!({"name": "n"})).bearer_auth(&"tok".into());
        let response = run.send("http://api.test/v1", first).await.unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(run.output::<String>(&response, "/id").unwrap(), "k1");
        run.step("delete", "deleteKey");
        let second = Request::new(Method::Delete, "/keys/{id}").path_param("id", "a b").query_param("force", "yes");
        assert_eq!(run.send("http://api.test/v1", second).await.unwrap().status(), 204);

        let sent = dry_run.requests();
        assert_eq!(sent.len(), 2);
        assert_eq!((sent[0].method(), sent[0].path(), sent[0].query()), ("POST", "/v1/keys", None));
        assert_eq!(sent[0].json(), Some(json!({"name": "n"})));
        assert_eq!(sent[0].header("Authorization"), Some("Bearer tok"));
        assert_eq!(
            (sent[1].method(), sent[1].path(), sent[1].query()),
            ("DELETE", "/v1/keys/a%20b", Some("force=yes"))
        );
        assert!(sent[1].body().is_empty());
        assert_eq!(dry_run.pending_responses(), 0);
        let ids: Vec<(&str, &str)> = sent.iter().map(|request| (request.workflow_id(), request.step_id())).collect();
        assert_eq!(ids, [("w", "create"), ("w", "delete")]);
        assert_eq!(sent[0].url(), "http://api.test/v1/keys");
        assert_eq!(sent[1].url(), "http://api.test/v1/keys/a%20b?force=yes");
    }

    #[tokio::test]
    async fn a_request_with_no_response_left_fails_like_an_unreachable_server() {
        let dry_run = DryRun::new();
        let mut run = Run::<()>::new("w", &dry_run.client());
        run.step("s", "op");
        let error = run.send("http://api.test", Request::new(Method::Get, "/")).await.unwrap_err();
        assert_eq!(error.step_id(), "s");
        assert!(matches!(error.error(), StepError::Transport { message } if message.contains("no response left")));
        assert_eq!(dry_run.requests().len(), 1);
    }

    #[test]
    fn debug_hides_credentials_and_the_query() {
        let dry_run = DryRun::new();
        let token = SecretString::from("sk_live_secret");
        let request = Request::new(Method::Get, "/x").bearer_auth(&token).query_param("api_key", "sk_query_secret");
        let prepared = request.prepare("http://api.test").unwrap();
        let _ = dry_run.answer(("w", "s"), &prepared);
        let debug = format!("{:?} {dry_run:?}", dry_run.requests());
        assert!(debug.contains("[REDACTED]"), "{debug}");
        assert!(!debug.contains("sk_live_secret") && !debug.contains("sk_query_secret"), "{debug}");
    }

    #[test]
    fn invalid_response_headers_are_ignored() {
        let response = DryRunResponse::status(200).header("x-ok", "1").header("bad name", "v").header("x-bad", "a\nb");
        assert_eq!(response.headers.len(), 1);
    }
}
