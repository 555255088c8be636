//! Fault injection: every step of every seed workflow × every fault kind, the generated client talking
//! to its fake through [`FaultProxy`]. Each case checks the error (workflow, step, cause), the partial
//! outputs (all of the earlier steps', none of the later), the requests (no retry the document did not
//! ask for), that no secret shows in the error's Display or Debug text, and that it finished in time.

// Test code: a failed expectation panics, with the case's label printed by `Label`.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt;
use std::time::Duration;

use arazzo_runtime::{Client, StepError, WorkflowError};
use arazzo_tests::Failure;
use arazzo_tests::fault::{Fault, FaultPlan, FaultProxy, ProxiedRequest};
use common::assert_hides;
use serde_json::json;

/// A case that takes longer than this hangs.
const CASE_LIMIT: Duration = Duration::from_secs(30);
/// The client's request timeout in the cases whose response stalls.
const SHORT_TIMEOUT: Duration = Duration::from_millis(500);
/// The client's request timeout in the other cases: far above any loopback request.
const NORMAL_TIMEOUT: Duration = Duration::from_secs(10);

/// The fault kinds; statuses come from the fakes' own failure injection, the rest from the proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Status500,
    Status502,
    Status503,
    TooManyWithRetryAfter,
    TooMany,
    Refused,
    ResetMidBody,
    Slow,
    TruncatedJson,
    WrongShape,
    WrongType,
    EmptyBody,
    Html,
}

const KINDS: [Kind; 13] = [
    Kind::Status500,
    Kind::Status502,
    Kind::Status503,
    Kind::TooManyWithRetryAfter,
    Kind::TooMany,
    Kind::Refused,
    Kind::ResetMidBody,
    Kind::Slow,
    Kind::TruncatedJson,
    Kind::WrongShape,
    Kind::WrongType,
    Kind::EmptyBody,
    Kind::Html,
];

/// One step of a seed workflow, as its generated code reads (checked against it by hand).
struct Step {
    id: &'static str,
    method: &'static str,
    criterion: &'static str,
    /// The first JSON pointer the step reads from the response body; `None`: it reads none.
    reads: Option<&'static str>,
    /// The fields of the `...Partial` struct this step fills.
    produces: &'static [&'static str],
}

const fn step(
    id: &'static str,
    method: &'static str,
    criterion: &'static str,
    reads: Option<&'static str>,
    produces: &'static [&'static str],
) -> Step {
    Step { id, method, criterion, reads, produces }
}

struct Seed {
    name: &'static str,
    workflow_id: &'static str,
    steps: &'static [Step],
}

#[derive(Clone, Copy, Debug)]
struct Case {
    /// 1-based: the step and so the request number.
    step: usize,
    kind: Kind,
}

impl Case {
    fn step<'a>(&self, seed: &'a Seed) -> &'a Step {
        &seed.steps[self.step - 1]
    }

    fn label(&self, seed: &Seed) -> String {
        format!("{} step {} ({}) × {:?}", seed.name, self.step, self.step(seed).id, self.kind)
    }

    /// The canned response the fake gives instead of its own. 5xx bodies echo the `Authorization`
    /// header, as a careless server might: the error must still not show it.
    fn failure(&self) -> Option<Failure> {
        let unavailable = |status| Failure::status(status).json(json!({"code": "unavailable"})).echo_authorization();
        let limited = || Failure::status(429).json(json!({"code": "rate_limited", "detail": "slow down"}));
        match self.kind {
            Kind::Status500 => Some(unavailable(500)),
            Kind::Status502 => Some(unavailable(502)),
            Kind::Status503 => Some(unavailable(503)),
            Kind::TooManyWithRetryAfter => Some(limited().header("retry-after", "1")),
            Kind::TooMany => Some(limited()),
            _ => None,
        }
    }

    fn fault(&self, seed: &Seed) -> Option<Fault> {
        match self.kind {
            Kind::Refused => Some(Fault::Refused),
            Kind::ResetMidBody => Some(Fault::ResetMidBody),
            Kind::Slow => Some(Fault::Stall),
            Kind::TruncatedJson => Some(Fault::TruncatedJson),
            Kind::WrongShape => Some(Fault::WrongShape),
            // A step that reads nothing gets a body-level fault it never looks at.
            Kind::WrongType => Some(Fault::WrongType { pointer: self.step(seed).reads.unwrap_or("").to_owned() }),
            Kind::EmptyBody => Some(Fault::EmptyBody),
            Kind::Html => Some(Fault::Html),
            _ => None,
        }
    }

    fn client(&self) -> Client {
        let timeout = if self.kind == Kind::Slow { SHORT_TIMEOUT } else { NORMAL_TIMEOUT };
        Client::builder().request_timeout(timeout).build()
    }

    /// Sets up the fake's failure (through `fail_request`) and the proxies' plan.
    fn arrange(&self, seed: &Seed, fail_request: impl FnOnce(usize, Failure)) -> FaultPlan {
        let plan = FaultPlan::new();
        if let Some(failure) = self.failure() {
            fail_request(self.step, failure);
        }
        if let Some(fault) = self.fault(seed) {
            plan.inject(self.step, fault);
        }
        plan
    }

    /// Whether the faulted step must fail; a body-level fault at a step that reads no body passes.
    fn fails(&self, seed: &Seed) -> bool {
        let body_level = matches!(
            self.kind,
            Kind::TruncatedJson | Kind::WrongShape | Kind::WrongType | Kind::EmptyBody | Kind::Html
        );
        !body_level || self.step(seed).reads.is_some()
    }

    /// Whether `error` is the cause this fault must give.
    fn is_expected(&self, seed: &Seed, error: &StepError) -> bool {
        let step = self.step(seed);
        let status = match self.kind {
            Kind::Status500 => 500,
            Kind::Status502 => 502,
            Kind::Status503 => 503,
            Kind::TooManyWithRetryAfter | Kind::TooMany => 429,
            _ => 0,
        };
        let reads = step.reads.unwrap_or("");
        match (self.kind, error) {
            (_, StepError::CriterionFailed { criterion, status: got, .. }) => {
                status != 0 && *got == status && *criterion == step.criterion
            }
            (Kind::Refused, StepError::Transport { message }) => message.contains("connection refused"),
            (Kind::ResetMidBody, StepError::Transport { message }) => message.contains("connection reset"),
            (Kind::Slow, StepError::Timeout) => true,
            (Kind::TruncatedJson | Kind::Html, StepError::Decode { message }) => message.contains("not valid JSON"),
            (Kind::EmptyBody, StepError::Decode { message }) => message.contains("empty"),
            (Kind::WrongShape, StepError::MissingValue { pointer }) => pointer == reads,
            (Kind::WrongType, StepError::WrongType { pointer, found }) => pointer == reads && *found == "number",
            _ => false,
        }
    }
}

