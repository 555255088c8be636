//! No secret leaked, no secret lost: each of the five seed workflows runs against its fake on the
//! happy path and then with a failure injected at every step (a 500 whose body echoes the
//! `Authorization` header, and a 200 whose body lacks what the step reads). Every run's whole
//! `tracing` output (every target, TRACE level, every field) and `log` output, `{:?}` of the
//! result, of the config, of the outputs or of the error and its partial outputs, the error's
//! `Display` and its `source()` chain are searched for every secret: credentials from `Config`,
//! secret inputs, keys and tokens the fake holds or minted during the run (read from its state
//! afterwards), and their percent-encoded, form-encoded and (for Basic) base64 forms.
//!
//! And when a later step fails, every secret the fake minted for an earlier step (a new key, a
//! token) must be in the error's partial outputs.

// Test helpers unwrap and panic: a failure there is a failed test.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "secrets/capture.rs"]
mod capture;
#[path = "secrets/seeds.rs"]
mod seeds;

use std::fmt::{Debug, Write as _};

use arazzo_runtime::{SecretString, WorkflowError};
use arazzo_tests::Failure;
use serde_json::json;

/// A step of a seed workflow and the operation its fake answers.
pub struct Step {
    pub id: &'static str,
    pub operation: &'static str,
    /// Whether `200 {}` fails the step (it reads a value or expects another status); a step that
    /// only checks for 200 passes with it, so that case is not run there.
    pub empty_200_fails: bool,
}

/// A failure the fake answers for `operation` instead of doing it.
pub struct Fault {
    pub operation: &'static str,
    pub failure: Failure,
}

/// What one run left behind.
pub struct Outcome {
    /// Everything the run could print, by where it came from (the capture is added by the driver).
    texts: Vec<(&'static str, String)>,
    /// The step the error names; `None` when the run succeeded.
    failed_at: Option<&'static str>,
    /// The error's `Display`, to check that an echoed credential was there and was scrubbed.
    error_text: String,
    /// Secrets the client holds before the run: credentials in `Config`, secret inputs.
    pub client_secrets: Vec<String>,
    /// Secrets only the fake holds before the run: keys it was seeded with.
    pub fake_secrets: Vec<String>,
    /// Secrets the fake created during the run (read from its state afterwards).
    pub minted: Vec<String>,
    /// Of those, the ones the caller must get back: in the outputs, or the partial outputs on failure.
    pub must_keep: Vec<String>,
    /// The secret values the run handed back, exposed.
    pub handed_back: Vec<String>,
}

impl Outcome {
    /// Collects `{:?}` of the result, the config and the outputs, or `{}`, `{:?}` and `{:#?}` of the
    /// error, `{:?}` of its step error and partial outputs, and its `source()` chain.
    pub fn new<O: Debug, P: Debug>(result: &Result<O, WorkflowError<P>>, config: &dyn Debug) -> Self {
        let mut texts = vec![("result {:?}", format!("{result:?}")), ("config {:?}", format!("{config:?}"))];
        let (failed_at, error_text) = match result {
            Ok(outputs) => {
                texts.push(("outputs {:?}", format!("{outputs:?}")));
                (None, String::new())
            }
            Err(error) => {
                texts.push(("error {}", error.to_string()));
                texts.push(("error {:?}", format!("{error:?}")));
                texts.push(("error {:#?}", format!("{error:#?}")));
                texts.push(("step error {:?}", format!("{:?}", error.error())));
                texts.push(("partial {:?}", format!("{:?}", error.partial())));
                let mut chain = String::new();
                let mut source = std::error::Error::source(error);
                while let Some(cause) = source {
                    let _ = write!(chain, "{cause} <- ");
                    source = cause.source();
                }
                texts.push(("source() chain", chain));
                (Some(error.step_id()), error.to_string())
            }
        };
        Outcome {
            texts,
            failed_at,
            error_text,
            client_secrets: Vec::new(),
            fake_secrets: Vec::new(),
            minted: Vec::new(),
            must_keep: Vec::new(),
            handed_back: Vec::new(),
        }
    }
}

/// The exposed values of the secrets that are `Some`.
pub fn exposed<'a>(secrets: impl IntoIterator<Item = &'a Option<SecretString>>) -> Vec<String> {
    secrets.into_iter().flatten().map(|secret| secret.expose_secret().to_owned()).collect()
}

