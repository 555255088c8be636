//! What a handler answers for a run, crossing Restate as JSON: a run's outputs with their secrets
//! sealed ([`SealedOutputs`]), or, for a failed run, a terminal error whose message carries the
//! partial outputs and the checkpoint, sealed ([`RunFailure`]).
//!
//! Restate stores a handler's answer (in the invocation's journal, and for its retention period):
//! sealed with the user's [`JournalKey`], a key a rotation created is never in its storage in the
//! clear. The caller opens the answer with the same key. What is not secret (ids, the error's
//! message, the outputs with every secret written as `"[REDACTED]"`) stays readable, in Restate's
//! UI too.

use std::fmt;

use arazzo_runtime::journal::seal::JournalKey;
use arazzo_runtime::serde_support::ExposeSecrets;
use arazzo_runtime::{Checkpoint, WorkflowError};
use base64::Engine;
use restate_sdk::errors::{HandlerError, HandlerResult, TerminalError};
use restate_sdk::serde::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::record::BASE64;

/// What the seal of outputs is bound to: a sealed journal entry or failure does not open as outputs.
const OUTPUTS_CONTEXT: &[u8] = b"arazzo-restate outputs";
/// What the seal of a failure's partial outputs and checkpoint is bound to.
const FAILURE_CONTEXT: &[u8] = b"arazzo-restate failure";
/// The version of [`RunFailure`]'s form, written in every failure.
const FAILURE_VERSION: u32 = 1;

/// The handler's answer for `result`, a run of a generated workflow: its outputs sealed
/// ([`SealedOutputs`]), or a [`TerminalError`] carrying the failure ([`RunFailure`]), which Restate
/// does not retry (a replay would fail the same way) and hands to the caller.
///
/// Should sealing fail (the system's random generator failing), the error is left for Restate to
/// retry: the run replays from the journal, sending nothing again.
pub fn reply<O: Serialize, P: Serialize>(
    result: Result<O, WorkflowError<P>>,
    key: &JournalKey,
) -> HandlerResult<Json<SealedOutputs>> {
    match result {
        Ok(outputs) => Ok(Json(SealedOutputs::seal(&outputs, key)?)),
        Err(error) => Err(HandlerError::from(RunFailure::of(&error, key)?.into_terminal_error())),
    }
}

/// A run's outputs as a handler returns them: readable with secrets redacted, and whole but sealed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedOutputs {
    /// The outputs with every secret written as `"[REDACTED]"`, as the generated struct serializes.
    pub outputs: Value,
    /// The outputs, secrets included, as JSON sealed with the journal key (base64, RFC 4648).
    pub sealed: String,
}

impl SealedOutputs {
    /// `outputs` (a generated `…Outputs`), sealed with `key`.
    pub fn seal<O: Serialize>(outputs: &O, key: &JournalKey) -> Result<Self, ReplyError> {
        Ok(Self {
            outputs: serde_json::to_value(outputs)?,
            sealed: seal(&ExposeSecrets::new(outputs), key, OUTPUTS_CONTEXT)?,
        })
    }

    /// The outputs, secrets included, as the generated struct's `expose_secrets()` writes them.
    /// Hold the value as the secret it is.
    pub fn open(&self, key: &JournalKey) -> Result<Value, OpenError> {
        open(&self.sealed, key, OUTPUTS_CONTEXT)
    }
}

/// Shows the redacted outputs and the sealed text's length only.
impl fmt::Debug for SealedOutputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedOutputs").field("outputs", &self.outputs).field("sealed_len", &self.sealed.len()).finish()
    }
}

/// A failed run as it crosses Restate: the message of the handler's terminal error, as JSON (Restate's
/// terminal errors carry a code and a text only). The caller reads it with
/// [`RunFailure::from_message`] (the ingress answers a failed invocation with a JSON body whose
/// `message` is this text), then [`RunFailure::open`]s the partial outputs (a key created before
/// the failure) and the checkpoint, from which the generated `resume_…` finishes the run without
/// repeating what took effect.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunFailure {
    /// The version of this form; tells a run failure from another terminal error's message.
    pub arazzo_run_failure: u32,
    /// The error's message: names the workflow, the step and what happened, never a secret.
    pub message: String,
    /// The workflow that failed.
    pub workflow: String,
    /// The step that failed.
    pub step: String,
    /// The partial outputs with every secret written as `"[REDACTED]"`.
    pub partial: Value,
    /// `{"partial": …, "checkpoint": …}`, secrets included, sealed with the journal key (base64).
    pub sealed: String,
}

