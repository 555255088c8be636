//! What every fake shares: the request recorder, failure injection, the listener on 127.0.0.1:0
//! and a few helpers (deterministic tokens, JSON bodies, Basic credentials).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::task::JoinHandle;

/// Largest request body a fake accepts; the seed workflows send a few hundred bytes.
const MAX_BODY: usize = 1024 * 1024;

/// One request exactly as a fake received it, before any routing or decoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Which server of the fake received it (`"svix"`, or `"auth"` / `"api"` for Backblaze).
    pub server: &'static str,
    /// Upper-case method, e.g. `"POST"`.
    pub method: String,
    /// The path as sent on the wire, still percent-encoded.
    pub path: String,
    /// The raw query string without `?`, if the URL had one.
    pub query: Option<String>,
    /// Every header in arrival order, names lower-cased, values lossily decoded as UTF-8.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of a header, matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// How many times a header was sent.
    pub fn header_count(&self, name: &str) -> usize {
        let name = name.to_ascii_lowercase();
        self.headers.iter().filter(|(n, _)| *n == name).count()
    }

    /// The body parsed as JSON, `None` when empty or not JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// A canned response that replaces what the fake would have answered.
#[derive(Clone, Debug)]
pub struct Failure {
    pub status: u16,
    pub body: Option<Value>,
    pub headers: Vec<(String, String)>,
    /// Copy the request's `Authorization` value into the JSON body as `echo`,
    /// like a careless server would: lets tests check that error messages scrub it.
    pub echo_authorization: bool,
}

impl Failure {
    /// A response with this status and an empty body.
    pub fn status(status: u16) -> Self {
        Failure { status, body: None, headers: Vec::new(), echo_authorization: false }
    }

    /// Sets a JSON body.
    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Adds a response header (e.g. `retry-after`).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// See [`Failure::echo_authorization`].
    pub fn echo_authorization(mut self) -> Self {
        self.echo_authorization = true;
        self
    }

    fn to_response(&self, request_headers: &HeaderMap) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = self.body.clone();
        if self.echo_authorization {
            let echoed = Value::from(authorization(request_headers).unwrap_or_default());
            match &mut body {
                Some(Value::Object(object)) => {
                    object.insert("echo".to_owned(), echoed);
                }
                _ => body = Some(serde_json::json!({ "echo": echoed })),
            }
        }
        let mut response = match body {
            Some(body) => json_response(status, body),
            None => status.into_response(),
        };
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str()))
            {
                response.headers_mut().append(name, value);
            }
        }
        response
    }
}

/// Requests received plus the failures a test asked for. Shared by all servers of one fake,
/// so the order of `requests()` is the order of arrival across servers.
#[derive(Default)]
pub struct Recorder {
    requests: Mutex<Vec<RecordedRequest>>,
    /// 1-based request number -> failure.
    nth: Mutex<HashMap<usize, Failure>>,
    /// operationId -> (failure, how many more times; `None` = always).
    operations: Mutex<HashMap<String, (Failure, Option<usize>)>>,
    /// 1-based request number -> told when that request arrives, which is then never handled.
    holds: Mutex<HashMap<usize, tokio::sync::oneshot::Sender<()>>>,
}

impl Recorder {
    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.requests).clear();
    }

    /// The `n`th request received (1-based, counting every request to this fake) gets `failure`.
    pub fn fail_request(&self, n: usize, failure: Failure) {
        lock(&self.nth).insert(n, failure);
    }

    /// Every call of `operation_id` (as named in the provider's OpenAPI description) gets `failure`,
    /// before credentials are checked.
    pub fn fail_operation(&self, operation_id: &str, failure: Failure) {
        lock(&self.operations).insert(operation_id.to_owned(), (failure, None));
    }

    /// The next `times` calls of `operation_id` get `failure`; later calls are served normally.
    pub fn fail_operation_times(&self, operation_id: &str, times: usize, failure: Failure) {
        lock(&self.operations).insert(operation_id.to_owned(), (failure, Some(times)));
    }

    /// The `n`th request received is held: recorded, never handled nor answered (the client waits
    /// until its connection is gone); the receiver returned is told when it arrives. For crash tests:
    /// the process that sent it is killed while the request is held, so it took no effect.
    pub fn hold_request(&self, n: usize) -> tokio::sync::oneshot::Receiver<()> {
        let (arrived, arrival) = tokio::sync::oneshot::channel();
        lock(&self.holds).insert(n, arrived);
        arrival
    }

    /// Removes every injected failure.
    pub fn clear_failures(&self) {
        lock(&self.nth).clear();
        lock(&self.operations).clear();
    }

    /// Called by handlers first: the injected response for this operation, if any.
    pub(crate) fn injected(&self, operation_id: &str, headers: &HeaderMap) -> Option<Response> {
        let mut operations = lock(&self.operations);
        let (failure, remaining) = operations.get_mut(operation_id)?;
        let response = failure.to_response(headers);
        if let Some(left) = remaining {
            *left = left.saturating_sub(1);
            if *left == 0 {
                operations.remove(operation_id);
            }
        }
        Some(response)
    }

    /// Records `request`: its number, and the failure injected for it, if any.
    fn record(&self, request: RecordedRequest, headers: &HeaderMap) -> (usize, Option<Response>) {
        let n = {
            let mut requests = lock(&self.requests);
            requests.push(request);
            requests.len()
        };
        (n, lock(&self.nth).get(&n).map(|failure| failure.to_response(headers)))
    }
}

