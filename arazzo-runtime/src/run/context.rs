//! What every workflow of one run shares: the deadline, the record of exchanges so far, the
//! exchanges still to replay when resuming, and the secrets handled.
//!
//! A generated workflow is a deterministic function of its inputs and of the responses it
//! receives. A run records every response (with the workflow, step, method and path template it
//! answered); when a step fails, the error carries these records minus the failed step's own
//! exchange as a [`Checkpoint`]. Resuming runs the workflow again from the start, but answers each
//! recorded request from the checkpoint instead of the network, so every step that took effect
//! (creating a key, say) is replayed, not repeated, and the run continues for real at the step
//! that failed.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::error::StepError;
use crate::journal::{Branch, Checkpoint, Exchange, Journal, Replay, RunId};
use crate::reading::Response;
use crate::run::handled_secrets::HandledSecrets;
use crate::secrets::SecretString;

/// Whether exchanges of `a` and `b` may arrive in any order relative to each other: they ran in
/// different branches of one concurrent level, neither inside the other.
fn concurrent(a: &Branch, b: &Branch) -> bool {
    let common = a.len().min(b.len());
    a[..common] != b[..common]
}

/// What every workflow of one run shares, nested calls included: the deadline, the exchanges
/// so far, and the exchanges still to replay when resuming.
///
/// A step that runs concurrently with others gets a context of its own ([`RunContext::branch`]):
/// the same deadline, secrets and exchanges to replay, but its own record, which the run merges
/// into its own once the concurrent steps have all finished, in the order the steps are written
/// ([`RunContext::merge`]), whatever order their responses arrived in.
pub(crate) struct RunContext {
    deadline: Option<Instant>,
    limit: Duration,
    log: Mutex<Log>,
    shared: Arc<Shared>,
    /// The concurrent steps this context records for, outermost first; empty for the run itself.
    branch: Branch,
}

/// What the branches of a run share with it.
struct Shared {
    replay: Mutex<VecDeque<Exchange>>,
    /// Where the run records each exchange before acting on it, when it has a journal.
    journal: Option<RunJournal>,
    /// Every secret the run has handled so far.
    secrets: Mutex<HandledSecrets>,
    /// The checkpoint's request that a request of this run did not match, once one did not: the
    /// run is not the one recorded, so nothing it does after that can be trusted to replay, and
    /// everything it tries (a failure action's retry or goto, a called workflow) fails at once.
    mismatch: Mutex<Option<(String, String)>>,
}

/// The exchanges of a run so far.
#[derive(Default)]
struct Log {
    exchanges: Vec<Exchange>,
    /// The positions of failed steps' own exchanges, left out of checkpoints. Cleared when the run
    /// records another exchange: it went on after that failure (a calling workflow's failure
    /// action retried the workflow that failed), so a resumed run must replay it to take the same
    /// path. Several only after concurrent steps failed together.
    left_out: Vec<usize>,
}

/// The journal a run records in, and the run's id there.
pub(crate) struct RunJournal {
    pub(crate) journal: Arc<dyn Journal>,
    pub(crate) run: RunId,
    /// The journal holds the run as completed: every request must be answered from it.
    pub(crate) completed: bool,
}

impl RunContext {
    pub(crate) fn new(limit: Duration, replay: Vec<Exchange>) -> Self {
        Self::with_journal(limit, Replay { exchanges: replay, completed: false }, None)
    }

    /// A run recording in `journal` (if any), replaying `replay` first.
    pub(crate) fn with_journal(limit: Duration, replay: Replay, journal: Option<RunJournal>) -> Self {
        let journal = journal.map(|journal| RunJournal { completed: replay.completed, ..journal });
        Self {
            // `None`: a limit so large that it cannot be added to now, i.e. no limit.
            deadline: Instant::now().checked_add(limit),
            limit,
            log: Mutex::new(Log::default()),
            shared: Arc::new(Shared {
                replay: Mutex::new(replay.exchanges.into()),
                journal,
                secrets: Mutex::new(HandledSecrets::default()),
                mismatch: Mutex::new(None),
            }),
            branch: Branch::new(),
        }
    }

    /// A context for step `step` running concurrently with others: this one's deadline, secrets
    /// and checkpoint to replay, with a record of its own. The run goes on after any failure it
    /// left out of checkpoints so far, as when it records an exchange.
    pub(crate) fn branch(&self, step: (&'static str, &'static str)) -> Self {
        lock(&self.log).left_out.clear();
        let mut branch = self.branch.clone();
        branch.push((step.0.into(), step.1.into()));
        Self {
            deadline: self.deadline,
            limit: self.limit,
            log: Mutex::new(Log::default()),
            shared: Arc::clone(&self.shared),
            branch,
        }
    }

    /// Appends the record of `branch` (one of this context's branches) to this one's, with the
    /// failed exchanges it leaves out. Called for each branch in the order the steps are written,
    /// so that the record does not depend on which response arrived first.
    pub(crate) fn merge(&self, branch: &RunContext) {
        let taken = std::mem::take(&mut *lock(&branch.log));
        let mut log = lock(&self.log);
        let offset = log.exchanges.len();
        log.left_out.extend(taken.left_out.iter().map(|position| position + offset));
        log.exchanges.extend(taken.exchanges);
    }

