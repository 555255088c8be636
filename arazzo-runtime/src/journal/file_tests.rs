//! The file journal: what a restart reads back, a torn last record cut off, damage and a wrong key
//! refused, one process per run, completed runs kept until removed, nothing in clear.

use std::path::PathBuf;

use reqwest::header::HeaderMap;

use super::*;
use crate::journal::{Checkpoint, ExchangeId};

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("arazzo-file-journal-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn key(byte: u8) -> JournalKey {
    JournalKey::from_bytes([byte; 32])
}

fn exchange(step: &'static str, body: &str) -> Exchange {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    Exchange::response(ExchangeId::new("w", step, "POST", "/keys", 7), 201, headers, body.to_owned())
}

fn steps(replay: &Replay) -> Vec<&str> {
    replay.exchanges.iter().map(|exchange| exchange.id().step()).collect()
}

/// Run `r1` with exchanges `a`, `b` (holding `sk_b`) and `c`, left open as a crash leaves it.
async fn three_records(dir: &std::path::Path) -> PathBuf {
    let journal = FileJournal::open(dir, key(1)).unwrap();
    let run = RunId::from("r1");
    assert!(steps(&journal.start(&run).await.unwrap()).is_empty());
    for (step, body) in [("a", r#"{"n":1}"#), ("b", r#"{"key":"sk_b"}"#), ("c", r#"{"n":3}"#)] {
        journal.append(&run, &exchange(step, body)).await.unwrap();
    }
    journal.path_of("r1").unwrap()
}

#[tokio::test]
async fn a_restart_reads_back_every_record_and_the_file_holds_nothing_in_clear() {
    let dir = scratch("read-back");
    let path = three_records(&dir).await;
    let bytes = std::fs::read(&path).unwrap();
    for clear in ["sk_b", "application/json", "\"n\"", "/keys"] {
        assert!(!bytes.windows(clear.len()).any(|window| window == clear.as_bytes()), "{clear} in clear");
    }
    // The run id is in clear, in the name and the header; nothing else.
    assert!(bytes.windows(2).any(|window| window == b"r1"));

    // Another process (here another journal) starts the run again: the first's lock went with it.
    let again = FileJournal::open(&dir, key(1)).unwrap();
    let replay = again.start(&"r1".into()).await.unwrap();
    assert_eq!(steps(&replay), ["a", "b", "c"]);
    assert!(!replay.completed);
    let read = replay.exchanges[1].expose_secrets();
    assert_eq!(&read.body().unwrap()[..], br#"{"key":"sk_b"}"#);
    assert_eq!(read.headers().unwrap()["content-type"], "application/json");
    assert_eq!(replay.exchanges[1].id(), exchange("b", "").id());
}

#[tokio::test]
async fn a_torn_last_record_is_cut_off_and_the_run_goes_on_after_it() {
    for cut in [1, 17, 60] {
        let dir = scratch(&format!("torn-{cut}"));
        let path = three_records(&dir).await;
        let length = std::fs::metadata(&path).unwrap().len();
        // The process died while writing `c`: its record is cut short.
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(length - cut).unwrap();
        let journal = FileJournal::open(&dir, key(1)).unwrap();
        let run = RunId::from("r1");
        assert_eq!(steps(&journal.start(&run).await.unwrap()), ["a", "b"], "cut {cut}");
        journal.append(&run, &exchange("c2", "{}")).await.unwrap();
        journal.end(&run, RunEnd::Completed).await.unwrap();
        let replay = journal.start(&run).await.unwrap();
        assert_eq!(steps(&replay), ["a", "b", "c2"], "cut {cut}");
        assert!(replay.completed);
    }
    // Only the length of a record written: a torn frame too.
    let dir = scratch("torn-length");
    let path = three_records(&dir).await;
    std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(&[9, 0]).unwrap();
    let journal = FileJournal::open(&dir, key(1)).unwrap();
    assert_eq!(steps(&journal.start(&"r1".into()).await.unwrap()), ["a", "b", "c"]);
}

#[tokio::test]
async fn a_damaged_record_with_records_after_it_is_an_error_not_skipped() {
    let dir = scratch("corrupt");
    let path = three_records(&dir).await;
    let mut bytes = std::fs::read(&path).unwrap();
    // A byte inside `b`'s record (the second of three): it no longer opens, and `c` follows.
    let b = frames_of(&bytes)[3];
    bytes[b.0 + 40] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let error = FileJournal::open(&dir, key(1)).unwrap().start(&"r1".into()).await.unwrap_err();
    let JournalError::Corrupt { offset, ref reason, .. } = error else { panic!("{error:?}") };
    assert_eq!(offset, b.0 as u64);
    assert_eq!(reason, "record 1 does not open with the journal's key, and records follow it: it was altered");
    assert!(error.to_string().starts_with("the journal file `"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "nothing cut");

    // Two whole records swapped: each opens only at its own position.
    let dir = scratch("swapped");
    let path = three_records(&dir).await;
    let bytes = std::fs::read(&path).unwrap();
    let frames = frames_of(&bytes);
    let [.., a, b, c] = frames[..] else { panic!() };
    let swapped = [&bytes[..a.0], &bytes[b.0..b.1], &bytes[a.0..a.1], &bytes[c.0..]].concat();
    std::fs::write(&path, swapped).unwrap();
    let error = FileJournal::open(&dir, key(1)).unwrap().start(&"r1".into()).await.unwrap_err();
    assert!(matches!(error, JournalError::Corrupt { .. }), "{error:?}");

    // Not a journal at all.
    std::fs::write(&path, b"{\"not\": \"a journal\"}").unwrap();
    let error = FileJournal::open(&dir, key(1)).unwrap().start(&"r1".into()).await.unwrap_err();
    assert!(error.to_string().ends_with("is damaged at byte 0: it is not an arazzo-rs journal file"), "{error}");
}

/// The `(start, end)` of each frame (the header's two, then the records).
fn frames_of(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut frames = Vec::new();
    let mut offset = 8;
    while offset < bytes.len() {
        let length = u32::from_le_bytes(bytes[offset..offset + 4].try_into().unwrap()) as usize;
        frames.push((offset, offset + 4 + length));
        offset += 4 + length;
    }
    frames
}

#[tokio::test]
async fn a_wrong_key_is_a_clear_error_and_changes_nothing() {
    let dir = scratch("wrong-key");
    let path = three_records(&dir).await;
    let before = std::fs::read(&path).unwrap();
    let error = FileJournal::open(&dir, key(2)).unwrap().start(&"r1".into()).await.unwrap_err();
    assert!(matches!(error, JournalError::WrongKey { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "the journal file `{}` was written with a different key than the one given: use the key it was written \
             with (nothing in it can be read without it)",
            path.display()
        )
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[tokio::test]
async fn a_run_is_open_in_one_journal_at_a_time() {
    let dir = scratch("lock");
    let first = FileJournal::open(&dir, key(1)).unwrap();
    let second = FileJournal::open(&dir, key(1)).unwrap();
    let run = RunId::from("r1");
    first.start(&run).await.unwrap();
    for journal in [&second, &first] {
        let error = journal.start(&run).await.unwrap_err();
        assert!(matches!(error, JournalError::Locked { .. }), "{error:?}");
        assert!(error.to_string().starts_with("run `r1` is already open in another journal or process"), "{error}");
    }
    assert!(matches!(second.remove("r1"), Err(JournalError::Locked { .. })));
    // Ended, the run is free: a restart (or a removal) may take it.
    first.append(&run, &exchange("a", "{}")).await.unwrap();
    first.end(&run, RunEnd::Completed).await.unwrap();
    assert_eq!(steps(&second.start(&run).await.unwrap()), ["a"]);
}

#[tokio::test]
async fn a_failed_run_restarts_from_its_checkpoint_then_what_followed() {
    let dir = scratch("failed");
    three_records(&dir).await;
    let journal = FileJournal::open(&dir, key(1)).unwrap();
    let run = RunId::from("r1");
    journal.start(&run).await.unwrap();
    // The run failed at `c`; its checkpoint keeps `a` and `b`.
    let checkpoint = Checkpoint::from_exchanges("w", "c", vec![exchange("a", "{}"), exchange("b", "{}")]);
    journal.end(&run, RunEnd::Failed(&checkpoint)).await.unwrap();
    let replay = journal.start(&run).await.unwrap();
    assert_eq!(steps(&replay), ["a", "b"]);
    // The restarted run sends `c` again and crashes: a restart replays the checkpoint, then `c`.
    journal.append(&run, &exchange("c", "{}")).await.unwrap();
    let again = FileJournal::open(&dir, key(1)).unwrap();
    drop(journal);
    assert_eq!(steps(&again.start(&run).await.unwrap()), ["a", "b", "c"]);
}

#[tokio::test]
async fn completed_runs_are_kept_until_removed_or_pruned() {
    let dir = scratch("completed");
    let journal = FileJournal::open(&dir, key(1)).unwrap();
    for id in ["done-1", "done-2", "open", "failed"] {
        let run = RunId::from(id);
        journal.start(&run).await.unwrap();
        journal.append(&run, &exchange("a", "{}")).await.unwrap();
        match id {
            "open" => {}
            "failed" => journal.end(&run, RunEnd::Failed(&Checkpoint::default())).await.unwrap(),
            _ => journal.end(&run, RunEnd::Completed).await.unwrap(),
        }
    }
    std::fs::write(dir.join("notes.txt"), "not a journal").unwrap();
    assert_eq!(journal.prune_completed().unwrap(), ["done-1", "done-2"]);
    assert!(!journal.path_of("done-1").unwrap().exists());
    assert!(journal.path_of("open").unwrap().exists() && journal.path_of("failed").unwrap().exists());
    assert!(journal.remove("failed").unwrap());
    assert!(!journal.remove("failed").unwrap(), "already removed");
    assert!(journal.remove("open").unwrap(), "this journal's own open run is closed and removed");
    assert!(journal.start(&"open".into()).await.unwrap().exchanges.is_empty(), "afresh");
}

#[tokio::test]
async fn run_ids_that_are_not_plain_file_names_are_refused() {
    let journal = FileJournal::open(scratch("ids"), key(1)).unwrap();
    let long = "x".repeat(MAX_RUN_ID_LEN + 1);
    for id in ["", "../etc/passwd", "a/b", "a\\b", ".hidden", "sp ace", "é", long.as_str()] {
        let error = journal.start(&id.into()).await.unwrap_err();
        assert!(matches!(error, JournalError::InvalidRunId { .. }), "{id:?}: {error:?}");
        assert!(journal.path_of(id).is_err(), "{id:?}");
    }
    for id in ["rotation-42", "svix_app.1", &"x".repeat(MAX_RUN_ID_LEN)] {
        journal.start(&id.into()).await.unwrap();
    }
}

use std::io::Write as _;
