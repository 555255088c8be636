//! What a run has exchanged with its servers, so that a failed run can be resumed without
//! repeating the requests that already took effect.
//!
//! A generated workflow is a deterministic function of its inputs and of the responses it
//! receives. A run records every response (with the workflow, step, method and path template it
//! answered); when a step fails, the error carries these records minus the failed step's own
//! exchange as a [`Checkpoint`]. Resuming runs the workflow again from the start, but answers each
//! recorded request from the checkpoint instead of the network, so every step that took effect
//! (creating a key, say) is replayed, not repeated, and the run continues for real at the step
//! that failed.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

use crate::error::StepError;
use crate::reading::Response;
use crate::secrets::{HandledSecrets, SecretString};

/// One response a run received, and which request of which step it answered.
/// One request of a run and the response it got. Held as received (headers and body shared with
/// the response, ids borrowed from the generated code) and turned into the checkpoint's JSON form
/// ([`Stored`]) only when a checkpoint is serialized or read.
#[derive(Clone)]
pub(crate) struct Exchange {
    workflow: Cow<'static, str>,
    step: Cow<'static, str>,
    method: Cow<'static, str>,
    path: Cow<'static, str>,
    /// The request's [`fingerprint`]; `None` in checkpoints written before fingerprints existed,
    /// which then match any request of the same step, method and path.
    request: Option<u64>,
    status: u16,
    headers: Arc<HeaderMap>,
    body: Bytes,
    /// The concurrent steps the request was sent from, outermost first (empty for a step that ran
    /// on its own): what a resumed run matches it by, since concurrent steps answer in any order.
    branch: Branch,
}

/// Where in a run an exchange happened: the `(workflow, step)` of each concurrent step it ran
/// under, outermost first. Empty for requests of steps that run one at a time.
pub(crate) type Branch = Vec<(Cow<'static, str>, Cow<'static, str>)>;

/// Whether exchanges of `a` and `b` may arrive in any order relative to each other: they ran in
/// different branches of one concurrent level, neither inside the other.
fn concurrent(a: &Branch, b: &Branch) -> bool {
    let common = a.len().min(b.len());
    a[..common] != b[..common]
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

    fn answers(&self, (workflow, step): (&str, &str), (method, path, request): (&str, &str, u64)) -> bool {
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

/// A fingerprint of what a request sends: its method, path and query as filled in (without the
/// query values that are secrets, so that a renewed API key still resumes) and its body. FNV-1a,
/// 64 bits, in hex: stable across Rust versions and platforms, unlike `std`'s hasher, because
/// checkpoints are stored and read back by later builds. It detects changed inputs; it is not a
/// security measure.
pub(crate) fn fingerprint(method: &str, url: &reqwest::Url, body: Option<&[u8]>, secrets: &[SecretString]) -> u64 {
    let mut hash = Fnv1a::new();
    // Each field is followed by 0xff, a byte UTF-8 never has, so fields cannot run together.
    let mut feed = |bytes: &[u8]| {
        hash.write(bytes);
        hash.write(&[0xff]);
    };
    feed(method.as_bytes());
    feed(url.path().as_bytes());
    // The query's pairs decoded as `Url::query_pairs` decodes them (`application/x-www-form-urlencoded`);
    // a pair with nothing to decode is borrowed, not copied.
    for (name, value) in form_urlencoded::parse(url.query().unwrap_or_default().as_bytes()) {
        if !secrets.iter().any(|secret| secret.expose_secret() == value) {
            feed(name.as_bytes());
            feed(value.as_bytes());
        }
    }
    feed(body.unwrap_or_default());
    hash.finish()
}

/// FNV-1a, 64 bits (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`), for checkpoint
/// fingerprints and multipart boundaries. By hand: no FNV crate is in the dependency tree, and
/// the values must never change (checkpoints store them), which a test computed by hand pins.
pub(crate) struct Fnv1a(u64);

impl Fnv1a {
    pub(crate) fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

/// What a failed run had received before the step that failed: hand it to the generated
/// `resume_...` function to finish the run without repeating those requests.
///
/// It holds whole response bodies, which may carry secrets (a newly created key), so it is
/// treated as a secret: its `Debug` output lists only workflow and step ids and statuses, and it
/// is serialized only through the explicit [`Checkpoint::expose_secrets`]. Deserializing it is
/// plain `serde::Deserialize`.
///
/// Resume with the same inputs and configuration as the failed run: the recorded responses
/// answer the same requests, in the same order.
#[derive(Clone, Default, Deserialize)]
pub struct Checkpoint {
    /// The workflow whose run failed.
    workflow: String,
    /// The step that failed; resuming sends its request again.
    failed_step: String,
    exchanges: Vec<Exchange>,
}

impl Checkpoint {
    /// The workflow whose run failed.
    pub fn workflow_id(&self) -> &str {
        &self.workflow
    }

    /// The step that failed (the first request sent for real on resume).
    pub fn failed_step(&self) -> &str {
        &self.failed_step
    }

    /// The `(workflow id, step id)` of every recorded exchange, in order: the requests that
    /// resuming will not send again.
    pub fn replayed_steps(&self) -> impl Iterator<Item = (&str, &str)> {
        self.exchanges.iter().map(|exchange| (&*exchange.workflow, &*exchange.step))
    }

    /// The checkpoint in a form that serializes everything, secrets included, for storage the
    /// caller trusts (an encrypted store, a secret manager).
    pub fn expose_secrets(&self) -> ExposedCheckpoint<'_> {
        ExposedCheckpoint(self)
    }
}

impl fmt::Debug for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exchanges: Vec<String> = self
            .exchanges
            .iter()
            .map(|exchange| format!("{}/{} -> {}", exchange.workflow, exchange.step, exchange.status))
            .collect();
        f.debug_struct("Checkpoint")
            .field("workflow", &self.workflow)
            .field("failed_step", &self.failed_step)
            .field("exchanges", &exchanges)
            .finish()
    }
}

