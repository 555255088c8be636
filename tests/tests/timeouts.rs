//! Timeouts against a server that answers slowly: the per-request timeout, the whole-workflow
//! timeout across several steps, a retry wait longer than the time left, and the defaults. Each test
//! takes under a second.

// Test code: a failed unwrap or panic is a failed assertion.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

include!("../../arazzo-codegen/tests/golden/actions.rs");

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arazzo_generated::svix_rotate_integration_key::{
    Config, RotateIntegrationKeyInputs, SvixApi, resume_rotate_integration_key, rotate_integration_key,
};
use arazzo_runtime::{
    Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_WORKFLOW_TIMEOUT, DryRun, Run, StepError,
};
use arazzo_tests::pets::{self, PetsSeed};
use axum::extract::State;
use axum::http::Uri;
use serde_json::{Value, json};

/// A reqwest client of the test's own. arazzo-runtime's `rustls` feature builds reqwest with rustls
/// but leaves the crypto provider to whoever builds a client (it hands ring to its own clients),
/// so a client built with reqwest directly needs a provider installed for the process first, as
/// an application's would (see arazzo-runtime/src/transport/tls.rs).
fn reqwest_client() -> reqwest::Client {
    // Err when one is installed already: that one serves.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

const APP: &str = "app_slow";
const INTEG: &str = "integ_slow";

/// A Svix stand-in that waits before answering. Each of its three routes takes the next delay of
/// its queue (none left: it answers at once). A rotation counts as done when its request arrives,
/// before the wait: a client that gives up during the wait does not undo it.
#[derive(Default)]
struct Slow {
    get_integration: Mutex<VecDeque<Duration>>,
    rotate: Mutex<VecDeque<Duration>>,
    get_key: Mutex<VecDeque<Duration>>,
    rotations: AtomicUsize,
    /// `METHOD path` of every request received.
    received: Mutex<Vec<String>>,
}

impl Slow {
    fn new(get_integration: &[u64], rotate: &[u64], get_key: &[u64]) -> Arc<Self> {
        let queue = |millis: &[u64]| Mutex::new(millis.iter().copied().map(Duration::from_millis).collect());
        Arc::new(Self {
            get_integration: queue(get_integration),
            rotate: queue(rotate),
            get_key: queue(get_key),
            ..Self::default()
        })
    }

    fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }

    fn rotations(&self) -> usize {
        self.rotations.load(Ordering::SeqCst)
    }
}

async fn answer(State(slow): State<Arc<Slow>>, method: axum::http::Method, uri: Uri) -> axum::Json<Value> {
    let path = uri.path();
    slow.received.lock().unwrap().push(format!("{method} {path}"));
    let queue = if path.ends_with("/key/rotate") {
        slow.rotations.fetch_add(1, Ordering::SeqCst);
        &slow.rotate
    } else if path.ends_with("/key") {
        &slow.get_key
    } else {
        &slow.get_integration
    };
    let delay = queue.lock().unwrap().pop_front();
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    // Every step reads what it needs from this one shape: `/id` or `/key`.
    axum::Json(json!({ "id": INTEG, "key": format!("integsk_{}", slow.rotations()) }))
}

