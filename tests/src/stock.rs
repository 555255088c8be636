//! Fake Stock: the four operations of the codegen fixture `stock.openapi.yaml` (`openSession`,
//! `getStock`, `createKey`, `publishReport`), for Arazzo 1.1 step `dependsOn`. Every stock read takes
//! the seed's `delay`, and the fake counts how many requests it serves at once, so that a test can
//! tell steps that ran concurrently from steps that ran one after the other. Every request needs
//! `Authorization: Bearer <bearer>` (401 otherwise).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::server::{self, Fake, Shared, authorization, json_response};

/// Initial state and script of a fake Stock API.
#[derive(Clone, Debug)]
pub struct StockSeed {
    pub bearer: String,
    /// How long each `getStock` takes to answer.
    pub delay: Duration,
    /// Regions whose `getStock` answers `500` (after the delay).
    pub failing_regions: Vec<String>,
}

impl Default for StockSeed {
    fn default() -> Self {
        StockSeed { bearer: "stock_bearer".into(), delay: Duration::ZERO, failing_regions: Vec::new() }
    }
}

/// Current state.
#[derive(Debug)]
pub struct StockState {
    pub bearer: String,
    pub delay: Duration,
    pub failing_regions: Vec<String>,
    /// Keys created so far, in order: `(id, key)`.
    pub keys: Vec<(String, String)>,
    pub sessions: u64,
    pub reports: Vec<Value>,
}

/// The fake and its concurrency gauge.
pub struct FakeStock {
    pub fake: Fake<StockState>,
    gauge: Arc<Gauge>,
}

/// Requests being served now, and the most at once so far.
#[derive(Debug, Default)]
struct Gauge {
    now: AtomicUsize,
    most: AtomicUsize,
}

/// Counts one request while it is served.
struct Serving<'a>(&'a Gauge);

impl<'a> Serving<'a> {
    fn start(gauge: &'a Gauge) -> Self {
        let now = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
        gauge.most.fetch_max(now, Ordering::SeqCst);
        Serving(gauge)
    }
}

impl Drop for Serving<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

type AppState = (Arc<Shared<StockState>>, Arc<Gauge>);

/// Starts a fake Stock API; its `base_url` is `http://127.0.0.1:<port>/v1`.
pub async fn start(seed: StockSeed) -> std::io::Result<FakeStock> {
    let shared = Shared::new(StockState {
        bearer: seed.bearer,
        delay: seed.delay,
        failing_regions: seed.failing_regions,
        keys: Vec::new(),
        sessions: 0,
        reports: Vec::new(),
    });
    let gauge = Arc::new(Gauge::default());
    let router = Router::new()
        .route("/v1/sessions", post(open_session))
        .route("/v1/warehouses/{region}/stock", get(get_stock))
        .route("/v1/keys", post(create_key))
        .route("/v1/reports", post(publish_report))
        .fallback(|| async { json_response(StatusCode::NOT_FOUND, json!({"error": "not found"})) })
        .with_state((shared.clone(), gauge.clone()));
    let handle = server::spawn(router, shared.recorder.clone(), "stock").await?;
    let fake = Fake { base_url: format!("http://{}/v1", handle.addr), handle, shared };
    Ok(FakeStock { fake, gauge })
}

impl FakeStock {
    /// The most requests the fake served at the same time so far.
    pub fn most_at_once(&self) -> usize {
        self.gauge.most.load(Ordering::SeqCst)
    }

    /// The keys created so far, `(id, key)`.
    pub fn keys(&self) -> Vec<(String, String)> {
        self.fake.shared.state().keys.clone()
    }

    /// The reports published so far.
    pub fn reports(&self) -> Vec<Value> {
        self.fake.shared.state().reports.clone()
    }

    /// From now on, `getStock` of these regions answers 500.
    pub fn set_failing_regions(&self, regions: &[&str]) {
        self.fake.shared.state().failing_regions = regions.iter().map(|region| (*region).to_owned()).collect();
    }
}

fn authorized(shared: &Shared<StockState>, headers: &HeaderMap) -> Result<(), Response> {
    let expected = format!("Bearer {}", shared.state().bearer);
    if authorization(headers) == Some(expected.as_str()) {
        Ok(())
    } else {
        Err(json_response(StatusCode::UNAUTHORIZED, json!({"error": "unauthorized"})))
    }
}

async fn open_session(State((shared, gauge)): State<AppState>, headers: HeaderMap) -> Response {
    let _serving = Serving::start(&gauge);
    if let Err(refused) = authorized(&shared, &headers) {
        return refused;
    }
    let mut state = shared.state();
    state.sessions += 1;
    json_response(StatusCode::CREATED, json!({"id": format!("sess_{}", state.sessions)}))
}

/// The count of a region: the sum of its name's bytes, a value the tests can predict.
pub fn count_of(region: &str) -> i64 {
    region.bytes().map(i64::from).sum()
}

async fn get_stock(
    State((shared, gauge)): State<AppState>,
    Path(region): Path<String>,
    headers: HeaderMap,
) -> Response {
    let _serving = Serving::start(&gauge);
    if let Err(refused) = authorized(&shared, &headers) {
        return refused;
    }
    let (delay, failing) = {
        let state = shared.state();
        (state.delay, state.failing_regions.contains(&region))
    };
    tokio::time::sleep(delay).await;
    if failing {
        return json_response(StatusCode::INTERNAL_SERVER_ERROR, json!({"error": "warehouse unreachable"}));
    }
    json_response(StatusCode::OK, json!({"count": count_of(&region)}))
}

async fn create_key(State((shared, gauge)): State<AppState>, headers: HeaderMap) -> Response {
    let _serving = Serving::start(&gauge);
    if let Err(refused) = authorized(&shared, &headers) {
        return refused;
    }
    let mut state = shared.state();
    let n = state.keys.len() + 1;
    let (id, key) = (format!("key_{n}"), server::fake_hex("stock-key", n as u64, 24));
    state.keys.push((id.clone(), key.clone()));
    json_response(StatusCode::CREATED, json!({"id": id, "key": key}))
}

async fn publish_report(
    State((shared, gauge)): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let _serving = Serving::start(&gauge);
    if let Err(refused) = authorized(&shared, &headers) {
        return refused;
    }
    let Ok(report) = serde_json::from_slice::<Value>(&body) else {
        return json_response(StatusCode::BAD_REQUEST, json!({"error": "not JSON"}));
    };
    let mut state = shared.state();
    state.reports.push(report);
    json_response(StatusCode::CREATED, json!({"id": format!("rep_{}", state.reports.len())}))
}
