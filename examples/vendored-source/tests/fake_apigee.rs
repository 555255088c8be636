//! Runs the Apigee workflow, generated from the vendored description, against the loopback fake
//! Apigee from `arazzo-tests`.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use arazzo_example_vendored_source::apigee_rotate_app_key::ApigeeApiManagement;
use arazzo_example_vendored_source::{RotationError, client, rotate};
use arazzo_tests::apigee::{self, ApigeeApp, ApigeeKey, ApigeeSeed, FakeApigee};

const TOKEN: &str = "ya29.example-vendored-source-token";
const ORG: &str = "acme-prod";
const DEVELOPER: &str = "ops@acme.example";
const APP: &str = "billing-portal";
const PRODUCT: &str = "payments-gold";
const OLD_KEY: &str = "oLdCoNsUmErKeY0123456789abcdefAB";
const OLD_SECRET: &str = "oLdSeCrEt0123456";
const NEW_KEY: &str = "nEwCoNsUmErKeY0123456789abcdefCD";
const NEW_SECRET: &str = "nEwSeCrEt0123456";
const APP_PATH: &str = "/v1/organizations/acme-prod/developers/ops%40acme.example/apps/billing-portal";

async fn fake() -> FakeApigee {
    apigee::start(ApigeeSeed {
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
    })
    .await
    .unwrap()
}

/// The settings, pointed at the fake, with `overrides` applied (an empty value removes a variable).
fn env(fake: &FakeApigee, overrides: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let mut map: HashMap<String, String> = [
        ("APIGEE_TOKEN", TOKEN),
        ("APIGEE_BASE_URL", fake.base_url.as_str()),
        ("APIGEE_ORGANIZATION", ORG),
        ("APIGEE_DEVELOPER", DEVELOPER),
        ("APIGEE_APP", APP),
        ("APIGEE_API_PRODUCT", PRODUCT),
        ("APIGEE_OLD_CONSUMER_KEY", OLD_KEY),
        ("APIGEE_NEW_CONSUMER_KEY", NEW_KEY),
        ("APIGEE_NEW_CONSUMER_SECRET", NEW_SECRET),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (name, value) in overrides {
        map.insert((*name).to_owned(), (*value).to_owned());
    }
    map.retain(|_, value| !value.is_empty());
    move |name| map.get(name).cloned()
}

fn calls(fake: &FakeApigee) -> Vec<String> {
    fake.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect()
}

#[test]
fn the_default_base_url_comes_from_the_vendored_description() {
    // `servers[0].url` of vendor/apigee-api-management-openapi.yml: proof the mapped file was read.
    assert_eq!(ApigeeApiManagement::DEFAULT_BASE_URL, "https://apigee.googleapis.com/v1");
}

#[tokio::test(flavor = "multi_thread")]
async fn rotates_the_app_key() {
    let fake = fake().await;

    let outputs = rotate(&client(), env(&fake, &[])).await.unwrap();

    assert_eq!(outputs.created_key.expose_secret(), NEW_KEY);
    assert_eq!(outputs.revoked_key.expose_secret(), OLD_KEY);
    assert_eq!(outputs.key_status, "approved");
    let new_key = fake.key(ORG, DEVELOPER, APP, NEW_KEY).unwrap();
    assert_eq!(new_key.consumer_secret, NEW_SECRET);
    assert_eq!(new_key.api_products, [(PRODUCT.to_owned(), "approved".to_owned())]);
    assert_eq!(fake.key(ORG, DEVELOPER, APP, OLD_KEY), None);
    assert_eq!(
        calls(&fake),
        [
            format!("GET {APP_PATH}"),
            format!("POST {APP_PATH}/keys"),
            format!("PUT {APP_PATH}/keys/{NEW_KEY}"),
            format!("DELETE {APP_PATH}/keys/{OLD_KEY}"),
        ]
    );
    let bearer = format!("Bearer {TOKEN}");
    assert!(fake.requests().iter().all(|r| r.header("authorization") == Some(bearer.as_str())));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_after_the_key_was_created_says_what_took_effect() {
    let fake = fake().await;

    // A product the organization does not have: Apigee refuses the grant with 400.
    let error = rotate(&client(), env(&fake, &[("APIGEE_API_PRODUCT", "no-such-product")])).await.unwrap_err();

    let RotationError::Failed { message, partial } = &error else { panic!("expected Failed, got {error:?}") };
    assert!(message.contains("`rotate-app-key`") && message.contains("`grantProduct`"), "{message}");
    assert!(message.contains("400"), "{message}");
    assert_eq!(partial.created_key.as_ref().map(|key| key.expose_secret()), Some(NEW_KEY));
    assert_eq!(partial.key_status, None);
    assert!(partial.revoked_key.is_none());
    // Both keys exist: the old one was not revoked.
    assert!(fake.key(ORG, DEVELOPER, APP, NEW_KEY).is_some() && fake.key(ORG, DEVELOPER, APP, OLD_KEY).is_some());
    assert_eq!(calls(&fake).len(), 3);
    let debug = format!("{error:?}");
    for secret in [TOKEN, NEW_SECRET, OLD_SECRET] {
        assert!(!message.contains(secret) && !debug.contains(secret), "leaks {secret:?}: {message} / {debug}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_token_fails_the_first_step_and_changes_nothing() {
    let fake = fake().await;

    let error = rotate(&client(), env(&fake, &[("APIGEE_TOKEN", "ya29.expired")])).await.unwrap_err();

    let RotationError::Failed { message, partial } = &error else { panic!("expected Failed, got {error:?}") };
    assert!(message.contains("`getApp`") && message.contains("401"), "{message}");
    assert!(partial.created_key.is_none());
    assert_eq!(calls(&fake), [format!("GET {APP_PATH}")]);
    assert_eq!(fake.app(ORG, DEVELOPER, APP).unwrap().credentials, [ApigeeKey::new(OLD_KEY, OLD_SECRET)]);
}

#[tokio::test]
async fn a_missing_variable_is_named() {
    let fake = fake().await;
    let error = rotate(&client(), env(&fake, &[("APIGEE_NEW_CONSUMER_SECRET", "")])).await.unwrap_err();
    assert_eq!(error.to_string(), "the environment variable APIGEE_NEW_CONSUMER_SECRET is not set");
    assert!(fake.requests().is_empty());
}