/// `text` percent-encoded, keeping `keep` and ASCII alphanumerics; space as `+` when `plus`.
fn encoded(text: &str, keep: &[u8], plus: bool) -> String {
    let mut out = String::new();
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || keep.contains(&byte) {
            out.push(char::from(byte));
        } else if plus && byte == b' ' {
            out.push('+');
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A secret as it may appear: as is, as a path segment or cookie value (RFC 3986 unreserved
/// kept) and as query or form data (`application/x-www-form-urlencoded`).
fn forms(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned(), encoded(secret, b"-._~", false), encoded(secret, b"*-._", true)];
    forms.sort();
    forms.dedup();
    forms
}

/// Which failures to inject.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Faults {
    /// At each step: a 500 echoing `Authorization`, and a 200 without the value the step reads.
    Standard,
    /// At each step, one at a time: a 409 whose message quotes a secret the client holds (a
    /// credential, a secret input, or a secret an earlier step of the happy path obtained).
    Quoting,
}

/// One run to make.
struct Case {
    label: String,
    fault: Option<Fault>,
    /// The step the run must fail at; `None`: it must succeed.
    fails_at: Option<&'static str>,
    /// The body echoes the `Authorization` header, so the error must show `[REDACTED]`.
    echoes: bool,
}

impl Case {
    fn at(step: &Step, label: &str, failure: Failure, echoes: bool) -> Self {
        let fault = Fault { operation: step.operation, failure };
        Case { label: format!("{}: {label}", step.id), fault: Some(fault), fails_at: Some(step.id), echoes }
    }
}

#[derive(Default)]
pub struct Tally {
    runs: usize,
    /// Distinct secrets searched for, and the same with their encoded forms.
    secrets: Vec<String>,
    values: Vec<String>,
    checks: usize,
    kept: usize,
    leaks: Vec<String>,
}

impl Tally {
    fn assert_no_leak(&self) {
        assert!(self.leaks.is_empty(), "{} leaks:\n{}", self.leaks.len(), self.leaks.join("\n\n"));
    }
}

/// Runs `seed` on the happy path and then with each failure of `faults` at each step; checks
/// every run and prints a summary line.
async fn check_seed<F, Fut>(seed: &str, steps: &[Step], run: F, faults: Faults) -> Tally
where
    F: Fn(Option<Fault>) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let _serial = capture::SERIAL.lock().await;
    capture::install();
    let mut tally = Tally::default();
    let happy = Case { label: "happy path".to_owned(), fault: None, fails_at: None, echoes: false };
    let happy = check_run(seed, &run, happy, &mut tally).await;

    let mut cases = Vec::new();
    for step in steps {
        match faults {
            Faults::Standard => {
                let echo = Failure::status(500).json(json!({"error": "injected failure"})).echo_authorization();
                cases.push(Case::at(step, "500 echoing Authorization", echo, true));
                if step.empty_200_fails {
                    cases.push(Case::at(
                        step,
                        "200 without the value read",
                        Failure::status(200).json(json!({})),
                        false,
                    ));
                }
            }
            Faults::Quoting => {
                // One secret per body: an excerpt is cut at 200 characters, which could hide a second one.
                for (index, secret) in happy.client_secrets.iter().chain(&happy.minted).enumerate() {
                    let body = json!({"message": format!("conflict with {secret}")});
                    cases.push(Case::at(
                        step,
                        &format!("409 quoting secret #{index}"),
                        Failure::status(409).json(body),
                        false,
                    ));
                }
            }
        }
    }
    for case in cases {
        check_run(seed, &run, case, &mut tally).await;
    }

    for list in [&mut tally.secrets, &mut tally.values] {
        list.sort();
        list.dedup();
    }
    println!(
        "secrets: {seed}: {} runs, {} distinct secrets ({} values with their encoded forms), {} value x run \
         checks over every text of each run, {} minted secrets found in the outputs or partial outputs, {} leaks",
        tally.runs,
        tally.secrets.len(),
        tally.values.len(),
        tally.checks,
        tally.kept,
        tally.leaks.len()
    );
    tally
}

