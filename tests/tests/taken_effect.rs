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
// The seeds' fakes and inputs, shared with the resume tests; this file uses two of them.
#[allow(dead_code)]
#[path = "resume/seeds.rs"]
mod seeds;

use arazzo_generated::deepgram_rotate_project_key::{
    Config as DeepgramConfig, ManagementApi, resume_rotate_project_key, rotate_project_key,
};
use arazzo_generated::svix_rotate_integration_key::{
    Config as SvixConfig, SvixApi, resume_rotate_integration_key, rotate_integration_key,
};
use arazzo_runtime::{Checkpoint, Client, SecretString, StepError};
use arazzo_tests::deepgram::{DeepgramKey, FakeDeepgram};
use arazzo_tests::fault::{Fault, FaultPlan, FaultProxy};
use common::assert_hides;
use seeds::{
    DG_ADMIN_ID, DG_ADMIN_SECRET, DG_OLD_ID, DG_PROJECT, Deepgram, SVIX_ORIGINAL_KEY, SVIX_TOKEN, Seed, Svix,
    deepgram_inputs, svix_inputs,
};

/// `base_url` with the fake's address replaced by the proxy's.
fn through(proxy: &FaultProxy, base_url: &str, fake: std::net::SocketAddr) -> String {
    base_url.replacen(&format!("http://{fake}"), &proxy.url(), 1)
}

fn deepgram_config(fake: &FakeDeepgram, proxy: &FaultProxy) -> DeepgramConfig {
    DeepgramConfig {
        management_api: ManagementApi::new().with_base_url(through(proxy, &fake.base_url, fake.handle.addr)),
    }
}

/// The keys the rotation created: every key of the project but the admin and the old one.
fn created_keys(fake: &FakeDeepgram) -> Vec<DeepgramKey> {
    fake.keys(DG_PROJECT)
        .into_iter()
        .filter(|key| key.api_key_id != DG_ADMIN_ID && key.api_key_id != DG_OLD_ID)
        .collect()
}

/// The method of every request the fake received.
fn methods(requests: &[arazzo_tests::RecordedRequest]) -> Vec<&str> {
    requests.iter().map(|request| request.method.as_str()).collect()
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
    let fake = Deepgram::start().await;
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
    assert_hides(&error, &[&key.secret, DG_ADMIN_SECRET]);
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
    assert_eq!(methods(&fake.requests()), ["POST"]);
}

#[tokio::test]
async fn deepgram_asks_again_for_a_key_list_that_arrived_truncated() {
    let fake = Deepgram::start().await;
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
    assert!(fake.key(DG_PROJECT, DG_OLD_ID).is_none(), "the old key was deleted");
    assert_eq!(methods(&fake.requests()), ["POST", "GET", "GET", "DELETE"]);
}

#[tokio::test]
async fn svix_rotates_once_when_the_rotation_answers_with_an_unexpected_success() {
    let fake = Svix::start().await;
    let plan = FaultPlan::new();
    plan.inject(2, Fault::Status(201));
    let proxy = FaultProxy::start(fake.handle.addr, &plan).await.unwrap();
    let base_url = through(&proxy, &fake.base_url, fake.handle.addr);
    let config = SvixConfig { svix_api: SvixApi::new(SecretString::from(SVIX_TOKEN)).with_base_url(base_url) };
    let inputs = svix_inputs();

    let error = rotate_integration_key(&Client::new(), &config, &inputs).await.unwrap_err();
    assert_eq!(error.step_id(), "rotateKey");
    assert_eq!(fake.rotations(), 1);
    let current = fake.current_key(&inputs.app_id, &inputs.integration_id).unwrap();
    assert_ne!(current, SVIX_ORIGINAL_KEY, "the old key is dead");
    assert_eq!(error.partial().rotate_key_rotated_key.as_ref().map(SecretString::expose_secret), Some(&*current));
    assert_hides(&error, &[&current, SVIX_TOKEN]);
    assert_eq!(replayed(error.checkpoint()), ["getIntegration", "rotateKey"]);

    let (_, stored) = through_json(error.checkpoint());
    let again = resume_rotate_integration_key(&Client::new(), &config, &inputs, stored).await.unwrap_err();
    assert_eq!(again.step_id(), "rotateKey");
    assert_eq!(fake.rotations(), 1, "resuming does not rotate a second time");
    assert_eq!(again.partial().rotate_key_rotated_key.as_ref().map(SecretString::expose_secret), Some(&*current));
    assert_eq!(methods(&fake.requests()), ["GET", "POST"], "nothing was sent on resume");
}
