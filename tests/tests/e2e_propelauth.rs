//! The generated PropelAuth client against the fake PropelAuth: revoke a user's latest API key and
//! issue a new one.

mod common;

use arazzo_generated::propelauth_rotate_user_api_key::{
    ApiKeysApi, Config, RotateUserApiKeyInputs, rotate_user_api_key,
};
use arazzo_runtime::{Client, SecretString, StepError};
use arazzo_tests::Failure;
use arazzo_tests::propelauth::{self, FakePropelAuth, Presence, PropelKey, PropelSeed};
use common::{Expected, assert_hides, assert_requests};
use serde_json::json;

const BACKEND_KEY: &str = "bk_e2e_4f6c1d0a9b8e7f6a";
const USER: &str = "31c41c16-c281-44ae-9602-8a047e3bf33d";
const OTHER_USER: &str = "8b0e6d5c-1111-4222-8333-944455556666";
const OLDER: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const LATEST: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const OTHERS: &str = "ffffeeeeddddccccbbbbaaaa99998888";

fn key(id: &str, user: &str, created_at: i64) -> PropelKey {
    PropelKey {
        api_key_id: id.into(),
        token: format!("tok_{id}"),
        user_id: Some(user.into()),
        org_id: None,
        created_at,
        expires_at_seconds: Presence::Absent,
        metadata: None,
    }
}

fn seed() -> PropelSeed {
    PropelSeed {
        backend_api_keys: vec![BACKEND_KEY.into()],
        keys: vec![
            key(OLDER, USER, 1_700_000_100),
            key(LATEST, USER, 1_700_000_200),
            key(OTHERS, OTHER_USER, 1_700_000_300),
        ],
        now: 1_700_000_500,
    }
}

fn config(fake: &FakePropelAuth) -> Config {
    Config { api_keys_api: ApiKeysApi::new().with_base_url(&fake.base_url) }
}

fn inputs(backend_key: &str, user: &str, expires_at_seconds: Option<i64>) -> RotateUserApiKeyInputs {
    RotateUserApiKeyInputs {
        backend_api_key: SecretString::from(backend_key),
        user_id: user.into(),
        expires_at_seconds,
    }
}

fn list_query(user: &str) -> String {
    format!("user_id={user}&page_size=1")
}

/// The three requests of a complete run revoking `LATEST`.
fn assert_full_run(fake: &FakePropelAuth, create_body: serde_json::Value) {
    let auth = format!("Bearer {BACKEND_KEY}");
    let query = list_query(USER);
    let delete_path = format!("/api/backend/v1/end_user_api_keys/{LATEST}");
    assert_requests(
        &fake.requests(),
        &[
            Expected {
                method: "GET",
                path: "/api/backend/v1/end_user_api_keys",
                query: Some(&query),
                authorization: Some(&auth),
                json: None,
            },
            Expected { method: "DELETE", path: &delete_path, query: None, authorization: Some(&auth), json: None },
            Expected {
                method: "POST",
                path: "/api/backend/v1/end_user_api_keys",
                query: None,
                authorization: Some(&auth),
                json: Some(create_body),
            },
        ],
    );
}

#[tokio::test]
async fn rotates_without_expiry_leaving_the_field_out() {
    let fake = propelauth::start(seed()).await.unwrap();
    let outputs = rotate_user_api_key(&Client::new(), &config(&fake), &inputs(BACKEND_KEY, USER, None)).await.unwrap();

    assert_eq!(outputs.revoked_key_id, LATEST);
    let created = fake.keys().pop().unwrap();
    assert_eq!(outputs.new_key_id, created.api_key_id);
    assert_eq!(outputs.new_key_token.expose_secret(), created.token);
    assert_eq!(created.user_id.as_deref(), Some(USER));
    assert_eq!(created.expires_at_seconds, Presence::Absent);
    assert!(fake.key(LATEST).is_none());
    assert!(fake.key(OLDER).is_some());
    assert!(fake.key(OTHERS).is_some());

    // `expires_at_seconds` is absent from the body, not null.
    assert_full_run(&fake, json!({"user_id": USER}));
}

