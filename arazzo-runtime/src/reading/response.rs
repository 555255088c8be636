//! A received response: status, headers, body, and typed values read from it.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::encoding::Method;
use crate::encoding::json::json_kind;
use crate::encoding::sent::SentRequest;
use crate::error::StepError;
use crate::reading::body_pointer;
use crate::reading::excerpt;
use crate::secrets::SecretString;

/// Longest body excerpt put in an error message, in characters.
pub const EXCERPT_CHARS: usize = 200;

/// A complete HTTP response (the body is read before the step goes on).
///
/// It also holds the secrets its request carried, so that an excerpt of the body in an error
/// message can be scrubbed of them, and, in memory only and when the request asked for it with
/// [`Request::keep_sent`](crate::Request::keep_sent), the request as sent, for criteria that read
/// it ([`Response::request_url`], [`Response::request_header`], [`Response::request_query`],
/// [`Response::request_path`], [`Response::request_body_at`]; [`Response::request_method`] always
/// answers). `Debug` shows the status and body size only: never a header, the URL, a body or
/// anything of the request.
pub struct Response {
    status: u16,
    /// Shared with the run's record of the exchange, like the body.
    headers: Arc<HeaderMap>,
    /// Shared with the run's record of the exchange (for resuming), not copied.
    body: Bytes,
    secrets: Vec<SecretString>,
    /// Where the body holds secrets the step reads.
    secret_pointers: &'static [&'static str],
    json: OnceLock<Result<Value, StepError>>,
    /// The method of the request, for `$method`; `None` for a response built from parts.
    method: Option<Method>,
    /// What the request sent, when it asked to keep it.
    request: Option<Box<SentRequest>>,
}

/// What a response knows of the request it answers.
#[derive(Default)]
pub(crate) struct Answered {
    /// The secrets the request carried.
    pub(crate) secrets: Vec<SecretString>,
    /// Where the body holds secrets the step reads.
    pub(crate) secret_pointers: &'static [&'static str],
    pub(crate) method: Option<Method>,
    /// What was sent, when the request asked to keep it.
    pub(crate) sent: Option<Box<SentRequest>>,
}

impl Response {
    /// A response from its parts: for tests and for transports other than the built-in one.
    /// It knows nothing of its request: [`Response::request_method`] and
    /// [`Response::request_url`] are empty and the other `request_*` readers give `None`.
    pub fn from_parts(status: u16, headers: HeaderMap, body: impl Into<Vec<u8>>) -> Self {
        Self::received((status, Arc::new(headers), Bytes::from(body.into())), Answered::default())
    }

    /// A response with everything it knows of its request. Built in one go: a response is large,
    /// and each builder call would move it.
    pub(crate) fn received((status, headers, body): (u16, Arc<HeaderMap>, Bytes), request: Answered) -> Self {
        Self {
            status,
            headers,
            body,
            secrets: request.secrets,
            secret_pointers: request.secret_pointers,
            json: OnceLock::new(),
            method: request.method,
            request: request.sent,
        }
    }

