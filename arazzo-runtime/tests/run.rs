//! Runs of a small hand-written workflow, the shape generated code takes.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use arazzo_runtime::{Client, Method, Request, Run, SecretString, StepError, WorkflowError, json};

#[derive(Clone, Debug, Default)]
struct RotatePartial {
    new_key_id: Option<String>,
    new_key_token: Option<SecretString>,
}

#[derive(Debug)]
#[allow(dead_code)] // read only by a real caller
struct RotateOutputs {
    new_key_id: String,
    new_key_token: SecretString,
}

/// Creates a key, then deletes the old one (which the fake server refuses with a 500 whose body
/// echoes the Authorization header).
async fn rotate(
    client: &Client,
    base_url: &str,
    admin_key: &SecretString,
    old_key_id: &str,
) -> Result<RotateOutputs, WorkflowError<RotatePartial>> {
    let mut run = Run::<RotatePartial>::new("rotate-user-api-key", client);

    run.step("createKey", "createApiKey");
    let request =
        Request::new(Method::Post, "/fake/keys").bearer_auth(admin_key).json_body(&json::object([("user_id", &"u1")]));
    let response = run.send(base_url, request).await?;
    run.check(response.status() == 201, "$statusCode == 201", &response)?;
    let new_key_id: String = run.output(&response, "/api_key_id")?;
    let new_key_token: SecretString = run.output(&response, "/api_key_token")?;
    run.partial.new_key_id = Some(new_key_id.clone());
    run.partial.new_key_token = Some(new_key_token.clone());

    run.step("deleteOldKey", "deleteApiKey");
    let request =
        Request::new(Method::Delete, "/fake/keys/{apiKeyId}").path_param("apiKeyId", old_key_id).bearer_auth(admin_key);
    let response = run.send(base_url, request).await?;
    run.check(response.status() == 200, "$statusCode == 200", &response)?;

    Ok(RotateOutputs { new_key_id, new_key_token })
}

#[tokio::test]
async fn a_failed_step_hands_back_the_outputs_of_the_steps_before_it() {
    let server = common::start().await;
    let admin = SecretString::from("admin-secret");
    let error = rotate(&Client::new(), &server.base_url, &admin, "old1").await.unwrap_err();

    assert_eq!(error.workflow_id(), "rotate-user-api-key");
    assert_eq!(error.step_id(), "deleteOldKey");
    assert_eq!(
        error.to_string(),
        "workflow `rotate-user-api-key` failed at step `deleteOldKey`: expected `$statusCode == 200` to hold, \
         but the response status was 500 (body: cannot delete old1 with Bearer [REDACTED])"
    );
    let debug = format!("{error:?}");
    assert!(!debug.contains("admin-secret") && !debug.contains("tok_new"), "{debug}");
    assert!(matches!(error.error(), StepError::CriterionFailed { status: 500, .. }));

    let partial = error.into_partial();
    assert_eq!(partial.new_key_id.as_deref(), Some("new1"));
    assert_eq!(partial.new_key_token.map(|t| t.expose_secret().to_owned()).as_deref(), Some("tok_new"));
}

#[tokio::test]
async fn a_missing_output_names_the_step_and_the_pointer() {
    let server = common::start().await;
    let mut run = Run::<RotatePartial>::new("rotate-user-api-key", &Client::new());
    run.step("fetchActiveKeys", "fetchActiveApiKeys");
    let response = run.send(&server.base_url, Request::new(Method::Get, "/fake/keys")).await.unwrap();
    run.check(response.status() == 200, "$statusCode == 200", &response).unwrap();
    let error = run.output::<String>(&response, "/api_keys/0/api_key_id").unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow `rotate-user-api-key` failed at step `fetchActiveKeys`: \
         no value at JSON pointer `/api_keys/0/api_key_id` in the response body"
    );
    let header = run.header_output(&response, "x-request-id").unwrap_err();
    assert_eq!(header.error(), &StepError::MissingHeader { name: "x-request-id" });
    assert_eq!(run.header_output(&response, "content-type").unwrap(), "application/json");
}

#[tokio::test]
async fn fail_builds_an_error_for_the_current_step() {
    let mut run = Run::<RotatePartial>::new("w", &Client::new());
    assert_eq!(run.fail(StepError::Timeout).step_id(), "");
    run.step("s1", "op");
    run.partial.new_key_id = Some("k".into());
    let error = run.fail(StepError::Decode { message: "bad".into() });
    assert_eq!(error.step_id(), "s1");
    assert_eq!(error.partial().new_key_id.as_deref(), Some("k"));
    assert_eq!(run.step_id(), "s1");
    assert_eq!(run.workflow_id(), "w");
}

#[test]
fn runs_futures_and_errors_can_cross_threads() {
    fn assert_send<T: Send>(_: &T) {}
    fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}
    let client = Client::new();
    let admin = SecretString::from("k");
    let future = rotate(&client, "http://127.0.0.1:9", &admin, "old");
    assert_send(&future);
    assert_error::<WorkflowError<RotatePartial>>();
    let _boxed: Box<dyn std::error::Error + Send + Sync> =
        Box::new(WorkflowError::new("w", "s", StepError::Timeout, RotatePartial::default()));
}

#[tokio::test]
async fn a_secret_from_an_earlier_step_is_scrubbed_from_a_later_error() {
    use arazzo_runtime::{DryRun, DryRunResponse};
    let dry_run = DryRun::new();
    dry_run
        .respond(DryRunResponse::json(200, serde_json::json!({"key": "integsk_rotated_value"})))
        .respond(DryRunResponse::json(409, serde_json::json!({"detail": "key integsk_rotated_value is too new"})));
    let client = dry_run.client();
    let mut run = Run::<()>::new("w", &client);
    run.step("rotate", "rotateKey");
    let rotate = Request::new(Method::Post, "/rotate").secrets_in_response(&["/key"]);
    let response = run.send("http://api.test", rotate).await.unwrap();
    let _key: SecretString = run.output(&response, "/key").unwrap();
    run.step("read", "getKey");
    let response = run.send("http://api.test", Request::new(Method::Get, "/key")).await.unwrap();
    let error = run.check(response.status() == 200, "$statusCode == 200", &response).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("integsk_rotated_value"), "{shown}");
    assert!(shown.contains("key [REDACTED] is too new"), "{shown}");
}
