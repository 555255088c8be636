//! Runs both workflows compiled from `workflows/` against a `DryRun`: the responses are the test's,
//! and every request the workflow would have sent is recorded instead of going over the network.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use arazzo_example_folder::{Provider, RotationError, rotate};
use arazzo_runtime::{DryRun, DryRunResponse};
use serde_json::json;

const SVIX_TOKEN: &str = "testsk_folder_example_token";
const APP: &str = "app_2Xm5gXQj3mcvfvAPDdS0gVQGWgS";
const INTEG: &str = "integ_1srOrx2ZWZBpBUvZwXKQmoEYga2";
const NEW_SVIX_KEY: &str = "integsk_NeW9k3yRotated0000000000000000";

const DEEPGRAM_KEY: &str = "3d7f1a9c5e2b8d4f6a0c7e1b9d3f5a8c2e6b4d0f";
const PROJECT: &str = "3f9d2a51-7c8e-4b6a-9d0f-1e2c3b4a5d6e";
const OLD_KEY_ID: &str = "1b2c3d4e-old-key";
const NEW_KEY_ID: &str = "9f8e7d6c-new-key";
const NEW_DEEPGRAM_SECRET: &str = "a2c4e6f8b1d3f5a7c9e0b2d4f6a8c1e3b5d7f9a0";

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    move |name| map.get(name).cloned()
}

fn svix_env() -> impl Fn(&str) -> Option<String> {
    env(&[("SVIX_TOKEN", SVIX_TOKEN), ("SVIX_APP_ID", APP), ("SVIX_INTEGRATION_ID", INTEG)])
}

fn deepgram_env(scopes: Option<&str>) -> impl Fn(&str) -> Option<String> + use<> {
    let mut pairs =
        vec![("DEEPGRAM_API_KEY", DEEPGRAM_KEY), ("DEEPGRAM_PROJECT_ID", PROJECT), ("DEEPGRAM_OLD_KEY_ID", OLD_KEY_ID)];
    if let Some(scopes) = scopes {
        pairs.push(("DEEPGRAM_SCOPES", scopes));
    }
    env(&pairs)
}

/// The response of `createProjectKey`, shaped as the description's `CreateKeyResponse`.
fn created_key() -> DryRunResponse {
    DryRunResponse::json(
        200,
        json!({
            "api_key_id": NEW_KEY_ID,
            "key": NEW_DEEPGRAM_SECRET,
            "comment": "rotated by arazzo-example-folder",
            "scopes": ["member"],
            "created": "2024-05-01T12:00:00Z",
        }),
    )
}

#[tokio::test]
async fn svix_rotation_reads_the_new_key_back() {
    let dry_run = DryRun::new();
    dry_run
        .respond(DryRunResponse::json(200, json!({ "id": INTEG, "name": "Payments" })))
        .respond(DryRunResponse::json(200, json!({ "key": NEW_SVIX_KEY })))
        .respond(DryRunResponse::json(200, json!({ "key": NEW_SVIX_KEY })));

    let key = rotate(&dry_run.client(), Provider::Svix, svix_env()).await.unwrap();

    assert_eq!(key.id, INTEG);
    assert_eq!(key.secret.expose_secret(), NEW_SVIX_KEY);
    let sent = dry_run.requests();
    let integration = format!("/api/v1/app/{APP}/integration/{INTEG}");
    let calls: Vec<(&str, &str)> = sent.iter().map(|r| (r.method(), r.path())).collect();
    assert_eq!(
        calls,
        [
            ("GET", integration.as_str()),
            ("POST", &format!("{integration}/key/rotate")),
            ("GET", &format!("{integration}/key"))
        ]
    );
    let bearer = format!("Bearer {SVIX_TOKEN}");
    assert!(sent.iter().all(|r| r.header("authorization") == Some(bearer.as_str())));
    assert_eq!(dry_run.pending_responses(), 0);
}

