//! An HTTP exchange of a run as a journal sees it: which request it was ([`ExchangeId`]), what
//! came back ([`RecordedResponse`]), and the trait a journal implements ([`ExchangeJournal`]).
//!
//! The runtime hands each exchange to a journal before sending it: the prepared request, already
//! owned, as a future that sends it and resolves to the response. The journal decides whether to
//! poll that future (a request never answered before) or to drop it unpolled and answer from its
//! record (a replay), and returns the outcome the run then acts on.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

/// A boxed future that can move between threads: the same type as `futures::future::BoxFuture`,
/// spelt out so that this crate's API needs no `futures` dependency.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What an exchange ended with: the response, or the transport error (connection refused, timeout,
/// a body cut short) as the runtime words it. A transport error is recorded like a response, so a
/// replay answers it the same way and the workflow takes the same `onFailure` path.
pub type ExchangeOutcome = Result<RecordedResponse, String>;

/// Which request of a run an exchange is: the same identity the runtime's checkpoints give an
/// exchange, so that a journal can tell whether a recorded outcome answers this request.
///
/// Two requests of one run may have equal ids (a step retried with the same request): a journal
/// answers equal ids in the order they were recorded.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExchangeId {
    /// The id of the workflow whose step sent the request (a called workflow's own id).
    pub workflow: String,
    /// The step id.
    pub step: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The operation's path template (`/keys/{id}`), never the filled path, which may hold values
    /// of inputs.
    pub path: String,
    /// The runtime's 64-bit fingerprint of what the request sent (filled path, query without secret
    /// values, body): equal requests have equal fingerprints, and it reveals none of them.
    pub request: u64,
    /// The `(workflow, step)` of each concurrent step the request was sent under, outermost first;
    /// empty for a step that runs on its own. Concurrent steps may send their requests in another
    /// order when a run is replayed; this tells their exchanges apart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branch: Vec<(String, String)>,
}

impl ExchangeId {
    /// The id of a request of `step` in `workflow`, sent with `method` to `path` (the template),
    /// with the fingerprint `request`, outside any concurrent step.
    pub fn new(
        workflow: impl Into<String>,
        step: impl Into<String>,
        method: impl Into<String>,
        path: impl Into<String>,
        request: u64,
    ) -> Self {
        Self {
            workflow: workflow.into(),
            step: step.into(),
            method: method.into(),
            path: path.into(),
            request,
            branch: Vec::new(),
        }
    }

    /// The same id, sent under the concurrent steps `branch` (outermost first).
    #[must_use]
    pub fn with_branch(mut self, branch: Vec<(String, String)>) -> Self {
        self.branch = branch;
        self
    }
}

/// `workflow/step (METHOD /path/{template})`: nothing a request sent, so it can be logged.
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

/// A response as a journal records it: what the generated code reads of a response, and nothing of
/// the connection it came on.
///
/// Headers and body may hold secrets (a key a step created): `Debug` shows the status, the header
/// names and the body's length only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedResponse {
    /// The status code.
    pub status: u16,
    /// The headers in the order received, names lower case; values as bytes, since a header value
    /// need not be text.
    #[serde(with = "crate::record::headers")]
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body as received.
    #[serde(with = "crate::record::body")]
    pub body: Vec<u8>,
}

impl fmt::Debug for RecordedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("RecordedResponse")
            .field("status", &self.status)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A journal every HTTP exchange of a run goes through.
///
/// `send` is the exchange itself: polling it sends the prepared request and resolves to its
/// outcome; it borrows nothing (`'static`), so a journal may poll it elsewhere (inside Restate's
/// `ctx.run`) or drop it unpolled when its record already answers `id`. Whatever the future a
/// journal returns resolves to is what the run acts on: the journal must have recorded it durably
/// first, so that a run restarted after a crash is answered the same way and never sends again a
/// request that was answered.
///
/// Anything of an exchange that must replay the same way belongs inside `send`: a timeout in
/// particular, so that a request that timed out is recorded as having timed out.
pub trait ExchangeJournal: Send + Sync {
    /// Journals the exchange `id`, sending it with `send` unless the journal already holds its
    /// outcome.
    fn exchange(
        &self,
        id: ExchangeId,
        send: BoxFuture<'static, ExchangeOutcome>,
    ) -> BoxFuture<'static, ExchangeOutcome>;
}
