//! Resuming a failed rotation from the checkpoint its error carries, for every seed and every step:
//! the run fails at step N, the checkpoint goes through JSON (as a caller would store it), and the
//! generated `resume_...` function finishes the rotation. Across both runs the fake receives every
//! step's request once, except step N's, which it receives twice (the failed attempt and the resumed
//! one): no step that took effect is repeated, and exactly one new key exists at the end.

// Test code: a failed unwrap or panic is a failed assertion.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "resume/seeds.rs"]
mod seeds;

include!("../../arazzo-codegen/tests/golden/actions.rs");

use arazzo_runtime::{Checkpoint, Client, SecretString, StepError};
use arazzo_tests::pets::{self, Pet, PetsSeed};
use arazzo_tests::{Failure, RecordedRequest};
use common::assert_hides;
use seeds::{APIGEE_NEW_KEY, Apigee, Backblaze, Deepgram, PropelAuth, Seed, Svix};
use serde_json::json;

/// A 500 the fake answers instead of handling the request, so the step has no effect.
fn injected_500() -> Failure {
    Failure::status(500).json(json!({"error": "injected"}))
}

/// The 1-based step each request was for, by its server, method and path.
fn steps_of<S: Seed>(requests: &[RecordedRequest]) -> Vec<usize> {
    let steps = S::step_requests();
    requests
        .iter()
        .map(|request| {
            let key = (request.server, request.method.as_str(), request.path.as_str());
            let found = steps.iter().position(|(server, method, path)| (*server, *method, path.as_str()) == key);
            found.unwrap_or_else(|| panic!("a request of no step: {} {} on {}", key.1, key.2, key.0)) + 1
        })
        .collect()
}

/// The checkpoint as a caller would store and load it.
fn through_json(checkpoint: &Checkpoint) -> (String, Checkpoint) {
    let text = serde_json::to_string(&checkpoint.expose_secrets()).unwrap();
    let back: Checkpoint = serde_json::from_str(&text).unwrap();
    (text, back)
}

fn replayed(checkpoint: &Checkpoint) -> Vec<(String, String)> {
    checkpoint.replayed_steps().map(|(workflow, step)| (workflow.to_owned(), step.to_owned())).collect()
}

fn expected_replayed<S: Seed>(before: usize) -> Vec<(String, String)> {
    S::STEPS[..before].iter().map(|step| (S::WORKFLOW.to_owned(), (*step).to_owned())).collect()
}

/// Fails each step in turn on a fresh fake, resumes, and checks that nothing was repeated.
async fn resumes_after_each_failing_step<S: Seed>() {
    assert_eq!(S::step_requests().len(), S::STEPS.len());
    for failing in 1..=S::STEPS.len() {
        let fake = S::start().await;
        S::fail_request(&fake, failing, injected_500());
        let error = match S::run(&fake).await {
            Ok(_) => panic!("{}: the run with step {failing} failing succeeded", S::WORKFLOW),
            Err(error) => error,
        };
        let at = format!("{} failing at step {failing}", S::WORKFLOW);
        assert_eq!(error.step_id(), S::STEPS[failing - 1], "{at}");
        assert!(matches!(error.error(), StepError::CriterionFailed { status: 500, .. }), "{at}: {:?}", error.error());

        let checkpoint = error.checkpoint();
        assert_eq!(checkpoint.workflow_id(), S::WORKFLOW, "{at}");
        assert_eq!(checkpoint.failed_step(), S::STEPS[failing - 1], "{at}");
        assert_eq!(replayed(checkpoint), expected_replayed::<S>(failing - 1), "{at}");

        let (text, stored) = through_json(checkpoint);
        assert_eq!(replayed(&stored), replayed(checkpoint), "{at}");
        assert_eq!(stored.failed_step(), checkpoint.failed_step(), "{at}");
        // A key minted before the failure is in the stored checkpoint (it is a secret), never in Debug.
        let new_secret = S::new_secret(&fake);
        assert_eq!(new_secret.is_some(), failing > S::MINTS_AT, "{at}: a key was minted");
        if let Some(secret) = new_secret {
            assert!(text.contains(&secret), "{at}: the stored checkpoint lacks the new key");
            assert!(!format!("{checkpoint:?}").contains(&secret), "{at}: Debug shows the new key");
            assert!(!format!("{stored:?}").contains(&secret), "{at}: Debug shows the new key");
            assert_hides(&error, &[&secret]);
        }

        let outputs = match S::resume(&fake, stored).await {
            Ok(outputs) => outputs,
            Err(error) => panic!("{at}: resuming failed: {error}"),
        };
        S::assert_rotated(&fake, &outputs);

        // First run: steps 1..=N; resumed run: N..=last. Only step N was received twice.
        let expected: Vec<usize> = (1..=failing).chain(failing..=S::STEPS.len()).collect();
        assert_eq!(steps_of::<S>(&S::requests(&fake)), expected, "{at}");
    }
}

