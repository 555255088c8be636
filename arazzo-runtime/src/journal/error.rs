//! What can go wrong with a journal: it cannot be read or written, it was written with another
//! key, it is damaged, or another process has the run open.

use std::path::PathBuf;

/// A journal could not record or read a run. Its message names the run and the file, never
/// anything the run sent or received.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// Reading or writing a journal's storage failed.
    #[error("could not {action} the journal file `{}`: {source}", path.display())]
    Io {
        /// What was being done: `create`, `open`, `read`, `append to`, `sync`, `remove`, ...
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The journal was written with another key than the one given, so nothing in it can be read.
    /// A lost key cannot be recovered: the run's file must be removed (its run then starts afresh).
    #[error(
        "the journal file `{}` was written with a different key than the one given: use the key it was written \
         with (nothing in it can be read without it)",
        path.display()
    )]
    WrongKey {
        /// The run's file.
        path: PathBuf,
    },
    /// A record other than the last one cannot be read (its authentication failed, or it is cut
    /// short): the file was damaged or tampered with, not merely cut short by a crash, so it is not
    /// replayed. Nothing is skipped silently.
    #[error("the journal file `{}` is damaged at byte {offset}: {reason}", path.display())]
    Corrupt {
        /// The run's file.
        path: PathBuf,
        /// Where the record that cannot be read starts.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// Another journal (in this process or another) has the run open.
    #[error(
        "run `{run_id}` is already open in another journal or process (its file `{}` is locked); \
         a run is driven by one process at a time",
        path.display()
    )]
    Locked {
        /// The run.
        run_id: String,
        /// The run's file.
        path: PathBuf,
    },
    /// A run id a journal cannot store a run under.
    #[error("`{run_id}` cannot be a run id: {reason}")]
    InvalidRunId {
        /// The id, as given.
        run_id: String,
        /// Why not.
        reason: &'static str,
    },
    /// A journal key that cannot be one.
    #[error("the journal key is not valid: {reason}")]
    InvalidKey {
        /// Why; never quotes the key.
        reason: String,
    },
    /// A journal implemented outside this crate failed.
    #[error("the journal failed: {message}")]
    Other {
        /// What happened, without secrets.
        message: String,
    },
}
