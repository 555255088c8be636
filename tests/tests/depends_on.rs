//! Arazzo 1.1 step `dependsOn` against the fake Stock API (the golden module of
//! `depends-on.arazzo.yaml`): steps whose dependencies have succeeded run concurrently in the
//! workflow's task, a failure among them keeps what the others did, and resuming replays the
//! recorded responses, whatever order they arrived in, and sends only the missing request.

// Test code: a failed unwrap or panic is a failed assertion.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

include!("../../arazzo-codegen/tests/golden/depends_on.rs");

use std::time::{Duration, Instant};

use arazzo_runtime::{Client, SecretString, StepError};
use arazzo_tests::stock::{self, FakeStock, StockSeed, count_of};
use depends_on::{
    AuditInputs, Config, RotateAndCountInputs, Stock, ThreeRegionsChainedInputs, ThreeRegionsInputs, audit,
    resume_rotate_and_count, rotate_and_count, three_regions, three_regions_chained,
};
use serde_json::json;

const BEARER: &str = "stock_e2e_bearer";
const DELAY: Duration = Duration::from_millis(200);

async fn start(delay: Duration) -> FakeStock {
    stock::start(StockSeed { bearer: BEARER.into(), delay, ..StockSeed::default() }).await.unwrap()
}

fn config(fake: &FakeStock) -> Config {
    Config { stock: Stock::new(BEARER).with_base_url(&fake.fake.base_url) }
}

/// `METHOD path` of every request the fake received, in order of arrival.
fn requests(fake: &FakeStock) -> Vec<String> {
    fake.fake.requests().iter().map(|request| format!("{} {}", request.method, request.path)).collect()
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

#[tokio::test]
async fn three_independent_steps_of_200_ms_run_together() {
    let fake = start(DELAY).await;
    let started = Instant::now();
    let outputs = three_regions(&Client::new(), &config(&fake), &ThreeRegionsInputs {}).await.unwrap();
    let took = started.elapsed();
    // Chained they would take 600 ms at least; together about 200.
    assert!(took < Duration::from_millis(500), "took {took:?}");
    assert!(fake.most_at_once() >= 3, "the three reads overlapped at the server: {}", fake.most_at_once());
    assert_eq!(outputs.eu_count, count_of("eu"));
    assert_eq!(outputs.report_id, "rep_1");
    // The report waited for all three (`dependsOn`) and carries their counts.
    assert_eq!(fake.reports(), [json!({"eu": count_of("eu"), "us": count_of("us"), "ap": count_of("ap")})]);
    let sent = requests(&fake);
    assert_eq!(sent.last().map(String::as_str), Some("POST /v1/reports"));
    assert_eq!(
        sorted(sent[..3].to_vec()),
        ["GET /v1/warehouses/ap/stock", "GET /v1/warehouses/eu/stock", "GET /v1/warehouses/us/stock"]
    );
}

#[tokio::test]
async fn the_same_steps_without_depends_on_run_one_after_the_other() {
    let fake = start(DELAY).await;
    let started = Instant::now();
    three_regions_chained(&Client::new(), &config(&fake), &ThreeRegionsChainedInputs {}).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(600), "took {:?}", started.elapsed());
    assert_eq!(fake.most_at_once(), 1);
    assert_eq!(
        requests(&fake),
        [
            "GET /v1/warehouses/eu/stock",
            "GET /v1/warehouses/us/stock",
            "GET /v1/warehouses/ap/stock",
            "POST /v1/reports"
        ]
    );
}

