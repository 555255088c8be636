//! What a request put on the wire, kept with its response so that criteria can read it
//! (`$url`, `$request.header.*`, `$request.query.*`, `$request.path.*`,
//! `$request.body#/...`).
//!
//! It holds credentials (the `Authorization` header, an API key in the query) and possibly
//! secrets in the body, so it has no `Debug` and nothing prints it: it lives in memory only.

use reqwest::Url;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// The request a [`Response`](crate::Response) answers, as sent.
#[derive(Default)]
pub(crate) struct SentRequest {
    /// The full URL: scheme, host, encoded path and query.
    pub(crate) url: Option<Url>,
    /// The headers the runtime set, credentials included (not the ones the HTTP client adds
    /// itself, such as `Host` or `Content-Length`).
    pub(crate) headers: HeaderMap,
    /// Path parameters as given, before encoding, in order; `None` for an absent value.
    pub(crate) path_params: Vec<(String, Option<Value>)>,
    /// The JSON value of a JSON, JSON-text or form body; `None` for no body and for raw, XML or
    /// multipart ones.
    pub(crate) body: Option<Value>,
}

impl SentRequest {
    pub(crate) fn url(&self) -> &str {
        self.url.as_ref().map_or("", Url::as_str)
    }

    pub(crate) fn header(&self, name: &str) -> Option<Value> {
        let value = self.headers.get(name)?;
        std::str::from_utf8(value.as_bytes()).ok().map(Value::from)
    }

    pub(crate) fn query(&self, name: &str) -> Option<Value> {
        let url = self.url.as_ref()?;
        url.query_pairs().find(|(key, _)| key == name).map(|(_, value)| Value::from(value.into_owned()))
    }

    /// The last value given wins, as when the path was filled.
    pub(crate) fn path(&self, name: &str) -> Option<Value> {
        self.path_params.iter().rev().find(|(key, _)| key == name)?.1.clone()
    }

    pub(crate) fn body_at(&self, pointer: &str) -> Option<&Value> {
        let root = self.body.as_ref()?;
        if pointer.is_empty() { Some(root) } else { root.pointer(pointer) }
    }
}