/// What a [`RunFailure`] holds sealed.
pub struct OpenedFailure {
    /// The partial outputs, secrets included, as the generated `…Partial`'s `expose_secrets()`
    /// writes them. Hold the value as the secret it is.
    pub partial: Value,
    /// The checkpoint: hand it to the generated `resume_…` function.
    pub checkpoint: Checkpoint,
}

#[derive(Serialize)]
struct SealedFailure<'a, P> {
    partial: ExposeSecrets<'a, P>,
    checkpoint: arazzo_runtime::ExposedCheckpoint<'a>,
}

#[derive(Deserialize)]
struct OpenedParts {
    partial: Value,
    checkpoint: Checkpoint,
}

impl RunFailure {
    /// The failure of `error`, its partial outputs and checkpoint sealed with `key`.
    pub fn of<P: Serialize>(error: &WorkflowError<P>, key: &JournalKey) -> Result<Self, ReplyError> {
        let sealed = SealedFailure {
            partial: ExposeSecrets::new(error.partial()),
            checkpoint: error.checkpoint().expose_secrets(),
        };
        Ok(Self {
            arazzo_run_failure: FAILURE_VERSION,
            message: error.to_string(),
            workflow: error.workflow_id().to_owned(),
            step: error.step_id().to_owned(),
            partial: serde_json::to_value(error.partial())?,
            sealed: seal(&sealed, key, FAILURE_CONTEXT)?,
        })
    }

    /// The terminal error a handler returns: this failure as its message.
    pub fn into_terminal_error(self) -> TerminalError {
        // A struct of strings and JSON values always serializes.
        TerminalError::new(serde_json::to_string(&self).unwrap_or(self.message))
    }

    /// The failure a terminal error's message holds.
    pub fn from_message(message: &str) -> Result<Self, OpenError> {
        let failure: Self =
            serde_json::from_str(message).map_err(|error| OpenError::NotARunFailure(error.to_string()))?;
        if failure.arazzo_run_failure != FAILURE_VERSION {
            return Err(OpenError::NotARunFailure(format!(
                "its form has the version {}; this version of arazzo-restate reads version {FAILURE_VERSION}",
                failure.arazzo_run_failure
            )));
        }
        Ok(failure)
    }

    /// The partial outputs and the checkpoint, opened with `key`.
    pub fn open(&self, key: &JournalKey) -> Result<OpenedFailure, OpenError> {
        let parts: OpenedParts = serde_json::from_value(open(&self.sealed, key, FAILURE_CONTEXT)?)
            .map_err(|error| OpenError::Unreadable(error.to_string()))?;
        Ok(OpenedFailure { partial: parts.partial, checkpoint: parts.checkpoint })
    }
}

/// Shows everything but the sealed text, which it measures.
impl fmt::Debug for RunFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunFailure")
            .field("message", &self.message)
            .field("workflow", &self.workflow)
            .field("step", &self.step)
            .field("partial", &self.partial)
            .field("sealed_len", &self.sealed.len())
            .finish()
    }
}

/// A handler's answer could not be sealed.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    /// The value did not serialize as JSON.
    #[error("the run's answer does not serialize as JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Sealing failed (the system's random generator failed).
    #[error("sealing the run's answer: {0}")]
    Seal(#[from] arazzo_runtime::JournalError),
}

/// A sealed answer could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The text is not a [`RunFailure`] (another terminal error's message, say).
    #[error("the message is not an arazzo-restate run failure: {0}")]
    NotARunFailure(String),
    /// The sealed part does not open with the key given: the service sealed it with another key,
    /// or it was altered. Without the key it was sealed with, it cannot be read.
    #[error(
        "the sealed answer does not open with this journal key: the service sealed it with another key, or it was altered"
    )]
    WrongKey,
    /// The sealed part opened but does not hold what it should.
    #[error("the sealed answer opened but cannot be read: {0}")]
    Unreadable(String),
}

fn seal<T: Serialize>(value: &T, key: &JournalKey, context: &[u8]) -> Result<String, ReplyError> {
    let plaintext = Zeroizing::new(serde_json::to_vec(value)?);
    Ok(BASE64.encode(key.seal(&plaintext, context)?))
}

fn open(sealed: &str, key: &JournalKey, context: &[u8]) -> Result<Value, OpenError> {
    let bytes = BASE64.decode(sealed).map_err(|_| OpenError::WrongKey)?;
    let plaintext = key.open(&bytes, context).map_err(|_| OpenError::WrongKey)?;
    serde_json::from_slice(&plaintext).map_err(|error| OpenError::Unreadable(error.to_string()))
}

#[cfg(test)]
#[path = "reply_tests.rs"]
mod tests;
