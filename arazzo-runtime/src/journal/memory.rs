//! [`MemoryJournal`]: a journal in the process's memory, the durability a returned checkpoint has.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::{BoxFuture, Exchange, Journal, JournalError, Replay, RunEnd, RunId};

/// A journal kept in memory: runs started again with the same id in this process replay what it
/// recorded, as a resumed checkpoint does; nothing survives the process. For tests, and as the
/// reference for what a durable journal does. Cheap to clone; clones share the runs.
#[derive(Clone, Default)]
pub struct MemoryJournal {
    runs: Arc<Mutex<HashMap<RunId, Recorded>>>,
}

/// What the journal holds for one run.
#[derive(Clone, Default)]
struct Recorded {
    exchanges: Vec<Exchange>,
    completed: bool,
}

impl MemoryJournal {
    /// An empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    /// The exchanges recorded for `run` (for tests: what a restarted run would replay).
    pub fn exchanges(&self, run: &str) -> Vec<Exchange> {
        self.lock().get(&RunId::from(run)).map(|recorded| recorded.exchanges.clone()).unwrap_or_default()
    }

    /// Whether `run` completed.
    pub fn is_completed(&self, run: &str) -> bool {
        self.lock().get(&RunId::from(run)).is_some_and(|recorded| recorded.completed)
    }

    /// Forgets `run`: started again, it runs afresh.
    pub fn remove(&self, run: &str) {
        self.lock().remove(&RunId::from(run));
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<RunId, Recorded>> {
        // A map of plain lists, consistent after a panic between two operations.
        self.runs.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for MemoryJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryJournal").field("runs", &self.lock().len()).finish()
    }
}

impl Journal for MemoryJournal {
    fn start(&self, run: &RunId) -> BoxFuture<'static, Result<Replay, JournalError>> {
        let recorded = self.lock().get(run).cloned().unwrap_or_default();
        let replay = Replay { exchanges: recorded.exchanges, completed: recorded.completed };
        Box::pin(std::future::ready(Ok(replay)))
    }

    fn append(&self, run: &RunId, exchange: &Exchange) -> BoxFuture<'static, Result<(), JournalError>> {
        self.lock().entry(run.clone()).or_default().exchanges.push(exchange.clone());
        Box::pin(std::future::ready(Ok(())))
    }

    fn end(&self, run: &RunId, end: RunEnd<'_>) -> BoxFuture<'static, Result<(), JournalError>> {
        let mut runs = self.lock();
        let recorded = runs.entry(run.clone()).or_default();
        match end {
            RunEnd::Completed => recorded.completed = true,
            // What a restart replays from now on: the checkpoint, as `resume_...` would.
            RunEnd::Failed(checkpoint) => recorded.exchanges = checkpoint.exchanges.clone(),
        }
        Box::pin(std::future::ready(Ok(())))
    }
}
