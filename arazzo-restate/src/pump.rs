//! The bridge between a run's exchanges and Restate's journal.
//!
//! A generated workflow runs as an ordinary future, and the runtime hands each of its exchanges to a
//! [`RestateJournal`] as an owned `'static` future. Restate's context, though, is borrowed by the
//! handler and cannot travel with those futures. So the journal only queues each exchange; the
//! pump, polled beside the workflow in the handler's own task, takes them from the queue one at a
//! time, in arrival order, and runs each inside `ctx.run`: Restate records the outcome durably
//! (sealed with the user's journal key, see `record.rs`) before the pump hands it back, so the
//! workflow acts only on what is recorded.
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

use arazzo_runtime::journal::seal::JournalKey;
use arazzo_runtime::journal::{BoxFuture, Exchange, ExchangeId};
use restate_sdk::context::RunFuture;
use restate_sdk::errors::{HandlerError, TerminalError};
use restate_sdk::prelude::ContextSideEffects;
use restate_sdk::serde::Json;
use tokio::sync::mpsc;

use crate::journal::{Queued, RestateJournal};
use crate::record::{RECORD_VERSION, Record, Unreadable};

/// The name of every `ctx.run` entry an exchange makes: one name for all, since Restate compares
/// names on replay and concurrent steps may ask in another order (the entry itself says which
/// exchange it answered).
pub const RUN_NAME: &str = "arazzo exchange";

/// Why the pump stopped a run.
#[derive(Debug, thiserror::Error)]
pub enum PumpError {
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
    /// A journal entry that does not open with this instance's journal key: every instance serving
    /// a deployment must have the key its invocations were journaled with. Another instance may
    /// have it, so Restate should retry; a key lost for good leaves the invocation unable to go on
    /// (it never acts on what it cannot read).
    #[error(
        "the journal entry `{entry}` does not open with this service instance's journal key: it was sealed with \
         another key (every instance of a deployment needs the key its invocations were journaled with), or altered"
    )]
    WrongKey {
        /// The entry's readable name (`workflow/step (METHOD /path)`).
        entry: String,
    },
    /// A journal entry that opened but holds no exchange this version can read.
    #[error("the journal entry `{entry}` holds no exchange this version of arazzo-restate can read: {reason}")]
    Unreadable {
        /// The entry's readable name.
        entry: String,
        /// What is wrong.
        reason: String,
    },
}

impl PumpError {
    /// The error a handler returns: a cancellation ends the invocation (terminal); an entry of an
    /// unknown form or that does not open is left to Restate to retry, on an instance that may
    /// read it.
    pub fn into_handler_error(self) -> HandlerError {
        match self {
            Self::Terminal { error, .. } => error.into(),
            other => other.into(),
        }
    }
}

/// Records one exchange as the next entry of a journal: Restate's `ctx.run` in a handler, a fake in
/// tests. Public in a private module: [`JournalContext`] is sealed by it.
pub trait Recorder {
    /// The id of the invocation whose journal this is: every entry's seal is bound to it.
    fn invocation_id(&self) -> &str;

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
            fn invocation_id(&self) -> &str {
                restate_sdk::context::$context::invocation_id(self)
            }

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
/// entry `recorder` holds for it, sealed with `key`. Returns once every journal handle is dropped,
/// or with the error that must stop the run.
pub(crate) async fn pump<R: Recorder>(
    recorder: &R,
    key: &JournalKey,
    mut queued: mpsc::UnboundedReceiver<Queued>,
) -> Result<(), PumpError> {
    // Entries replayed for requests not asked yet, by id, each id's in recorded order.
    let mut ahead: HashMap<ExchangeId, VecDeque<Exchange>> = HashMap::new();
    while let Some(Queued { id, send, answer }) = queued.recv().await {
        let exchange = answer_one(recorder, key, &mut ahead, id, send).await?;
        // The run may have stopped waiting (its future dropped): the entry stands regardless.
        let _ = answer.send(Ok(exchange));
    }
    Ok(())
}

async fn answer_one<R: Recorder>(
    recorder: &R,
    key: &JournalKey,
    ahead: &mut HashMap<ExchangeId, VecDeque<Exchange>>,
    id: ExchangeId,
    send: BoxFuture<'static, Exchange>,
) -> Result<Exchange, PumpError> {
    if let Some(exchange) = ahead.get_mut(&id).and_then(VecDeque::pop_front) {
        // Answered by an entry replayed earlier: `send` is dropped unpolled, nothing goes out.
        return Ok(exchange);
    }
    let invocation = recorder.invocation_id().to_owned();
    // `ctx.run` may answer from the journal without running its closure, and then has to be asked
    // again for this request: `send` waits here until a closure really runs it.
    let send = Arc::new(Mutex::new(Some(send)));
    loop {
        let (slot, for_record, seal_key, for_seal) = (Arc::clone(&send), id.clone(), key.clone(), invocation.clone());
        let run: BoxFuture<'static, Result<Record, TerminalError>> = Box::pin(async move {
            let send = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            match send {
                // Sealing fails only when the system's random generator does (or on a record too
                // large for the cipher): nothing a retry mends, and nothing to record.
                Some(send) => Record::seal(&send.await, &seal_key, &for_seal)
                    .map_err(|error| TerminalError::new(format!("sealing the journal entry of {for_record}: {error}"))),
                // A closure that ran returned this id's entry, which ended the loop.
                None => Err(TerminalError::new(format!("the exchange {for_record} was sent twice in one attempt"))),
            }
        });
        let record = recorder.record(run).await.map_err(|error| PumpError::Terminal { id: id.clone(), error })?;
        if record.v != RECORD_VERSION {
            return Err(PumpError::UnknownRecordVersion { id, found: record.v });
        }
        let exchange = record.open(key, &invocation).map_err(|unreadable| match unreadable {
            Unreadable::Unopened => PumpError::WrongKey { entry: record.exchange.clone() },
            Unreadable::NotAnExchange(reason) => PumpError::Unreadable { entry: record.exchange.clone(), reason },
        })?;
        if *exchange.id() == id {
            return Ok(exchange);
        }
        ahead.entry(exchange.id().clone()).or_default().push_back(exchange);
    }
}

/// Runs `workflow` with a fresh journal beside the pump that records its exchanges through
/// `recorder`, sealed with `key`, both polled in this task; returns the workflow's output, or the
/// error that stopped the pump.
pub(crate) async fn drive<R, W, Fut>(recorder: &R, key: &JournalKey, workflow: W) -> Result<Fut::Output, PumpError>
where
    R: Recorder,
    W: FnOnce(RestateJournal) -> Fut,
    Fut: Future,
{
    let (journal, queued) = RestateJournal::channel();
    let run = workflow(journal);
    let pump = pump(recorder, key, queued);
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
