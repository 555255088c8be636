//! A run recording its exchanges in a [`Journal`]: giving a client a journal, sending each request
//! through it, turning what it recorded back into the run's outcome, and telling it how the run
//! ended.

use std::future::Future;
use std::sync::Arc;

use crate::error::{StepError, WorkflowError};
use crate::journal::{Exchange, ExchangeId, Failure, Journal, JournalError, Replay, RunEnd, RunId};
use crate::reading::{Answered, Response};
use crate::run::Client;
use crate::run::context::{RunContext, RunJournal};
use crate::transport::Parts;

impl Client {
    /// This client for run `run_id`, every exchange recorded in `journal` before the run acts on
    /// it, with nothing to replay: for a journal that replays by itself (Restate's), and cheap
    /// enough to call per invocation. Use [`Client::journaled`] for a journal that hands back what
    /// it recorded (a file). The client belongs to that one run: a new run needs a new client.
    pub fn with_journal(&self, journal: Arc<dyn Journal>, run_id: impl Into<RunId>) -> Self {
        let journal = RunJournal { journal, run: run_id.into(), completed: false };
        self.in_context(Arc::new(RunContext::with_journal(self.workflow_timeout(), Replay::default(), Some(journal))))
    }

    /// This client for run `run_id` of `journal`: what the journal recorded for that id is
    /// replayed (answered from the journal, not sent), then every new exchange is recorded before
    /// the run acts on it. Call [`Client::finish_journaled`] with the workflow's result, or use
    /// [`Client::run_journaled`], which does both. The client belongs to that one run.
    pub async fn journaled(&self, journal: Arc<dyn Journal>, run_id: impl Into<RunId>) -> Result<Self, JournalError> {
        let run = run_id.into();
        let replay = journal.start(&run).await?;
        let journal = RunJournal { journal, run, completed: false };
        Ok(self.in_context(Arc::new(RunContext::with_journal(self.workflow_timeout(), replay, Some(journal)))))
    }

    /// Tells this client's journal ([`Client::journaled`]) how its run ended, and hands `result`
    /// back: outputs mark the run completed (started again, it replays them without a request);
    /// an error's checkpoint is what a restart replays (as `resume_...` would). Without a journal,
    /// does nothing.
    ///
    /// Should the journal fail to record the end, the run's exchanges are still in it (a restart
    /// replays them to the same end): the failure is logged (`tracing::warn!`) and `result` handed
    /// back all the same, so that outputs already received are never lost to it.
    pub async fn finish_journaled<T, P>(&self, result: Result<T, WorkflowError<P>>) -> Result<T, WorkflowError<P>> {
        let Some(journal) = self.run_context().and_then(|context| context.journal()) else { return result };
        let end = match &result {
            Ok(_) => RunEnd::Completed,
            Err(error) => RunEnd::Failed(error.checkpoint()),
        };
        if let Err(error) = journal.journal.end(&journal.run, end).await {
            tracing::warn!(run_id = %journal.run, %error, "the journal could not record how the run ended");
        }
        result
    }

    /// Runs `workflow` as run `run_id` of `journal` ([`Client::journaled`]) and records how it
    /// ended ([`Client::finish_journaled`]):
    ///
    /// ```ignore
    /// let outputs = client.run_journaled(&journal, "rotation-42", async |client| rotate(client, &config, &inputs).await).await?;
    /// ```
    ///
    /// Started again with the same id after a crash, the run replays what was recorded and sends
    /// only what was never answered; after it completed, it gives the same outputs without a
    /// request, until the run is removed from the journal.
    pub async fn run_journaled<J, T, P>(
        &self,
        journal: &J,
        run_id: impl Into<RunId>,
        workflow: impl AsyncFnOnce(&Client) -> Result<T, WorkflowError<P>>,
    ) -> Result<T, JournaledError<P>>
    where
        J: Journal + Clone,
    {
        let client = self.journaled(Arc::new(journal.clone()), run_id).await.map_err(JournaledError::Journal)?;
        let result = workflow(&client).await;
        client.finish_journaled(result).await.map_err(JournaledError::Workflow)
    }
}