/// Output or partial-output fields by name; secrets exposed, for comparison with the fake's state.
type Fields = Vec<(&'static str, Option<String>)>;

/// The error's Display and Debug text, kept for [`assert_hides`].
struct Rendered {
    display: String,
    debug: String,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.debug)
    }
}

/// How the workflow ended: its outputs, or its error taken apart.
enum Outcome {
    Succeeded(Fields),
    Failed(Failed),
}

struct Failed {
    workflow_id: &'static str,
    step_id: &'static str,
    error: StepError,
    partial: Fields,
    text: Rendered,
}

/// What one case produced.
struct Report {
    outcome: Outcome,
    /// What each partial field must hold once its step succeeded, from the fake's state after the run
    /// (`None`: the fake has no such value, e.g. no key was created).
    truth: Fields,
    /// Every credential and key of the case, new ones included.
    secrets: Vec<String>,
    proxied: Vec<ProxiedRequest>,
    proxy_errors: Vec<String>,
    /// Requests the fake received.
    upstream: usize,
}

fn outcome<O, P: fmt::Debug>(
    result: Result<O, WorkflowError<P>>,
    outputs: impl Fn(&O) -> Fields,
    partial: impl Fn(&P) -> Fields,
) -> Outcome {
    match result {
        Ok(o) => Outcome::Succeeded(outputs(&o)),
        Err(error) => Outcome::Failed(Failed {
            workflow_id: error.workflow_id(),
            step_id: error.step_id(),
            error: error.error().clone(),
            partial: partial(error.partial()),
            text: Rendered { display: error.to_string(), debug: format!("{error:?}") },
        }),
    }
}

fn some(value: &str) -> Option<String> {
    Some(value.to_owned())
}

/// Prints the case's label if the case panics.
struct Label(String);

impl Drop for Label {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("failed case: {}", self.0);
        }
    }
}

/// Runs every step × every fault kind of `seed`; `expected` is the number of cases.
async fn matrix<F, Fut>(seed: &Seed, expected: usize, run: F)
where
    F: Fn(Case) -> Fut,
    Fut: Future<Output = Report>,
{
    let mut cases = 0;
    for step in 1..=seed.steps.len() {
        for kind in KINDS {
            let case = Case { step, kind };
            let label = Label(case.label(seed));
            let report = tokio::time::timeout(CASE_LIMIT, run(case))
                .await
                .unwrap_or_else(|_| panic!("{}: did not finish within {CASE_LIMIT:?}", label.0));
            check(seed, case, &report, &label.0);
            cases += 1;
        }
    }
    assert_eq!(cases, expected, "{}: number of cases", seed.name);
    eprintln!("faults: {} {cases} cases passed", seed.name);
}

