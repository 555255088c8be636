//! [`FileJournal`]: one file per run in a directory the user names, every record sealed with the
//! user's key, appended and synced before the run acts on it.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::file_format::{self, Entry, Written};
use super::seal::JournalKey;
use super::{BoxFuture, Exchange, Journal, JournalError, Replay, RunEnd, RunId};

/// The longest run id: the file name stays far below every file system's limit of 255 bytes.
pub const MAX_RUN_ID_LEN: usize = 128;
/// What a journal file's name ends with.
const EXTENSION: &str = "journal";

/// A journal of files: each run in `DIR/<run id>.journal`, every record sealed with the
/// [`JournalKey`] (XChaCha20-Poly1305), appended and synced to disk (`fsync`) before the run acts
/// on it; the directory is synced too when a run's file is created.
///
/// A run's file is locked while a run has it open (from [`Journal::start`] to [`Journal::end`]):
/// another process (or another journal of this one) opening the same run is refused with
/// [`JournalError::Locked`]. A completed run is marked so, and kept until [`FileJournal::remove`]
/// or [`FileJournal::prune_completed`]: until the caller has stored its outputs, the journal is what
/// still has them (see docs/DURABILITY.md).
///
/// Cheap to clone; clones share the open runs.
#[derive(Clone)]
pub struct FileJournal {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    key: JournalKey,
    /// The runs this journal has open, each with its locked file.
    open: Mutex<HashMap<RunId, Arc<Mutex<OpenRun>>>>,
}

/// A run's file, locked, and where its next record goes.
struct OpenRun {
    file: File,
    path: PathBuf,
    /// The position of the next record (part of its associated data).
    records: u64,
    /// The file's length: where the next record starts.
    end: u64,
}

impl FileJournal {
    /// A journal in directory `dir` (created if missing, readable by its owner only on Unix) whose
    /// records are sealed with `key`.
    pub fn open(dir: impl Into<PathBuf>, key: JournalKey) -> Result<Self, JournalError> {
        let dir = dir.into();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&dir).map_err(|source| JournalError::Io { action: "create", path: dir.clone(), source })?;
        Ok(Self { inner: Arc::new(Inner { dir, key, open: Mutex::default() }) })
    }

    /// The journal's directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The file run `run_id` is journaled in.
    pub fn path_of(&self, run_id: &str) -> Result<PathBuf, JournalError> {
        check_run_id(run_id)?;
        Ok(self.inner.dir.join(format!("{run_id}.{EXTENSION}")))
    }

    /// Removes run `run_id`'s file, once its outputs are stored (started again, the run then runs
    /// afresh). `false` when there was none. Refused with [`JournalError::Locked`] while a run has
    /// it open elsewhere.
    pub fn remove(&self, run_id: &str) -> Result<bool, JournalError> {
        let path = self.path_of(run_id)?;
        self.inner.lock_open().remove(&RunId::from(run_id));
        let file = match OpenOptions::new().read(true).open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(source) => return Err(JournalError::Io { action: "open", path, source }),
        };
        lock(&file, run_id, &path)?;
        std::fs::remove_file(&path).map_err(|source| JournalError::Io {
            action: "remove",
            path: path.clone(),
            source,
        })?;
        sync_dir(&self.inner.dir)?;
        Ok(true)
    }

    /// Removes the file of every completed run no process has open; returns their ids. A file that
    /// cannot be read (another key, damage) is an error, naming it.
    pub fn prune_completed(&self) -> Result<Vec<String>, JournalError> {
        let dir = &self.inner.dir;
        let entries =
            std::fs::read_dir(dir).map_err(|source| JournalError::Io { action: "list", path: dir.clone(), source })?;
        let mut removed = Vec::new();
        for entry in entries {
            let path = entry.map_err(|source| JournalError::Io { action: "list", path: dir.clone(), source })?.path();
            let Some(run_id) = run_id_of(&path) else { continue };
            if self.inner.lock_open().contains_key(&RunId::from(run_id.as_str())) {
                continue;
            }
            let mut file = match OpenOptions::new().read(true).open(&path) {
                Ok(file) => file,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                Err(source) => return Err(JournalError::Io { action: "open", path, source }),
            };
            match lock(&file, &run_id, &path) {
                Err(JournalError::Locked { .. }) => continue,
                locked => locked?,
            }
            let contents = file_format::read(&mut file, &path, &run_id, &self.inner.key)?;
            if contents.is_some_and(|contents| replay_of(contents.entries).completed) {
                std::fs::remove_file(&path).map_err(|source| JournalError::Io { action: "remove", path, source })?;
                removed.push(run_id);
            }
        }
        if !removed.is_empty() {
            sync_dir(dir)?;
        }
        removed.sort();
        Ok(removed)
    }
}