/// Locks a mutex, ignoring poisoning: a panicking test must not hide the requests from the next assertion.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// State handed to every handler of a fake: its recorder and its provider state.
pub struct Shared<S> {
    pub recorder: Arc<Recorder>,
    pub state: Mutex<S>,
}

impl<S> Shared<S> {
    pub(crate) fn new(state: S) -> Arc<Self> {
        Arc::new(Shared { recorder: Arc::new(Recorder::default()), state: Mutex::new(state) })
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, S> {
        lock(&self.state)
    }
}

/// A running server; stops when dropped.
#[derive(Debug)]
pub struct ServerHandle {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A single-server fake with provider state `S`.
pub struct Fake<S> {
    /// `http://127.0.0.1:<port>` plus the provider's base path, without a trailing slash.
    pub base_url: String,
    pub handle: ServerHandle,
    pub(crate) shared: Arc<Shared<S>>,
}

impl<S> Fake<S> {
    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.recorder.requests()
    }

    /// The recorder, for failure injection.
    pub fn recorder(&self) -> &Recorder {
        &self.shared.recorder
    }

    /// See [`Recorder::fail_request`].
    pub fn fail_request(&self, n: usize, failure: Failure) {
        self.shared.recorder.fail_request(n, failure);
    }

    /// See [`Recorder::fail_operation`].
    pub fn fail_operation(&self, operation_id: &str, failure: Failure) {
        self.shared.recorder.fail_operation(operation_id, failure);
    }
}

#[derive(Clone)]
struct RecordContext {
    server: &'static str,
    recorder: Arc<Recorder>,
}

/// Binds 127.0.0.1:0 and serves `router`, recording every request (unknown paths included)
/// into `recorder` under the name `server`.
pub(crate) async fn spawn(
    router: Router,
    recorder: Arc<Recorder>,
    server: &'static str,
) -> std::io::Result<ServerHandle> {
    let context = RecordContext { server, recorder };
    let app = router.layer(middleware::from_fn_with_state(context, record));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        // The server only stops when the task is aborted; an accept error ends the fake.
        let _ = axum::serve(listener, app).await;
    });
    Ok(ServerHandle { addr, task })
}

async fn record(State(context): State<RecordContext>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let recorded = RecordedRequest {
        server: context.server,
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (name.as_str().to_ascii_lowercase(), String::from_utf8_lossy(value.as_bytes()).into_owned())
            })
            .collect(),
        body: bytes.to_vec(),
    };
    let (n, injected) = context.recorder.record(recorded, &parts.headers);
    let held = lock(&context.recorder.holds).remove(&n);
    if let Some(arrived) = held {
        let _ = arrived.send(());
        return std::future::pending().await;
    }
    if let Some(injected) = injected {
        return injected;
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// A response with a JSON body (serde_json keeps field order).
pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    let text = body.to_string();
    let mut response = (status, text).into_response();
    response.headers_mut().insert(axum::http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The `Authorization` header value, if present and text.
pub(crate) fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()
}

/// Why a JSON request body was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// No `application/json` content type.
    ContentType,
    /// Not a JSON object.
    NotAnObject,
}

/// Parses a JSON object body, insisting on an `application/json` content type as the real APIs do.
pub(crate) fn json_object(headers: &HeaderMap, body: &Bytes) -> Result<serde_json::Map<String, Value>, BodyError> {
    let is_json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return Err(BodyError::ContentType);
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(BodyError::NotAnObject),
    }
}

