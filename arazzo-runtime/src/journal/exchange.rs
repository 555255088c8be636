//! One request of a run and the response it got, as a run records it and a checkpoint stores it.

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

/// One response a run received, and which request of which step it answered.
/// One request of a run and the response it got. Held as received (headers and body shared with
/// the response, ids borrowed from the generated code) and turned into the checkpoint's JSON form
/// ([`Stored`]) only when a checkpoint is serialized or read.
#[derive(Clone)]
pub(crate) struct Exchange {
    pub(crate) workflow: Cow<'static, str>,
    pub(crate) step: Cow<'static, str>,
    method: Cow<'static, str>,
    path: Cow<'static, str>,
    /// The request's [`fingerprint`](super::fingerprint); `None` in checkpoints written before fingerprints existed,
    /// which then match any request of the same step, method and path.
    request: Option<u64>,
    pub(crate) status: u16,
    headers: Arc<HeaderMap>,
    body: Bytes,
    /// The concurrent steps the request was sent from, outermost first (empty for a step that ran
    /// on its own): what a resumed run matches it by, since concurrent steps answer in any order.
    pub(crate) branch: Branch,
}

/// Where in a run an exchange happened: the `(workflow, step)` of each concurrent step it ran
/// under, outermost first. Empty for requests of steps that run one at a time.
pub(crate) type Branch = Vec<(Cow<'static, str>, Cow<'static, str>)>;

/// An exchange as a checkpoint stores it: headers as text pairs, the body as text when it is UTF-8
/// (almost always: JSON).
#[derive(Deserialize, Serialize)]
struct Stored {
    workflow: String,
    step: String,
    method: String,
    path: String,
    #[serde(default)]
    request: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    /// Written only for an exchange of a concurrent step, so that other checkpoints keep their form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    branch: Vec<(String, String)>,
}

/// A response body: text when it is UTF-8, bytes otherwise.
#[derive(Deserialize, Serialize)]
#[serde(untagged)]
enum Body {
    Text(String),
    Bytes(Vec<u8>),
}

impl Serialize for Exchange {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let headers = self
            .headers
            .iter()
            .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
            .collect();
        let body = match std::str::from_utf8(&self.body) {
            Ok(text) => Body::Text(text.to_owned()),
            Err(_) => Body::Bytes(self.body.to_vec()),
        };
        Stored {
            workflow: self.workflow.to_string(),
            step: self.step.to_string(),
            method: self.method.to_string(),
            path: self.path.to_string(),
            request: self.request.map(|fingerprint| format!("{fingerprint:016x}")).unwrap_or_default(),
            status: self.status,
            headers,
            body,
            branch: self.branch.iter().map(|(workflow, step)| (workflow.to_string(), step.to_string())).collect(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Exchange {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        let mut headers = HeaderMap::new();
        // A header that cannot be one (hand-edited checkpoint) is left out, as a server's would be.
        for (name, value) in &stored.headers {
            if let (Ok(name), Ok(value)) = (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str()))
            {
                headers.append(name, value);
            }
        }
        let body = match stored.body {
            Body::Text(text) => Bytes::from(text),
            Body::Bytes(bytes) => Bytes::from(bytes),
        };
        Ok(Self {
            workflow: stored.workflow.into(),
            step: stored.step.into(),
            method: stored.method.into(),
            path: stored.path.into(),
            request: match stored.request.as_str() {
                "" => None,
                hex => Some(
                    u64::from_str_radix(hex, 16)
                        .map_err(|_| serde::de::Error::custom("a request fingerprint is not 16 hexadecimal digits"))?,
                ),
            },
            status: stored.status,
            headers: Arc::new(headers),
            body,
            branch: stored.branch.into_iter().map(|(workflow, step)| (workflow.into(), step.into())).collect(),
        })
    }
}

impl Exchange {
    pub(crate) fn new(
        (workflow, step): (&'static str, &'static str),
        (method, path, request): (&'static str, Cow<'static, str>, u64),
        status: u16,
        headers: &Arc<HeaderMap>,
        body: &Bytes,
    ) -> Self {
        Self {
            workflow: workflow.into(),
            step: step.into(),
            method: method.into(),
            path,
            request: Some(request),
            status,
            headers: Arc::clone(headers),
            body: body.clone(),
            branch: Branch::new(),
        }
    }

    pub(crate) fn answers(&self, (workflow, step): (&str, &str), (method, path, request): (&str, &str, u64)) -> bool {
        self.workflow == workflow
            && self.step == step
            && self.method == method
            && self.path == path
            && self.request.is_none_or(|recorded| recorded == request)
    }

    /// The recorded status, headers and body.
    pub(crate) fn response_parts(&self) -> (u16, Arc<HeaderMap>, Bytes) {
        (self.status, Arc::clone(&self.headers), self.body.clone())
    }
}
