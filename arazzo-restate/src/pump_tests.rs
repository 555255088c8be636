//! The pump against a fake journal: order, one exchange at a time, replay in order and out of it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use restate_sdk::errors::TerminalError;

use crate::exchange::{BoxFuture, ExchangeId, ExchangeJournal, ExchangeOutcome, RecordedResponse};
use crate::pump::{JournalError, Recorder, RestateJournal, drive};
use crate::record::Record;

/// A journal as Restate keeps one: entries replayed first (their `run` dropped unpolled, as
/// `ctx.run` does when replaying), then each `run` awaited and its entry appended.
#[derive(Default)]
struct FakeJournal {
    replay: Mutex<VecDeque<Result<Record, TerminalError>>>,
    written: Mutex<Vec<Record>>,
}

impl FakeJournal {
    fn replaying(entries: Vec<Record>) -> Self {
        Self { replay: Mutex::new(entries.into_iter().map(Ok).collect()), ..Self::default() }
    }

    fn written_ids(&self) -> Vec<String> {
        self.written.lock().unwrap().iter().map(|record| record.id.step.clone()).collect()
    }
}

impl Recorder for FakeJournal {
    fn record(
        &self,
        run: BoxFuture<'static, Result<Record, TerminalError>>,
    ) -> impl Future<Output = Result<Record, TerminalError>> + Send {
        let replayed = self.replay.lock().unwrap().pop_front();
        async move {
            match replayed {
                Some(entry) => entry,
                None => {
                    let record = run.await?;
                    self.written.lock().unwrap().push(record.clone());
                    Ok(record)
                }
            }
        }
    }
}

fn id(step: &str) -> ExchangeId {
    ExchangeId::new("rotate", step, "POST", "/keys", 1)
}

fn response(body: &str) -> RecordedResponse {
    RecordedResponse { status: 200, headers: Vec::new(), body: body.as_bytes().to_vec() }
}

fn body(outcome: &ExchangeOutcome) -> String {
    String::from_utf8(outcome.as_ref().unwrap().body.clone()).unwrap()
}

/// Every request the fake network received, by step.
#[derive(Clone, Default)]
struct Network(Arc<Mutex<Vec<String>>>);

impl Network {
    /// An exchange of `step` answered with `answer`, logged as `step` when sent (polled).
    fn send(&self, step: &str, answer: &str) -> BoxFuture<'static, ExchangeOutcome> {
        let (log, step, answer) = (self.0.clone(), step.to_owned(), answer.to_owned());
        Box::pin(async move {
            log.lock().unwrap().push(step);
            Ok(response(&answer))
        })
    }

    fn sent(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn exchanges_are_recorded_in_order_and_answered_with_their_outcome() {
    let journal = FakeJournal::default();
    let network = Network::default();
    let outputs = drive(&journal, |j: RestateJournal| {
        let network = network.clone();
        async move {
            let created = j.exchange(id("create"), network.send("create", "key-1")).await;
            let read = j.exchange(id("read"), network.send("read", "read key-1")).await;
            (body(&created), body(&read))
        }
    })
    .await
    .unwrap();
    assert_eq!(outputs, ("key-1".to_owned(), "read key-1".to_owned()));
    assert_eq!(network.sent(), ["create", "read"]);
    assert_eq!(journal.written_ids(), ["create", "read"]);
}

#[tokio::test]
async fn concurrent_exchanges_are_sent_one_at_a_time() {
    let journal = FakeJournal::default();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let slow = |step: &str| -> BoxFuture<'static, ExchangeOutcome> {
        let (in_flight, most, step) = (in_flight.clone(), most.clone(), step.to_owned());
        Box::pin(async move {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            in_flight.fetch_sub(1, Ordering::SeqCst);
            Ok(response(&step))
        })
    };
    let (a, b) = (slow("a"), slow("b"));
    drive(&journal, |j: RestateJournal| async move {
        let (a, b) = tokio::join!(j.exchange(id("a"), a), j.exchange(id("b"), b));
        assert_eq!((body(&a), body(&b)), ("a".to_owned(), "b".to_owned()));
    })
    .await
    .unwrap();
    assert_eq!(most.load(Ordering::SeqCst), 1, "two exchanges were in flight at once");
    assert_eq!(journal.written_ids(), ["a", "b"], "recorded in arrival order");
}

#[tokio::test]
async fn a_replayed_exchange_is_answered_from_the_journal_and_not_sent() {
    let journal = FakeJournal::replaying(vec![Record::new(id("create"), Ok(response("key-1")))]);
    let network = Network::default();
    let outputs = drive(&journal, |j: RestateJournal| {
        let network = network.clone();
        async move {
            // Had the request gone out again, the provider would have created a second key.
            let created = j.exchange(id("create"), network.send("create", "key-2")).await;
            let read = j.exchange(id("read"), network.send("read", "read")).await;
            (body(&created), body(&read))
        }
    })
    .await
    .unwrap();
    assert_eq!(outputs.0, "key-1");
    assert_eq!(network.sent(), ["read"], "only the exchange the journal did not hold was sent");
    assert_eq!(journal.written_ids(), ["read"]);
}