/// Why [`Client::run_journaled`] returned no outputs: the journal could not be opened, or the
/// workflow failed.
#[derive(Debug, thiserror::Error)]
pub enum JournaledError<P> {
    /// The journal could not be read (wrong key, damaged file, run open elsewhere, ...): nothing
    /// was sent.
    #[error(transparent)]
    Journal(JournalError),
    /// The workflow failed; its checkpoint is in the journal, and starting the run again with the
    /// same id resumes it.
    #[error(transparent)]
    Workflow(WorkflowError<P>),
}

/// Sends one request through the run's journal: `sending` resolves to the response's parts or the
/// error it met, and the journal records its outcome (or, replaying by itself, answers from its
/// record) before the run acts on it.
pub(crate) async fn exchange(
    journal: &RunJournal,
    id: ExchangeId,
    sending: impl Future<Output = Result<Parts, StepError>> + Send + 'static,
) -> Result<Exchange, StepError> {
    if journal.completed {
        return Err(StepError::Journal {
            message: format!(
                "run `{}` completed already, and this run made a request it did not ({id}): the inputs or the \
                 workflow changed; remove the run from the journal to run it again",
                journal.run
            ),
        });
    }
    let recorded = id.clone();
    let send = Box::pin(async move {
        match sending.await {
            Ok((status, headers, body)) => Exchange::received(recorded, status, &headers, &body),
            Err(error) => Exchange::failed(recorded, failure_of(&error)),
        }
    });
    Arc::clone(&journal.journal)
        .exchange(journal.run.clone(), id, send)
        .await
        .map_err(|error| StepError::Journal { message: error.to_string() })
}

/// What a journal records of `error`, met while sending a request. Errors no sending produces are
/// recorded as transport errors with their message.
fn failure_of(error: &StepError) -> Failure {
    match error {
        StepError::Transport { message } => Failure::Transport { message: message.clone() },
        StepError::Timeout => Failure::Timeout,
        StepError::StepTimeout { .. } => Failure::StepTimeout,
        StepError::WorkflowTimeout { limit } => {
            Failure::WorkflowTimeout { limit_ms: u64::try_from(limit.as_millis()).unwrap_or(u64::MAX) }
        }
        StepError::InvalidRequest { message } => Failure::InvalidRequest { message: message.clone() },
        other => Failure::Transport { message: other.to_string() },
    }
}

/// What a recorded exchange answers the request it was recorded for (replayed from a checkpoint or
/// a journal, or just journaled): its response, or the error of its recorded failure.
pub(crate) fn outcome(
    exchange: &Exchange,
    answered: Answered,
    step_timeout: Option<StepError>,
) -> Result<Response, StepError> {
    match exchange.response_parts() {
        Some(parts) => Ok(Response::received(parts, answered)),
        None => Err(failure_error(exchange.failure(), step_timeout)),
    }
}

/// The error of a recorded failure, met again by a replayed run: `step_timeout` is the error of
/// the replaying step's own deadline (the same step, so the error the recorded run met).
pub(crate) fn failure_error(failure: Option<&Failure>, step_timeout: Option<StepError>) -> StepError {
    match failure {
        Some(Failure::Transport { message }) => StepError::Transport { message: message.clone() },
        Some(Failure::Timeout) => StepError::Timeout,
        Some(Failure::StepTimeout) => step_timeout.unwrap_or(StepError::Timeout),
        Some(Failure::WorkflowTimeout { limit_ms }) => {
            StepError::WorkflowTimeout { limit: std::time::Duration::from_millis(*limit_ms) }
        }
        Some(Failure::InvalidRequest { message }) => StepError::InvalidRequest { message: message.clone() },
        // Only for an exchange with neither a response nor a failure, which cannot be built.
        None => StepError::Transport { message: "the journal recorded no outcome for this request".into() },
    }
}

#[cfg(test)]
#[path = "journaled_tests.rs"]
mod tests;
