//! A step whose request may have taken effect keeps its response, whatever its criteria say
//! (issue 13, points 1 and 3), against the seed fakes behind the raw-TCP fault proxy:
//!
//! - Deepgram's create and Svix's rotate answered `201` (the fake created or rotated the key; the
//!   proxy changes only the status line): the error's partial outputs hold the new key, its text
//!   does not, the checkpoint records the exchange, and resuming does not send the request again.
//! - Deepgram's `GET` of the key list answered with truncated JSON: the checkpoint leaves it out,
//!   and resuming asks again and finishes the rotation.

// Test code: a failed unwrap or panic is a failed assertion.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use arazzo_generated::deepgram_rotate_project_key::{
    Config as DeepgramConfig, ManagementApi, RotateProjectKeyInputs, resume_rotate_project_key, rotate_project_key,
};
use arazzo_generated::svix_rotate_integration_key::{
    Config as SvixConfig, RotateIntegrationKeyInputs, SvixApi, resume_rotate_integration_key, rotate_integration_key,
};
use arazzo_runtime::{Checkpoint, Client, SecretString, StepError};
use arazzo_tests::deepgram::{self, DeepgramKey, DeepgramProject, DeepgramSeed, FakeDeepgram};
use arazzo_tests::fault::{Fault, FaultPlan, FaultProxy};
use arazzo_tests::svix::{self, FakeSvix, SvixApp, SvixIntegration, SvixSeed};
use common::assert_hides;

const PROJECT: &str = "3f2d1c0b-5a49-4e3d-8c7b-6a5f4e3d2c1b";
const ADMIN_ID: &str = "admin-key-id";
const ADMIN_SECRET: &str = "dg_admin_taken_effect_0123456789";
const OLD_ID: &str = "old-key-1";
const OLD_SECRET: &str = "dg_old_taken_effect_9876543210";

fn dg_key(id: &str, secret: &str) -> DeepgramKey {
    DeepgramKey {
        api_key_id: id.into(),
        secret: secret.into(),
        comment: id.into(),
        scopes: vec!["member".into()],
        created: "2024-01-01T00:00:00Z".into(),
    }
}

async fn deepgram_fake() -> FakeDeepgram {
    let project = DeepgramProject {
        project_id: PROJECT.into(),
        keys: vec![dg_key(ADMIN_ID, ADMIN_SECRET), dg_key(OLD_ID, OLD_SECRET)],
    };
    deepgram::start(DeepgramSeed { projects: vec![project] }).await.unwrap()
}

fn deepgram_config(fake: &FakeDeepgram, proxy: &FaultProxy) -> DeepgramConfig {
    let base_url = fake.base_url.replacen(&format!("http://{}", fake.handle.addr), &proxy.url(), 1);
    DeepgramConfig { management_api: ManagementApi::new().with_base_url(base_url) }
}

fn deepgram_inputs() -> RotateProjectKeyInputs {
    RotateProjectKeyInputs {
        api_key: SecretString::from(ADMIN_SECRET),
        project_id: PROJECT.into(),
        old_key_id: OLD_ID.into(),
        comment: "rotated by the taken-effect test".into(),
        scopes: vec!["usage:write".into()],
    }
}

/// The keys the rotation created: every key of the project but the admin and the old one.
fn created_keys(fake: &FakeDeepgram) -> Vec<DeepgramKey> {
    fake.keys(PROJECT).into_iter().filter(|key| key.api_key_id != ADMIN_ID && key.api_key_id != OLD_ID).collect()
}

/// `METHOD path` of every request the fake received.
fn received(requests: &[arazzo_tests::RecordedRequest]) -> Vec<String> {
    requests.iter().map(|request| format!("{} {}", request.method, request.path)).collect()
}

fn replayed(checkpoint: &Checkpoint) -> Vec<String> {
    checkpoint.replayed_steps().map(|(_, step)| step.to_owned()).collect()
}

/// The checkpoint as a caller stores it and loads it back.
fn through_json(checkpoint: &Checkpoint) -> (String, Checkpoint) {
    let text = serde_json::to_string(&checkpoint.expose_secrets()).unwrap();
    (text.clone(), serde_json::from_str(&text).unwrap())
}

#[tokio::test]
async fn deepgram_keeps_the_key_a_create_answered_with_an_unexpected_success_made() {
    let fake = deepgram_fake().await;
    let plan = FaultPlan::new();
    plan.inject(1, Fault::Status(201));
    let proxy = FaultProxy::start(fake.handle.addr, &plan).await.unwrap();
    let config = deepgram_config(&fake, &proxy);

    let error = rotate_project_key(&Client::new(), &config, &deepgram_inputs()).await.unwrap_err();
    assert_eq!(error.step_id(), "createReplacementKey");
    assert!(matches!(error.error(), StepError::CriterionFailed { status: 201, .. }), "{:?}", error.error());
    let created = created_keys(&fake);
    assert_eq!(created.len(), 1, "the fake created the key");
    let key = &created[0];
    // The key is in the partial outputs, as a secret, and nowhere in the error's text.
    assert_eq!(error.partial().new_key_id.as_deref(), Some(key.api_key_id.as_str()));
    assert_eq!(error.partial().new_key_secret.as_ref().map(SecretString::expose_secret), Some(key.secret.as_str()));
    assert_hides(&error, &[&key.secret, ADMIN_SECRET]);
    // The checkpoint records the exchange, so it holds the key too.
    assert_eq!(replayed(error.checkpoint()), ["createReplacementKey"]);
    let (text, stored) = through_json(error.checkpoint());
    assert!(text.contains(&key.secret), "the stored checkpoint holds the new key");

    // Resuming replays the create instead of creating a second key; the document's criterion still
    // does not hold for the recorded `201`, so the run fails the same way, with the same key.
    let again = resume_rotate_project_key(&Client::new(), &config, &deepgram_inputs(), stored).await.unwrap_err();
    assert_eq!(again.step_id(), "createReplacementKey");
    assert!(matches!(again.error(), StepError::CriterionFailed { status: 201, .. }));
    assert_eq!(again.partial().new_key_secret.as_ref().map(SecretString::expose_secret), Some(key.secret.as_str()));
    assert_eq!(created_keys(&fake).len(), 1, "no second key");
    assert_eq!(received(&fake.requests()), [format!("POST /v1/projects/{PROJECT}/keys")]);
}