    /// Remembers the secrets `response`'s request carried and those its body holds.
    pub(crate) fn remember_secrets_of(&self, response: &Response) {
        let mut secrets = lock(&self.shared.secrets);
        secrets.add(response.request_secrets());
        secrets.add_in_body(response.body_bytes(), response.secret_pointers());
    }

    /// Remembers `secret`.
    pub(crate) fn remember_secret(&self, secret: &SecretString) {
        lock(&self.shared.secrets).add([secret]);
    }

    /// The secrets the run has handled so far.
    pub(crate) fn secrets(&self) -> Vec<SecretString> {
        lock(&self.shared.secrets).all()
    }

    /// Resuming `checkpoint`.
    pub(crate) fn resuming(limit: Duration, checkpoint: Checkpoint) -> Self {
        Self::new(limit, checkpoint.exchanges)
    }

    /// The time left before the deadline, or the error of having none left.
    pub(crate) fn remaining(&self) -> Result<Option<Duration>, StepError> {
        let Some(deadline) = self.deadline else { return Ok(None) };
        match deadline.checked_duration_since(Instant::now()) {
            Some(left) if !left.is_zero() => Ok(Some(left)),
            _ => Err(self.timed_out()),
        }
    }

    pub(crate) fn timed_out(&self) -> StepError {
        StepError::WorkflowTimeout { limit: self.limit }
    }

    /// The journal the run records in, if it has one.
    pub(crate) fn journal(&self) -> Option<&RunJournal> {
        self.shared.journal.as_ref()
    }

    /// The concurrent steps this context records for (see [`Branch`]).
    pub(crate) fn branch_steps(&self) -> &Branch {
        &self.branch
    }

    /// Whether this context's next request is still answered from a checkpoint (or refused by it).
    pub(crate) fn replaying(&self) -> bool {
        lock(&self.shared.replay).iter().any(|exchange| !concurrent(&exchange.id.branch, &self.branch))
    }

    /// The recorded answer to the next request, if the checkpoint has one; an error if the
    /// checkpoint expected a different request (it belongs to another workflow, or the inputs
    /// changed).
    ///
    /// Requests are answered in the order they were recorded, except that the exchanges of
    /// concurrent steps are matched by the step they answered: the first recorded exchange that
    /// is not another concurrent step's must answer this request. A concurrent step with no
    /// exchange left goes on over the network while the others replay theirs.
    pub(crate) fn replay(&self, step: (&str, &str), request: (&str, &str, u64)) -> Result<Option<Exchange>, StepError> {
        self.check_matched()?;
        let mut replay = lock(&self.shared.replay);
        let Some(index) = replay.iter().position(|exchange| !concurrent(&exchange.id.branch, &self.branch)) else {
            return Ok(None);
        };
        let next = &replay[index];
        if next.id.branch != self.branch || !next.id.answers(step, request) {
            let (workflow_id, step_id) = (next.id.workflow.to_string(), next.id.step.to_string());
            *lock(&self.shared.mismatch) = Some((workflow_id.clone(), step_id.clone()));
            return Err(StepError::CheckpointMismatch { workflow_id, step_id });
        }
        Ok(replay.remove(index))
    }

    /// The [`StepError::CheckpointMismatch`] of this run, once a request did not match the
    /// checkpoint it resumes.
    pub(crate) fn check_matched(&self) -> Result<(), StepError> {
        match &*lock(&self.shared.mismatch) {
            None => Ok(()),
            Some((workflow_id, step_id)) => {
                Err(StepError::CheckpointMismatch { workflow_id: workflow_id.clone(), step_id: step_id.clone() })
            }
        }
    }

    /// Records an exchange; returns its position.
    pub(crate) fn record(&self, mut exchange: Exchange) -> usize {
        exchange.id.branch.clone_from(&self.branch);
        let mut log = lock(&self.log);
        log.exchanges.push(exchange);
        log.left_out.clear();
        log.exchanges.len() - 1
    }

    /// The checkpoint of a run failing at `step`; `failed_exchange` (the failing step's own
    /// response, if it got one) is left out, so resuming sends that request again. A workflow that
    /// fails because a workflow it calls failed passes `None`: the called workflow's failed
    /// exchange, still the last one, stays left out; so do those of concurrent steps that failed
    /// together ([`RunContext::merge`]).
    pub(crate) fn checkpoint(&self, (workflow, step): (&str, &str), failed_exchange: Option<usize>) -> Checkpoint {
        let mut log = lock(&self.log);
        if let Some(position) = failed_exchange
            && position + 1 == log.exchanges.len()
            && !log.left_out.contains(&position)
        {
            log.left_out.push(position);
        }
        let mut exchanges: Vec<Exchange> = log
            .exchanges
            .iter()
            .enumerate()
            .filter(|(position, _)| !log.left_out.contains(position))
            .map(|(_, exchange)| exchange.clone())
            .collect();
        // Exchanges not replayed yet (a resumed run that failed before using them all) still
        // took effect in the earlier run.
        exchanges.extend(lock(&self.shared.replay).iter().cloned());
        Checkpoint { workflow: workflow.into(), failed_step: step.into(), exchanges }
    }
}

impl fmt::Debug for RunContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunContext").field("limit", &self.limit).finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Both are plain lists, consistent after a panic between two operations.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
#[path = "context_tests.rs"]
mod tests;
