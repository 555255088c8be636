//! The bridge between a run's exchanges and Restate's journal.
//!
//! A generated workflow runs as an ordinary future, and the runtime hands each of its exchanges to a
//! [`RestateJournal`] as an owned `'static` future. Restate's context, though, is borrowed by the
//! handler and cannot travel with those futures. So the journal only queues each exchange; the
//! pump, polled beside the workflow in the handler's own task, takes them from the queue one at a
//! time, in arrival order, and runs each inside `ctx.run`: Restate records the outcome durably
//! before the pump hands it back, so the workflow acts only on what is recorded.
//!
//! Replaying, `ctx.run` answers from the journal without running the exchange. Concurrent steps
//! may send their requests in another order on replay than they did the first time (a retry's
//! delay is real time again, while replayed answers come at once); Restate checks that the i-th
//! `ctx.run` of a replay is the i-th of the journal, so every exchange uses the same entry name and
//! the pump matches each recorded entry to its request by [`ExchangeId`]: an entry recorded for a
//! request that has not been asked yet is kept until that request comes, and `ctx.run` is asked
//! again for the request waiting.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use restate_sdk::context::RunFuture;
use restate_sdk::errors::{HandlerError, TerminalError};
use restate_sdk::prelude::ContextSideEffects;
use restate_sdk::serde::Json;
use tokio::sync::{mpsc, oneshot};

use crate::exchange::{BoxFuture, ExchangeId, ExchangeJournal, ExchangeOutcome};
use crate::record::{RECORD_VERSION, Record};

/// The name of every `ctx.run` entry an exchange makes: one name for all, since Restate compares
/// names on replay and concurrent steps may ask in another order (the entry itself says which
/// exchange it answered).
pub const RUN_NAME: &str = "arazzo exchange";

/// What a queued exchange's caller is answered with when the pump is gone: only once the handler
/// is returning, so no run acts on it.
const PUMP_GONE: &str = "the Restate journal of this run has stopped";

/// The journal of one run served through Restate: hands every exchange to the pump of
/// [`run_journaled`](crate::run_journaled), which records it with `ctx.run`.
///
/// Cheap to clone; every clone feeds the same pump.
#[derive(Clone, Debug)]
pub struct RestateJournal {
    queue: mpsc::UnboundedSender<Queued>,
}

/// An exchange waiting for the pump.
pub(crate) struct Queued {
    id: ExchangeId,
    send: BoxFuture<'static, ExchangeOutcome>,
    answer: oneshot::Sender<ExchangeOutcome>,
}

impl RestateJournal {
    /// A journal and the receiving end of its queue.
    pub(crate) fn channel() -> (Self, mpsc::UnboundedReceiver<Queued>) {
        let (queue, queued) = mpsc::unbounded_channel();
        (Self { queue }, queued)
    }
}

impl ExchangeJournal for RestateJournal {
    fn exchange(
        &self,
        id: ExchangeId,
        send: BoxFuture<'static, ExchangeOutcome>,
    ) -> BoxFuture<'static, ExchangeOutcome> {
        let (answer, answered) = oneshot::channel();
        let queued = self.queue.send(Queued { id, send, answer });
        Box::pin(async move {
            if queued.is_err() {
                return Err(PUMP_GONE.to_owned());
            }
            answered.await.unwrap_or_else(|_| Err(PUMP_GONE.to_owned()))
        })
    }
}

/// Why the pump stopped a run.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// Restate ended the exchange's `ctx.run` with a terminal error: the invocation was cancelled.
    #[error("Restate ended the journaled exchange {id}: {error}")]
    Terminal {
        /// The exchange whose entry ended so.
        id: ExchangeId,
        /// Restate's error.
        error: TerminalError,
    },
    /// A journal entry written in a form this version of arazzo-restate does not know (a newer
    /// one wrote it): another service instance may read it, so Restate should retry.
    #[error(
        "the journal entry answering {id} has the form version {found}; this version of arazzo-restate reads version {RECORD_VERSION}"
    )]
    UnknownRecordVersion {
        /// The exchange being answered.
        id: ExchangeId,
        /// The entry's version.
        found: u32,
    },
}

impl JournalError {
    /// The error a handler returns: a cancellation ends the invocation (terminal); an entry of an
    /// unknown form is left to Restate to retry, on an instance that may know it.
    pub fn into_handler_error(self) -> HandlerError {
        match self {
            Self::Terminal { error, .. } => error.into(),
            unknown @ Self::UnknownRecordVersion { .. } => unknown.into(),
        }
    }
}

/// Records one exchange as the next entry of a journal: Restate's `ctx.run` in a handler, a fake in
/// tests. Public in a private module: [`JournalContext`] is sealed by it.
pub trait Recorder {
    /// The entry the journal holds at its next position once it is durable: replaying, the
    /// recorded one (and `run` is dropped unpolled); otherwise what `run` resolves to.
    fn record(
        &self,
        run: BoxFuture<'static, Result<Record, TerminalError>>,
    ) -> impl Future<Output = Result<Record, TerminalError>> + Send;
}