#[tokio::test]
async fn svix_resumes_after_each_failing_step() {
    resumes_after_each_failing_step::<Svix>().await;
}

#[tokio::test]
async fn apigee_resumes_after_each_failing_step() {
    resumes_after_each_failing_step::<Apigee>().await;
}

#[tokio::test]
async fn backblaze_resumes_after_each_failing_step() {
    resumes_after_each_failing_step::<Backblaze>().await;
}

#[tokio::test]
async fn deepgram_resumes_after_each_failing_step() {
    resumes_after_each_failing_step::<Deepgram>().await;
}

#[tokio::test]
async fn propelauth_resumes_after_each_failing_step() {
    resumes_after_each_failing_step::<PropelAuth>().await;
}

/// A resumed run that fails again (further on) hands back a new checkpoint holding both the replayed
/// steps and those it sent for real; resuming from that one finishes the rotation.
#[tokio::test]
async fn a_resumed_run_that_fails_again_can_be_resumed_again() {
    let fake = Apigee::start().await;
    // Request 2 is createKey of the first run; request 5 is revokeOldKey of the resumed run
    // (which sends createKey, grantProduct, revokeOldKey as requests 3, 4, 5).
    fake.fail_request(2, injected_500());
    fake.fail_request(5, injected_500());
    let first = Apigee::run(&fake).await.unwrap_err();
    assert_eq!(first.step_id(), "createKey");

    let second = Apigee::resume(&fake, first.into_checkpoint()).await.unwrap_err();
    assert_eq!(second.step_id(), "revokeOldKey");
    assert!(matches!(second.error(), StepError::CriterionFailed { status: 500, .. }), "{:?}", second.error());
    // The key created by the resumed run is kept as a partial output, as after any failure.
    assert_eq!(second.partial().created_key.as_ref().map(SecretString::expose_secret), Some(APIGEE_NEW_KEY));
    let checkpoint = second.into_checkpoint();
    assert_eq!(checkpoint.failed_step(), "revokeOldKey");
    assert_eq!(replayed(&checkpoint), expected_replayed::<Apigee>(3));

    let (_, stored) = through_json(&checkpoint);
    let outputs = Apigee::resume(&fake, stored).await.unwrap();
    Apigee::assert_rotated(&fake, &outputs);
    assert_eq!(steps_of::<Apigee>(&fake.requests()), [1, 2, 2, 3, 4, 4]);
}

/// A checkpoint of another workflow is refused at the first request, before anything is sent.
#[tokio::test]
async fn a_checkpoint_of_another_workflow_is_refused() {
    let deepgram = Deepgram::start().await;
    deepgram.fail_request(2, injected_500());
    let checkpoint = Deepgram::run(&deepgram).await.unwrap_err().into_checkpoint();

    let svix = Svix::start().await;
    let error = Svix::resume(&svix, checkpoint).await.unwrap_err();
    assert_eq!(error.workflow_id(), "rotate-integration-key");
    assert_eq!(error.step_id(), "getIntegration");
    assert_eq!(
        error.error(),
        &StepError::CheckpointMismatch {
            workflow_id: "rotate-project-key".into(),
            step_id: "createReplacementKey".into()
        }
    );
    assert!(error.to_string().contains("checkpoint does not match"), "{error}");
    assert!(svix.requests().is_empty());
    // The refused run's own checkpoint still holds what the Deepgram run took effect with, so it is
    // not lost by trying the wrong function.
    assert_eq!(replayed(error.checkpoint()), [("rotate-project-key".to_owned(), "createReplacementKey".to_owned())]);
}

