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
use crate::response::Response;
use crate::secret::{HandledSecrets, SecretString};

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
mod tests {
    use super::*;

    /// The published FNV-1a 64-bit test vectors (draft-eastlake-fnv): the empty input is the offset
    /// basis; `a` and `foobar`.
    #[test]
    fn fnv1a_gives_the_published_values() {
        let hash = |bytes: &[u8]| {
            let mut hash = Fnv1a::new();
            hash.write(bytes);
            hash.finish()
        };
        assert_eq!(hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn the_fingerprint_follows_what_is_sent_but_not_secret_query_values() {
        let url = |text: &str| reqwest::Url::parse(text).unwrap();
        let key = SecretString::from("sk_query");
        let base = fingerprint(
            "POST",
            &url("http://a.test/users/u1?x=1&key=sk_query"),
            Some(b"{}"),
            std::slice::from_ref(&key),
        );
        // FNV-1a of `GET`, 0xff, `/k`, 0xff, and the empty body's 0xff, computed by hand (checkpoints
        // store fingerprints, so the function must never change).
        assert_eq!(fingerprint("GET", &url("http://a.test/k"), None, &[]), 0xde38_74cf_d52c_b2a0);
        // With a query: `GET`, `/k`, `x`, `1` (each followed by 0xff), then the empty body's 0xff.
        assert_eq!(fingerprint("GET", &url("http://a.test/k?x=1"), None, &[]), 0x9c15_266d_850e_58cb);
        // Queries are read as `Url::query_pairs` reads them (the definition checkpoints were written
        // with): the same hash as feeding its pairs.
        let by_query_pairs = |url: &reqwest::Url| {
            let mut hash = 0xcbf2_9ce4_8422_2325_u64;
            let mut feed = |bytes: &[u8]| {
                for byte in bytes.iter().chain([&0xff]) {
                    hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3);
                }
            };
            feed(b"GET");
            feed(url.path().as_bytes());
            for (name, value) in url.query_pairs() {
                if value != "sk_query" {
                    feed(name.as_bytes());
                    feed(value.as_bytes());
                }
            }
            feed(b"");
            hash
        };
        for query in [
            "a=1&&b",
            "x=%41+b",
            "k",
            "=v",
            "a=b=c",
            "%FF%FE=1",
            "+=+",
            "a%2Bb=c%26d&e=%",
            "q=%zz&r=%4",
            "key=sk_query&x=1",
            "key=sk%5Fquery",
            "",
            "&",
            "ü=é",
        ] {
            let url = url(&format!("http://a.test/k?{query}"));
            assert_eq!(fingerprint("GET", &url, None, std::slice::from_ref(&key)), by_query_pairs(&url), "{query}");
        }
        // The host is not part of it: a resumed run may go to another address of the same API.
        assert_eq!(
            fingerprint("", &url("http://a.test"), None, &[]),
            fingerprint("", &url("http://b.test"), None, &[])
        );
        let renewed = SecretString::from("sk_renewed");
        assert_eq!(
            base,
            fingerprint("POST", &url("http://b.test/users/u1?x=1&key=sk_renewed"), Some(b"{}"), &[renewed])
        );
        for other in [
            fingerprint(
                "PUT",
                &url("http://a.test/users/u1?x=1&key=sk_query"),
                Some(b"{}"),
                std::slice::from_ref(&key),
            ),
            fingerprint(
                "POST",
                &url("http://a.test/users/u2?x=1&key=sk_query"),
                Some(b"{}"),
                std::slice::from_ref(&key),
            ),
            fingerprint(
                "POST",
                &url("http://a.test/users/u1?x=2&key=sk_query"),
                Some(b"{}"),
                std::slice::from_ref(&key),
            ),
            fingerprint(
                "POST",
                &url("http://a.test/users/u1?x=1&key=sk_query"),
                Some(b"{\"a\":1}"),
                std::slice::from_ref(&key),
            ),
        ] {
            assert_ne!(base, other);
        }
    }

    fn exchange(step: &'static str, body: &'static [u8]) -> Exchange {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("1"));
        Exchange::new(("w", step), ("POST", "/keys".into(), 0xf1), 201, &Arc::new(headers), &Bytes::from_static(body))
    }