/// The context of a Restate handler a run can be journaled in: that of a service ([`Context`]), a
/// virtual object ([`ObjectContext`], [`SharedObjectContext`]) or a workflow ([`WorkflowContext`],
/// [`SharedWorkflowContext`]). Implemented for those five, and sealed.
///
/// [`Context`]: restate_sdk::context::Context
/// [`ObjectContext`]: restate_sdk::context::ObjectContext
/// [`SharedObjectContext`]: restate_sdk::context::SharedObjectContext
/// [`WorkflowContext`]: restate_sdk::context::WorkflowContext
/// [`SharedWorkflowContext`]: restate_sdk::context::SharedWorkflowContext
pub trait JournalContext: Recorder {}

/// Each context records an exchange as a `ctx.run` named [`RUN_NAME`]. Written per type: the
/// future `ctx.run` returns is `Send` for each of them, which a generic impl cannot see.
macro_rules! journal_context {
    ($($context:ident),+) => {$(
        impl Recorder for restate_sdk::context::$context<'_> {
            fn record(
                &self,
                run: BoxFuture<'static, Result<Record, TerminalError>>,
            ) -> impl Future<Output = Result<Record, TerminalError>> + Send {
                // An exchange's outcome, transport errors included, is always a value to record: the
                // closure never fails with a retryable error, so Restate's run retry policy never applies.
                let entry = ContextSideEffects::run(self, move || async move { run.await.map(Json).map_err(HandlerError::from) })
                    .name(RUN_NAME);
                async move { entry.await.map(Json::into_inner) }
            }
        }

        impl JournalContext for restate_sdk::context::$context<'_> {}
    )+};
}

journal_context!(Context, ObjectContext, SharedObjectContext, WorkflowContext, SharedWorkflowContext);

/// Takes exchanges from `queued` one at a time, in arrival order, and answers each with the journal
/// entry `recorder` holds for it. Returns once every journal handle is dropped, or with the error
/// that must stop the run.
pub(crate) async fn pump<R: Recorder>(
    recorder: &R,
    mut queued: mpsc::UnboundedReceiver<Queued>,
) -> Result<(), JournalError> {
    // Entries replayed for requests not asked yet, by id, each id's in recorded order.
    let mut ahead: HashMap<ExchangeId, VecDeque<ExchangeOutcome>> = HashMap::new();
    while let Some(Queued { id, send, answer }) = queued.recv().await {
        let outcome = answer_one(recorder, &mut ahead, id, send).await?;
        // The run may have stopped waiting (its future dropped): the entry stands regardless.
        let _ = answer.send(outcome);
    }
    Ok(())
}

async fn answer_one<R: Recorder>(
    recorder: &R,
    ahead: &mut HashMap<ExchangeId, VecDeque<ExchangeOutcome>>,
    id: ExchangeId,
    send: BoxFuture<'static, ExchangeOutcome>,
) -> Result<ExchangeOutcome, JournalError> {
    if let Some(outcome) = ahead.get_mut(&id).and_then(VecDeque::pop_front) {
        // Answered by an entry replayed earlier: `send` is dropped unpolled, nothing goes out.
        return Ok(outcome);
    }
    // `ctx.run` may answer from the journal without running its closure, and then has to be asked
    // again for this request: `send` waits here until a closure really runs it.
    let send = Arc::new(Mutex::new(Some(send)));
    loop {
        let (slot, for_record) = (Arc::clone(&send), id.clone());
        let run: BoxFuture<'static, Result<Record, TerminalError>> = Box::pin(async move {
            let send = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            match send {
                Some(send) => Ok(Record::new(for_record, send.await)),
                // A closure that ran returned this id's entry, which ended the loop.
                None => Err(TerminalError::new(format!("the exchange {for_record} was sent twice in one attempt"))),
            }
        });
        let record = recorder.record(run).await.map_err(|error| JournalError::Terminal { id: id.clone(), error })?;
        if record.v != RECORD_VERSION {
            return Err(JournalError::UnknownRecordVersion { id, found: record.v });
        }
        if record.id == id {
            return Ok(record.outcome);
        }
        ahead.entry(record.id).or_default().push_back(record.outcome);
    }
}

/// Runs `workflow` with a fresh journal beside the pump that records its exchanges through `recorder`,
/// both polled in this task; returns the workflow's output, or the error that stopped the pump.
pub(crate) async fn drive<R, W, Fut>(recorder: &R, workflow: W) -> Result<Fut::Output, JournalError>
where
    R: Recorder,
    W: FnOnce(RestateJournal) -> Fut,
    Fut: Future,
{
    let (journal, queued) = RestateJournal::channel();
    let run = workflow(journal);
    let pump = pump(recorder, queued);
    tokio::pin!(run, pump);
    tokio::select! {
        biased;
        output = &mut run => Ok(output),
        stopped = &mut pump => match stopped {
            // Every handle dropped: the workflow sends nothing more through the journal.
            Ok(()) => Ok(run.await),
            Err(error) => Err(error),
        },
    }
}
