//! One request of a run and what came back, as a run records it, a checkpoint stores it and a
//! journal keeps it: which request it was ([`ExchangeId`]) and its response, or the transport
//! failure it met ([`Failure`]).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

/// Which request of a run an exchange answered: the workflow and step that sent it, its method and
/// path template, a fingerprint of what it sent, and the concurrent steps it ran under. Holds no
/// value the request sent (the fingerprint is a 64-bit hash), so it can be logged and stored.
///
/// Two requests of one run may have equal ids (a step retried with the same request): they are
/// answered in the order they were recorded.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ExchangeId {
    pub(crate) workflow: Cow<'static, str>,
    pub(crate) step: Cow<'static, str>,
    pub(crate) method: Cow<'static, str>,
    pub(crate) path: Cow<'static, str>,
    /// The request's [`fingerprint`](super::fingerprint); `None` in checkpoints written before
    /// fingerprints existed, which then match any request of the same step, method and path.
    pub(crate) request: Option<u64>,
    /// The concurrent steps the request was sent from, outermost first (empty for a step that ran
    /// on its own): what a resumed run matches it by, since concurrent steps answer in any order.
    pub(crate) branch: Branch,
}

/// Where in a run an exchange happened: the `(workflow, step)` of each concurrent step it ran
/// under, outermost first. Empty for requests of steps that run one at a time.
pub(crate) type Branch = Vec<(Cow<'static, str>, Cow<'static, str>)>;

impl ExchangeId {
    /// The id of a request of `step` in `workflow`, sent with `method` to `path` (the operation's
    /// path template, never the filled path) with the fingerprint `request`, outside any
    /// concurrent step. Runs make these themselves; journals that store ids another way rebuild
    /// them with this and [`ExchangeId::with_branch`].
    pub fn new(
        workflow: impl Into<Cow<'static, str>>,
        step: impl Into<Cow<'static, str>>,
        method: impl Into<Cow<'static, str>>,
        path: impl Into<Cow<'static, str>>,
        request: u64,
    ) -> Self {
        Self {
            workflow: workflow.into(),
            step: step.into(),
            method: method.into(),
            path: path.into(),
            request: Some(request),
            branch: Branch::new(),
        }
    }

    /// The same id, sent under the concurrent steps `branch` (`(workflow, step)`, outermost first).
    #[must_use]
    pub fn with_branch<W, S>(mut self, branch: impl IntoIterator<Item = (W, S)>) -> Self
    where
        W: Into<Cow<'static, str>>,
        S: Into<Cow<'static, str>>,
    {
        self.branch = branch.into_iter().map(|(workflow, step)| (workflow.into(), step.into())).collect();
        self
    }

    /// The id of the workflow whose step sent the request (a called workflow's own id).
    pub fn workflow(&self) -> &str {
        &self.workflow
    }

    /// The step id.
    pub fn step(&self) -> &str {
        &self.step
    }

    /// The HTTP method, upper case.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The operation's path template (`/keys/{id}`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The 64-bit fingerprint of what the request sent (filled path, query without secret values,
    /// body); `None` for an exchange read from a checkpoint written before fingerprints existed.
    pub fn request(&self) -> Option<u64> {
        self.request
    }

    /// The `(workflow, step)` of each concurrent step the request was sent under, outermost first.
    pub fn branch(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.branch.iter().map(|(workflow, step)| (&**workflow, &**step))
    }

    /// Whether a recorded exchange with this id answers the request `(workflow, step)`, `(method,
    /// path template, fingerprint)`: the same ids, the fingerprint too unless this one has none.
    pub(crate) fn answers(&self, (workflow, step): (&str, &str), (method, path, request): (&str, &str, u64)) -> bool {
        self.workflow == workflow
            && self.step == step
            && self.method == method
            && self.path == path
            && self.request.is_none_or(|recorded| recorded == request)
    }
}

/// `workflow/step (METHOD /path/{template})`: nothing a request sent.
impl fmt::Display for ExchangeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{} ({} {})", self.workflow, self.step, self.method, self.path)
    }
}

impl fmt::Debug for ExchangeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExchangeId({self})")
    }
}

/// A request that got no response: what a journal records so that a replayed run meets the same
/// failure and takes the same failure action (`onFailure`) as the run it replays. The kinds of
/// [`StepError`](crate::StepError) a request's sending can end with.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// [`StepError::Transport`](crate::StepError::Transport), with its message (which never holds
    /// a URL or anything the server sent).
    Transport {
        /// What happened.
        message: String,
    },
    /// [`StepError::Timeout`](crate::StepError::Timeout).
    Timeout,
    /// [`StepError::StepTimeout`](crate::StepError::StepTimeout): the step's `timeout` (or that of
    /// the step calling the workflow) ran out. The step is the replayed run's own.
    StepTimeout,
    /// [`StepError::WorkflowTimeout`](crate::StepError::WorkflowTimeout).
    WorkflowTimeout {
        /// The run's limit, in milliseconds.
        limit_ms: u64,
    },
    /// [`StepError::InvalidRequest`](crate::StepError::InvalidRequest): the HTTP library refused
    /// to build the request.
    InvalidRequest {
        /// What is wrong.
        message: String,
    },
}

/// One request of a run and what came back: its response (status, headers, body) or the
/// [`Failure`] it met. Held as received (headers and body shared with the response, ids borrowed
/// from the generated code).
///
/// The response may hold secrets (a key a step created): `Debug` shows the id and the status only,
/// and it serializes only through the explicit [`Exchange::expose_secrets`]. Deserializing is plain
/// `serde::Deserialize`.
#[derive(Clone)]
pub struct Exchange {
    pub(crate) id: ExchangeId,
    pub(crate) received: Received,
}