#[tokio::test]
async fn deepgram_asks_again_for_a_key_list_that_arrived_truncated() {
    let fake = deepgram_fake().await;
    let plan = FaultPlan::new();
    plan.inject(2, Fault::TruncatedJson);
    let proxy = FaultProxy::start(fake.handle.addr, &plan).await.unwrap();
    let config = deepgram_config(&fake, &proxy);

    let error = rotate_project_key(&Client::new(), &config, &deepgram_inputs()).await.unwrap_err();
    assert_eq!(error.step_id(), "verifyReplacement");
    assert!(matches!(error.error(), StepError::Decode { .. }), "{:?}", error.error());
    // The GET changed nothing: only the create is recorded, and resuming sends the GET again.
    assert_eq!(replayed(error.checkpoint()), ["createReplacementKey"]);
    let (_, stored) = through_json(error.checkpoint());
    let outputs = resume_rotate_project_key(&Client::new(), &config, &deepgram_inputs(), stored).await.unwrap();

    let created = created_keys(&fake);
    assert_eq!(created.len(), 1);
    assert_eq!(outputs.new_key_secret.expose_secret(), created[0].secret);
    assert!(fake.key(PROJECT, OLD_ID).is_none(), "the old key was deleted");
    let keys = format!("/v1/projects/{PROJECT}/keys");
    assert_eq!(
        received(&fake.requests()),
        [format!("POST {keys}"), format!("GET {keys}"), format!("GET {keys}"), format!("DELETE {keys}/{OLD_ID}")]
    );
}

const SVIX_TOKEN: &str = "testsk_taken_effect_bearer_token";
const SVIX_APP: &str = "app_2Xm5gXQj3mcvfvAPDdS0gVQGWgS";
const SVIX_INTEG: &str = "integ_1srOrx2ZWZBpBUvZwXKQmoEYga2";
const SVIX_ORIGINAL_KEY: &str = "integsk_takenEffectOriginal0123456789";

async fn svix_fake() -> FakeSvix {
    let integration = SvixIntegration {
        id: SVIX_INTEG.into(),
        name: "Payments".into(),
        key: SVIX_ORIGINAL_KEY.into(),
        feature_flags: vec![],
        created_at: "2024-03-01T10:00:00Z".into(),
        updated_at: "2024-03-02T10:00:00Z".into(),
    };
    let app = SvixApp { id: SVIX_APP.into(), uid: None, integrations: vec![integration] };
    svix::start(SvixSeed { tokens: vec![SVIX_TOKEN.into()], apps: vec![app] }).await.unwrap()
}

#[tokio::test]
async fn svix_rotates_once_when_the_rotation_answers_with_an_unexpected_success() {
    let fake = svix_fake().await;
    let plan = FaultPlan::new();
    plan.inject(2, Fault::Status(201));
    let proxy = FaultProxy::start(fake.handle.addr, &plan).await.unwrap();
    let base_url = fake.base_url.replacen(&format!("http://{}", fake.handle.addr), &proxy.url(), 1);
    let config = SvixConfig { svix_api: SvixApi::new(SecretString::from(SVIX_TOKEN)).with_base_url(base_url) };
    let inputs = RotateIntegrationKeyInputs { app_id: SVIX_APP.into(), integration_id: SVIX_INTEG.into() };

    let error = rotate_integration_key(&Client::new(), &config, &inputs).await.unwrap_err();
    assert_eq!(error.step_id(), "rotateKey");
    assert_eq!(fake.rotations(), 1);
    let current = fake.current_key(SVIX_APP, SVIX_INTEG).unwrap();
    assert_ne!(current, SVIX_ORIGINAL_KEY, "the old key is dead");
    assert_eq!(error.partial().rotate_key_rotated_key.as_ref().map(SecretString::expose_secret), Some(&*current));
    assert_hides(&error, &[&current, SVIX_TOKEN]);
    assert_eq!(replayed(error.checkpoint()), ["getIntegration", "rotateKey"]);

    let (_, stored) = through_json(error.checkpoint());
    let again = resume_rotate_integration_key(&Client::new(), &config, &inputs, stored).await.unwrap_err();
    assert_eq!(again.step_id(), "rotateKey");
    assert_eq!(fake.rotations(), 1, "resuming does not rotate a second time");
    assert_eq!(again.partial().rotate_key_rotated_key.as_ref().map(SecretString::expose_secret), Some(&*current));
    let methods: Vec<String> = fake.requests().iter().map(|request| request.method.clone()).collect();
    assert_eq!(methods, ["GET", "POST"], "nothing was sent on resume");
}