/// A [`Checkpoint`] that serializes its recorded responses, secrets included.
pub struct ExposedCheckpoint<'a>(&'a Checkpoint);

impl Serialize for ExposedCheckpoint<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Fields<'a> {
            workflow: &'a str,
            failed_step: &'a str,
            exchanges: &'a [Exchange],
        }
        let checkpoint = self.0;
        Fields {
            workflow: &checkpoint.workflow,
            failed_step: &checkpoint.failed_step,
            exchanges: &checkpoint.exchanges,
        }
        .serialize(serializer)
    }
}

/// What every workflow of one run shares, nested calls included: the deadline, the exchanges
/// so far, and the exchanges still to replay when resuming.
///
/// A step that runs concurrently with others gets a context of its own ([`RunContext::branch`]):
/// the same deadline, secrets and exchanges to replay, but its own record, which the run merges
/// into its own once the concurrent steps have all finished, in the order the steps are written
/// ([`RunContext::merge`]), whatever order their responses arrived in.
pub(crate) struct RunContext {
    deadline: Option<Instant>,
    limit: Duration,
    log: Mutex<Log>,
    shared: Arc<Shared>,
    /// The concurrent steps this context records for, outermost first; empty for the run itself.
    branch: Branch,
}

/// What the branches of a run share with it.
struct Shared {
    replay: Mutex<VecDeque<Exchange>>,
    /// Every secret the run has handled so far.
    secrets: Mutex<HandledSecrets>,
    /// The checkpoint's request that a request of this run did not match, once one did not: the
    /// run is not the one recorded, so nothing it does after that can be trusted to replay, and
    /// everything it tries (a failure action's retry or goto, a called workflow) fails at once.
    mismatch: Mutex<Option<(String, String)>>,
}

/// The exchanges of a run so far.
#[derive(Default)]
struct Log {
    exchanges: Vec<Exchange>,
    /// The positions of failed steps' own exchanges, left out of checkpoints. Cleared when the run
    /// records another exchange: it went on after that failure (a calling workflow's failure
    /// action retried the workflow that failed), so a resumed run must replay it to take the same
    /// path. Several only after concurrent steps failed together.
    left_out: Vec<usize>,
}

impl RunContext {
    pub(crate) fn new(limit: Duration, replay: Vec<Exchange>) -> Self {
        Self {
            // `None`: a limit so large that it cannot be added to now, i.e. no limit.
            deadline: Instant::now().checked_add(limit),
            limit,
            log: Mutex::new(Log::default()),
            shared: Arc::new(Shared {
                replay: Mutex::new(replay.into()),
                secrets: Mutex::new(HandledSecrets::default()),
                mismatch: Mutex::new(None),
            }),
            branch: Branch::new(),
        }
    }

    /// A context for step `step` running concurrently with others: this one's deadline, secrets
    /// and checkpoint to replay, with a record of its own. The run goes on after any failure it
    /// left out of checkpoints so far, as when it records an exchange.
    pub(crate) fn branch(&self, step: (&'static str, &'static str)) -> Self {
        lock(&self.log).left_out.clear();
        let mut branch = self.branch.clone();
        branch.push((step.0.into(), step.1.into()));
        Self {
            deadline: self.deadline,
            limit: self.limit,
            log: Mutex::new(Log::default()),
            shared: Arc::clone(&self.shared),
            branch,
        }
    }

    /// Appends the record of `branch` (one of this context's branches) to this one's, with the
    /// failed exchanges it leaves out. Called for each branch in the order the steps are written,
    /// so that the record does not depend on which response arrived first.
    pub(crate) fn merge(&self, branch: &RunContext) {
        let taken = std::mem::take(&mut *lock(&branch.log));
        let mut log = lock(&self.log);
        let offset = log.exchanges.len();
        log.left_out.extend(taken.left_out.iter().map(|position| position + offset));
        log.exchanges.extend(taken.exchanges);
    }

