//! A straight-line workflow whose steps are functions of their own (the golden module of
//! `many-reads.arazzo.yaml`) against the fake Stock API: each step gets the earlier outputs it
//! reads (the session id copied into the first reader, taken by the second), a step reads six of
//! them, and a failure keeps the partial outputs of the steps before it; resuming sends only the rest.

// Test code: a failed unwrap or panic is a failed assertion.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

include!("../../arazzo-codegen/tests/golden/many-reads.rs");

use arazzo_runtime::{Client, StepError};
use arazzo_tests::stock::{self, FakeStock, StockSeed, count_of};
use many_reads::{Config, SixRegionsInputs, Stock, resume_six_regions, six_regions};
use serde_json::json;

const BEARER: &str = "stock_steps_bearer";
const REGIONS: [&str; 6] = ["eu", "us", "ap", "af", "sa", "me"];

async fn start() -> FakeStock {
    stock::start(StockSeed { bearer: BEARER.into(), ..StockSeed::default() }).await.unwrap()
}

fn config(fake: &FakeStock) -> Config {
    Config { stock: Stock::new(BEARER).with_base_url(&fake.fake.base_url) }
}

/// `METHOD path [X-Session]` of every request the fake received, in order.
fn requests(fake: &FakeStock) -> Vec<String> {
    let requests = fake.fake.requests();
    requests
        .iter()
        .map(|request| {
            let session = request.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("x-session"));
            let session = session.map(|(_, value)| format!(" {value}")).unwrap_or_default();
            format!("{} {}{session}", request.method, request.path)
        })
        .collect()
}

fn all_counts() -> serde_json::Value {
    json!({"eu": count_of("eu"), "us": count_of("us"), "ap": count_of("ap"),
           "af": count_of("af"), "sa": count_of("sa"), "me": count_of("me")})
}

#[tokio::test]
async fn each_step_gets_the_outputs_it_reads() {
    let fake = start().await;
    let outputs = six_regions(&Client::new(), &config(&fake), &SixRegionsInputs {}).await.unwrap();
    assert_eq!(outputs.eu_count, count_of("eu"));
    assert_eq!(outputs.report_id, "rep_1");
    let mut expected = vec!["POST /v1/sessions".to_owned()];
    for (index, region) in REGIONS.iter().enumerate() {
        // The first two reads send the session the first step opened.
        let session = if index < 2 { " sess_1" } else { "" };
        expected.push(format!("GET /v1/warehouses/{region}/stock{session}"));
    }
    expected.push("POST /v1/reports".to_owned());
    assert_eq!(requests(&fake), expected);
    assert_eq!(fake.reports(), [all_counts()]);
}

#[tokio::test]
async fn a_failed_step_keeps_the_outputs_before_it_and_resuming_sends_only_the_rest() {
    let fake = start().await;
    fake.set_failing_regions(&["sa"]);
    let error = six_regions(&Client::new(), &config(&fake), &SixRegionsInputs {}).await.unwrap_err();
    assert_eq!(error.step_id(), "sa");
    assert!(matches!(error.error(), StepError::CriterionFailed { status: 500, .. }), "{:?}", error.error());
    assert_eq!(error.partial().eu_count, Some(count_of("eu")));
    assert_eq!(error.partial().report_id, None);
    let checkpoint = error.into_checkpoint();
    let replayed: Vec<&str> = checkpoint.replayed_steps().map(|(_, step)| step).collect();
    assert_eq!(replayed, ["session", "eu", "us", "ap", "af"]);

    fake.set_failing_regions(&[]);
    let sent_before = fake.fake.requests().len();
    let outputs = resume_six_regions(&Client::new(), &config(&fake), &SixRegionsInputs {}, checkpoint).await.unwrap();
    assert_eq!(
        requests(&fake)[sent_before..],
        ["GET /v1/warehouses/sa/stock", "GET /v1/warehouses/me/stock", "POST /v1/reports"]
    );
    assert_eq!((outputs.eu_count, outputs.report_id.as_str()), (count_of("eu"), "rep_1"));
    // The replayed outputs reached the last step.
    assert_eq!(fake.reports(), [all_counts()]);
}
