//! Generated workflows run with no server: a `DryRun` answers their requests with the responses a
//! real provider would give, in order, and records what they sent. Also how a user unit-tests their
//! own code that calls a generated workflow (the README's example).

// Test code: a failed unwrap or panic is a failed assertion.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use arazzo_generated::{
    backblaze_rotate_application_key as backblaze, propelauth_rotate_user_api_key as propelauth,
    svix_rotate_integration_key as svix,
};
use arazzo_runtime::{BasicCredentials, DryRun, DryRunResponse, SecretString, StepError};
use serde_json::json;

#[tokio::test]
async fn propelauth_rotates_against_queued_responses() {
    let dry_run = DryRun::new();
    dry_run
        // fetchActiveApiKeys (page_size=1: the most recent key only)
        .respond(DryRunResponse::json(
            200,
            json!({"api_keys": [{"api_key_id": "k_latest", "created_at": 1_700_000_200}], "total_api_keys": 2,
                   "current_page": 0, "page_size": 1, "has_more_results": true}),
        ))
        // deleteApiKey: 200 with an empty body
        .respond(DryRunResponse::status(200))
        // createApiKey
        .respond(DryRunResponse::json(201, json!({"api_key_id": "k_new", "api_key_token": "tok_new_secret"})));
    let config = propelauth::Config { api_keys_api: propelauth::ApiKeysApi::new() };
    let inputs = propelauth::RotateUserApiKeyInputs {
        backend_api_key: SecretString::from("bk_dry_run"),
        user_id: "user 1".into(),
        expires_at_seconds: Some(1_767_225_600),
    };

    let outputs = propelauth::rotate_user_api_key(&dry_run.client(), &config, &inputs).await.unwrap();

    assert_eq!(outputs.revoked_key_id, "k_latest");
    assert_eq!(outputs.new_key_id, "k_new");
    assert_eq!(outputs.new_key_token.expose_secret(), "tok_new_secret");
    let sent = dry_run.requests();
    let lines: Vec<(&str, &str, Option<&str>)> = sent.iter().map(|r| (r.method(), r.path(), r.query())).collect();
    assert_eq!(
        lines,
        [
            // Query data is form-encoded: the space as `+`.
            ("GET", "/api/backend/v1/end_user_api_keys", Some("user_id=user+1&page_size=1")),
            ("DELETE", "/api/backend/v1/end_user_api_keys/k_latest", None),
            ("POST", "/api/backend/v1/end_user_api_keys", None),
        ]
    );
    assert!(sent.iter().all(|r| r.header("authorization") == Some("Bearer bk_dry_run")));
    assert_eq!(sent[2].json(), Some(json!({"user_id": "user 1", "expires_at_seconds": 1_767_225_600})));
    assert_eq!(sent[2].header("content-type"), Some("application/json"));
    assert!(sent[0].body().is_empty() && sent[1].body().is_empty());
    assert_eq!(dry_run.pending_responses(), 0);
    // The recorded requests can be printed without showing the backend key.
    assert!(!format!("{sent:?}").contains("bk_dry_run"));
}

#[tokio::test]
async fn backblaze_sends_steps_two_and_three_to_the_api_url_the_first_response_names() {
    let dry_run = DryRun::new();
    dry_run
        .respond(DryRunResponse::json(
            200,
            json!({"accountId": "acct_1", "authorizationToken": "4_token_from_authorize",
                   "apiInfo": {"storageApi": {"apiUrl": "https://api005.backblazeb2.test/pod-7"}}}),
        ))
        .respond(DryRunResponse::json(
            200,
            json!({"applicationKeyId": "005new", "applicationKey": "K005newSecret", "keyName": "backup-2024"}),
        ))
        .respond(DryRunResponse::json(200, json!({"applicationKeyId": "005old", "keyName": "backup-2023"})));
    let credentials = BasicCredentials::new("0014a98f", SecretString::from("K001master"));
    let config = backblaze::Config { backblaze_b2: backblaze::BackblazeB2::new(credentials) };
    let inputs = backblaze::RotateApplicationKeyInputs {
        key_name: "backup-2024".into(),
        capabilities: vec!["readFiles".into()],
        old_application_key_id: "005old".into(),
    };

    let outputs = backblaze::rotate_application_key(&dry_run.client(), &config, &inputs).await.unwrap();

    assert_eq!(outputs.new_application_key_id, "005new");
    assert_eq!(outputs.new_application_key.expose_secret(), "K005newSecret");
    assert_eq!(outputs.deleted_key_id, "005old");
    let sent = dry_run.requests();
    assert_eq!(sent.len(), 3);
    assert_eq!((sent[0].method(), sent[0].path()), ("GET", "/b2api/v4/b2_authorize_account"));
    // base64("0014a98f:K001master"), computed by hand.
    assert_eq!(sent[0].header("authorization"), Some("Basic MDAxNGE5OGY6SzAwMW1hc3Rlcg=="));
    // The later steps went to the API URL the first response named, with the raw token.
    assert_eq!(sent[0].url(), "https://api.backblazeb2.com/b2api/v4/b2_authorize_account");
    assert_eq!(
        (sent[1].method(), sent[1].url()),
        ("POST", "https://api005.backblazeb2.test/pod-7/b2api/v4/b2_create_key")
    );
    assert_eq!(
        (sent[2].method(), sent[2].url()),
        ("POST", "https://api005.backblazeb2.test/pod-7/b2api/v4/b2_delete_key")
    );
    let steps: Vec<&str> = sent.iter().map(|request| request.step_id()).collect();
    assert_eq!(steps, ["authorize", "createReplacementKey", "deleteOldKey"]);
    assert_eq!(sent[1].header("authorization"), Some("4_token_from_authorize"));
    assert_eq!(sent[2].header("authorization"), Some("4_token_from_authorize"));
    assert_eq!(
        sent[1].json(),
        Some(json!({"accountId": "acct_1", "capabilities": ["readFiles"], "keyName": "backup-2024"}))
    );
    assert_eq!(sent[2].json(), Some(json!({"applicationKeyId": "005old"})));
}