    /// Remembers the secrets `response`'s request carried and those its body holds.
    pub(crate) fn remember_secrets_of(&self, response: &Response) {
        let mut secrets = lock(&self.shared.secrets);
        secrets.add(response.request_secrets());
        secrets.add_in_body(response.body_bytes(), response.secret_pointers());
    }

    /// Remembers `secret`.
    pub(crate) fn remember_secret(&self, secret: &SecretString) {
        lock(&self.shared.secrets).add([secret]);
    }

    /// The secrets the run has handled so far.
    pub(crate) fn secrets(&self) -> Vec<SecretString> {
        lock(&self.shared.secrets).all()
    }

    /// Resuming `checkpoint`.
    pub(crate) fn resuming(limit: Duration, checkpoint: Checkpoint) -> Self {
        Self::new(limit, checkpoint.exchanges)
    }

    /// The time left before the deadline, or the error of having none left.
    pub(crate) fn remaining(&self) -> Result<Option<Duration>, StepError> {
        let Some(deadline) = self.deadline else { return Ok(None) };
        match deadline.checked_duration_since(Instant::now()) {
            Some(left) if !left.is_zero() => Ok(Some(left)),
            _ => Err(self.timed_out()),
        }
    }

    pub(crate) fn timed_out(&self) -> StepError {
        StepError::WorkflowTimeout { limit: self.limit }
    }

    /// Whether this context's next request is still answered from a checkpoint (or refused by it).
    pub(crate) fn replaying(&self) -> bool {
        lock(&self.shared.replay).iter().any(|exchange| !concurrent(&exchange.branch, &self.branch))
    }

    /// The recorded answer to the next request, if the checkpoint has one; an error if the
    /// checkpoint expected a different request (it belongs to another workflow, or the inputs
    /// changed).
    ///
    /// Requests are answered in the order they were recorded, except that the exchanges of
    /// concurrent steps are matched by the step they answered: the first recorded exchange that
    /// is not another concurrent step's must answer this request. A concurrent step with no
    /// exchange left goes on over the network while the others replay theirs.
    pub(crate) fn replay(&self, step: (&str, &str), request: (&str, &str, u64)) -> Result<Option<Exchange>, StepError> {
        self.check_matched()?;
        let mut replay = lock(&self.shared.replay);
        let Some(index) = replay.iter().position(|exchange| !concurrent(&exchange.branch, &self.branch)) else {
            return Ok(None);
        };
        let next = &replay[index];
        if next.branch != self.branch || !next.answers(step, request) {
            let (workflow_id, step_id) = (next.workflow.to_string(), next.step.to_string());
            *lock(&self.shared.mismatch) = Some((workflow_id.clone(), step_id.clone()));
            return Err(StepError::CheckpointMismatch { workflow_id, step_id });
        }
        Ok(replay.remove(index))
    }

    /// The [`StepError::CheckpointMismatch`] of this run, once a request did not match the
    /// checkpoint it resumes.
    pub(crate) fn check_matched(&self) -> Result<(), StepError> {
        match &*lock(&self.shared.mismatch) {
            None => Ok(()),
            Some((workflow_id, step_id)) => {
                Err(StepError::CheckpointMismatch { workflow_id: workflow_id.clone(), step_id: step_id.clone() })
            }
        }
    }

    /// Records an exchange; returns its position.
    pub(crate) fn record(&self, mut exchange: Exchange) -> usize {
        exchange.branch.clone_from(&self.branch);
        let mut log = lock(&self.log);
        log.exchanges.push(exchange);
        log.left_out.clear();
        log.exchanges.len() - 1
    }

    /// The checkpoint of a run failing at `step`; `failed_exchange` (the failing step's own
    /// response, if it got one) is left out, so resuming sends that request again. A workflow that
    /// fails because a workflow it calls failed passes `None`: the called workflow's failed
    /// exchange, still the last one, stays left out; so do those of concurrent steps that failed
    /// together ([`RunContext::merge`]).
    pub(crate) fn checkpoint(&self, (workflow, step): (&str, &str), failed_exchange: Option<usize>) -> Checkpoint {
        let mut log = lock(&self.log);
        if let Some(position) = failed_exchange
            && position + 1 == log.exchanges.len()
            && !log.left_out.contains(&position)
        {
            log.left_out.push(position);
        }
        let mut exchanges: Vec<Exchange> = log
            .exchanges
            .iter()
            .enumerate()
            .filter(|(position, _)| !log.left_out.contains(position))
            .map(|(_, exchange)| exchange.clone())
            .collect();
        // Exchanges not replayed yet (a resumed run that failed before using them all) still
        // took effect in the earlier run.
        exchanges.extend(lock(&self.shared.replay).iter().cloned());
        Checkpoint { workflow: workflow.into(), failed_step: step.into(), exchanges }
    }
}

impl fmt::Debug for RunContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunContext").field("limit", &self.limit).finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Both are plain lists, consistent after a panic between two operations.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
#[path = "context_tests.rs"]
mod tests;