/// Serves `slow` on 127.0.0.1; returns its base URL.
async fn serve(slow: &Arc<Slow>) -> String {
    let app = axum::Router::new().fallback(answer).with_state(Arc::clone(slow));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn config(base_url: &str) -> Config {
    Config { svix_api: SvixApi::new("testsk_timeouts").with_base_url(base_url) }
}

fn inputs() -> RotateIntegrationKeyInputs {
    RotateIntegrationKeyInputs { app_id: APP.into(), integration_id: INTEG.into() }
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[tokio::test]
async fn a_request_slower_than_the_request_timeout_fails_its_step_with_timeout() {
    let slow = Slow::new(&[], &[2_000], &[]);
    let base = serve(&slow).await;
    let client = Client::builder().request_timeout(ms(200)).build();

    let started = Instant::now();
    let error = rotate_integration_key(&client, &config(&base), &inputs()).await.unwrap_err();
    let elapsed = started.elapsed();

    assert_eq!(error.step_id(), "rotateKey");
    assert_eq!(error.error(), &StepError::Timeout);
    assert_eq!(
        error.to_string(),
        "workflow `rotate-integration-key` failed at step `rotateKey`: the request timed out"
    );
    assert!(elapsed >= ms(200) && elapsed < ms(1_500), "{elapsed:?}");
    assert_eq!(error.partial().integration_id.as_deref(), Some(INTEG));
    assert!(error.partial().rotate_key_rotated_key.is_none());
}

#[tokio::test]
async fn steps_each_within_the_request_timeout_fail_once_the_workflow_timeout_is_spent() {
    // 100 + 100 + 700 ms, each under the 1 s request timeout; the third ends past the 500 ms limit.
    let slow = Slow::new(&[100], &[100], &[700]);
    let base = serve(&slow).await;
    let client = Client::builder().request_timeout(ms(1_000)).workflow_timeout(ms(500)).build();

    let started = Instant::now();
    let error = rotate_integration_key(&client, &config(&base), &inputs()).await.unwrap_err();
    let elapsed = started.elapsed();

    assert_eq!(error.step_id(), "getKey");
    assert_eq!(error.error(), &StepError::WorkflowTimeout { limit: ms(500) });
    assert!(error.to_string().contains("longer than its limit of 0.5 s"), "{error}");
    // Cut at the deadline, not when the slow response would have come (about 900 ms).
    assert!(elapsed >= ms(500) && elapsed < ms(850), "{elapsed:?}");
    // What the first two steps produced is handed back.
    assert_eq!(error.partial().integration_id.as_deref(), Some(INTEG));
    let rotated = error.partial().rotate_key_rotated_key.as_ref().unwrap();
    assert_eq!(rotated.expose_secret(), "integsk_1");
    assert_eq!(slow.received().len(), 3);

    // Resuming gets a new deadline and does not rotate again.
    let checkpoint = error.into_checkpoint();
    let outputs = resume_rotate_integration_key(&client, &config(&base), &inputs(), checkpoint).await.unwrap();
    assert_eq!(outputs.integration_key.expose_secret(), "integsk_1");
    assert_eq!(slow.rotations(), 1);
}

/// The same with a reqwest client the runtime did not build, whose request timeout it cannot know:
/// the run bounds each request with a timer of its own.
#[tokio::test]
async fn the_workflow_timeout_holds_for_a_client_built_from_reqwest() {
    let slow = Slow::new(&[100], &[100], &[700]);
    let base = serve(&slow).await;
    let client = Client::from_reqwest(reqwest_client()).with_workflow_timeout(ms(500));

    let started = Instant::now();
    let error = rotate_integration_key(&client, &config(&base), &inputs()).await.unwrap_err();
    let elapsed = started.elapsed();

    assert_eq!(error.step_id(), "getKey");
    assert_eq!(error.error(), &StepError::WorkflowTimeout { limit: ms(500) });
    assert!(elapsed >= ms(500) && elapsed < ms(850), "{elapsed:?}");
    assert_eq!(slow.received().len(), 3);
}

/// A limitation of resuming: a step whose request the server acted on but whose response never came
/// (a timeout) is not in the checkpoint, so resuming sends it again.
#[tokio::test]
async fn a_step_that_timed_out_after_the_server_acted_is_sent_again_on_resume() {
    let slow = Slow::new(&[], &[2_000], &[]);
    let base = serve(&slow).await;
    let client = Client::builder().request_timeout(ms(200)).build();

    let error = rotate_integration_key(&client, &config(&base), &inputs()).await.unwrap_err();
    assert_eq!(error.step_id(), "rotateKey");
    assert_eq!(slow.rotations(), 1, "the server rotated before the client gave up");
    let checkpoint = error.into_checkpoint();
    let replayed: Vec<_> = checkpoint.replayed_steps().map(|(_, step)| step.to_owned()).collect();
    assert_eq!(replayed, ["getIntegration"]);

    let outputs = resume_rotate_integration_key(&client, &config(&base), &inputs(), checkpoint).await.unwrap();
    assert_eq!(slow.rotations(), 2);
    assert_eq!(outputs.integration_key.expose_secret(), "integsk_2");
}

/// The actions fixture retries `create` on a 503 after `retryAfter: 0.01` s, or after the response's
/// `Retry-After` (here 30 s). With 2 s for the whole run, waiting 30 s cannot end in time, so the
/// step fails at once instead of sleeping into the deadline.
#[tokio::test]
async fn a_retry_that_would_wait_past_the_deadline_fails_at_once() {
    let fake = pets::start(pets_seed(Some("30"))).await.unwrap();
    let client = Client::new().with_workflow_timeout(ms(2_000));

    let started = Instant::now();
    let error = actions::adopt_when_ready(&client, &pets_config(&fake), &adopt_inputs()).await.unwrap_err();
    let elapsed = started.elapsed();

    assert_eq!(error.step_id(), "create");
    assert_eq!(error.error(), &StepError::WorkflowTimeout { limit: ms(2_000) });
    assert!(elapsed < ms(1_000), "failed at once, not at the deadline: {elapsed:?}");
    assert_eq!(fake.create_attempts(), 1, "not retried");

    // Without the header the document's 0.01 s fits in the same limit: retried, and the run ends.
    let fake = pets::start(pets_seed(None)).await.unwrap();
    actions::adopt_when_ready(&client, &pets_config(&fake), &adopt_inputs()).await.unwrap();
    assert_eq!(fake.create_attempts(), 2);
}

/// The first `createPet` answers 503, with `Retry-After: retry_after` if given.
fn pets_seed(retry_after: Option<&str>) -> PetsSeed {
    PetsSeed {
        bearer: "pets_bearer".into(),
        api_key: "pets_api_key".into(),
        busy_creates: 1,
        retry_after: retry_after.map(str::to_owned),
        ..PetsSeed::default()
    }
}

fn pets_config(fake: &pets::FakePets) -> actions::Config {
    actions::Config { pets: actions::Pets::new("pets_bearer", "pets_api_key").with_base_url(&fake.base_url) }
}

fn adopt_inputs() -> actions::AdoptWhenReadyInputs {
    actions::AdoptWhenReadyInputs { name: "Biscuit".into() }
}

/// The document's own `retryAfter`, as generated code passes it to [`Run::retry_wait`], is held
/// against the time left the same way; a short one waits as usual.
#[tokio::test]
async fn a_document_retry_after_longer_than_the_time_left_fails_at_once() {
    let client = DryRun::new().client().with_workflow_timeout(ms(2_000));
    let mut run = Run::<()>::new("w", &client);
    run.step("s", "op");

    let started = Instant::now();
    run.retry_wait(None, Some(0.05), 1, 3).await.unwrap();
    assert!(started.elapsed() >= ms(50));
    let error = run.retry_wait(None, Some(5.0), 2, 3).await.unwrap_err();
    assert!(started.elapsed() < ms(1_000), "failed at once: {:?}", started.elapsed());
    assert_eq!((error.workflow_id(), error.step_id()), ("w", "s"));
    assert_eq!(error.error(), &StepError::WorkflowTimeout { limit: ms(2_000) });
}

#[test]
fn the_defaults_are_sane_and_configurable() {
    assert_eq!(DEFAULT_REQUEST_TIMEOUT, Duration::from_secs(30));
    assert_eq!(DEFAULT_CONNECT_TIMEOUT, Duration::from_secs(10));
    assert_eq!(DEFAULT_WORKFLOW_TIMEOUT, Duration::from_secs(600));
    assert_eq!(Client::new().workflow_timeout(), DEFAULT_WORKFLOW_TIMEOUT);
    assert_eq!(Client::default().workflow_timeout(), DEFAULT_WORKFLOW_TIMEOUT);
    assert_eq!(DryRun::new().client().workflow_timeout(), DEFAULT_WORKFLOW_TIMEOUT);
    let reqwest_based = Client::from_reqwest(reqwest_client());
    assert_eq!(reqwest_based.workflow_timeout(), DEFAULT_WORKFLOW_TIMEOUT);

    let built = Client::builder().request_timeout(ms(100)).workflow_timeout(Duration::from_secs(42)).try_build();
    assert_eq!(built.unwrap().workflow_timeout(), Duration::from_secs(42));
    assert_eq!(Client::new().with_workflow_timeout(ms(250)).workflow_timeout(), ms(250));
}