    #[test]
    fn a_checkpoint_round_trips_through_its_exposed_form() {
        let context = RunContext::new(Duration::from_secs(5), Vec::new());
        context.record(exchange("create", br#"{"key":"sk_new"}"#));
        context.record(exchange("binary", &[0xff, 0x00]));
        let checkpoint = context.checkpoint(("w", "next"), None);
        let text = serde_json::to_string(&checkpoint.expose_secrets()).unwrap();
        assert!(text.contains("sk_new"));
        let back: Checkpoint = serde_json::from_str(&text).unwrap();
        assert_eq!((back.workflow_id(), back.failed_step()), ("w", "next"));
        assert_eq!(back.replayed_steps().collect::<Vec<_>>(), [("w", "create"), ("w", "binary")]);
        let (status, headers, body) = back.exchanges[0].response_parts();
        assert_eq!((status, headers.get("retry-after").unwrap().to_str().unwrap()), (201, "1"));
        assert_eq!(&body[..], br#"{"key":"sk_new"}"#);
        assert_eq!(&back.exchanges[1].response_parts().2[..], [0xff, 0x00]);
    }

    /// The stored form is a format: checkpoints written by earlier builds must still load.
    #[test]
    fn the_stored_form_is_stable() {
        let context = RunContext::new(Duration::from_secs(5), Vec::new());
        context.record(exchange("create", br#"{"key":"sk_new"}"#));
        let text = serde_json::to_string(&context.checkpoint(("w", "next"), None).expose_secrets()).unwrap();
        let expected = r#"{"workflow":"w","failed_step":"next","exchanges":[{"workflow":"w","step":"create","method":"POST","path":"/keys","request":"00000000000000f1","status":201,"headers":[["retry-after","1"]],"body":"{\"key\":\"sk_new\"}"}]}"#;
        assert_eq!(text, expected);
        // Written before request fingerprints existed, with a body as bytes.
        let old = r#"{"workflow":"w","failed_step":"s","exchanges":[{"workflow":"w","step":"a","method":"GET","path":"/k","status":200,"headers":[["x-a","1"],["bad header","2"]],"body":[255,0]}]}"#;
        let back: Checkpoint = serde_json::from_str(old).unwrap();
        let (status, headers, body) = back.exchanges[0].response_parts();
        assert_eq!((status, headers.len(), &body[..]), (200, 1, &[255_u8, 0][..]));
        assert!(back.exchanges[0].answers(("w", "a"), ("GET", "/k", 0x1234)));
    }

    #[test]
    fn debug_shows_ids_and_statuses_only() {
        let context = RunContext::new(Duration::from_secs(5), Vec::new());
        context.record(exchange("create", br#"{"key":"sk_new"}"#));
        let debug = format!("{:?}", context.checkpoint(("w", "next"), None));
        assert!(debug.contains("w/create -> 201"), "{debug}");
        assert!(!debug.contains("sk_new"), "{debug}");
    }

    #[test]
    fn the_failed_exchange_is_dropped_only_when_it_is_the_last() {
        let context = RunContext::new(Duration::from_secs(5), Vec::new());
        let first = context.record(exchange("a", b"1"));
        let second = context.record(exchange("b", b"2"));
        assert_eq!(context.checkpoint(("w", "b"), Some(first)).exchanges.len(), 2);
        assert_eq!(context.checkpoint(("w", "b"), Some(second)).exchanges.len(), 1);
    }

    #[test]
    fn a_failure_the_run_went_on_from_stays_on_record() {
        let context = RunContext::new(Duration::from_secs(5), Vec::new());
        context.record(exchange("list", b"1"));
        let failed = context.record(exchange("read", b"500"));
        // A called workflow fails at `read`; so does its caller: the failed read is left out.
        assert_eq!(context.checkpoint(("called", "read"), Some(failed)).exchanges.len(), 1);
        assert_eq!(context.checkpoint(("caller", "lookup"), None).exchanges.len(), 1);
        // The caller retries instead: the failed read is on the path a resumed run must take.
        context.record(exchange("list", b"2"));
        let checkpoint = context.checkpoint(("caller", "next"), None);
        let steps: Vec<&str> = checkpoint.replayed_steps().map(|(_, step)| step).collect();
        assert_eq!(steps, ["list", "read", "list"]);
    }

    #[test]
    fn replay_answers_matching_requests_in_order_and_refuses_others() {
        let context = RunContext::new(Duration::from_secs(5), vec![exchange("a", b"1"), exchange("b", b"2")]);
        assert!(context.replaying());
        assert!(context.replay(("w", "a"), ("POST", "/keys", 0xf1)).unwrap().is_some());
        // The same step sending something else (other inputs) is not answered from the record.
        let other_inputs = context.replay(("w", "b"), ("POST", "/keys", 0xf2)).err().unwrap();
        assert_eq!(other_inputs, StepError::CheckpointMismatch { workflow_id: "w".into(), step_id: "b".into() });
        // Once off the recorded path, the run stays refused, even for the request the record expects.
        let later = context.replay(("w", "b"), ("POST", "/keys", 0xf1)).err().unwrap();
        assert_eq!(later, StepError::CheckpointMismatch { workflow_id: "w".into(), step_id: "b".into() });
        assert_eq!(context.check_matched(), Err(later));
        assert!(context.replaying());
    }

    #[test]
    fn replay_runs_on_over_the_network_once_the_record_is_used_up() {
        let context = RunContext::new(Duration::from_secs(5), vec![exchange("a", b"1"), exchange("b", b"2")]);
        assert!(context.replay(("w", "a"), ("POST", "/keys", 0xf1)).unwrap().is_some());
        assert!(context.replay(("w", "b"), ("POST", "/keys", 0xf1)).unwrap().is_some());
        assert!(!context.replaying());
        assert!(context.replay(("w", "d"), ("GET", "/", 0xf1)).unwrap().is_none());
        assert_eq!(context.check_matched(), Ok(()));
    }

    /// The exchange of step `step` as recorded by a branch of workflow `w` for step `branch`.
    fn in_branch(branch: &'static str, step: &'static str, body: &'static [u8]) -> Exchange {
        let context = RunContext::new(Duration::from_secs(5), Vec::new()).branch(("w", branch));
        context.record(exchange(step, body));
        let taken = std::mem::take(&mut *lock(&context.log));
        taken.exchanges.into_iter().next().unwrap()
    }

    #[test]
    fn branches_merge_in_the_order_of_their_steps_whatever_order_their_responses_arrived_in() {
        let context = RunContext::new(Duration::from_secs(5), Vec::new());
        context.record(exchange("login", b"0"));
        let (a, b, c) = (context.branch(("w", "a")), context.branch(("w", "b")), context.branch(("w", "c")));
        // c answers first, then a; b fails with a response that is left out.
        c.record(exchange("c", b"3"));
        a.record(exchange("a", b"1"));
        let failed = b.record(exchange("b", b"500"));
        let _ = b.checkpoint(("w", "b"), Some(failed));
        for branch in [&a, &b, &c] {
            context.merge(branch);
        }
        let checkpoint = context.checkpoint(("w", "b"), None);
        let steps: Vec<&str> = checkpoint.replayed_steps().map(|(_, step)| step).collect();
        assert_eq!(steps, ["login", "a", "c"], "in step order, without b's failed exchange");
        let text = serde_json::to_string(&checkpoint.expose_secrets()).unwrap();
        assert!(text.contains(r#""branch":[["w","a"]]"#), "{text}");
        assert_eq!(text.matches(r#""branch""#).count(), 2, "only the concurrent steps' exchanges say so: {text}");
        // A later exchange: the run went on after b's failure, which is then on the record.
        context.record(exchange("next", b"4"));
        assert_eq!(context.checkpoint(("w", "next"), None).exchanges.len(), 5);
    }

    #[test]
    fn concurrent_steps_replay_their_own_exchanges_in_any_order() {
        let record = vec![
            exchange("login", b"0"),
            in_branch("a", "a", b"1"),
            in_branch("b", "b", b"2"),
            exchange("after", b"3"),
        ];
        let context = RunContext::new(Duration::from_secs(5), record);
        let request = ("POST", "/keys", 0xf1);
        assert!(context.replay(("w", "login"), request).unwrap().is_some());
        let (a, b, c) = (context.branch(("w", "a")), context.branch(("w", "b")), context.branch(("w", "c")));
        // b asks before a: each gets its own answer.
        assert_eq!(&b.replay(("w", "b"), request).unwrap().unwrap().response_parts().2[..], b"2");
        assert_eq!(&a.replay(("w", "a"), request).unwrap().unwrap().response_parts().2[..], b"1");
        // The record goes on after the level (`after`), so every step of the level had an
        // exchange recorded: c's is missing, and the checkpoint is not this run's.
        assert!(c.replaying());
        let error = c.replay(("w", "c"), request).map(|_| ()).unwrap_err();
        assert_eq!(error, StepError::CheckpointMismatch { workflow_id: "w".into(), step_id: "after".into() });
    }

    #[test]
    fn a_concurrent_step_without_a_record_goes_on_over_the_network() {
        let record = vec![in_branch("a", "a", b"1"), in_branch("b", "b", b"2")];
        let context = RunContext::new(Duration::from_secs(5), record);
        let request = ("POST", "/keys", 0xf1);
        let (a, b, c) = (context.branch(("w", "a")), context.branch(("w", "b")), context.branch(("w", "c")));
        assert!(!c.replaying());
        assert!(c.replay(("w", "c"), request).unwrap().is_none(), "sent for real");
        assert_eq!(&b.replay(("w", "b"), request).unwrap().unwrap().response_parts().2[..], b"2");
        assert!(a.replaying());
        assert_eq!(&a.replay(("w", "a"), request).unwrap().unwrap().response_parts().2[..], b"1");
        assert!(!context.replaying());
        // The run itself is not concurrent with any branch: it may not skip one's record.
        let strict = RunContext::new(Duration::from_secs(5), vec![in_branch("a", "a", b"1")]);
        assert_eq!(
            strict.replay(("w", "next"), request).map(|_| ()).unwrap_err(),
            StepError::CheckpointMismatch { workflow_id: "w".into(), step_id: "a".into() }
        );
        // Nor may a branch take another request of its step than the one recorded.
        let other = RunContext::new(Duration::from_secs(5), vec![in_branch("a", "a", b"1")]).branch(("w", "a"));
        assert!(other.replay(("w", "a"), ("POST", "/keys", 0xf2)).is_err());
    }

    #[test]
    fn the_deadline_passes() {
        let context = RunContext::new(Duration::ZERO, Vec::new());
        assert_eq!(context.remaining(), Err(StepError::WorkflowTimeout { limit: Duration::ZERO }));
        let unlimited = RunContext::new(Duration::MAX, Vec::new());
        assert_eq!(unlimited.remaining(), Ok(None));
        let later = RunContext::new(Duration::from_secs(60), Vec::new());
        assert!(later.remaining().unwrap().unwrap() > Duration::from_secs(50));
    }
}
