//! What a failed run hands back to be resumed: the exchanges that took effect.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Exchange;

/// What a failed run had received before the step that failed: hand it to the generated
/// `resume_...` function to finish the run without repeating those requests.
///
/// It holds whole response bodies, which may carry secrets (a newly created key), so it is
/// treated as a secret: its `Debug` output lists only workflow and step ids and statuses, and it
/// is serialized only through the explicit [`Checkpoint::expose_secrets`]. Deserializing it is
/// plain `serde::Deserialize`.
///
/// Resume with the same inputs and configuration as the failed run: the recorded responses
/// answer the same requests, in the same order.
#[derive(Clone, Default, Deserialize)]
pub struct Checkpoint {
    /// The workflow whose run failed.
    pub(crate) workflow: String,
    /// The step that failed; resuming sends its request again.
    pub(crate) failed_step: String,
    pub(crate) exchanges: Vec<Exchange>,
}

impl Checkpoint {
    /// The checkpoint of a run of `workflow` that failed at `failed_step`, holding `exchanges`: for
    /// a journal that stores a checkpoint's content and gives it back (see
    /// [`Checkpoint::exchanges`]).
    pub fn from_exchanges(
        workflow: impl Into<String>,
        failed_step: impl Into<String>,
        exchanges: Vec<Exchange>,
    ) -> Self {
        Self { workflow: workflow.into(), failed_step: failed_step.into(), exchanges }
    }

    /// The recorded exchanges, in the order a resumed run replays them.
    pub fn exchanges(&self) -> &[Exchange] {
        &self.exchanges
    }
}

impl Checkpoint {
    /// The workflow whose run failed.
    pub fn workflow_id(&self) -> &str {
        &self.workflow
    }

    /// The step that failed (the first request sent for real on resume).
    pub fn failed_step(&self) -> &str {
        &self.failed_step
    }

    /// The `(workflow id, step id)` of every recorded exchange, in order: the requests that
    /// resuming will not send again.
    pub fn replayed_steps(&self) -> impl Iterator<Item = (&str, &str)> {
        self.exchanges.iter().map(|exchange| (&*exchange.id.workflow, &*exchange.id.step))
    }

    /// The checkpoint in a form that serializes everything, secrets included, for storage the
    /// caller trusts (an encrypted store, a secret manager).
    pub fn expose_secrets(&self) -> ExposedCheckpoint<'_> {
        ExposedCheckpoint(self)
    }
}

impl fmt::Debug for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exchanges: Vec<String> = self
            .exchanges
            .iter()
            .map(|exchange| match exchange.status() {
                Some(status) => format!("{}/{} -> {status}", exchange.id.workflow, exchange.id.step),
                None => format!("{}/{} -> failed", exchange.id.workflow, exchange.id.step),
            })
            .collect();
        f.debug_struct("Checkpoint")
            .field("workflow", &self.workflow)
            .field("failed_step", &self.failed_step)
            .field("exchanges", &exchanges)
            .finish()
    }
}

/// A [`Checkpoint`] that serializes its recorded responses, secrets included.
pub struct ExposedCheckpoint<'a>(&'a Checkpoint);

impl Serialize for ExposedCheckpoint<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Fields<'a> {
            workflow: &'a str,
            failed_step: &'a str,
            exchanges: Vec<super::ExposedExchange<'a>>,
        }
        let checkpoint = self.0;
        Fields {
            workflow: &checkpoint.workflow,
            failed_step: &checkpoint.failed_step,
            exchanges: checkpoint.exchanges.iter().map(Exchange::expose_secrets).collect(),
        }
        .serialize(serializer)
    }
}