fn check(seed: &Seed, case: Case, report: &Report, label: &str) {
    assert!(report.proxy_errors.is_empty(), "{label}: the proxy failed: {:?}", report.proxy_errors);
    let truth = |name: &str| report.truth.iter().find(|(n, _)| *n == name).and_then(|(_, v)| v.clone());
    let fails = case.fails(seed);
    match &report.outcome {
        Outcome::Succeeded(outputs) => {
            assert!(!fails, "{label}: the workflow succeeded");
            for (name, value) in outputs {
                assert!(
                    value.is_some() && *value == truth(name),
                    "{label}: output {name} differs from the fake's state"
                );
            }
        }
        Outcome::Failed(failed) => {
            assert!(fails, "{label}: the workflow failed: {}", failed.text.display);
            assert_eq!(failed.workflow_id, seed.workflow_id, "{label}: workflow id");
            assert_eq!(failed.step_id, case.step(seed).id, "{label}: step id ({})", failed.text.display);
            assert!(case.is_expected(seed, &failed.error), "{label}: unexpected cause {:?}", failed.error);
            check_partial(seed, case, &failed.partial, &truth, label);
            assert_hides(&failed.text, &report.secrets.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
    // Exactly one request per step reached, in order: no retry, no repeat, nothing after the failure.
    let sent = match (fails, case.kind) {
        (false, _) => seed.steps.len(),
        (true, Kind::Refused) => case.step - 1,
        (true, _) => case.step,
    };
    let methods: Vec<&str> = report.proxied.iter().map(|r| r.method.as_str()).collect();
    let expected: Vec<&str> = seed.steps[..sent].iter().map(|s| s.method).collect();
    assert_eq!(methods, expected, "{label}: requests the proxy received: {:?}", report.proxied);
    for (i, request) in report.proxied.iter().enumerate() {
        assert!(!report.proxied[..i].contains(request), "{label}: request {request:?} repeated");
    }
    assert_eq!(report.upstream, sent, "{label}: requests the fake received");
}

/// The partial outputs hold every field of the steps before the failed one, with the fake's values,
/// and nothing else.
fn check_partial(seed: &Seed, case: Case, partial: &Fields, truth: &dyn Fn(&str) -> Option<String>, label: &str) {
    let mut names: Vec<&str> = partial.iter().map(|(n, _)| *n).collect();
    let mut declared: Vec<&str> = seed.steps.iter().flat_map(|s| s.produces.iter().copied()).collect();
    names.sort_unstable();
    declared.sort_unstable();
    assert_eq!(names, declared, "{label}: the seed table names every partial field");
    // A step whose request took effect (an unsafe method answered 2xx, here with one value replaced)
    // keeps what its response still holds: never a value other than the fake's.
    let failed = case.step(seed);
    let took_effect = failed.method != "GET" && case.kind == Kind::WrongType;
    for (name, value) in partial {
        let earlier = seed.steps[..case.step - 1].iter().any(|s| s.produces.contains(name));
        if earlier {
            let expected = truth(name);
            assert!(expected.is_some(), "{label}: the fake has no value for {name}");
            assert!(*value == expected, "{label}: partial {name} is not the value the fake holds");
        } else if took_effect && failed.produces.contains(name) {
            assert!(value.is_none() || *value == truth(name), "{label}: partial {name} is not the fake's value");
        } else {
            assert!(value.is_none(), "{label}: partial {name} is set, but its step did not succeed");
        }
    }
}

/// The proxied base URL: `fake_url` with its host and port replaced by the proxy's.
fn through(proxy: &FaultProxy, fake_url: &str, fake_addr: std::net::SocketAddr) -> String {
    fake_url.replacen(&format!("http://{fake_addr}"), &proxy.url(), 1)
}

#[path = "faults/svix.rs"]
mod svix_case;

#[tokio::test]
async fn svix_survives_every_fault_at_every_step() {
    matrix(&svix_case::SEED, 39, svix_case::run).await;
}

#[path = "faults/propelauth.rs"]
mod propelauth_case;

#[tokio::test]
async fn propelauth_survives_every_fault_at_every_step() {
    matrix(&propelauth_case::SEED, 39, propelauth_case::run).await;
}

#[path = "faults/deepgram.rs"]
mod deepgram_case;

#[tokio::test]
async fn deepgram_survives_every_fault_at_every_step() {
    matrix(&deepgram_case::SEED, 39, deepgram_case::run).await;
}

#[path = "faults/apigee.rs"]
mod apigee_case;

#[tokio::test]
async fn apigee_survives_every_fault_at_every_step() {
    matrix(&apigee_case::SEED, 52, apigee_case::run).await;
}

#[path = "faults/backblaze.rs"]
mod backblaze_case;

#[tokio::test]
async fn backblaze_survives_every_fault_at_every_step() {
    matrix(&backblaze_case::SEED, 39, backblaze_case::run).await;
}
