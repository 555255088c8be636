//! The generated Svix client against the fake Svix: rotate an integration key.

mod common;

use arazzo_generated::svix_rotate_integration_key::{
    Config, RotateIntegrationKeyInputs, SvixApi, rotate_integration_key,
};
use arazzo_runtime::{Client, SecretString, StepError};
use arazzo_tests::Failure;
use arazzo_tests::svix::{self, FakeSvix, SvixApp, SvixIntegration, SvixSeed};
use common::{Expected, assert_hides, assert_requests};
use serde_json::json;

const TOKEN: &str = "testsk_e2e_bearer_token";
const APP: &str = "app_2Xm5gXQj3mcvfvAPDdS0gVQGWgS";
const INTEG: &str = "integ_1srOrx2ZWZBpBUvZwXKQmoEYga2";
const ORIGINAL_KEY: &str = "integsk_kV3ts5tKPNJN4Dl25cMTfUNdmabxbX0O";

fn seed() -> SvixSeed {
    SvixSeed {
        tokens: vec![TOKEN.into()],
        apps: vec![SvixApp {
            id: APP.into(),
            uid: Some("billing app/eu".into()),
            integrations: vec![SvixIntegration {
                id: INTEG.into(),
                name: "Payments".into(),
                key: ORIGINAL_KEY.into(),
                feature_flags: vec![],
                created_at: "2024-03-01T10:00:00Z".into(),
                updated_at: "2024-03-02T10:00:00Z".into(),
            }],
        }],
    }
}

fn config(base_url: &str, token: &str) -> Config {
    Config { svix_api: SvixApi::new(SecretString::from(token)).with_base_url(base_url) }
}

fn inputs(app_id: &str) -> RotateIntegrationKeyInputs {
    RotateIntegrationKeyInputs { app_id: app_id.into(), integration_id: INTEG.into() }
}

/// The three requests of a full run for `app_path` (the app id as it must appear in the path).
fn expected_run(app_path: &str) -> [(String, &'static str); 3] {
    let integration = format!("/api/v1/app/{app_path}/integration/{INTEG}");
    [(integration.clone(), "GET"), (format!("{integration}/key/rotate"), "POST"), (format!("{integration}/key"), "GET")]
}

fn assert_full_run(fake: &FakeSvix, app_path: &str) {
    let auth = format!("Bearer {TOKEN}");
    let paths = expected_run(app_path);
    let expected: Vec<Expected<'_>> = paths
        .iter()
        .map(|(path, method)| Expected { method, path, query: None, authorization: Some(&auth), json: None })
        .collect();
    assert_requests(&fake.requests(), &expected);
}

#[tokio::test]
async fn rotates_the_key_and_returns_the_new_value() {
    let fake = svix::start(seed()).await.unwrap();
    let outputs = rotate_integration_key(&Client::new(), &config(&fake.base_url, TOKEN), &inputs(APP)).await.unwrap();

    assert_eq!(outputs.integration_id, INTEG);
    let current = fake.current_key(APP, INTEG).unwrap();
    assert_ne!(current, ORIGINAL_KEY);
    assert_eq!(outputs.integration_key.expose_secret(), current);
    assert_eq!(fake.rotations(), 1);
    assert_full_run(&fake, APP);
}

#[tokio::test]
async fn a_base_url_with_a_trailing_slash_gives_the_same_paths() {
    // The description's servers all end with `/` while its paths start with `/`.
    let fake = svix::start(seed()).await.unwrap();
    let base = format!("{}/", fake.base_url);
    rotate_integration_key(&Client::new(), &config(&base, TOKEN), &inputs(APP)).await.unwrap();
    assert_full_run(&fake, APP);
}

#[tokio::test]
async fn app_id_is_sent_as_one_percent_encoded_segment() {
    let fake = svix::start(seed()).await.unwrap();
    let outputs = rotate_integration_key(&Client::new(), &config(&fake.base_url, TOKEN), &inputs("billing app/eu"))
        .await
        .unwrap();
    assert_eq!(outputs.integration_key.expose_secret(), fake.current_key(APP, INTEG).unwrap());
    assert_full_run(&fake, "billing%20app%2Feu");
}

#[tokio::test]
async fn wrong_token_fails_at_the_first_step_with_401() {
    let fake = svix::start(seed()).await.unwrap();
    let wrong = "testsk_wrong_token_value";
    let err = rotate_integration_key(&Client::new(), &config(&fake.base_url, wrong), &inputs(APP)).await.unwrap_err();

    assert_eq!(err.workflow_id(), "rotate-integration-key");
    assert_eq!(err.step_id(), "getIntegration");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 401, .. }), "{:?}", err.error());
    let text = err.to_string();
    assert!(text.contains("401"), "{text}");
    assert!(text.contains("getIntegration"), "{text}");
    assert!(err.partial().integration_id.is_none());
    assert!(err.partial().integration_key.is_none());
    assert_hides(&err, &[wrong, TOKEN, ORIGINAL_KEY]);
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(fake.current_key(APP, INTEG).as_deref(), Some(ORIGINAL_KEY));
}