/// Makes one run and checks it: it fails where it should, the capture holds its spans, no secret
/// appears in any text, every secret the fake minted is handed back.
async fn check_run<F, Fut>(seed: &str, run: &F, case: Case, tally: &mut Tally) -> Outcome
where
    F: Fn(Option<Fault>) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let (outcome, log) = capture::capture(run(case.fault)).await;
    let at = format!("{seed}, {}", case.label);
    assert_eq!(outcome.failed_at, case.fails_at, "{at}: {}", outcome.error_text);
    // An empty capture would prove nothing: the workflow and step spans must be in it.
    for expected in [" arazzo.workflow: workflow_id=", " arazzo.step: workflow_id="] {
        assert!(log.contains(expected), "{at}: the capture lacks {expected:?}:\n{log}");
    }
    if let Some(step) = case.fails_at {
        assert!(log.contains(&format!("step_id={step} ")), "{at}: no span of the failed step:\n{log}");
    }
    if case.echoes {
        // The body did carry a credential, and it was scrubbed.
        assert!(outcome.error_text.contains("[REDACTED]"), "{at}: {}", outcome.error_text);
    }

    let secrets: Vec<&String> =
        outcome.client_secrets.iter().chain(&outcome.fake_secrets).chain(&outcome.minted).collect();
    assert!(secrets.iter().all(|secret| secret.len() >= 8), "{at}: a secret too short to search for");
    let needles: Vec<String> = secrets.iter().flat_map(|secret| forms(secret)).collect();
    let texts = outcome.texts.iter().map(|(name, text)| (*name, text.as_str())).chain([("capture", log.as_str())]);
    for (name, text) in texts {
        for needle in &needles {
            if text.contains(needle.as_str()) {
                tally.leaks.push(format!("{at}: {name} contains {needle:?}:\n{text}"));
            }
        }
    }
    tally.runs += 1;
    tally.checks += needles.len();
    tally.secrets.extend(secrets.into_iter().cloned());
    tally.values.extend(needles);

    // No secret lost.
    for secret in &outcome.must_keep {
        assert!(
            outcome.handed_back.contains(secret),
            "{at}: a secret minted by the fake is not handed back (outputs or partial outputs)"
        );
        tally.kept += 1;
    }
    outcome
}

#[tokio::test]
async fn svix_leaks_no_secret_and_loses_none() {
    check_seed("svix", seeds::SVIX_STEPS, seeds::svix, Faults::Standard).await.assert_no_leak();
}

#[tokio::test]
async fn propelauth_leaks_no_secret_and_loses_none() {
    check_seed("propelauth", seeds::PROPELAUTH_STEPS, seeds::propelauth, Faults::Standard).await.assert_no_leak();
}

#[tokio::test]
async fn deepgram_leaks_no_secret_and_loses_none() {
    check_seed("deepgram", seeds::DEEPGRAM_STEPS, seeds::deepgram, Faults::Standard).await.assert_no_leak();
}

#[tokio::test]
async fn apigee_leaks_no_secret_and_loses_none() {
    check_seed("apigee", seeds::APIGEE_STEPS, seeds::apigee, Faults::Standard).await.assert_no_leak();
}

#[tokio::test]
async fn backblaze_leaks_no_secret_and_loses_none() {
    check_seed("backblaze", seeds::BACKBLAZE_STEPS, seeds::backblaze, Faults::Standard).await.assert_no_leak();
}

/// A server that repeats, in a free-text message, a secret the request did not carry (a key an
/// earlier step created, a secret another step sent): the run remembers every secret it handled
/// and scrubs them all from later excerpts.
#[tokio::test]
async fn a_secret_quoted_by_a_later_error_body_is_scrubbed() {
    let tallies = [
        check_seed("svix", seeds::SVIX_STEPS, seeds::svix, Faults::Quoting).await,
        check_seed("propelauth", seeds::PROPELAUTH_STEPS, seeds::propelauth, Faults::Quoting).await,
        check_seed("deepgram", seeds::DEEPGRAM_STEPS, seeds::deepgram, Faults::Quoting).await,
        check_seed("apigee", seeds::APIGEE_STEPS, seeds::apigee, Faults::Quoting).await,
        check_seed("backblaze", seeds::BACKBLAZE_STEPS, seeds::backblaze, Faults::Quoting).await,
    ];
    // One line per leak (run, where, which value), then the first one in full.
    let leaks: Vec<&String> = tallies.iter().flat_map(|tally| &tally.leaks).collect();
    let lines: Vec<&str> = leaks.iter().filter_map(|leak| leak.lines().next()).collect();
    assert!(leaks.is_empty(), "{} leaks:\n{}\n\n{}", leaks.len(), lines.join("\n"), leaks[0]);
}
