//! The generated Deepgram client against the fake Deepgram: create a replacement project key, list
//! the keys, delete the old key.

mod common;

use arazzo_generated::deepgram_rotate_project_key::{
    Config, ManagementApi, RotateProjectKeyInputs, rotate_project_key,
};
use arazzo_runtime::{Client, SecretString, StepError};
use arazzo_tests::deepgram::{self, DeepgramKey, DeepgramProject, DeepgramSeed, FakeDeepgram};
use common::{Expected, assert_hides, assert_requests};
use serde_json::json;

const PROJECT: &str = "3f2d1c0b-5a49-4e3d-8c7b-6a5f4e3d2c1b";
const ADMIN_ID: &str = "admin-key-id";
const ADMIN_SECRET: &str = "dg_admin_e2e_secret_0123456789";
const OLD_ID: &str = "old key/1";
const OLD_SECRET: &str = "dg_old_e2e_secret_9876543210";

fn dg_key(id: &str, secret: &str, comment: &str) -> DeepgramKey {
    DeepgramKey {
        api_key_id: id.into(),
        secret: secret.into(),
        comment: comment.into(),
        scopes: vec!["member".into()],
        created: "2024-01-01T00:00:00Z".into(),
    }
}

fn seed() -> DeepgramSeed {
    DeepgramSeed {
        projects: vec![DeepgramProject {
            project_id: PROJECT.into(),
            keys: vec![dg_key(ADMIN_ID, ADMIN_SECRET, "admin"), dg_key(OLD_ID, OLD_SECRET, "old")],
        }],
    }
}

fn config(fake: &FakeDeepgram) -> Config {
    Config { management_api: ManagementApi::new().with_base_url(&fake.base_url) }
}

fn inputs(api_key: &str, old_key_id: &str) -> RotateProjectKeyInputs {
    RotateProjectKeyInputs {
        api_key: SecretString::from(api_key),
        project_id: PROJECT.into(),
        old_key_id: old_key_id.into(),
        comment: "rotated 2024-06".into(),
        scopes: vec!["usage:write".into(), "keys:read".into()],
    }
}

#[tokio::test]
async fn rotates_the_project_key() {
    let fake = deepgram::start(seed()).await.unwrap();
    let outputs = rotate_project_key(&Client::new(), &config(&fake), &inputs(ADMIN_SECRET, OLD_ID)).await.unwrap();

    let keys = fake.keys(PROJECT);
    let created = keys.last().unwrap();
    assert_eq!(outputs.new_key_id, created.api_key_id);
    assert_eq!(outputs.new_key_secret.expose_secret(), created.secret);
    assert_eq!(outputs.deleted_key_id, OLD_ID);
    assert_eq!(created.comment, "rotated 2024-06");
    assert_eq!(created.scopes, ["usage:write", "keys:read"]);
    assert!(fake.key(PROJECT, OLD_ID).is_none());
    assert_eq!(keys.len(), 2);

    let auth = format!("Token {ADMIN_SECRET}");
    let keys_path = format!("/v1/projects/{PROJECT}/keys");
    // The key id "old key/1" stays one path segment.
    let delete_path = format!("/v1/projects/{PROJECT}/keys/old%20key%2F1");
    assert_requests(
        &fake.requests(),
        &[
            Expected {
                method: "POST",
                path: &keys_path,
                query: None,
                authorization: Some(&auth),
                json: Some(json!({"comment": "rotated 2024-06", "scopes": ["usage:write", "keys:read"]})),
            },
            Expected { method: "GET", path: &keys_path, query: None, authorization: Some(&auth), json: None },
            Expected { method: "DELETE", path: &delete_path, query: None, authorization: Some(&auth), json: None },
        ],
    );
}

#[tokio::test]
async fn failed_delete_still_hands_over_the_new_key() {
    let fake = deepgram::start(seed()).await.unwrap();
    let err =
        rotate_project_key(&Client::new(), &config(&fake), &inputs(ADMIN_SECRET, "no-such-key")).await.unwrap_err();

    assert_eq!(err.workflow_id(), "rotate-project-key");
    assert_eq!(err.step_id(), "deleteOldKey");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 404, .. }), "{:?}", err.error());
    let text = err.to_string();
    assert!(text.contains("rotate-project-key") && text.contains("deleteOldKey") && text.contains("404"), "{text}");

    let created = fake.keys(PROJECT).pop().unwrap();
    assert_ne!(created.api_key_id, OLD_ID);
    let partial = err.partial();
    assert_eq!(partial.new_key_id.as_deref(), Some(created.api_key_id.as_str()));
    assert_eq!(partial.new_key_secret.as_ref().map(SecretString::expose_secret), Some(created.secret.as_str()));
    assert!(partial.deleted_key_id.is_none());
    assert_hides(&err, &[ADMIN_SECRET, OLD_SECRET, &created.secret]);

    // The new key is real and usable.
    assert!(fake.key(PROJECT, OLD_ID).is_some());
    assert_eq!(fake.requests().len(), 3);
    let partial = err.into_partial();
    assert_eq!(partial.new_key_secret.unwrap().expose_secret(), created.secret);
}

#[tokio::test]
async fn wrong_api_key_fails_at_the_first_step_with_401() {
    let fake = deepgram::start(seed()).await.unwrap();
    let wrong = "dg_wrong_e2e_secret_555";
    let err = rotate_project_key(&Client::new(), &config(&fake), &inputs(wrong, OLD_ID)).await.unwrap_err();

    assert_eq!(err.step_id(), "createReplacementKey");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 401, .. }), "{:?}", err.error());
    assert!(err.to_string().contains("401"), "{err}");
    assert!(err.partial().new_key_id.is_none());
    assert_hides(&err, &[wrong, ADMIN_SECRET, OLD_SECRET]);
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(fake.keys(PROJECT).len(), 2);
}

#[tokio::test]
async fn a_failed_listing_stops_before_deleting() {
    let fake = deepgram::start(seed()).await.unwrap();
    fake.fail_operation(
        "listProjectKeys",
        arazzo_tests::Failure::status(503)
            .json(json!({"err_code": "UNAVAILABLE", "err_msg": format!("auth {ADMIN_SECRET}")})),
    );
    let err = rotate_project_key(&Client::new(), &config(&fake), &inputs(ADMIN_SECRET, OLD_ID)).await.unwrap_err();
    assert_eq!(err.step_id(), "verifyReplacement");
    assert!(err.partial().new_key_id.is_some());
    assert!(err.partial().new_key_secret.is_some());
    let created = fake.keys(PROJECT).pop().unwrap();
    assert_hides(&err, &[ADMIN_SECRET, &created.secret]);
    assert!(fake.key(PROJECT, OLD_ID).is_some());
    assert_eq!(fake.requests().len(), 2);
}
