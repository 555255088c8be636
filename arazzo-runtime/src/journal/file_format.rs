//! The file journal's format: a header (in clear: a magic number, the format and the run id) and
//! a key check, then one framed, sealed record per entry, and how a file is read back, a torn last
//! record cut off.
//!
//! ```text
//! file    = magic "ARZJRNL1" | u32 LE length | header JSON | u32 LE length | key check | record*
//! record  = u32 LE length | sealed entry (nonce 24 | ciphertext | tag 16)
//! ```
//!
//! Each record is sealed with the run id and its position as associated data, so a record moved
//! within the file or copied from another run's file does not open. Entries are JSON: an exchange,
//! a failed run's checkpoint, or the mark of a completed run.

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::path::Path;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::seal::JournalKey;
use super::{Checkpoint, Exchange, ExposedCheckpoint, ExposedExchange, JournalError};

const MAGIC: &[u8; 8] = b"ARZJRNL1";
/// The format version the header names; a file with another is refused, not misread.
const FORMAT: u32 = 1;
/// The largest record read back: a response body is at most the client's limit (32 MiB by
/// default); a length beyond this is damage, not a record.
const MAX_RECORD: usize = 1 << 30;

/// What the header says, in clear.
#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    run_id: String,
    cipher: String,
}

/// An entry as written.
#[derive(Serialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub(crate) enum Written<'a> {
    Exchange { exchange: ExposedExchange<'a> },
    Failed { checkpoint: ExposedCheckpoint<'a> },
    Completed,
}

/// An entry as read back.
#[derive(Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub(crate) enum Entry {
    Exchange { exchange: Exchange },
    Failed { checkpoint: Checkpoint },
    Completed,
}

/// What a journal file holds.
pub(crate) struct Contents {
    pub(crate) entries: Vec<Entry>,
    /// The number of records (the position of the next one).
    pub(crate) records: u64,
    /// Where the last whole record ends: the file's length once a torn record is cut off.
    pub(crate) end: u64,
}

/// The associated data of record `index` of run `run_id`.
fn record_context(run_id: &str, index: u64) -> Vec<u8> {
    let mut context = Vec::with_capacity(run_id.len() + 9);
    context.extend_from_slice(run_id.as_bytes());
    context.push(0);
    context.extend_from_slice(&index.to_le_bytes());
    context
}

fn key_check_context(run_id: &str) -> Vec<u8> {
    [b"key check\0".as_slice(), run_id.as_bytes()].concat()
}

/// The header and key check of a new file for `run_id`.
pub(crate) fn header(run_id: &str, key: &JournalKey) -> Result<Vec<u8>, JournalError> {
    let header = Header { format: FORMAT, run_id: run_id.to_owned(), cipher: "XChaCha20-Poly1305".into() };
    let json = serde_json::to_vec(&header).map_err(|error| JournalError::Other { message: error.to_string() })?;
    let check = key.key_check(&key_check_context(run_id))?;
    let mut bytes = Vec::with_capacity(MAGIC.len() + 8 + json.len() + check.len());
    bytes.extend_from_slice(MAGIC);
    frame(&mut bytes, &json);
    frame(&mut bytes, &check);
    Ok(bytes)
}

/// Record `index` of `run_id`: `entry` sealed and framed.
pub(crate) fn record(run_id: &str, index: u64, entry: &Written<'_>, key: &JournalKey) -> Result<Vec<u8>, JournalError> {
    let plaintext =
        Zeroizing::new(serde_json::to_vec(entry).map_err(|error| JournalError::Other { message: error.to_string() })?);
    let sealed = key.seal(&plaintext, &record_context(run_id, index))?;
    let mut bytes = Vec::with_capacity(4 + sealed.len());
    frame(&mut bytes, &sealed);
    Ok(bytes)
}

fn frame(into: &mut Vec<u8>, bytes: &[u8]) {
    // Records are bounded by MAX_RECORD when read; a larger one could not be read back, so it is
    // refused when sealed (`seal` fails past the cipher's limit, far above u32).
    into.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_le_bytes());
    into.extend_from_slice(bytes);
}