/// What came back for a request.
#[derive(Clone)]
pub(crate) enum Received {
    Response { status: u16, headers: Arc<HeaderMap>, body: Bytes },
    Failed(Failure),
}

impl Exchange {
    /// The exchange `id` answered with a response.
    pub fn response(id: ExchangeId, status: u16, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        Self { id, received: Received::Response { status, headers: Arc::new(headers), body: body.into() } }
    }

    /// The exchange `id` that met `failure` instead of a response.
    pub fn failed(id: ExchangeId, failure: Failure) -> Self {
        Self { id, received: Received::Failed(failure) }
    }

    pub(crate) fn received(id: ExchangeId, status: u16, headers: &Arc<HeaderMap>, body: &Bytes) -> Self {
        Self { id, received: Received::Response { status, headers: Arc::clone(headers), body: body.clone() } }
    }

    /// The response to a request of `(workflow, step)`, `(method, path template, fingerprint)`,
    /// outside any concurrent step.
    pub(crate) fn new(
        (workflow, step): (&'static str, &'static str),
        (method, path, request): (&'static str, Cow<'static, str>, u64),
        status: u16,
        headers: &Arc<HeaderMap>,
        body: &Bytes,
    ) -> Self {
        Self::received(ExchangeId::new(workflow, step, method, path, request), status, headers, body)
    }

    /// Which request this answered.
    pub fn id(&self) -> &ExchangeId {
        &self.id
    }

    /// The response's status, or `None` for a request that met a [`Failure`].
    pub fn status(&self) -> Option<u16> {
        match &self.received {
            Received::Response { status, .. } => Some(*status),
            Received::Failed(_) => None,
        }
    }

    /// The failure the request met, if it got no response.
    pub fn failure(&self) -> Option<&Failure> {
        match &self.received {
            Received::Failed(failure) => Some(failure),
            Received::Response { .. } => None,
        }
    }

    /// The exchange in a form that reads and serializes everything, secrets included: for a journal
    /// that stores it where the caller trusts (encrypted: `journal::seal`, with the `file-journal`
    /// feature).
    pub fn expose_secrets(&self) -> ExposedExchange<'_> {
        ExposedExchange(self)
    }

    /// The exchange as a checkpoint and a journal store it.
    fn stored(&self) -> Stored {
        let (status, headers, body, failure) = match &self.received {
            Received::Response { status, headers, body } => {
                let headers = headers
                    .iter()
                    .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
                    .collect();
                let body = match std::str::from_utf8(body) {
                    Ok(text) => Body::Text(text.to_owned()),
                    Err(_) => Body::Bytes(body.to_vec()),
                };
                (*status, headers, body, None)
            }
            Received::Failed(failure) => (0, Vec::new(), Body::Text(String::new()), Some(failure.clone())),
        };
        let id = &self.id;
        Stored {
            workflow: id.workflow.to_string(),
            step: id.step.to_string(),
            method: id.method.to_string(),
            path: id.path.to_string(),
            request: id.request.map(|fingerprint| format!("{fingerprint:016x}")).unwrap_or_default(),
            status,
            headers,
            body,
            branch: id.branch.iter().map(|(workflow, step)| (workflow.to_string(), step.to_string())).collect(),
            failure,
        }
    }

    /// The recorded status, headers and body; `None` for a failure.
    pub(crate) fn response_parts(&self) -> Option<(u16, Arc<HeaderMap>, Bytes)> {
        match &self.received {
            Received::Response { status, headers, body } => Some((*status, Arc::clone(headers), body.clone())),
            Received::Failed(_) => None,
        }
    }
}

impl fmt::Debug for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.received {
            Received::Response { status, .. } => write!(f, "Exchange({} -> {status})", self.id),
            Received::Failed(failure) => write!(f, "Exchange({} -> {failure:?})", self.id),
        }
    }
}

/// An [`Exchange`] whose response can be read and serialized, secrets included.
#[derive(Clone, Copy)]
pub struct ExposedExchange<'a>(&'a Exchange);

impl<'a> ExposedExchange<'a> {
    /// The response headers, or `None` for a failure.
    pub fn headers(&self) -> Option<&'a HeaderMap> {
        match &self.0.received {
            Received::Response { headers, .. } => Some(headers),
            Received::Failed(_) => None,
        }
    }

    /// The response body, or `None` for a failure.
    pub fn body(&self) -> Option<&'a Bytes> {
        match &self.0.received {
            Received::Response { body, .. } => Some(body),
            Received::Failed(_) => None,
        }
    }
}

impl Serialize for ExposedExchange<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.stored().serialize(serializer)
    }
}

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
    /// Written only for a request that got no response (journals record them; checkpoints never
    /// hold one), so that checkpoints keep their form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    failure: Option<Failure>,
}

/// A response body: text when it is UTF-8, bytes otherwise.
#[derive(Deserialize, Serialize)]
#[serde(untagged)]
enum Body {
    Text(String),
    Bytes(Vec<u8>),
}

impl<'de> Deserialize<'de> for Exchange {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        let id = ExchangeId {
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
            branch: stored.branch.into_iter().map(|(workflow, step)| (workflow.into(), step.into())).collect(),
        };
        if let Some(failure) = stored.failure {
            return Ok(Self::failed(id, failure));
        }
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
        Ok(Self::response(id, stored.status, headers, body))
    }
}