#[tokio::test]
async fn rotates_with_expiry_sending_it_as_an_integer() {
    let fake = propelauth::start(seed()).await.unwrap();
    let outputs = rotate_user_api_key(&Client::new(), &config(&fake), &inputs(BACKEND_KEY, USER, Some(1_767_225_600)))
        .await
        .unwrap();

    let created = fake.key(&outputs.new_key_id).unwrap();
    assert_eq!(created.expires_at_seconds, Presence::Value(1_767_225_600));
    assert_eq!(outputs.new_key_token.expose_secret(), created.token);
    assert_full_run(&fake, json!({"user_id": USER, "expires_at_seconds": 1_767_225_600}));
}

#[tokio::test]
async fn a_user_without_keys_fails_at_find_active_key_and_deletes_nothing() {
    let fake = propelauth::start(seed()).await.unwrap();
    let user = "00000000-0000-4000-8000-000000000000";
    let err = rotate_user_api_key(&Client::new(), &config(&fake), &inputs(BACKEND_KEY, user, None)).await.unwrap_err();

    assert_eq!(err.workflow_id(), "rotate-user-api-key");
    assert_eq!(err.step_id(), "findActiveKey");
    assert_eq!(err.error(), &StepError::MissingValue { pointer: "/api_keys/0/api_key_id".into() });
    let text = err.to_string();
    assert!(text.contains("/api_keys/0/api_key_id"), "{text}");
    assert!(text.contains("findActiveKey"), "{text}");
    assert!(err.partial().revoked_key_id.is_none());
    assert_hides(&err, &[BACKEND_KEY]);

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests.iter().all(|r| r.method != "DELETE"));
    assert_eq!(fake.keys().len(), 3);
}

#[tokio::test]
async fn wrong_backend_key_fails_at_the_first_step_with_401() {
    let fake = propelauth::start(seed()).await.unwrap();
    let wrong = "bk_e2e_wrong_0000000000";
    let err = rotate_user_api_key(&Client::new(), &config(&fake), &inputs(wrong, USER, None)).await.unwrap_err();

    assert_eq!(err.step_id(), "findActiveKey");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 401, .. }), "{:?}", err.error());
    assert!(err.to_string().contains("401"), "{err}");
    assert_hides(&err, &[wrong, BACKEND_KEY]);
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(fake.keys().len(), 3);
}

#[tokio::test]
async fn failed_issue_keeps_the_revoked_id_as_partial_output() {
    let fake = propelauth::start(seed()).await.unwrap();
    fake.fail_operation("createApiKey", Failure::status(500).json(json!({"error": format!("bad key {BACKEND_KEY}")})));
    let err = rotate_user_api_key(&Client::new(), &config(&fake), &inputs(BACKEND_KEY, USER, None)).await.unwrap_err();

    assert_eq!(err.step_id(), "issueNewKey");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 500, .. }), "{:?}", err.error());
    assert_eq!(err.partial().revoked_key_id.as_deref(), Some(LATEST));
    assert!(err.partial().new_key_id.is_none());
    assert!(err.partial().new_key_token.is_none());
    assert_hides(&err, &[BACKEND_KEY, &format!("tok_{LATEST}")]);
    assert!(fake.key(LATEST).is_none());
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn a_user_id_with_reserved_characters_stays_one_query_value() {
    let user = "a&b=c d+e";
    let mut seed = seed();
    seed.keys.push(key(OTHERS.replace('f', "1").as_str(), user, 1_700_000_400));
    let fake = propelauth::start(seed).await.unwrap();
    let outputs = rotate_user_api_key(&Client::new(), &config(&fake), &inputs(BACKEND_KEY, user, None)).await.unwrap();

    assert_eq!(outputs.revoked_key_id, "1111eeeeddddccccbbbbaaaa99998888");
    // application/x-www-form-urlencoded: `&` `=` `+` escaped, space as `+`.
    assert_eq!(fake.requests()[0].query.as_deref(), Some("user_id=a%26b%3Dc+d%2Be&page_size=1"));
    assert_eq!(fake.requests()[2].json(), Some(json!({"user_id": user})));
}