#[tokio::test]
async fn unknown_integration_fails_at_get_integration_with_404() {
    let fake = svix::start(seed()).await.unwrap();
    let inputs = RotateIntegrationKeyInputs { app_id: APP.into(), integration_id: "integ_missing".into() };
    let err = rotate_integration_key(&Client::new(), &config(&fake.base_url, TOKEN), &inputs).await.unwrap_err();
    assert_eq!(err.step_id(), "getIntegration");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 404, .. }), "{:?}", err.error());
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn failed_rotation_keeps_the_integration_id_as_partial_output() {
    let fake = svix::start(seed()).await.unwrap();
    fake.fail_operation(
        "v1.integration.rotate-key",
        Failure::status(429).json(json!({"code": "rate_limited", "detail": "slow down"})),
    );
    let err = rotate_integration_key(&Client::new(), &config(&fake.base_url, TOKEN), &inputs(APP)).await.unwrap_err();

    assert_eq!(err.step_id(), "rotateKey");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 429, .. }), "{:?}", err.error());
    assert_eq!(err.partial().integration_id.as_deref(), Some(INTEG));
    assert!(err.partial().integration_key.is_none());
    assert_eq!(fake.requests().len(), 2);
    assert_eq!(fake.current_key(APP, INTEG).as_deref(), Some(ORIGINAL_KEY));
    assert_hides(&err, &[TOKEN, ORIGINAL_KEY]);
}

#[tokio::test]
async fn a_failure_after_the_rotation_still_hands_back_the_rotated_key() {
    let fake = svix::start(seed()).await.unwrap();
    fake.fail_operation("v1.integration.get-key", Failure::status(503).json(json!({"code": "unavailable"})));
    let err = rotate_integration_key(&Client::new(), &config(&fake.base_url, TOKEN), &inputs(APP)).await.unwrap_err();

    assert_eq!(err.step_id(), "getKey");
    let rotated = fake.current_key(APP, INTEG).unwrap();
    assert_ne!(rotated, ORIGINAL_KEY);
    // The workflow output comes from the failed step, but the key the rotation minted is kept.
    assert!(err.partial().integration_key.is_none());
    let kept = err.partial().rotate_key_rotated_key.as_ref().expect("the rotated key is in the partial outputs");
    assert_eq!(kept.expose_secret(), rotated);
    assert_hides(&err, &[TOKEN, ORIGINAL_KEY, &rotated]);
}

#[tokio::test]
async fn an_error_body_echoing_secrets_is_scrubbed() {
    let fake = svix::start(seed()).await.unwrap();
    // A misbehaving server repeats the caller's token and a key in its error body.
    fake.fail_operation(
        "v1.integration.get-key",
        Failure::status(500)
            .json(json!({"code": "server_error", "detail": format!("token {TOKEN} rejected"), "key": ORIGINAL_KEY})),
    );
    let err = rotate_integration_key(&Client::new(), &config(&fake.base_url, TOKEN), &inputs(APP)).await.unwrap_err();
    assert_eq!(err.step_id(), "getKey");
    assert!(err.to_string().contains("500"), "{err}");
    let rotated = fake.current_key(APP, INTEG).unwrap();
    assert_hides(&err, &[TOKEN, ORIGINAL_KEY, &rotated]);
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error_without_the_url() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let base = format!("http://127.0.0.1:{port}");
    let err = rotate_integration_key(&Client::new(), &config(&base, TOKEN), &inputs(APP)).await.unwrap_err();

    assert_eq!(err.step_id(), "getIntegration");
    assert!(matches!(err.error(), StepError::Transport { .. }), "{:?}", err.error());
    assert_hides(&err, &[TOKEN, &port.to_string(), APP]);
}
