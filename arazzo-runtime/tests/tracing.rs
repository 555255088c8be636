//! Tracing spans of a run. In its own test binary: tracing caches per-callsite interest
//! process-wide, so spans hit first by a concurrent test without a subscriber could be missed.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use arazzo_runtime::{Client, Method, Request, Run, SecretString, WorkflowError};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;

/// Two steps; the second is refused by the fake server.
async fn rotate(client: &Client, base_url: &str, admin_key: &SecretString) -> Result<(), WorkflowError<()>> {
    let mut run = Run::<()>::new("rotate-user-api-key", client);
    run.step("createKey", "createApiKey");
    let request = Request::new(Method::Post, "/fake/keys").bearer_auth(admin_key).query_param("user_id", "u-param");
    let response = run.send(base_url, request).await?;
    run.check(response.status() == 201, "$statusCode == 201", &response)?;
    run.step("deleteOldKey", "deleteApiKey");
    let request = Request::new(Method::Delete, "/fake/keys/{apiKeyId}")
        .path_param("apiKeyId", "old-key-value")
        .bearer_auth(admin_key);
    let response = run.send(base_url, request).await?;
    run.check(response.status() == 200, "$statusCode == 200", &response)
}

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
async fn spans_name_workflow_step_operation_and_status_but_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(move || writer.clone()).with_span_events(FmtSpan::CLOSE))
        .with(Targets::new().with_target("arazzo_runtime", tracing::Level::TRACE));
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = common::start().await;
    let admin = SecretString::from("admin-secret");
    let error = rotate(&Client::new(), &server.base_url, &admin).await.unwrap_err();
    drop(error);
    // A run that ends well.
    {
        let mut run = Run::<()>::new("create-only", &Client::new());
        run.step("createKey", "createApiKey");
        let request = Request::new(Method::Post, "/fake/keys").bearer_auth(&admin);
        let response = run.send(&server.base_url, request).await.unwrap();
        run.check(response.status() == 201, "$statusCode == 201", &response).unwrap();
    }

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        r#"arazzo.workflow{workflow_id="rotate-user-api-key"}"#,
        // Closed with its outcome once the run (and its error's run) ended.
        r#"arazzo.workflow{workflow_id="rotate-user-api-key" failed_step="deleteOldKey" outcome="failed" duration_ms="#,
        r#"arazzo.workflow{workflow_id="create-only" outcome="succeeded" duration_ms="#,
        r#"arazzo.step{workflow_id="rotate-user-api-key" step_id="createKey" operation="createApiKey" method="POST" path="/fake/keys" attempt=1 status=201 duration_ms="#,
        r#"step_id="deleteOldKey" operation="deleteApiKey" method="DELETE" path="/fake/keys/{apiKeyId}" attempt=1 status=500 duration_ms="#,
    ] {
        assert!(logs.contains(expected), "missing {expected} in:\n{logs}");
    }
    for leak in ["admin-secret", "tok_new", "old-key-value", "u-param", &server.base_url] {
        assert!(!logs.contains(leak), "{leak} leaked in:\n{logs}");
    }
}
