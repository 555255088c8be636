//! The golden module of `lenient.arazzo.yaml` (tolerant readings, issue 14) run through `DryRun`,
//! which prepares each request exactly as the network transport does: what is sent, what a
//! comparison written as a `jsonpath` query decides, and the typed error an absent optional input
//! gives before anything is sent; the inputs of a workflow that declares none, read from the names it uses.

include!("../../arazzo-codegen/tests/golden/lenient.rs");

use arazzo_runtime::{DryRun, DryRunResponse, StepError};
use lenient::{
    Buckets, CheckBucketInputs, Config, CountItemsInputs, CountNamedBucketInputs, check_bucket, count_items,
    count_named_bucket,
};
use serde_json::json;

fn config() -> Config {
    // `apiKeyAuth` is not declared in the description: the settings take no credential.
    Config { buckets: Buckets::new().with_base_url("http://127.0.0.1:9") }
}

fn inputs(bucket: Option<&str>, note: Option<&str>) -> CheckBucketInputs {
    CheckBucketInputs { bucket: bucket.map(str::to_string), note: note.map(str::to_string) }
}

const READY: &str = "$.ok == true && $.status == 'ready' (jsonpath on $response.body)";

#[tokio::test]
async fn a_comparison_in_a_jsonpath_criterion_tests_the_context() {
    let dry_run = DryRun::new();
    dry_run
        .respond(DryRunResponse::json(200, json!({"ok": true, "status": "ready", "count": 2})))
        .respond(DryRunResponse::json(200, json!({"total": 1, "items": [{"id": "a"}]})));
    let outputs = check_bucket(&dry_run.client(), &config(), &inputs(Some("b1"), Some("hi"))).await.unwrap();
    assert_eq!(outputs.count, 2);
    // The response schema of `items` is a dangling `$ref`: the output is JSON.
    assert_eq!(outputs.items, json!([{"id": "a"}]));

    let sent = dry_run.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].path(), "/buckets/b1/status");
    assert_eq!(sent[0].header("x-note"), Some("note hi"));
    // The undeclared scheme adds nothing.
    assert_eq!(sent[0].header("authorization"), None);
    assert_eq!(sent[1].path(), "/buckets/b1/items");
}

#[tokio::test]
async fn the_comparison_failing_fails_the_step_with_the_criterion_as_written() {
    // RFC 9535 compares strings exactly: `Ready` is not `ready`.
    for body in [json!({"ok": false, "status": "ready"}), json!({"ok": true, "status": "Ready"}), json!({})] {
        let dry_run = DryRun::new();
        dry_run.respond(DryRunResponse::json(200, body.clone()));
        let error = check_bucket(&dry_run.client(), &config(), &inputs(Some("b1"), Some("hi"))).await.unwrap_err();
        assert_eq!(error.step_id(), "status");
        assert!(
            matches!(error.error(), StepError::CriterionFailed { criterion, status: 200, .. } if *criterion == READY),
            "{body}: {:?}",
            error.error()
        );
    }
    // `$.total > 0` on a total of 0.
    let dry_run = DryRun::new();
    dry_run
        .respond(DryRunResponse::json(200, json!({"ok": true, "status": "ready", "count": 0})))
        .respond(DryRunResponse::json(200, json!({"total": 0, "items": []})));
    let error = check_bucket(&dry_run.client(), &config(), &inputs(Some("b1"), Some("hi"))).await.unwrap_err();
    assert_eq!(error.step_id(), "items");
    assert!(matches!(error.error(), StepError::CriterionFailed { .. }), "{:?}", error.error());
}

#[tokio::test]
async fn an_absent_optional_input_the_request_needs_fails_before_anything_is_sent() {
    for (bucket, note, missing) in [(None, Some("hi"), "inputs.bucket"), (Some("b1"), None, "inputs.note")] {
        let dry_run = DryRun::new();
        dry_run.respond(DryRunResponse::json(200, json!({"ok": true, "status": "ready", "count": 1})));
        let error = check_bucket(&dry_run.client(), &config(), &inputs(bucket, note)).await.unwrap_err();
        assert_eq!(error.step_id(), "status");
        assert!(
            matches!(error.error(), StepError::InvalidRequest { message } if message.contains(missing)),
            "{:?}",
            error.error()
        );
        assert!(dry_run.requests().is_empty(), "nothing is sent");
    }
}

/// `count-items` declares no `inputs`: the names it reads are required inputs, JSON values (the
/// secret-named one a secret), sent and compared as any input is.
#[tokio::test]
async fn a_workflow_without_inputs_takes_the_inputs_it_reads() {
    let inputs = |expected_total: serde_json::Value| CountItemsInputs {
        bucket: json!("b1"),
        access_token: arazzo_runtime::SecretString::from("t0ken"),
        expected_total,
    };
    let dry_run = DryRun::new();
    dry_run.respond(DryRunResponse::json(200, json!({"total": 3, "items": []})));
    let outputs = count_items(&dry_run.client(), &config(), &inputs(json!(3))).await.unwrap();
    assert_eq!(outputs.total, json!(3));
    assert_eq!(outputs.bucket, json!("b1"));
    let sent = dry_run.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path(), "/buckets/b1/items");
    assert_eq!(sent[0].header("authorization"), Some("Bearer t0ken"));
    // The secret stays out of what can be printed.
    assert!(!format!("{:?}", inputs(json!(3))).contains("t0ken"));

    // `$response.body#/total == $inputs.expectedTotal` with 4 expected: the criterion fails.
    let dry_run = DryRun::new();
    dry_run.respond(DryRunResponse::json(200, json!({"total": 3, "items": []})));
    let error = count_items(&dry_run.client(), &config(), &inputs(json!(4))).await.unwrap_err();
    assert!(matches!(error.error(), StepError::CriterionFailed { .. }), "{:?}", error.error());
}

/// A workflow that calls `count-items` passes those inputs by name, as it would declared ones.
#[tokio::test]
async fn a_caller_passes_the_inputs_a_workflow_without_inputs_reads() {
    let dry_run = DryRun::new();
    dry_run.respond(DryRunResponse::json(200, json!({"total": 1, "items": []})));
    let inputs = CountNamedBucketInputs { name: "named".into() };
    let outputs = count_named_bucket(&dry_run.client(), &config(), &inputs).await.unwrap();
    assert_eq!(outputs.total, json!(1));
    let sent = dry_run.requests();
    assert_eq!(sent[0].path(), "/buckets/named/items");
    assert_eq!(sent[0].header("authorization"), Some("Bearer fixed-token"));
}