#[tokio::test]
async fn a_request_with_no_queued_response_fails_its_step_with_a_transport_error() {
    let dry_run = DryRun::new();
    dry_run.respond(svix_integration());
    let error = svix::rotate_integration_key(&dry_run.client(), &svix_config(), &svix_inputs()).await.unwrap_err();

    assert_eq!(error.step_id(), "rotateKey");
    assert!(
        matches!(error.error(), StepError::Transport { message } if message.contains("no response left")),
        "{:?}",
        error.error()
    );
    assert!(error.to_string().contains("failed at step `rotateKey`"), "{error}");
    assert_eq!(error.partial().integration_id.as_deref(), Some("integ_1"));
    // The unanswered request was still recorded.
    assert_eq!(dry_run.requests().len(), 2);

    // A dry run can resume too: only the requests the checkpoint did not record need a response.
    let resumed = DryRun::new();
    resumed.respond(DryRunResponse::json(200, json!({"key": "integsk_new"}))).respond(svix_key("integsk_new"));
    let checkpoint = error.into_checkpoint();
    let outputs = svix::resume_rotate_integration_key(&resumed.client(), &svix_config(), &svix_inputs(), checkpoint)
        .await
        .unwrap();
    assert_eq!(outputs.integration_key.expose_secret(), "integsk_new");
    let paths: Vec<String> = resumed.requests().iter().map(|r| r.path().to_owned()).collect();
    assert_eq!(
        paths,
        ["/api/v1/app/app_1/integration/integ_1/key/rotate", "/api/v1/app/app_1/integration/integ_1/key"]
    );
}

fn svix_integration() -> DryRunResponse {
    DryRunResponse::json(200, json!({"id": "integ_1", "name": "Payments", "featureFlags": []}))
}

fn svix_key(key: &str) -> DryRunResponse {
    DryRunResponse::json(200, json!({ "key": key }))
}

fn svix_config() -> svix::Config {
    svix::Config { svix_api: svix::SvixApi::new("testsk_dry_run") }
}

fn svix_inputs() -> svix::RotateIntegrationKeyInputs {
    svix::RotateIntegrationKeyInputs { app_id: "app_1".into(), integration_id: "integ_1".into() }
}

// ---- The README example: unit-testing your own function that calls a generated workflow ----

mod readme_example {
    use arazzo_generated::svix_rotate_integration_key::{
        Config, RotateIntegrationKeyInputs, SvixApi, rotate_integration_key,
    };
    use arazzo_runtime::{Client, DryRun, DryRunResponse, SecretString};
    use serde_json::json;

    /// Your code: rotates an integration's key and keeps the new one in your secret store.
    pub async fn rotate_and_store(
        client: &Client,
        config: &Config,
        app_id: &str,
        store: &mut Vec<(String, SecretString)>,
    ) -> Result<(), Box<dyn std::error::Error>> {
        let inputs = RotateIntegrationKeyInputs { app_id: app_id.into(), integration_id: "integ_1".into() };
        let outputs = rotate_integration_key(client, config, &inputs).await?;
        store.push((outputs.integration_id, outputs.integration_key));
        Ok(())
    }

    #[tokio::test]
    async fn rotate_and_store_keeps_the_new_key() {
        let dry_run = DryRun::new();
        dry_run
            .respond(DryRunResponse::json(200, json!({"id": "integ_1", "name": "Payments"})))
            .respond(DryRunResponse::json(200, json!({"key": "integsk_new"})))
            .respond(DryRunResponse::json(200, json!({"key": "integsk_new"})));
        let config = Config { svix_api: SvixApi::new("testsk_123") };

        let mut store = Vec::new();
        rotate_and_store(&dry_run.client(), &config, "app_1", &mut store).await.unwrap();

        assert_eq!(store[0].0, "integ_1");
        assert_eq!(store[0].1.expose_secret(), "integsk_new");
        let sent = dry_run.requests();
        assert_eq!(sent[1].method(), "POST");
        assert_eq!(sent[1].path(), "/api/v1/app/app_1/integration/integ_1/key/rotate");
        assert_eq!(sent[1].header("authorization"), Some("Bearer testsk_123"));
    }

    #[tokio::test]
    async fn rotate_and_store_stores_nothing_when_the_rotation_fails() {
        let dry_run = DryRun::new();
        dry_run
            .respond(DryRunResponse::json(200, json!({"id": "integ_1", "name": "Payments"})))
            .respond(DryRunResponse::json(429, json!({"code": "rate_limited"})).header("retry-after", "60"));
        let config = Config { svix_api: SvixApi::new("testsk_123") };

        let mut store = Vec::new();
        let error = rotate_and_store(&dry_run.client(), &config, "app_1", &mut store).await.unwrap_err();

        assert!(store.is_empty());
        let text = error.to_string();
        assert!(text.contains("failed at step `rotateKey`") && text.contains("429"), "{text}");
        assert_eq!(dry_run.requests().len(), 2, "getKey was not sent");
    }
}
