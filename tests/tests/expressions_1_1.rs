//! The golden module of `expressions-1-1.arazzo.yaml` (an Arazzo 1.1 document) against the fake
//! Pets API: its criteria follow 1.1's rules (two numeric strings ordered as numbers), and `$self`
//! and a dotted input name reach the wire.

include!("../../arazzo-codegen/tests/golden/expressions-1-1.rs");

use arazzo_runtime::{Client, StepError};
use arazzo_tests::pets::{self, PetsSeed};
use expressions_1_1::{Config, ExpressionsInputs, Pets, expressions};

const SELF: &str = "https://example.com/workflows/expressions-1-1.arazzo.yaml";

#[tokio::test]
async fn numeric_strings_are_ordered_as_numbers_under_1_1() {
    let fake = pets::start(PetsSeed { bearer: "b".into(), ..PetsSeed::default() }).await.unwrap();
    let config = Config { pets: Pets::new("b").with_base_url(&fake.base_url) };
    // The pet is named "10" (`$inputs.customer.name`); `'10' >= '9'` holds as numbers (1.1), where
    // the 1.0 rules order the texts and `'10' < '9'`.
    let inputs = ExpressionsInputs::builder().customer_name("10").minimum("9").build();
    let outputs = expressions(&Client::new(), &config, &inputs).await.unwrap();
    assert_eq!(outputs.name, "10");
    assert_eq!(outputs.self_, SELF);
    assert!(!arazzo_runtime::condition::compare(
        arazzo_runtime::condition::Compare::Ge,
        Some(&serde_json::json!("10")),
        Some(&serde_json::json!("9"))
    ));
    let body: serde_json::Value = serde_json::from_slice(&fake.requests()[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"name": "10", "origin": format!("made by {SELF}"), "spec": "./pets.openapi.yaml"})
    );

    // "10" < "90" as numbers: the criterion fails.
    let inputs = ExpressionsInputs::builder().customer_name("10").minimum("90").build();
    let error = expressions(&Client::new(), &config, &inputs).await.unwrap_err();
    assert!(matches!(error.error(), StepError::CriterionFailed { status: 201, .. }), "{:?}", error.error());
}