#[tokio::test]
async fn deepgram_rotation_creates_verifies_then_deletes_the_old_key() {
    let dry_run = DryRun::new();
    dry_run
        .respond(created_key())
        .respond(DryRunResponse::json(200, json!({ "api_keys": [] })))
        .respond(DryRunResponse::status(204));

    let key = rotate(&dry_run.client(), Provider::Deepgram, deepgram_env(Some("member, keys:read"))).await.unwrap();

    assert_eq!(key.id, NEW_KEY_ID);
    assert_eq!(key.secret.expose_secret(), NEW_DEEPGRAM_SECRET);
    let sent = dry_run.requests();
    let keys = format!("/v1/projects/{PROJECT}/keys");
    let calls: Vec<(&str, &str)> = sent.iter().map(|r| (r.method(), r.path())).collect();
    assert_eq!(calls, [("POST", keys.as_str()), ("GET", keys.as_str()), ("DELETE", &format!("{keys}/{OLD_KEY_ID}"))]);
    // The workflow writes the header itself, with Deepgram's `Token` scheme.
    let token = format!("Token {DEEPGRAM_KEY}");
    assert!(sent.iter().all(|r| r.header("authorization") == Some(token.as_str())));
    assert_eq!(
        sent[0].json(),
        Some(json!({ "comment": "rotated by arazzo-example-folder", "scopes": ["member", "keys:read"] }))
    );
}

#[tokio::test]
async fn a_deepgram_failure_after_the_creation_hands_back_the_new_key() {
    let dry_run = DryRun::new();
    // The error body quotes the new secret, as a careless server might.
    dry_run.respond(created_key()).respond(DryRunResponse::json(200, json!({ "api_keys": [] }))).respond(
        DryRunResponse::json(
            500,
            json!({ "err_code": "INTERNAL", "err_msg": format!("failed after {NEW_DEEPGRAM_SECRET}") }),
        ),
    );

    let error = rotate(&dry_run.client(), Provider::Deepgram, deepgram_env(None)).await.unwrap_err();

    let RotationError::Failed { message, new_key } = &error else { panic!("expected Failed, got {error:?}") };
    assert!(message.contains("`rotate-project-key`") && message.contains("`deleteOldKey`"), "{message}");
    assert!(message.contains("500"), "{message}");
    let new_key = new_key.as_ref().unwrap();
    assert_eq!(new_key.id, NEW_KEY_ID);
    assert_eq!(new_key.secret.expose_secret(), NEW_DEEPGRAM_SECRET);
    for text in [message.clone(), format!("{error:?}")] {
        assert!(!text.contains(NEW_DEEPGRAM_SECRET) && !text.contains(DEEPGRAM_KEY), "leaks a secret: {text}");
    }
    // DEEPGRAM_SCOPES unset: the default scope.
    assert_eq!(dry_run.requests()[0].json().unwrap()["scopes"], json!(["member"]));
}

#[tokio::test]
async fn a_missing_variable_is_named_and_nothing_is_sent() {
    let dry_run = DryRun::new();
    let env = env(&[("DEEPGRAM_API_KEY", DEEPGRAM_KEY), ("DEEPGRAM_PROJECT_ID", PROJECT)]);

    let error = rotate(&dry_run.client(), Provider::Deepgram, env).await.unwrap_err();

    assert!(matches!(error, RotationError::MissingVar("DEEPGRAM_OLD_KEY_ID")), "{error:?}");
    assert_eq!(error.to_string(), "the environment variable DEEPGRAM_OLD_KEY_ID is not set");
    assert!(dry_run.requests().is_empty());
}

#[test]
fn provider_names_parse() {
    assert_eq!("svix".parse::<Provider>().unwrap(), Provider::Svix);
    assert_eq!("deepgram".parse::<Provider>().unwrap().to_string(), "deepgram");
    assert_eq!(
        "apigee".parse::<Provider>().unwrap_err().to_string(),
        "unknown provider `apigee` (expected `svix` or `deepgram`)"
    );
}