impl Inner {
    fn lock_open(&self) -> MutexGuard<'_, HashMap<RunId, Arc<Mutex<OpenRun>>>> {
        // A map of handles, consistent after a panic between two operations.
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens (creating it if new) and locks run `run`'s file, reads what it holds, and keeps it
    /// open for the run's appends.
    fn start(&self, run: &RunId) -> Result<Replay, JournalError> {
        let run_id = run.as_str();
        check_run_id(run_id)?;
        let path = self.dir.join(format!("{run_id}.{EXTENSION}"));
        if self.lock_open().contains_key(run) {
            return Err(JournalError::Locked { run_id: run_id.into(), path });
        }
        let mut options = OpenOptions::new();
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file =
            options.open(&path).map_err(|source| JournalError::Io { action: "open", path: path.clone(), source })?;
        lock(&file, run_id, &path)?;
        let (replay, records, end) = match file_format::read(&mut file, &path, run_id, &self.key)? {
            Some(contents) => {
                let length = file
                    .metadata()
                    .map_err(|source| JournalError::Io { action: "read", path: path.clone(), source })?
                    .len();
                if contents.end < length {
                    // A torn last record: cut off, so that the next record follows a whole one.
                    file.set_len(contents.end).and_then(|()| file.sync_data()).map_err(|source| JournalError::Io {
                        action: "cut the torn record of",
                        path: path.clone(),
                        source,
                    })?;
                }
                (replay_of(contents.entries), contents.records, contents.end)
            }
            None => {
                // New, or its creator died before the header was whole: write it, then make the
                // file's name durable too.
                let header = file_format::header(run_id, &self.key)?;
                file.set_len(0).map_err(|source| JournalError::Io { action: "create", path: path.clone(), source })?;
                file_format::append(&mut file, &path, 0, &header)?;
                sync_dir(&self.dir)?;
                (Replay::default(), 0, header.len() as u64)
            }
        };
        let open = OpenRun { file, path, records, end };
        self.lock_open().insert(run.clone(), Arc::new(Mutex::new(open)));
        Ok(replay)
    }

    /// Appends `entry` to run `run`'s file and syncs it.
    fn append(&self, run: &RunId, entry: &Written<'_>) -> Result<(), JournalError> {
        let Some(open) = self.lock_open().get(run).cloned() else {
            return Err(JournalError::Other {
                message: format!("run `{run}` is not open in this journal: start it with `Client::journaled`"),
            });
        };
        let mut open = open.lock().unwrap_or_else(PoisonError::into_inner);
        let record = file_format::record(run.as_str(), open.records, entry, &self.key)?;
        let OpenRun { file, path, end, .. } = &mut *open;
        file_format::append(file, path, *end, &record)?;
        open.records += 1;
        open.end += record.len() as u64;
        Ok(())
    }
}

