//! Outputs and failures as they cross Restate: readable without secrets, whole once opened with
//! the key, and nothing without it.

use arazzo_runtime::journal::seal::JournalKey;
use arazzo_runtime::{Checkpoint, SecretString, StepError, WorkflowError};
use serde::Serialize;
use serde_json::json;

use super::*;

const KEY: &str = "integsk_created_5be0c3a9d1";

fn key(byte: u8) -> JournalKey {
    JournalKey::from_bytes([byte; 32])
}

/// What arazzo-codegen writes for outputs and partial outputs, in short.
#[derive(Serialize)]
struct Outputs {
    #[serde(rename = "keyId")]
    key_id: String,
    #[serde(rename = "key", serialize_with = "arazzo_runtime::serde_support::secret")]
    key: SecretString,
}

#[derive(Serialize)]
struct Partial {
    #[serde(rename = "keyId")]
    key_id: Option<String>,
    #[serde(serialize_with = "arazzo_runtime::serde_support::secret")]
    rotate_key: Option<SecretString>,
}

fn failed_run() -> WorkflowError<Partial> {
    let checkpoint: Checkpoint = serde_json::from_value(json!({
        "workflow": "rotate",
        "failed_step": "getKey",
        "exchanges": [{
            "workflow": "rotate", "step": "rotateKey", "method": "POST", "path": "/keys/{id}/rotate",
            "request": "00000000000000ff", "status": 200, "headers": [["content-type", "application/json"]],
            "body": format!("{{\"key\":\"{KEY}\"}}")
        }]
    }))
    .unwrap();
    let partial = Partial { key_id: Some("key_1".into()), rotate_key: Some(KEY.into()) };
    WorkflowError::new("rotate", "getKey", StepError::Timeout, partial).with_checkpoint(checkpoint)
}

#[test]
fn outputs_are_readable_without_their_secrets_and_whole_once_opened() {
    let outputs = Outputs { key_id: "key_1".into(), key: KEY.into() };
    let sealed = SealedOutputs::seal(&outputs, &key(1)).unwrap();
    let json = serde_json::to_string(&sealed).unwrap();
    assert!(!json.contains(KEY), "{json}");
    assert_eq!(sealed.outputs, json!({"keyId": "key_1", "key": "[REDACTED]"}));
    assert_eq!(sealed.open(&key(1)).unwrap(), json!({"keyId": "key_1", "key": KEY}));
    assert!(!format!("{sealed:?}").contains(&sealed.sealed));
}

#[test]
fn outputs_do_not_open_with_another_key() {
    let outputs = Outputs { key_id: "key_1".into(), key: KEY.into() };
    let sealed = SealedOutputs::seal(&outputs, &key(1)).unwrap();
    let error = sealed.open(&key(2)).unwrap_err();
    assert!(matches!(error, OpenError::WrongKey), "{error}");
    assert!(error.to_string().contains("another key"), "{error}");
}

#[test]
fn a_failure_carries_its_message_ids_and_redacted_partial_outputs() {
    let failure = RunFailure::of(&failed_run(), &key(1)).unwrap();
    assert_eq!(failure.message, failed_run().to_string());
    assert_eq!((failure.workflow.as_str(), failure.step.as_str()), ("rotate", "getKey"));
    assert_eq!(failure.partial, json!({"keyId": "key_1", "rotate_key": "[REDACTED]"}));
    let message = failure.clone().into_terminal_error().message().to_owned();
    assert!(!message.contains(KEY), "{message}");
    assert_eq!(RunFailure::from_message(&message).unwrap(), failure);
}

#[test]
fn a_failure_opens_to_the_partial_outputs_and_the_checkpoint() {
    let failure = RunFailure::of(&failed_run(), &key(1)).unwrap();
    let opened = failure.open(&key(1)).unwrap();
    assert_eq!(opened.partial, json!({"keyId": "key_1", "rotate_key": KEY}));
    assert_eq!(opened.checkpoint.failed_step(), "getKey");
    assert_eq!(opened.checkpoint.replayed_steps().collect::<Vec<_>>(), [("rotate", "rotateKey")]);
    let body = serde_json::to_value(opened.checkpoint.expose_secrets()).unwrap();
    assert_eq!(body["exchanges"][0]["body"], format!("{{\"key\":\"{KEY}\"}}"));
    assert!(matches!(failure.open(&key(2)), Err(OpenError::WrongKey)));
}

#[test]
fn sealed_outputs_and_failures_do_not_open_as_one_another() {
    let outputs = Outputs { key_id: "key_1".into(), key: KEY.into() };
    let sealed = SealedOutputs::seal(&outputs, &key(1)).unwrap();
    let mut failure = RunFailure::of(&failed_run(), &key(1)).unwrap();
    failure.sealed = sealed.sealed;
    assert!(matches!(failure.open(&key(1)), Err(OpenError::WrongKey)));
}

#[test]
fn another_terminal_error_is_not_a_run_failure() {
    for message in ["cancelled", "{\"message\": \"x\"}"] {
        assert!(matches!(RunFailure::from_message(message), Err(OpenError::NotARunFailure(_))), "{message}");
    }
}

#[test]
fn reply_seals_outputs_and_fails_a_failed_run() {
    let outputs = Outputs { key_id: "key_1".into(), key: KEY.into() };
    let answered = reply::<_, Partial>(Ok(outputs), &key(1)).unwrap().into_inner();
    assert_eq!(answered.open(&key(1)).unwrap()["key"], KEY);
    let Err(failed) = reply::<Outputs, _>(Err(failed_run()), &key(1)) else { panic!("a failed run answered Ok") };
    assert!(!format!("{failed:?}").contains(KEY));
}
