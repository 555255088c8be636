//! The pump against a fake journal: order, one exchange at a time, replay in order and out of it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arazzo_runtime::journal::seal::JournalKey;
use arazzo_runtime::journal::{BoxFuture, Exchange, ExchangeId, Failure, Journal, JournalError, RunId};
use restate_sdk::errors::TerminalError;

use crate::journal::RestateJournal;
use crate::pump::{PumpError, Recorder, drive};
use crate::record::Record;

const INVOCATION: &str = "inv_1fake";

fn key() -> JournalKey {
    JournalKey::from_bytes([7; 32])
}

/// An entry as the pump records it in the invocation [`INVOCATION`].
fn entry(exchange: Exchange) -> Record {
    Record::seal(&exchange, &key(), INVOCATION).unwrap()
}

/// Sends through `journal` as the runtime does: the journal decides whether `send` is polled.
async fn exchange(
    journal: &RestateJournal,
    id: ExchangeId,
    send: BoxFuture<'static, Exchange>,
) -> Result<Exchange, JournalError> {
    Arc::new(journal.clone()).exchange(RunId::from(INVOCATION), id, send).await
}

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
        let written = self.written.lock().unwrap();
        written.iter().map(|record| record.open(&key(), INVOCATION).unwrap().id().step().to_owned()).collect()
    }
}

impl Recorder for FakeJournal {
    fn invocation_id(&self) -> &str {
        INVOCATION
    }

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
    ExchangeId::new("rotate", step.to_owned(), "POST", "/keys", 1)
}

fn response(step: &str, body: &str) -> Exchange {
    Exchange::response(id(step), 200, reqwest::header::HeaderMap::new(), body.to_owned())
}

fn body(outcome: &Result<Exchange, JournalError>) -> String {
    let exchange = outcome.as_ref().unwrap();
    String::from_utf8(exchange.expose_secrets().body().unwrap().to_vec()).unwrap()
}

/// Every request the fake network received, by step.
#[derive(Clone, Default)]
struct Network(Arc<Mutex<Vec<String>>>);

