//! Tracing events of a run: retries, gotos and responses replayed from a checkpoint. In its own
//! test binary, like `tracing.rs`: tracing caches per-callsite interest process-wide.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use arazzo_runtime::{DryRun, DryRunResponse, Method, Request, Run};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn retries_gotos_and_replays_are_events_of_the_step() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(move || writer.clone()).with_ansi(false))
        .with(Targets::new().with_target("arazzo_runtime", tracing::Level::TRACE));
    let _guard = tracing::subscriber::set_default(subscriber);

    // A first run: a 503, a retry, a 200, then a goto; it fails at the next step.
    let dry_run = DryRun::new();
    dry_run
        .respond(DryRunResponse::status(503).body("busy sk_secret_body"))
        .respond(DryRunResponse::json(200, serde_json::json!({"id": "k1"})))
        .respond(DryRunResponse::status(500));
    let client = dry_run.client();
    let mut run = Run::<()>::new("w", &client);
    run.step("create", "createKey");
    let busy = run.attempt("http://api.test", Request::new(Method::Post, "/keys")).await.unwrap();
    run.retry_wait(Some(&busy), Some(0.0), 1, 2).await.unwrap();
    let created = run.attempt("http://api.test", Request::new(Method::Post, "/keys")).await.unwrap();
    assert_eq!(created.status(), 200);
    run.goto("check");
    run.step("check", "getKey");
    let failed = run.send("http://api.test", Request::new(Method::Get, "/keys/k1")).await.unwrap();
    let error = run.check(failed.status() == 200, "$statusCode == 200", &failed).unwrap_err();

    // Resuming from its checkpoint replays the two `create` responses.
    let replay = DryRun::new();
    replay.respond(DryRunResponse::status(200));
    let resumed = replay.client().resuming(error.into_checkpoint());
    let mut again = Run::<()>::new("w", &resumed);
    again.step("create", "createKey");
    again.attempt("http://api.test", Request::new(Method::Post, "/keys")).await.unwrap();
    again.retry_wait(None, Some(30.0), 1, 2).await.unwrap(); // no wait while replaying
    again.attempt("http://api.test", Request::new(Method::Post, "/keys")).await.unwrap();
    assert_eq!(replay.requests().len(), 0, "both create responses came from the checkpoint");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        r#"arazzo.step{workflow_id="w" step_id="create" operation="createKey" method="POST" path="/keys" attempt=1 status=503"#,
        "retrying step attempt=1 limit=2 delay_ms=0",
        // The retried request records its attempt on the same span (fmt appends re-recorded fields).
        r#"method="POST" path="/keys" attempt=2 status=200"#,
        r#"goto target="check""#,
        "response replayed from the checkpoint",
    ] {
        assert!(logs.contains(expected), "missing {expected} in:\n{logs}");
    }
    assert!(!logs.contains("sk_secret_body"), "a body leaked into the trace:\n{logs}");
}

#[tokio::test]
async fn a_called_workflow_is_traced_inside_the_step_that_called_it() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(move || writer.clone()).with_ansi(false))
        .with(Targets::new().with_target("arazzo_runtime", tracing::Level::TRACE));
    let _guard = tracing::subscriber::set_default(subscriber);

    let dry_run = DryRun::new();
    dry_run.respond(DryRunResponse::status(200));
    let mut outer = Run::<()>::new("outer", &dry_run.client());
    outer.step("lookup", "workflow inner");
    // As generated code calls a workflow: a new run over the client the calling run hands on.
    let mut inner = Run::<()>::new("inner", outer.client());
    inner.step("read", "getPet");
    inner.send("http://api.test", Request::new(Method::Get, "/pets/1")).await.unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // fmt prints an event's spans from the root: the inner workflow sits under the outer step.
    let chain = r#"arazzo.workflow{workflow_id="outer"}:arazzo.step{workflow_id="outer" step_id="lookup" operation="workflow inner"}:arazzo.workflow{workflow_id="inner"}:arazzo.step{workflow_id="inner" step_id="read""#;
    assert!(logs.contains(chain), "missing {chain} in:\n{logs}");
}