/// A checkpoint whose record does not follow the requests the run makes (edited, or taken by a run
/// whose inputs led it down other steps) is refused before anything is sent. The seeds take the
/// same steps whatever their inputs, so the record is cut by hand: without its `getIntegration`,
/// the first request it expects is `rotateKey`'s.
#[tokio::test]
async fn a_checkpoint_recording_other_requests_is_refused() {
    let svix = Svix::start().await;
    svix.fail_request(3, injected_500());
    let checkpoint = Svix::run(&svix).await.unwrap_err().into_checkpoint();
    let mut stored: serde_json::Value = serde_json::from_str(&through_json(&checkpoint).0).unwrap();
    // Drop the recorded `getIntegration`: the first recorded exchange is now `rotateKey`.
    stored["exchanges"].as_array_mut().unwrap().remove(0);
    let edited: Checkpoint = serde_json::from_value(stored).unwrap();

    let requests_before = svix.requests().len();
    let error = Svix::resume(&svix, edited).await.unwrap_err();
    assert_eq!(error.step_id(), "getIntegration");
    assert_eq!(
        error.error(),
        &StepError::CheckpointMismatch { workflow_id: "rotate-integration-key".into(), step_id: "rotateKey".into() }
    );
    assert_eq!(svix.requests().len(), requests_before, "nothing is sent once the checkpoint does not match");
}

/// A workflow that retries a step calling another workflow: the called workflow's failed attempts
/// are part of the path the run took, so the checkpoint keeps them and a resumed run retries where
/// the first one did, without a real request, before sending the last failed request again.
#[tokio::test]
async fn a_called_workflow_that_was_retried_is_replayed_with_its_failed_attempts() {
    let rex = Pet { id: "pet_rex".into(), name: "rex".into(), age: 3, owner_token: None };
    let seed =
        PetsSeed { pets: vec![rex], bearer: "pets_bearer".into(), api_key: "pets_key".into(), ..PetsSeed::default() };
    let fake = pets::start(seed).await.unwrap();
    // `lookup` runs `first-pet-name` (list, read) and retries it twice; every read fails.
    for n in [2, 4, 6] {
        fake.recorder().fail_request(n, injected_500());
    }
    let config = actions::Config { pets: actions::Pets::new("pets_bearer", "pets_key").with_base_url(&fake.base_url) };
    let inputs = actions::RetryAWorkflowInputs { pet_id: "pet_rex".into() };

    let error = actions::retry_a_workflow(&Client::new(), &config, &inputs).await.unwrap_err();
    assert_eq!(error.step_id(), "lookup");
    let checkpoint = error.into_checkpoint();
    assert_eq!(checkpoint.workflow_id(), "retry-a-workflow");
    assert_eq!(checkpoint.failed_step(), "lookup");
    let replayed: Vec<(&str, &str)> = checkpoint.replayed_steps().collect();
    let (list, read) = (("first-pet-name", "list"), ("first-pet-name", "read"));
    assert_eq!(replayed, [list, read, list, read, list], "only the last failed read is left out");

    let (_, stored) = through_json(&checkpoint);
    actions::resume_retry_a_workflow(&Client::new(), &config, &inputs, stored).await.unwrap();
    let paths: Vec<String> = fake.requests().iter().map(|request| request.path.clone()).collect();
    let (list, read) = ("/v2/pets", "/v2/pets/pet_rex");
    assert_eq!(paths, [list, read, list, read, list, read, read], "the resumed run sent one read");
}