#[tokio::test]
async fn a_recorded_transport_error_replays_as_the_same_error() {
    let journal = FakeJournal::replaying(vec![Record::new(id("create"), Err("connection reset".into()))]);
    let network = Network::default();
    let outcome =
        drive(&journal, |j: RestateJournal| j.exchange(id("create"), network.send("create", "key"))).await.unwrap();
    assert_eq!(outcome, Err("connection reset".to_owned()));
    assert!(network.sent().is_empty());
}

#[tokio::test]
async fn concurrent_steps_asking_in_another_order_get_their_own_entries() {
    // The first run recorded b, then a; the replay asks for a first.
    let journal = FakeJournal::replaying(vec![
        Record::new(id("b"), Ok(response("b's answer"))),
        Record::new(id("a"), Ok(response("a's answer"))),
    ]);
    let network = Network::default();
    let (a, b) = drive(&journal, |j: RestateJournal| {
        let network = network.clone();
        async move {
            let (a, b) = tokio::join!(
                j.exchange(id("a"), network.send("a", "sent again")),
                j.exchange(id("b"), network.send("b", "sent again"))
            );
            (body(&a), body(&b))
        }
    })
    .await
    .unwrap();
    assert_eq!((a.as_str(), b.as_str()), ("a's answer", "b's answer"));
    assert!(network.sent().is_empty(), "{:?}", network.sent());
}

#[tokio::test]
async fn an_entry_ahead_of_its_request_then_the_journal_ends() {
    // The journal holds b only (the run died while a was in flight); a is asked first.
    let journal = FakeJournal::replaying(vec![Record::new(id("b"), Ok(response("b's answer")))]);
    let network = Network::default();
    let (a, b) = drive(&journal, |j: RestateJournal| {
        let network = network.clone();
        async move {
            let (a, b) = tokio::join!(
                j.exchange(id("a"), network.send("a", "a live")),
                j.exchange(id("b"), network.send("b", "sent again"))
            );
            (body(&a), body(&b))
        }
    })
    .await
    .unwrap();
    assert_eq!((a.as_str(), b.as_str()), ("a live", "b's answer"));
    assert_eq!(network.sent(), ["a"]);
    assert_eq!(journal.written_ids(), ["a"]);
}

#[tokio::test]
async fn equal_ids_are_answered_in_recorded_order() {
    // A step retried with the same request: two entries with one id.
    let journal = FakeJournal::replaying(vec![
        Record::new(id("poll"), Ok(response("pending"))),
        Record::new(id("poll"), Ok(response("done"))),
    ]);
    let network = Network::default();
    let answers = drive(&journal, |j: RestateJournal| {
        let network = network.clone();
        async move {
            let first = j.exchange(id("poll"), network.send("poll", "live")).await;
            let second = j.exchange(id("poll"), network.send("poll", "live")).await;
            let third = j.exchange(id("poll"), network.send("poll", "live")).await;
            [body(&first), body(&second), body(&third)]
        }
    })
    .await
    .unwrap();
    assert_eq!(answers, ["pending", "done", "live"]);
}

#[tokio::test]
async fn a_terminal_error_from_restate_stops_the_run() {
    let journal = FakeJournal {
        replay: Mutex::new(VecDeque::from([Err(TerminalError::new_with_code(409, "cancelled"))])),
        ..FakeJournal::default()
    };
    let network = Network::default();
    let finished = Arc::new(AtomicUsize::new(0));
    let error = drive(&journal, |j: RestateJournal| {
        let (network, finished) = (network.clone(), finished.clone());
        async move {
            let _ = j.exchange(id("create"), network.send("create", "key")).await;
            finished.fetch_add(1, Ordering::SeqCst);
        }
    })
    .await
    .unwrap_err();
    assert!(matches!(&error, JournalError::Terminal { error, .. } if error.code() == 409), "{error}");
    assert_eq!(finished.load(Ordering::SeqCst), 0, "the workflow went on after Restate ended it");
    assert!(network.sent().is_empty());
}

#[tokio::test]
async fn an_entry_of_an_unknown_form_version_is_refused() {
    let mut newer = Record::new(id("create"), Ok(response("key")));
    newer.v = 2;
    let journal = FakeJournal::replaying(vec![newer]);
    let network = Network::default();
    let error =
        drive(&journal, |j: RestateJournal| j.exchange(id("create"), network.send("create", "key"))).await.unwrap_err();
    assert!(matches!(error, JournalError::UnknownRecordVersion { found: 2, .. }), "{error}");
    assert!(error.to_string().contains("rotate/create (POST /keys)"), "{error}");
}

#[tokio::test]
async fn a_workflow_that_sends_nothing_finishes() {
    let journal = FakeJournal::default();
    assert_eq!(drive(&journal, |_journal| async { 7 }).await.unwrap(), 7);
    // Its journal kept past the pump's end still answers, with an error, instead of hanging.
    let kept = drive(&journal, |j: RestateJournal| async move { j }).await.unwrap();
    let network = Network::default();
    assert!(kept.exchange(id("late"), network.send("late", "x")).await.is_err());
    assert!(network.sent().is_empty());
}
