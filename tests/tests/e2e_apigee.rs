//! The generated Apigee client against the fake Apigee: create a consumer key, grant it an API
//! product, revoke the old key.

mod common;

use arazzo_generated::apigee_rotate_app_key::{ApigeeApiManagement, Config, RotateAppKeyInputs, rotate_app_key};
use arazzo_runtime::{Client, SecretString, StepError};
use arazzo_tests::Failure;
use arazzo_tests::apigee::{self, ApigeeApp, ApigeeKey, ApigeeSeed, FakeApigee};
use common::{Expected, assert_hides, assert_requests};
use serde_json::json;

const TOKEN: &str = "ya29.e2e-oauth-access-token";
const ORG: &str = "acme-prod";
const DEVELOPER: &str = "dev@example.com";
const APP: &str = "billing-app";
const PRODUCT: &str = "payments-gold";
// Consumer keys may hold characters that must be percent-encoded in a path segment.
const OLD_KEY: &str = "oldKey+/=A1";
const OLD_SECRET: &str = "old-consumer-secret-e2e";
const NEW_KEY: &str = "NewKey+/=B2";
const NEW_SECRET: &str = "new-consumer-secret-e2e";

fn seed() -> ApigeeSeed {
    ApigeeSeed {
        tokens: vec![TOKEN.into()],
        products: vec![PRODUCT.into()],
        apps: vec![ApigeeApp {
            organization: ORG.into(),
            developer_email: DEVELOPER.into(),
            developer_id: "5f1e2d3c-developer".into(),
            name: APP.into(),
            app_id: "8d7c6b5a-app".into(),
            api_products: vec![PRODUCT.into()],
            credentials: vec![ApigeeKey::new(OLD_KEY, OLD_SECRET)],
        }],
    }
}

fn config(fake: &FakeApigee, token: &str) -> Config {
    Config { apigee_api_management: ApigeeApiManagement::new(SecretString::from(token)).with_base_url(&fake.base_url) }
}

fn inputs(api_product: &str) -> RotateAppKeyInputs {
    RotateAppKeyInputs {
        organization_id: ORG.into(),
        developer_id: DEVELOPER.into(),
        app_id: APP.into(),
        new_consumer_key: SecretString::from(NEW_KEY),
        new_consumer_secret: SecretString::from(NEW_SECRET),
        api_product: api_product.into(),
        old_key_id: OLD_KEY.into(),
    }
}

const APP_PATH: &str = "/v1/organizations/acme-prod/developers/dev%40example.com/apps/billing-app";

#[tokio::test]
async fn rotates_the_app_key() {
    let fake = apigee::start(seed()).await.unwrap();
    let outputs = rotate_app_key(&Client::new(), &config(&fake, TOKEN), &inputs(PRODUCT)).await.unwrap();

    assert_eq!(outputs.created_key.expose_secret(), NEW_KEY);
    assert_eq!(outputs.key_status, "approved");
    assert_eq!(outputs.revoked_key.expose_secret(), OLD_KEY);

    let app = fake.app(ORG, DEVELOPER, APP).unwrap();
    assert_eq!(app.credentials.len(), 1);
    let key = &app.credentials[0];
    assert_eq!(key.consumer_key, NEW_KEY);
    assert_eq!(key.consumer_secret, NEW_SECRET);
    assert_eq!(key.api_products, vec![(PRODUCT.to_owned(), "approved".to_owned())]);

    let auth = format!("Bearer {TOKEN}");
    let keys = format!("{APP_PATH}/keys");
    let new_key = format!("{APP_PATH}/keys/NewKey%2B%2F%3DB2");
    let old_key = format!("{APP_PATH}/keys/oldKey%2B%2F%3DA1");
    assert_requests(
        &fake.requests(),
        &[
            Expected { method: "GET", path: APP_PATH, query: None, authorization: Some(&auth), json: None },
            Expected {
                method: "POST",
                path: &keys,
                query: None,
                authorization: Some(&auth),
                json: Some(json!({"consumerKey": NEW_KEY, "consumerSecret": NEW_SECRET})),
            },
            Expected {
                method: "PUT",
                path: &new_key,
                query: None,
                authorization: Some(&auth),
                json: Some(json!({"apiProducts": [PRODUCT]})),
            },
            Expected { method: "DELETE", path: &old_key, query: None, authorization: Some(&auth), json: None },
        ],
    );
}

