//! [`RestateJournal`]: the runtime's [`Journal`] for a run served through Restate. It records
//! nothing itself: it hands every exchange to the pump of [`run_journaled`](crate::run_journaled),
//! which records it in the invocation's journal with `ctx.run`.

use std::sync::Arc;

use arazzo_runtime::journal::{BoxFuture, Exchange, ExchangeId, Journal, JournalError, RunId};
use tokio::sync::{mpsc, oneshot};

/// What a queued exchange's caller is answered with when the pump is gone: only once the handler
/// is returning, so no run acts on it.
const PUMP_GONE: &str = "the Restate journal of this run has stopped";

/// The journal of one run served through Restate: hands every exchange to the pump of
/// [`run_journaled`](crate::run_journaled), which records it with `ctx.run`, sealed with the
/// journal key. Restate replays by itself, so [`Journal::start`] hands a run nothing to replay; and
/// an invocation's end is Restate's, so [`Journal::end`] records nothing.
///
/// Cheap to clone; every clone feeds the same pump.
#[derive(Clone, Debug)]
pub struct RestateJournal {
    queue: mpsc::UnboundedSender<Queued>,
}

/// An exchange waiting for the pump.
pub(crate) struct Queued {
    pub(crate) id: ExchangeId,
    pub(crate) send: BoxFuture<'static, Exchange>,
    pub(crate) answer: oneshot::Sender<Result<Exchange, JournalError>>,
}

impl RestateJournal {
    /// A journal and the receiving end of its queue.
    pub(crate) fn channel() -> (Self, mpsc::UnboundedReceiver<Queued>) {
        let (queue, queued) = mpsc::unbounded_channel();
        (Self { queue }, queued)
    }
}

impl Journal for RestateJournal {
    fn exchange(
        self: Arc<Self>,
        _run: RunId,
        id: ExchangeId,
        send: BoxFuture<'static, Exchange>,
    ) -> BoxFuture<'static, Result<Exchange, JournalError>> {
        let (answer, answered) = oneshot::channel();
        let queued = self.queue.send(Queued { id, send, answer });
        Box::pin(async move {
            let gone = || JournalError::Other { message: PUMP_GONE.to_owned() };
            if queued.is_err() {
                return Err(gone());
            }
            answered.await.unwrap_or_else(|_| Err(gone()))
        })
    }
}