/// A string array field, `None` when missing or not an array of strings.
pub(crate) fn string_array(value: Option<&Value>) -> Option<Vec<String>> {
    value?.as_array()?.iter().map(|v| v.as_str().map(str::to_owned)).collect()
}

/// A deterministic pseudo-random hex string: fakes need fresh-looking secrets that tests can predict
/// only through the fake's state, never by a constant in the test.
pub fn fake_hex(salt: &str, counter: u64, len: usize) -> String {
    let mut x = counter
        ^ salt.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let mut out = String::with_capacity(len);
    while out.len() < len {
        // splitmix64
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.push_str(&format!("{z:016x}"));
    }
    out.truncate(len);
    out
}

/// Decodes `Basic <base64(user:password)>`.
pub(crate) fn parse_basic(header: &str) -> Option<(String, String)> {
    let encoded = header.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(base64_decode(encoded.trim())?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Standard base64 with padding (RFC 4648 §4); `None` on any malformed input.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let chunks = bytes.chunks(4);
    let last = chunks.len().saturating_sub(1);
    for (i, chunk) in chunks.enumerate() {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && i != last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | sextet(c)?;
        }
        n <<= 6 * pad as u32;
        let group = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&group[..3 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_rfc4648_vectors() {
        // RFC 4648 §10 test vectors.
        assert_eq!(base64_decode("").unwrap(), b"");
        assert_eq!(base64_decode("Zg==").unwrap(), b"f");
        assert_eq!(base64_decode("Zm8=").unwrap(), b"fo");
        assert_eq!(base64_decode("Zm9v").unwrap(), b"foo");
        assert_eq!(base64_decode("Zm9vYg==").unwrap(), b"foob");
        assert_eq!(base64_decode("Zm9vYmE=").unwrap(), b"fooba");
        assert_eq!(base64_decode("Zm9vYmFy").unwrap(), b"foobar");
    }

    #[test]
    fn base64_rejects_malformed_input() {
        assert_eq!(base64_decode("Zm9"), None);
        assert_eq!(base64_decode("Zg==Zm9v"), None);
        assert_eq!(base64_decode("Z!=="), None);
        assert_eq!(base64_decode("Z==="), None);
    }

    #[test]
    fn basic_header_splits_at_first_colon() {
        // "user:pa:ss" in base64 is dXNlcjpwYTpzcw==
        assert_eq!(parse_basic("Basic dXNlcjpwYTpzcw=="), Some(("user".into(), "pa:ss".into())));
        assert_eq!(parse_basic("Bearer dXNlcjpwYTpzcw=="), None);
        // "nocolon" -> bm9jb2xvbg==
        assert_eq!(parse_basic("Basic bm9jb2xvbg=="), None);
    }

    #[test]
    fn fake_hex_is_deterministic_and_distinct() {
        assert_eq!(fake_hex("a", 1, 40), fake_hex("a", 1, 40));
        assert_ne!(fake_hex("a", 1, 40), fake_hex("a", 2, 40));
        assert_ne!(fake_hex("a", 1, 40), fake_hex("b", 1, 40));
        assert_eq!(fake_hex("a", 1, 37).len(), 37);
        assert!(fake_hex("a", 1, 64).bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn operation_failure_counts_down() {
        let recorder = Recorder::default();
        recorder.fail_operation_times("op", 2, Failure::status(503));
        let headers = HeaderMap::new();
        assert_eq!(recorder.injected("op", &headers).map(|r| r.status().as_u16()), Some(503));
        assert_eq!(recorder.injected("op", &headers).map(|r| r.status().as_u16()), Some(503));
        assert!(recorder.injected("op", &headers).is_none());
        assert!(recorder.injected("other", &headers).is_none());
    }

    #[test]
    fn recorded_header_lookup_ignores_case() {
        let request = RecordedRequest {
            server: "x",
            method: "GET".into(),
            path: "/".into(),
            query: None,
            headers: vec![
                ("authorization".into(), "Bearer t".into()),
                ("x-a".into(), "1".into()),
                ("x-a".into(), "2".into()),
            ],
            body: Vec::new(),
        };
        assert_eq!(request.header("Authorization"), Some("Bearer t"));
        assert_eq!(request.header_count("X-A"), 2);
        assert_eq!(request.header("missing"), None);
        assert_eq!(request.json(), None);
    }
}