#[tokio::test]
async fn wrong_token_fails_at_the_first_step_with_401() {
    let fake = apigee::start(seed()).await.unwrap();
    let wrong = "ya29.wrong-token-e2e";
    let err = rotate_app_key(&Client::new(), &config(&fake, wrong), &inputs(PRODUCT)).await.unwrap_err();

    assert_eq!(err.workflow_id(), "rotate-app-key");
    assert_eq!(err.step_id(), "getApp");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 401, .. }), "{:?}", err.error());
    assert!(err.to_string().contains("401"), "{err}");
    assert_hides(&err, &[wrong, TOKEN, NEW_KEY, NEW_SECRET, OLD_SECRET]);
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(fake.app(ORG, DEVELOPER, APP).unwrap().credentials.len(), 1);
}

#[tokio::test]
async fn failed_grant_hands_over_the_created_key_and_keeps_the_old_one() {
    let fake = apigee::start(seed()).await.unwrap();
    let err = rotate_app_key(&Client::new(), &config(&fake, TOKEN), &inputs("no-such-product")).await.unwrap_err();

    assert_eq!(err.step_id(), "grantProduct");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 400, .. }), "{:?}", err.error());
    assert_eq!(err.partial().created_key.as_ref().map(SecretString::expose_secret), Some(NEW_KEY));
    assert!(err.partial().key_status.is_none());
    assert!(err.partial().revoked_key.is_none());
    assert_hides(&err, &[TOKEN, NEW_KEY, NEW_SECRET, OLD_KEY, OLD_SECRET]);
    assert!(fake.key(ORG, DEVELOPER, APP, OLD_KEY).is_some());
    assert!(fake.key(ORG, DEVELOPER, APP, NEW_KEY).is_some());
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn revoking_a_missing_old_key_fails_at_revoke_old_key() {
    let fake = apigee::start(seed()).await.unwrap();
    let mut inputs = inputs(PRODUCT);
    inputs.old_key_id = "already-gone".into();
    let err = rotate_app_key(&Client::new(), &config(&fake, TOKEN), &inputs).await.unwrap_err();
    assert_eq!(err.step_id(), "revokeOldKey");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 404, .. }), "{:?}", err.error());
    assert_eq!(err.partial().created_key.as_ref().map(SecretString::expose_secret), Some(NEW_KEY));
    assert_eq!(err.partial().key_status.as_deref(), Some("approved"));
    assert_hides(&err, &[TOKEN, NEW_KEY, NEW_SECRET]);
}

#[tokio::test]
async fn secrets_sent_in_the_body_or_path_are_scrubbed_from_errors() {
    // A server that repeats the consumer secret it was sent (create) ...
    let fake = apigee::start(seed()).await.unwrap();
    fake.fail_operation(
        "createDeveloperAppKey",
        Failure::status(400).json(json!({"error": {"code": 400, "message": format!("secret {NEW_SECRET} too short")}})),
    );
    let err = rotate_app_key(&Client::new(), &config(&fake, TOKEN), &inputs(PRODUCT)).await.unwrap_err();
    assert_eq!(err.step_id(), "createKey");
    assert_hides(&err, &[TOKEN, NEW_KEY, NEW_SECRET]);

    // ... or the key id from its path (grant).
    let fake = apigee::start(seed()).await.unwrap();
    fake.fail_operation(
        "updateDeveloperAppKey",
        Failure::status(409).json(json!({"error": {"code": 409, "message": format!("key {NEW_KEY} is busy")}})),
    );
    let err = rotate_app_key(&Client::new(), &config(&fake, TOKEN), &inputs(PRODUCT)).await.unwrap_err();
    assert_eq!(err.step_id(), "grantProduct");
    assert!(err.to_string().contains("is busy"), "{err}");
    assert_hides(&err, &[TOKEN, NEW_KEY, NEW_SECRET]);
}
