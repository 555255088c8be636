//! The golden module of `v1-1-requests.arazzo.yaml` (Arazzo 1.1) against a loopback server: whole
//! query strings as they arrive on the wire, step timeouts that fire (and the failure actions that
//! follow them), and action `parameters` reaching the workflow an action runs.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arazzo_runtime::{Client, StepError};
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::routing::{get, post};
use serde_json::json;

include!("../../arazzo-codegen/tests/golden/v1-1-requests.rs");

use v1_1_requests::{
    CallSlowlyInputs, Config, ProbeOrNotifyInputs, Search, SearchEverywhereFilters, SearchEverywhereInputs,
    WaitForItInputs, WaitOrFallBackInputs, call_slowly, probe_or_notify, search_everywhere, wait_for_it,
    wait_or_fall_back,
};

/// What the fake was sent, and how it answers.
#[derive(Default)]
struct Fake {
    /// `path?query` of every request, the query raw as it arrived.
    received: Mutex<Vec<String>>,
    /// How long `GET /slow` takes, per request in turn (then 0).
    slow: Mutex<Vec<u64>>,
    /// The statuses of `GET /status`, in turn (then 200).
    statuses: Mutex<Vec<u16>>,
}

impl Fake {
    fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }
}

async fn record(fake: &Fake, uri: &Uri) {
    let line = match uri.query() {
        Some(query) => format!("{}?{query}", uri.path()),
        None => uri.path().to_owned(),
    };
    fake.received.lock().unwrap().push(line);
}

async fn start(fake: Fake) -> (String, Arc<Fake>) {
    let fake = Arc::new(fake);
    async fn search(State(fake): State<Arc<Fake>>, uri: Uri) -> String {
        record(&fake, &uri).await;
        json!({"count": 3}).to_string()
    }
    async fn slow(State(fake): State<Arc<Fake>>, uri: Uri) -> String {
        record(&fake, &uri).await;
        let delay = {
            let mut slow = fake.slow.lock().unwrap();
            if slow.is_empty() { 0 } else { slow.remove(0) }
        };
        tokio::time::sleep(Duration::from_millis(delay)).await;
        json!({"ok": true}).to_string()
    }
    async fn status(State(fake): State<Arc<Fake>>, uri: Uri) -> StatusCode {
        record(&fake, &uri).await;
        let status = {
            let mut statuses = fake.statuses.lock().unwrap();
            if statuses.is_empty() { 200 } else { statuses.remove(0) }
        };
        StatusCode::from_u16(status).unwrap()
    }
    async fn notify(State(fake): State<Arc<Fake>>, uri: Uri) -> StatusCode {
        record(&fake, &uri).await;
        StatusCode::NO_CONTENT
    }
    let app = axum::Router::new()
        .route("/search", get(search))
        .route("/search/json", get(search))
        .route("/search/path", get(search))
        .route("/slow", get(slow))
        .route("/status", get(status))
        .route("/notify", post(notify))
        .with_state(Arc::clone(&fake));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), fake)
}

fn config(base_url: &str) -> Config {
    Config { search: Search::new().with_base_url(base_url) }
}

#[tokio::test]
async fn each_query_string_arrives_as_its_media_type_writes_it() {
    let (base_url, fake) = start(Fake::default()).await;
    let inputs = SearchEverywhereInputs {
        // `&`, `=`, `#` and `+` in a value cannot add a field or end the query.
        term: "a&b=c #1+\"q\"".into(),
        limit: 20,
        filters: SearchEverywhereFilters { term: Some("red shoes".into()), sort: Some("asc".into()) },
    };
    let outputs = search_everywhere(&Client::new(), &config(&base_url), &inputs).await.unwrap();
    assert_eq!((outputs.text_count, outputs.json_count), (3, 3));
    assert_eq!(
        fake.received(),
        [
            // Form text as written, the embedded values form-encoded.
            "/search?term=a%26b%3Dc+%231%2B%22q%22&limit=20&sort=desc",
            // An object as form fields.
            "/search?term=red+shoes&sort=asc",
            // JSON text, the string value escaped as JSON, then percent-encoded whole (OpenAPI 3.2).
            "/search/json?%7B%22term%22%3A%20%22a%26b%3Dc%20%231%2B%5C%22q%5C%22%22%2C%20%22limit%22%3A%2020%7D",
            // Another media type: percent-encoded whole.
            "/search/path?%24.items%5B%3F%40.name%20%3D%3D%20%27x%27%5D",
        ]
    );
}