impl Journal for FileJournal {
    fn start(&self, run: &RunId) -> BoxFuture<'static, Result<Replay, JournalError>> {
        let (inner, run) = (Arc::clone(&self.inner), run.clone());
        Box::pin(blocking(move || inner.start(&run)))
    }

    fn append(&self, run: &RunId, exchange: &Exchange) -> BoxFuture<'static, Result<(), JournalError>> {
        let (inner, run, exchange) = (Arc::clone(&self.inner), run.clone(), exchange.clone());
        Box::pin(blocking(move || inner.append(&run, &Written::Exchange { exchange: exchange.expose_secrets() })))
    }

    fn end(&self, run: &RunId, end: RunEnd<'_>) -> BoxFuture<'static, Result<(), JournalError>> {
        let (inner, run) = (Arc::clone(&self.inner), run.clone());
        let checkpoint = match end {
            RunEnd::Failed(checkpoint) => Some(checkpoint.clone()),
            RunEnd::Completed => None,
        };
        Box::pin(blocking(move || {
            let entry = match &checkpoint {
                Some(checkpoint) => Written::Failed { checkpoint: checkpoint.expose_secrets() },
                None => Written::Completed,
            };
            let appended = inner.append(&run, &entry);
            // The run is over: its file is closed and unlocked, for a restart or a removal.
            inner.lock_open().remove(&run);
            appended
        }))
    }
}

impl std::fmt::Debug for FileJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileJournal")
            .field("dir", &self.inner.dir)
            .field("open_runs", &self.inner.lock_open().len())
            .finish_non_exhaustive()
    }
}

/// What a restarted run replays, from a file's entries in order: every exchange recorded, except
/// that a failed run's checkpoint replaces what came before it (what `resume_...` would replay).
fn replay_of(entries: Vec<Entry>) -> Replay {
    let mut replay = Replay::default();
    for entry in entries {
        match entry {
            Entry::Exchange { exchange } => replay.exchanges.push(exchange),
            Entry::Failed { checkpoint } => replay.exchanges = checkpoint.exchanges,
            Entry::Completed => replay.completed = true,
        }
    }
    replay
}

/// Runs blocking file work (reads, writes and `fsync`) off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, JournalError> + Send + 'static,
) -> Result<T, JournalError> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|error| {
        Err(JournalError::Other { message: format!("the journal's file task did not finish: {error}") })
    })
}

/// Locks `file` (exclusive, advisory), or says that another has run `run_id` open.
fn lock(file: &File, run_id: &str, path: &Path) -> Result<(), JournalError> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(JournalError::Locked { run_id: run_id.into(), path: path.into() })
        }
        Err(std::fs::TryLockError::Error(source)) => {
            Err(JournalError::Io { action: "lock", path: path.into(), source })
        }
    }
}

/// Makes the directory's entries (a file created or removed) durable.
fn sync_dir(dir: &Path) -> Result<(), JournalError> {
    #[cfg(unix)]
    File::open(dir).and_then(|dir| dir.sync_all()).map_err(|source| JournalError::Io {
        action: "sync",
        path: dir.into(),
        source,
    })?;
    // Elsewhere a directory cannot be opened as a file; its entries are durable with the file's own sync.
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Refuses a run id that cannot be a file name of its own: one or more of `A-Z a-z 0-9 . _ -`, not
/// starting with `.`, at most [`MAX_RUN_ID_LEN`] bytes.
fn check_run_id(run_id: &str) -> Result<(), JournalError> {
    let reason = if run_id.is_empty() {
        "it is empty"
    } else if run_id.len() > MAX_RUN_ID_LEN {
        "it is longer than 128 bytes"
    } else if run_id.starts_with('.') {
        "it starts with `.`"
    } else if !run_id.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-')) {
        "a run id names a file of the journal's directory, so it has only letters, digits, `.`, `_` and `-`"
    } else {
        return Ok(());
    };
    Err(JournalError::InvalidRunId { run_id: run_id.chars().take(MAX_RUN_ID_LEN).collect(), reason })
}

/// The run id of a journal file's path, if it is one.
fn run_id_of(path: &Path) -> Option<String> {
    if path.extension()? != EXTENSION {
        return None;
    }
    let run_id = path.file_stem()?.to_str()?;
    check_run_id(run_id).ok()?;
    Some(run_id.to_owned())
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
