//! The [`Journal`] trait: where a run's exchanges are recorded durably before the run acts on
//! them, and where a restarted run finds what to replay.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::{Checkpoint, Exchange, ExchangeId, JournalError};

/// A boxed future that can move between threads (`futures::future::BoxFuture`, spelt out so that
/// the runtime needs no `futures` dependency).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The id of one run in a journal, chosen by the caller (`rotation-42`): a run started again with
/// the same id replays what the journal recorded for it. Cheap to clone.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RunId(Arc<str>);

impl RunId {
    /// The id as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for RunId {
    fn from(id: &str) -> Self {
        Self(id.into())
    }
}

impl From<String> for RunId {
    fn from(id: String) -> Self {
        Self(id.into())
    }
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RunId({:?})", self.0)
    }
}

/// What a journal holds for a run when it starts: the exchanges to replay, in the order recorded,
/// and whether the run completed already.
#[derive(Clone, Debug, Default)]
pub struct Replay {
    /// Answered from the journal, not sent, in this order (concurrent steps' exchanges are matched
    /// by step, whatever order they arrive in).
    pub exchanges: Vec<Exchange>,
    /// The run completed before: replaying `exchanges` gives its outputs again, and any request
    /// the replayed run makes beyond them is refused (the run is not the one recorded).
    pub completed: bool,
}

/// How a run ended, as a journal learns it.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum RunEnd<'a> {
    /// The workflow returned its outputs.
    Completed,
    /// The workflow failed; the checkpoint holds the exchanges that took effect (what
    /// `resume_...` would replay). The run started again with the same id replays exactly these,
    /// and sends the failed step's request again.
    Failed(&'a Checkpoint),
}

/// Where a run records its exchanges durably before acting on them.
///
/// A client with a journal ([`Client::journaled`](crate::Client::journaled),
/// [`Client::with_journal`](crate::Client::with_journal)) hands every exchange of its run to
/// [`Journal::exchange`], and acts only on what that returns. A restarted run given the same
/// [`RunId`] is first handed the exchanges [`Journal::start`] returns and answers them from the
/// journal; only requests never answered go over the network.
///
/// Object safe: a client holds an `Arc<dyn Journal>`. Every future is `'static` and owns what it
/// needs (implementations clone an `Arc` of their state into it).
pub trait Journal: Send + Sync + 'static {
    /// What the journal holds for run `run`, to replay when it starts again. The default holds
    /// nothing: a journal that replays by itself (Restate's, whose [`Journal::exchange`] answers
    /// from its own record) need not implement it.
    fn start(&self, run: &RunId) -> BoxFuture<'static, Result<Replay, JournalError>> {
        let _ = run;
        Box::pin(std::future::ready(Ok(Replay::default())))
    }

    /// Records `exchange`, the outcome of one request of `run`, durably: once the future resolves,
    /// a restarted run is answered with it. The default records nothing (an in-process journal
    /// that records in [`Journal::exchange`], or a journal that overrides `exchange`).
    fn append(&self, run: &RunId, exchange: &Exchange) -> BoxFuture<'static, Result<(), JournalError>> {
        let _ = (run, exchange);
        Box::pin(std::future::ready(Ok(())))
    }

    /// One exchange of `run`: `send` sends the prepared request (its request timeout, step
    /// `timeout` and the run's deadline inside it, so that a timeout is an outcome recorded like a
    /// response) and resolves to its [`Exchange`]. The run acts on what the returned future
    /// resolves to, which must be recorded durably by then.
    ///
    /// The default awaits `send` then [`Journal::append`]s its outcome. A journal that records the
    /// send itself (Restate's `ctx.run`) overrides it: replaying, it drops `send` unpolled and
    /// returns the recorded exchange for `id`.
    fn exchange(
        self: Arc<Self>,
        run: RunId,
        id: ExchangeId,
        send: BoxFuture<'static, Exchange>,
    ) -> BoxFuture<'static, Result<Exchange, JournalError>> {
        let _ = id;
        Box::pin(async move {
            let exchange = send.await;
            self.append(&run, &exchange).await?;
            Ok(exchange)
        })
    }

    /// Learns how `run` ended. A durable journal marks a completed run so that starting it again
    /// replays its outputs without a request, and keeps a failed run's checkpoint so that starting
    /// it again resumes it. The default does nothing.
    fn end(&self, run: &RunId, end: RunEnd<'_>) -> BoxFuture<'static, Result<(), JournalError>> {
        let _ = (run, end);
        Box::pin(std::future::ready(Ok(())))
    }
}