#[tokio::test]
async fn a_step_timeout_fails_the_attempt_and_its_retry_sends_it_again() {
    // The first answer takes 2 s, far past the step's 200 ms; the retry is answered at once.
    let (base_url, fake) = start(Fake { slow: Mutex::new(vec![2_000]), ..Fake::default() }).await;
    let started = Instant::now();
    let outputs = wait_for_it(&Client::new(), &config(&base_url), &WaitForItInputs {}).await.unwrap();
    assert!(outputs.ok);
    assert_eq!(fake.received(), ["/slow", "/slow"]);
    assert!(started.elapsed() < Duration::from_millis(1_500), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_step_that_keeps_timing_out_fails_naming_the_step_and_its_limit() {
    let (base_url, fake) = start(Fake { slow: Mutex::new(vec![2_000, 2_000]), ..Fake::default() }).await;
    let error = wait_for_it(&Client::new(), &config(&base_url), &WaitForItInputs {}).await.unwrap_err();
    assert_eq!(error.step_id(), "wait");
    assert_eq!(error.error(), &StepError::StepTimeout { step: "wait", limit: Duration::from_millis(200) });
    assert_eq!(
        error.to_string(),
        "workflow `waitForIt` failed at step `wait`: step `wait` took longer than its `timeout` of 200 ms"
    );
    // The first attempt and the retry; a timed-out request has no response to keep, so a resume
    // would send it again (docs/RESUME.md).
    assert_eq!(fake.received(), ["/slow", "/slow"]);
    assert_eq!(error.checkpoint().replayed_steps().count(), 0);
}

#[tokio::test]
async fn a_step_timeout_leads_to_the_goto_of_its_failure_actions() {
    let (base_url, fake) = start(Fake { slow: Mutex::new(vec![2_000]), ..Fake::default() }).await;
    wait_or_fall_back(&Client::new(), &config(&base_url), &WaitOrFallBackInputs {}).await.unwrap();
    assert_eq!(fake.received(), ["/slow", "/status"]);
}

#[tokio::test]
async fn a_step_timeout_bounds_the_whole_run_of_the_workflow_it_calls() {
    // Each attempt of the called workflow's step stays under its own 200 ms until the calling step's
    // 300 ms run out: the first after 200 ms, the retry 100 ms later.
    let (base_url, fake) = start(Fake { slow: Mutex::new(vec![2_000, 2_000]), ..Fake::default() }).await;
    let started = Instant::now();
    let error = call_slowly(&Client::new(), &config(&base_url), &CallSlowlyInputs {}).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(290) && elapsed < Duration::from_millis(1_500), "{elapsed:?}");
    assert_eq!(error.step_id(), "call");
    let StepError::Workflow { workflow_id, step_id, error: inner } = error.error() else {
        panic!("{:?}", error.error())
    };
    assert_eq!((*workflow_id, *step_id), ("waitForIt", "wait"));
    assert_eq!(**inner, StepError::StepTimeout { step: "call", limit: Duration::from_millis(300) });
    assert_eq!(fake.received(), ["/slow", "/slow"]);
}

#[tokio::test]
async fn action_parameters_are_the_inputs_of_the_workflow_the_action_runs() {
    // 503, then 503 again: the retry runs `notifyTeam` first (its `reason` from the parameters, `who`
    // and `attempts` shared by name), then the goto hands over to it with both given.
    let (base_url, fake) = start(Fake { statuses: Mutex::new(vec![503, 503]), ..Fake::default() }).await;
    let inputs = ProbeOrNotifyInputs { who: "ana".into(), attempts: Some(2) };
    let error = probe_or_notify(&Client::new(), &config(&base_url), &inputs).await.unwrap_err();
    // After a failure, handing over still fails the workflow with the step's error.
    assert_eq!(error.step_id(), "probe");
    assert_eq!(
        fake.received(),
        [
            "/status",
            "/notify?who=ana&reason=retrying+ana%27s+probe&attempts=2",
            "/status",
            "/notify?who=on-call&reason=probe+failed&attempts=2",
        ]
    );
}