#[tokio::test]
async fn a_failing_concurrent_step_keeps_what_the_others_did_and_resuming_sends_only_it() {
    let fake = start(Duration::from_millis(50)).await;
    fake.set_failing_regions(&["us"]);
    let error = rotate_and_count(&Client::new(), &config(&fake), &RotateAndCountInputs {}).await.unwrap_err();
    assert_eq!(error.step_id(), "stockUs");
    assert!(matches!(error.error(), StepError::CriterionFailed { status: 500, .. }), "{:?}", error.error());
    // The key created beside the failed read, and the other read, are in the partial outputs.
    let (key_id, key) = fake.keys()[0].clone();
    let partial = error.partial();
    assert_eq!(partial.key_id.as_deref(), Some(key_id.as_str()));
    assert_eq!(partial.create_key_new_key.as_ref().map(SecretString::expose_secret), Some(key.as_str()));
    assert_eq!(partial.eu_count, Some(count_of("eu")));
    assert_eq!(partial.us_count, None);
    assert!(!error.to_string().contains(&key) && !format!("{error:?}").contains(&key), "{error}");
    // The checkpoint holds every exchange but the failed one, in the order the steps are written.
    let checkpoint = error.into_checkpoint();
    let replayed: Vec<&str> = checkpoint.replayed_steps().map(|(_, step)| step).collect();
    assert_eq!(replayed, ["session", "createKey", "stockEu"]);
    let stored: arazzo_runtime::Checkpoint =
        serde_json::from_str(&serde_json::to_string(&checkpoint.expose_secrets()).unwrap()).unwrap();

    fake.set_failing_regions(&[]);
    let sent_before = fake.fake.requests().len();
    let outputs =
        resume_rotate_and_count(&Client::new(), &config(&fake), &RotateAndCountInputs {}, stored).await.unwrap();
    // Only the failed read was sent again, then the step after it; no second key.
    assert_eq!(requests(&fake)[sent_before..], ["GET /v1/warehouses/us/stock", "POST /v1/reports"]);
    assert_eq!(fake.keys().len(), 1);
    assert_eq!(outputs.key_id, key_id);
    assert_eq!((outputs.eu_count, outputs.us_count), (count_of("eu"), count_of("us")));
    assert_eq!(
        fake.reports(),
        [json!({"keyId": key_id, "eu": count_of("eu"), "us": count_of("us")})],
        "the replayed outputs reached the last step"
    );
}

/// A resumed run answers each concurrent step from its own recorded exchanges, so the record's
/// order does not matter: a checkpoint whose concurrent exchanges are stored in another order than
/// the steps are written resumes the same, without a request.
#[tokio::test]
async fn recorded_concurrent_exchanges_replay_in_any_order() {
    let fake = start(Duration::ZERO).await;
    let error = {
        // The fifth request is always the last step's (one, then three together, then it): a 503
        // there is left out of the checkpoint.
        let failing = start(Duration::ZERO).await;
        let config = Config { stock: Stock::new(BEARER).with_base_url(&failing.fake.base_url) };
        failing.fake.fail_request(5, arazzo_tests::Failure::status(503));
        rotate_and_count(&Client::new(), &config, &RotateAndCountInputs {}).await.unwrap_err()
    };
    assert_eq!(error.step_id(), "publish");
    let mut stored: serde_json::Value = serde_json::to_value(error.checkpoint().expose_secrets()).unwrap();
    let exchanges = stored["exchanges"].as_array_mut().unwrap();
    assert_eq!(exchanges.len(), 4);
    exchanges[1..4].reverse();
    let reordered: arazzo_runtime::Checkpoint = serde_json::from_value(stored).unwrap();
    let steps: Vec<&str> = reordered.replayed_steps().map(|(_, step)| step).collect();
    assert_eq!(steps, ["session", "stockUs", "stockEu", "createKey"]);

    let outputs =
        resume_rotate_and_count(&Client::new(), &config(&fake), &RotateAndCountInputs {}, reordered).await.unwrap();
    assert_eq!(requests(&fake), ["POST /v1/reports"], "only the failed step is sent");
    assert_eq!(outputs.report_id, "rep_1");
}

#[tokio::test]
async fn a_concurrent_step_may_call_a_workflow_with_concurrent_steps_of_its_own() {
    let fake = start(DELAY).await;
    let started = Instant::now();
    let outputs = audit(&Client::new(), &config(&fake), &AuditInputs {}).await.unwrap();
    // `regions` (three reads together, then the report) beside `session`, then `confirm`.
    assert!(started.elapsed() < Duration::from_millis(500), "took {:?}", started.elapsed());
    assert!(fake.most_at_once() >= 3);
    assert_eq!(outputs.report_id, "rep_1");
    assert_eq!(outputs.key_id, "key_1");
    let sent = requests(&fake);
    assert_eq!(sent.last().map(String::as_str), Some("POST /v1/keys"), "`confirm` waits for `report`");
    assert_eq!(sent.len(), 6);
}