/// Reads the journal file `path` (open in `file`) of `run_id`. `None` for a file with no complete
/// header (new, or created by a process that died before writing it whole): the caller writes one.
/// A torn last record (cut short, or not opening while nothing follows it) is left out and `end`
/// says where it starts; a record that does not open with records after it is damage.
pub(crate) fn read(
    file: &mut File,
    path: &Path,
    run_id: &str,
    key: &JournalKey,
) -> Result<Option<Contents>, JournalError> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(|source| JournalError::Io { action: "read", path: path.into(), source })?;
    let bytes = Zeroizing::new(bytes);
    let corrupt =
        |offset: usize, reason: String| JournalError::Corrupt { path: path.into(), offset: offset as u64, reason };
    if bytes.len() < MAGIC.len() {
        return if MAGIC.starts_with(&bytes) {
            Ok(None)
        } else {
            Err(corrupt(0, "it is not an arazzo-rs journal file".into()))
        };
    }
    if &bytes[..MAGIC.len()] != MAGIC {
        return Err(corrupt(0, "it is not an arazzo-rs journal file".into()));
    }
    let mut reader = Frames { bytes: &bytes, offset: MAGIC.len() };
    let (json, check) = match (reader.next(), reader.next()) {
        (Some(Ok(json)), Some(Ok(check))) => (json, check),
        (Some(Err(Cut::Oversized)), _) | (_, Some(Err(Cut::Oversized))) => {
            return Err(corrupt(MAGIC.len(), "its header is damaged".into()));
        }
        // The header is written and synced whole before any record: an incomplete one has none after it.
        _ => return Ok(None),
    };
    let header: Header = serde_json::from_slice(json)
        .map_err(|error| corrupt(MAGIC.len(), format!("its header cannot be read: {error}")))?;
    if header.format != FORMAT {
        return Err(corrupt(
            MAGIC.len(),
            format!("it is in format {}, which this version does not read", header.format),
        ));
    }
    if header.run_id != run_id {
        return Err(corrupt(MAGIC.len(), format!("it holds run `{}`, not `{run_id}`", header.run_id)));
    }
    if !key.verify(check, &key_check_context(run_id)) {
        return Err(JournalError::WrongKey { path: path.into() });
    }
    let mut entries = Vec::new();
    let mut index = 0_u64;
    loop {
        let start = reader.offset;
        let Some(frame) = reader.next() else { break };
        if let Err(Cut::Oversized) = frame {
            return Err(corrupt(start, format!("record {index} has a length no record has")));
        }
        let opened = frame.ok().and_then(|sealed| key.open(sealed, &record_context(run_id, index)).ok());
        let Some(plaintext) = opened else {
            if reader.offset < bytes.len() {
                return Err(corrupt(
                    start,
                    format!(
                        "record {index} does not open with the journal's key, and records follow it: it was altered"
                    ),
                ));
            }
            tracing::warn!(path = %path.display(), offset = start, "cutting off the journal's torn last record");
            return Ok(Some(Contents { entries, records: index, end: start as u64 }));
        };
        let entry = serde_json::from_slice(&plaintext)
            .map_err(|error| corrupt(start, format!("record {index} cannot be read: {error}")))?;
        entries.push(entry);
        index += 1;
    }
    Ok(Some(Contents { entries, records: index, end: bytes.len() as u64 }))
}

/// The length-prefixed frames of a file.
struct Frames<'a> {
    bytes: &'a [u8],
    offset: usize,
}

/// A frame that is not whole.
#[derive(Debug)]
enum Cut {
    /// Its length, or its bytes, go past the end of the file: a write the process did not finish.
    Short,
    /// Its length is beyond any record: damage.
    Oversized,
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<&'a [u8], Cut>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = &self.bytes[self.offset..];
        if rest.is_empty() {
            return None;
        }
        let Some(prefix) = rest.first_chunk::<4>() else {
            self.offset = self.bytes.len();
            return Some(Err(Cut::Short));
        };
        let length = u32::from_le_bytes(*prefix) as usize;
        if length > MAX_RECORD {
            return Some(Err(Cut::Oversized));
        }
        match rest.get(4..4 + length) {
            Some(frame) => {
                self.offset += 4 + length;
                Some(Ok(frame))
            }
            None => {
                self.offset = self.bytes.len();
                Some(Err(Cut::Short))
            }
        }
    }
}

/// Appends `bytes` to `file` and syncs it; on failure, cuts the file back to `end` so that a
/// partial record is never followed by others.
pub(crate) fn append(file: &mut File, path: &Path, end: u64, bytes: &[u8]) -> Result<(), JournalError> {
    let written = file.write_all(bytes).and_then(|()| file.sync_data());
    if let Err(source) = written {
        let _ = file.set_len(end);
        return Err(JournalError::Io { action: "append to", path: path.into(), source });
    }
    Ok(())
}
