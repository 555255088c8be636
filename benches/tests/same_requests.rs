//! The hand-written clients are a fair baseline only if they send what the generated clients send:
//! each seed runs three times with each client against identical fresh fakes, and every request
//! must match (method, raw path, query, headers, body bytes). Three runs also prove that the
//! scenarios chain (each run's old key is the previous run's new one) and so can run forever.

// Test code: a failed setup or a mismatch should stop the test loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use arazzo_benches::scenario::apigee::Apigee;
use arazzo_benches::scenario::backblaze::Backblaze;
use arazzo_benches::scenario::deepgram::Deepgram;
use arazzo_benches::scenario::propelauth::PropelAuth;
use arazzo_benches::scenario::svix::Svix;
use arazzo_benches::scenario::{Scenario, Variant};
use arazzo_tests::RecordedRequest;

const RUNS: usize = 3;

async fn requests<S: Scenario>(variant: Variant) -> Vec<RecordedRequest> {
    let mut scenario = S::start().await.unwrap();
    for run in 0..RUNS {
        scenario.execute(variant).await.unwrap_or_else(|error| panic!("{} run {run}: {error}", S::NAME));
    }
    scenario.recorder().requests()
}

/// Headers in a comparable form: sorted, without `host` (each fake listens on its own port).
fn headers(request: &RecordedRequest) -> Vec<(String, String)> {
    let mut headers: Vec<_> = request.headers.iter().filter(|(name, _)| name != "host").cloned().collect();
    headers.sort();
    headers
}

async fn same_requests<S: Scenario>() {
    let generated = requests::<S>(Variant::Generated).await;
    let handwritten = requests::<S>(Variant::Handwritten).await;
    assert_eq!(generated.len(), RUNS * S::STEPS as usize, "{}: generated request count", S::NAME);
    assert_eq!(handwritten.len(), generated.len(), "{}: hand-written request count", S::NAME);
    for (index, (g, h)) in generated.iter().zip(&handwritten).enumerate() {
        let at = format!("{} request #{index} ({} {})", S::NAME, g.method, g.path);
        assert_eq!((g.server, &g.method, &g.path, &g.query), (h.server, &h.method, &h.path, &h.query), "{at}");
        assert_eq!(headers(g), headers(h), "{at}: headers");
        assert_eq!(String::from_utf8_lossy(&g.body), String::from_utf8_lossy(&h.body), "{at}: body");
    }
}

#[tokio::test]
async fn svix_sends_the_same_requests() {
    same_requests::<Svix>().await;
}

#[tokio::test]
async fn propelauth_sends_the_same_requests() {
    same_requests::<PropelAuth>().await;
}

#[tokio::test]
async fn deepgram_sends_the_same_requests() {
    same_requests::<Deepgram>().await;
}

#[tokio::test]
async fn apigee_sends_the_same_requests() {
    same_requests::<Apigee>().await;
}

#[tokio::test]
async fn backblaze_sends_the_same_requests() {
    same_requests::<Backblaze>().await;
}

#[tokio::test]
async fn the_raw_round_trip_reads_the_integration() {
    let svix = Svix::start().await.unwrap();
    let bytes = svix.raw_round_trip().await.unwrap();
    assert!(bytes > 0);
    assert_eq!(svix.recorder().requests().len(), 1);
}