impl Network {
    /// An exchange of `step` answered with `answer`, logged as `step` when sent (polled).
    fn send(&self, step: &str, answer: &str) -> BoxFuture<'static, Exchange> {
        let (log, step, answer) = (self.0.clone(), step.to_owned(), answer.to_owned());
        Box::pin(async move {
            let exchange = response(&step, &answer);
            log.lock().unwrap().push(step);
            exchange
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
    let outputs = drive(&journal, &key(), |j: RestateJournal| {
        let network = network.clone();
        async move {
            let created = exchange(&j, id("create"), network.send("create", "key-1")).await;
            let read = exchange(&j, id("read"), network.send("read", "read key-1")).await;
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
    let slow = |step: &str| -> BoxFuture<'static, Exchange> {
        let (in_flight, most, step) = (in_flight.clone(), most.clone(), step.to_owned());
        Box::pin(async move {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            in_flight.fetch_sub(1, Ordering::SeqCst);
            response(&step, &step)
        })
    };
    let (a, b) = (slow("a"), slow("b"));
    drive(&journal, &key(), |j: RestateJournal| async move {
        let (a, b) = tokio::join!(exchange(&j, id("a"), a), exchange(&j, id("b"), b));
        assert_eq!((body(&a), body(&b)), ("a".to_owned(), "b".to_owned()));
    })
    .await
    .unwrap();
    assert_eq!(most.load(Ordering::SeqCst), 1, "two exchanges were in flight at once");
    assert_eq!(journal.written_ids(), ["a", "b"], "recorded in arrival order");
}

#[tokio::test]
async fn a_replayed_exchange_is_answered_from_the_journal_and_not_sent() {
    let journal = FakeJournal::replaying(vec![entry(response("create", "key-1"))]);
    let network = Network::default();
    let outputs = drive(&journal, &key(), |j: RestateJournal| {
        let network = network.clone();
        async move {
            // Had the request gone out again, the provider would have created a second key.
            let created = exchange(&j, id("create"), network.send("create", "key-2")).await;
            let read = exchange(&j, id("read"), network.send("read", "read")).await;
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
    let journal = FakeJournal::replaying(vec![entry(Exchange::failed(
        id("create"),
        Failure::Transport { message: "connection reset".into() },
    ))]);
    let network = Network::default();
    let outcome = drive(&journal, &key(), |j: RestateJournal| {
        let send = network.send("create", "key");
        async move { exchange(&j, id("create"), send).await }
    })
    .await
    .unwrap();
    assert_eq!(outcome.unwrap().failure(), Some(&Failure::Transport { message: "connection reset".into() }));
    assert!(network.sent().is_empty());
}

#[tokio::test]
async fn concurrent_steps_asking_in_another_order_get_their_own_entries() {
    // The first run recorded b, then a; the replay asks for a first.
    let journal = FakeJournal::replaying(vec![entry(response("b", "b's answer")), entry(response("a", "a's answer"))]);
    let network = Network::default();
    let (a, b) = drive(&journal, &key(), |j: RestateJournal| {
        let network = network.clone();
        async move {
            let (a, b) = tokio::join!(
                exchange(&j, id("a"), network.send("a", "sent again")),
                exchange(&j, id("b"), network.send("b", "sent again"))
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
    let journal = FakeJournal::replaying(vec![entry(response("b", "b's answer"))]);
    let network = Network::default();
    let (a, b) = drive(&journal, &key(), |j: RestateJournal| {
        let network = network.clone();
        async move {
            let (a, b) = tokio::join!(
                exchange(&j, id("a"), network.send("a", "a live")),
                exchange(&j, id("b"), network.send("b", "sent again"))
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
    let journal = FakeJournal::replaying(vec![entry(response("poll", "pending")), entry(response("poll", "done"))]);
    let network = Network::default();
    let answers = drive(&journal, &key(), |j: RestateJournal| {
        let network = network.clone();
        async move {
            let first = exchange(&j, id("poll"), network.send("poll", "live")).await;
            let second = exchange(&j, id("poll"), network.send("poll", "live")).await;
            let third = exchange(&j, id("poll"), network.send("poll", "live")).await;
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
    let error = drive(&journal, &key(), |j: RestateJournal| {
        let (network, finished) = (network.clone(), finished.clone());
        async move {
            let _ = exchange(&j, id("create"), network.send("create", "key")).await;
            finished.fetch_add(1, Ordering::SeqCst);
        }
    })
    .await
    .unwrap_err();
    assert!(matches!(&error, PumpError::Terminal { error, .. } if error.code() == 409), "{error}");
    assert_eq!(finished.load(Ordering::SeqCst), 0, "the workflow went on after Restate ended it");
    assert!(network.sent().is_empty());
}

#[tokio::test]
async fn an_entry_of_an_unknown_form_version_is_refused() {
    let mut newer = entry(response("create", "key"));
    newer.v = 3;
    let journal = FakeJournal::replaying(vec![newer]);
    let network = Network::default();
    let error = drive(&journal, &key(), |j: RestateJournal| {
        let send = network.send("create", "key");
        async move { exchange(&j, id("create"), send).await }
    })
    .await
    .unwrap_err();
    assert!(matches!(error, PumpError::UnknownRecordVersion { found: 3, .. }), "{error}");
    assert!(error.to_string().contains("rotate/create (POST /keys)"), "{error}");
}

#[tokio::test]
async fn a_workflow_that_sends_nothing_finishes() {
    let journal = FakeJournal::default();
    assert_eq!(drive(&journal, &key(), |_journal| async { 7 }).await.unwrap(), 7);
    // Its journal kept past the pump's end still answers, with an error, instead of hanging.
    let kept = drive(&journal, &key(), |j: RestateJournal| async move { j }).await.unwrap();
    let network = Network::default();
    assert!(exchange(&kept, id("late"), network.send("late", "x")).await.is_err());
    assert!(network.sent().is_empty());
}

#[tokio::test]
async fn an_entry_sealed_with_another_key_stops_the_run_and_is_never_acted_on() {
    let other = Record::seal(&response("create", "key-1"), &JournalKey::from_bytes([8; 32]), INVOCATION).unwrap();
    let journal = FakeJournal::replaying(vec![other]);
    let network = Network::default();
    let error = drive(&journal, &key(), |j: RestateJournal| {
        let send = network.send("create", "key-2");
        async move { exchange(&j, id("create"), send).await }
    })
    .await
    .unwrap_err();
    assert!(matches!(&error, PumpError::WrongKey { entry } if entry == "rotate/create (POST /keys)"), "{error}");
    assert!(error.to_string().contains("sealed with another key"), "{error}");
    assert!(network.sent().is_empty(), "a request went out instead of the recorded one");
}

#[tokio::test]
async fn an_entry_of_another_invocation_does_not_open() {
    let moved = Record::seal(&response("create", "key-1"), &key(), "inv_other").unwrap();
    let journal = FakeJournal::replaying(vec![moved]);
    let network = Network::default();
    let error = drive(&journal, &key(), |j: RestateJournal| {
        let send = network.send("create", "key-2");
        async move { exchange(&j, id("create"), send).await }
    })
    .await
    .unwrap_err();
    assert!(matches!(error, PumpError::WrongKey { .. }), "{error}");
}