    #[cfg(test)]
    pub(crate) fn with_secret_pointers(mut self, pointers: &'static [&'static str]) -> Self {
        self.secret_pointers = pointers;
        self
    }

    /// Registers a secret to scrub from [`Response::body_excerpt`].
    pub fn redact(mut self, secret: &SecretString) -> Self {
        self.secrets.push(secret.clone());
        self
    }

    /// The secrets the request carried.
    pub(crate) fn request_secrets(&self) -> &[SecretString] {
        &self.secrets
    }

    /// Where the body holds secrets the step reads.
    pub(crate) fn secret_pointers(&self) -> &'static [&'static str] {
        self.secret_pointers
    }

    /// The method of the request as sent, upper case (`"GET"`): the criterion operand
    /// `$method`. Empty for a response built with [`Response::from_parts`].
    pub fn request_method(&self) -> &str {
        self.method.map_or("", Method::as_str)
    }

    /// The full URL of the request as sent (scheme, host, encoded path and query): the criterion
    /// operand `$url`. Empty for a response built with [`Response::from_parts`].
    pub fn request_url(&self) -> &str {
        self.request.as_deref().map_or("", SentRequest::url)
    }

    /// The first value of request header `name` (case-insensitive) as a JSON string, or `None`
    /// when the request did not send it or it is not UTF-8: the criterion operand
    /// `$request.header.X-Api-Key`. Credential headers the runtime added (`Authorization`, API
    /// keys) and the `Cookie` header count; headers the HTTP client adds on its own (`Host`,
    /// `Content-Length`, `Accept`) do not.
    pub fn request_header(&self, name: &str) -> Option<Value> {
        self.request.as_deref()?.header(name)
    }

    /// The first value of query parameter `name` as sent, decoded
    /// (`application/x-www-form-urlencoded`), as a JSON string, or `None` when the request did not
    /// send it: the criterion operand `$request.query.limit`. Names are matched exactly, as sent
    /// (an exploded object sends its property names, a `deepObject` sends `name[key]`).
    pub fn request_query(&self, name: &str) -> Option<Value> {
        self.request.as_deref()?.query(name)
    }

    /// The value of path parameter `name` as given to [`Request::path_param`] (or
    /// [`Request::path_param_styled`]), before encoding, or `None` when it was not given or was
    /// absent: the criterion operand `$request.path.app_id`. When given twice, the last value
    /// (the one sent) wins.
    ///
    /// [`Request::path_param`]: crate::Request::path_param
    /// [`Request::path_param_styled`]: crate::Request::path_param_styled
    pub fn request_path(&self, name: &str) -> Option<Value> {
        self.request.as_deref()?.path(name)
    }

    /// The value at an RFC 6901 JSON pointer (`""` is the whole body) of the request body, or
    /// `None` when nothing is there or no JSON body was sent: the criterion operand
    /// `$request.body#/name`. JSON and form bodies are read as the JSON value given to
    /// [`Request::json_body`] or [`Request::form_body`]; raw and multipart bodies are not kept.
    ///
    /// [`Request::json_body`]: crate::Request::json_body
    /// [`Request::form_body`]: crate::Request::form_body
    pub fn request_body_at(&self, pointer: &str) -> Option<&Value> {
        self.request.as_deref()?.body_at(pointer)
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The first value of header `name` (case-insensitive), if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// All headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// All headers, shared (cloning them copies nothing).
    pub(crate) fn headers_shared(&self) -> &Arc<HeaderMap> {
        &self.headers
    }

    /// The raw body, shared (cloning it copies nothing).
    pub(crate) fn body_bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body parsed as JSON (once, then cached).
    pub fn json(&self) -> Result<&Value, StepError> {
        self.json.get_or_init(|| parse_json(&self.body)).as_ref().map_err(Clone::clone)
    }

    /// The value at an RFC 6901 JSON pointer (`""` is the whole body).
    pub fn pointer(&self, pointer: &str) -> Result<&Value, StepError> {
        let root = self.json()?;
        let found = if pointer.is_empty() { Some(root) } else { root.pointer(pointer) };
        found.ok_or_else(|| StepError::MissingValue { pointer: pointer.to_owned() })
    }

    /// The value at `pointer` as a `T`. On a type mismatch the error names the JSON type found
    /// and never the value (serde's own messages quote it, so they are not forwarded).
    pub fn extract<T: DeserializeOwned>(&self, pointer: &str) -> Result<T, StepError> {
        if !self.is_parsed()
            && let Some(value) = body_pointer::read(&self.body, pointer)
        {
            return Ok(value);
        }
        self.extract_parsed(pointer)
    }

    /// Checks, without building it, that the body has a value at `pointer`, and that it is an
    /// array when `array`: an output nobody reads, which must still be there, costs no memory
    /// however large it is. The errors are those [`Response::extract`] would give.
    pub(crate) fn check_unread(&self, pointer: &str, array: bool) -> Result<(), StepError> {
        let found = if self.is_parsed() {
            json_kind(self.pointer(pointer)?)
        } else if body_pointer::json_text(&self.body).trim_ascii().is_empty() {
            return Err(empty_body());
        } else {
            match body_pointer::kind_at(&self.body, pointer) {
                Ok(Some(kind)) => kind,
                Ok(None) => return Err(StepError::MissingValue { pointer: pointer.to_owned() }),
                Err(error) => return Err(not_json(&self.body, &error)),
            }
        };
        if array && found != "array" {
            return Err(StepError::WrongType { pointer: pointer.to_owned(), found });
        }
        Ok(())
    }

    /// [`Response::extract`] from the parsed document (parsed now if need be): where the value is
    /// missing, mistyped or the body is not JSON, the document says which.
    pub(crate) fn extract_parsed<T: DeserializeOwned>(&self, pointer: &str) -> Result<T, StepError> {
        let value = self.pointer(pointer)?;
        T::deserialize(value).map_err(|_| StepError::WrongType { pointer: pointer.to_owned(), found: json_kind(value) })
    }

    /// The one node a singular JSONPath `query` selects in the value at `context` (an RFC 6901
    /// pointer, `""` for the whole body), as a `T`: for an Arazzo 1.1 Selector Object. The body is
    /// parsed (once); nothing selected, or a value that is not a `T`, is
    /// [`StepError::Selection`], and a `context` that is not there [`StepError::MissingValue`].
    pub fn select<T: DeserializeOwned>(&self, context: &str, query: &'static str) -> Result<T, StepError> {
        crate::reading::select::one(self.pointer(context)?, context, query)
    }

    /// Every node a JSONPath `query` selects in the value at `context`, in document order (empty
    /// when it selects nothing); errors as [`Response::select`].
    pub fn select_all(&self, context: &str, query: &'static str) -> Result<Vec<Value>, StepError> {
        crate::reading::select::all(self.pointer(context)?, query)
    }

    /// [`Response::select_all`] for a query that embeds values (Arazzo 1.1), given as `pieces`
    /// ([`select`](crate::select) says how they are filled in); `query` is as written, for messages.
    pub fn select_all_with(
        &self,
        context: &str,
        query: &'static str,
        pieces: &[crate::condition::embedded::Piece<'_>],
    ) -> Result<Vec<Value>, StepError> {
        crate::reading::select::all_with(self.pointer(context)?, query, pieces)
    }

    /// Whether the body was parsed already (a criterion read it): values are then read from the
    /// parsed document, not from the bytes again.
    pub(crate) fn is_parsed(&self) -> bool {
        self.json.get().is_some()
    }

    /// The body parsed as JSON, or `None` when it is empty or not JSON: an operand of a
    /// criterion (`$response.body`), where a missing body is an absent value, not an error.
    pub fn body_value(&self) -> Option<&Value> {
        self.json().ok()
    }

    /// The value at an RFC 6901 JSON pointer of the body (`""` is the whole body), or `None`
    /// when the body is empty, not JSON, or has nothing there: an operand of a criterion
    /// (`$response.body#/status`).
    pub fn body_at(&self, pointer: &str) -> Option<&Value> {
        let root = self.body_value()?;
        if pointer.is_empty() { Some(root) } else { root.pointer(pointer) }
    }

    /// [`Response::body_at`] without parsing the whole body when it was not parsed already: only the
    /// value at `pointer` is built (the rest is read through, with the same checks), so a criterion
    /// reading one field of a large body costs that field, not a document. `None` in the same cases.
    /// Generated criteria read the body through it. The whole body (`""`) is parsed once and kept,
    /// as [`Response::body_at`] does: criteria that read it whole read it several times.
    pub fn body_part(&self, pointer: &str) -> Option<Cow<'_, Value>> {
        if self.is_parsed() || pointer.is_empty() {
            return self.body_at(pointer).map(Cow::Borrowed);
        }
        body_pointer::read::<Value>(&self.body, pointer).map(Cow::Owned)
    }

    /// The first value of header `name` (case-insensitive) as a JSON string, or `None` when the
    /// response lacks it or it is not UTF-8: an operand of a criterion (`$response.header.ETag`).
    pub fn header_value(&self, name: &str) -> Option<Value> {
        let value = self.headers.get(name)?;
        std::str::from_utf8(value.as_bytes()).ok().map(Value::from)
    }

    /// The first value of header `name` as text.
    pub fn header_text(&self, name: &'static str) -> Result<String, StepError> {
        let value = self.headers.get(name).ok_or(StepError::MissingHeader { name })?;
        value
            .to_str()
            .map(str::to_owned)
            .map_err(|_| StepError::Decode { message: format!("response header `{name}` is not valid text") })
    }

    /// At most [`EXCERPT_CHARS`] characters of the body for an error message.
    ///
    /// Every secret the request carried is replaced by `[REDACTED]`, and so is every string
    /// under a JSON field whose name says it is a secret (`key`, `api_key_token`, `password`,
    /// ...): a response that failed a criterion may still carry a freshly created key. Control
    /// characters become spaces so that an excerpt cannot forge log lines. Only the first 64 KiB of
    /// the body are read: the excerpt of a longer one ends with `...`.
    pub fn body_excerpt(&self) -> String {
        self.body_excerpt_hiding(&[])
    }

    /// [`Response::body_excerpt`], also scrubbed of `more` (the secrets of a run's earlier steps).
    /// Reads a bounded prefix of the body and builds no document (see `excerpt.rs`).
    pub(crate) fn body_excerpt_hiding(&self, more: &[SecretString]) -> String {
        let secrets: Vec<&str> = self.secrets.iter().chain(more).map(SecretString::expose_secret).collect();
        excerpt::excerpt(&self.body, self.secret_pointers, &secrets)
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// The body parsed as JSON: the full parse, which every answer of the pointer walk
/// (`body_pointer`) agrees with. A leading byte-order mark is ignored (RFC 8259 §8.1), as there.
pub(crate) fn parse_json(body: &[u8]) -> Result<Value, StepError> {
    let text = body_pointer::json_text(body);
    if text.trim_ascii().is_empty() {
        return Err(empty_body());
    }
    serde_json::from_slice(text).map_err(|error| not_json(body, &error))
}

fn empty_body() -> StepError {
    StepError::Decode { message: "response body is empty".into() }
}

/// The error of a body that is not JSON, as the full parse of `body` reports it. Only the position
/// is kept: serde_json's message could quote part of the body.
fn not_json(body: &[u8], error: &serde_json::Error) -> StepError {
    // serde_json counts columns in bytes: on the first line, the mark's count too, so that the
    // position is one in the body as received.
    let mark = if error.line() == 1 { body.len() - body_pointer::json_text(body).len() } else { 0 };
    StepError::Decode {
        message: format!(
            "response body is not valid JSON (error at line {}, column {})",
            error.line(),
            error.column() + mark
        ),
    }
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
