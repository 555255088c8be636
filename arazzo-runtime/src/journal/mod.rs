//! What a run records and replays: each request and what came back ([`Exchange`], matched on
//! replay by its [`ExchangeId`] and the request's fingerprint), the [`Checkpoint`] a failed run
//! hands back to be resumed from, and the [`Journal`] a client may record every exchange in
//! durably before its run acts on it ([`MemoryJournal`] in memory; with the `file-journal` feature,
//! `FileJournal`, in files sealed with a `JournalKey`). Built from plain parts (ids,
//! status, headers, body), so that what stores or reads a record needs nothing of the run, its
//! errors or its responses. Depends on `secrets` only.

mod checkpoint;
mod error;
mod exchange;
#[cfg(feature = "file-journal")]
mod file;
#[cfg(feature = "file-journal")]
mod file_format;
mod fingerprint;
mod hook;
mod memory;
#[cfg(feature = "file-journal")]
pub mod seal;

pub use checkpoint::{Checkpoint, ExposedCheckpoint};
pub use error::JournalError;
pub(crate) use exchange::Branch;
pub use exchange::{Exchange, ExchangeId, ExposedExchange, Failure};
#[cfg(feature = "file-journal")]
pub use file::{FileJournal, MAX_RUN_ID_LEN};
pub(crate) use fingerprint::{Fnv1a, fingerprint};
pub use hook::{BoxFuture, Journal, Replay, RunEnd, RunId};
pub use memory::MemoryJournal;
#[cfg(feature = "file-journal")]
pub use seal::JournalKey;