/// Resuming with other inputs than the failed run's: the same steps, but their requests send
/// something else (another integration), so the record cannot answer them and nothing is sent.
#[tokio::test]
async fn a_checkpoint_resumed_with_other_inputs_is_refused() {
    use arazzo_generated::svix_rotate_integration_key as svix_gen;
    let svix = Svix::start().await;
    svix.fail_request(3, injected_500());
    let checkpoint = Svix::run(&svix).await.unwrap_err().into_checkpoint();
    let requests_before = svix.requests().len();

    let mut other = seeds::svix_inputs();
    other.integration_id = "integ_someone_else".into();
    let error = svix_gen::resume_rotate_integration_key(
        &Client::new(),
        &seeds::svix_config(&svix.base_url),
        &other,
        checkpoint,
    )
    .await
    .unwrap_err();
    assert_eq!(error.step_id(), "getIntegration");
    assert_eq!(
        error.error(),
        &StepError::CheckpointMismatch {
            workflow_id: "rotate-integration-key".into(),
            step_id: "getIntegration".into()
        }
    );
    assert_eq!(svix.requests().len(), requests_before, "nothing is sent once the checkpoint does not match");
}

/// A resumed run whose request does not match its checkpoint stops there, whatever its failure
/// actions say: `lookup` retries the workflow it calls on failure, but a retry (or a goto, or a
/// called workflow) after a mismatch would only wander further off the recorded path.
#[tokio::test]
async fn a_mismatch_ends_the_run_without_its_failure_actions() {
    let rex = Pet { id: "pet_rex".into(), name: "rex".into(), age: 3, owner_token: None };
    let seed =
        PetsSeed { pets: vec![rex], bearer: "pets_bearer".into(), api_key: "pets_key".into(), ..PetsSeed::default() };
    let fake = pets::start(seed).await.unwrap();
    for n in [2, 4, 6] {
        fake.recorder().fail_request(n, injected_500());
    }
    let config = actions::Config { pets: actions::Pets::new("pets_bearer", "pets_key").with_base_url(&fake.base_url) };
    let inputs = actions::RetryAWorkflowInputs { pet_id: "pet_rex".into() };
    let checkpoint = actions::retry_a_workflow(&Client::new(), &config, &inputs).await.unwrap_err().into_checkpoint();
    let sent = fake.requests().len();

    // Another pet: the recorded list request still matches, the read does not.
    let other = actions::RetryAWorkflowInputs { pet_id: "pet_other".into() };
    let error = actions::resume_retry_a_workflow(&Client::new(), &config, &other, checkpoint).await.unwrap_err();
    assert_eq!(error.step_id(), "lookup");
    // The mismatch itself, not the called workflow's failure after two more retries.
    assert_eq!(
        error.error(),
        &StepError::CheckpointMismatch { workflow_id: "first-pet-name".into(), step_id: "read".into() }
    );
    assert_eq!(fake.requests().len(), sent, "nothing is sent once the checkpoint does not match");
}

/// A step whose criteria held but whose output could not be read: the server acted (rotated the
/// key), so resuming must not send the request again. The checkpoint keeps the response; resuming
/// fails the same way without a request, and the response is there for whoever handles it.
#[tokio::test]
async fn a_step_that_took_effect_but_whose_output_was_unreadable_is_not_sent_again() {
    use arazzo_generated::svix_rotate_integration_key as svix_gen;
    let svix = Svix::start().await;
    // rotateKey answers 200 (its criterion holds) without the `key` the step reads.
    svix.fail_request(2, Failure::status(200).json(json!({"rotated": true})));
    let error = Svix::run(&svix).await.unwrap_err();
    assert_eq!(error.step_id(), "rotateKey");
    assert!(matches!(error.error(), StepError::MissingValue { pointer } if pointer == "/key"), "{error}");
    let checkpoint = error.into_checkpoint();
    let steps: Vec<(&str, &str)> = checkpoint.replayed_steps().collect();
    let workflow = "rotate-integration-key";
    assert_eq!(steps, [(workflow, "getIntegration"), (workflow, "rotateKey")], "rotateKey's response is kept");
    let requests_before = svix.requests().len();

    let (_, stored) = through_json(&checkpoint);
    let again = svix_gen::resume_rotate_integration_key(
        &Client::new(),
        &seeds::svix_config(&svix.base_url),
        &seeds::svix_inputs(),
        stored,
    )
    .await
    .unwrap_err();
    assert_eq!(again.step_id(), "rotateKey");
    assert!(matches!(again.error(), StepError::MissingValue { pointer } if pointer == "/key"), "{again}");
    assert_eq!(svix.requests().len(), requests_before, "the rotation is not sent again");
}
