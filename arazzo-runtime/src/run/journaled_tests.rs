//! A run with a journal: every exchange recorded before the run acts on it, replayed when the run
//! starts again with the same id, failures included; completion and failure as the journal learns
//! them; a journal that cannot record stops the run.

use std::sync::Mutex;
use std::time::Duration;

use serde_json::json;

use super::*;
use crate::journal::{BoxFuture, MemoryJournal};
use crate::{DryRun, DryRunResponse, Method, Request, Run};

/// Step `create` (POST /keys, reads `/key`), then step `read` (GET /keys/k1, expects 200), as
/// generated code drives them; `read` retries once after a transport error, as a failure action
/// would.
async fn rotate(client: &Client) -> Result<String, WorkflowError<()>> {
    let mut run = Run::<()>::new("w", client);
    run.step("create", "createKey");
    let created = run.send("http://api.test", Request::new(Method::Post, "/keys")).await?;
    let key: String = run.output(&created, "/key")?;
    run.step("read", "getKey");
    let read = match run.attempt("http://api.test", Request::new(Method::Get, "/keys/k1")).await {
        Ok(response) => response,
        Err(StepError::Transport { .. }) => {
            run.retry_wait(None, Some(0.0), 1, 1).await?;
            run.step("read", "getKey");
            run.send("http://api.test", Request::new(Method::Get, "/keys/k1")).await?
        }
        Err(error) => return Err(run.fail(error)),
    };
    run.check(read.status() == 200, "$statusCode == 200", &read)?;
    Ok(key)
}

fn created() -> DryRunResponse {
    DryRunResponse::json(201, json!({"id": "k1", "key": "sk_created"}))
}

fn steps(exchanges: &[Exchange]) -> Vec<(String, Option<u16>)> {
    exchanges.iter().map(|exchange| (exchange.id().step().to_owned(), exchange.status())).collect()
}

#[tokio::test]
async fn every_exchange_is_recorded_and_a_restarted_run_replays_them_without_sending() {
    let journal = MemoryJournal::new();
    let server = DryRun::new();
    server.respond(created());
    let client = server.client().journaled(Arc::new(journal.clone()), "r1").await.unwrap();
    let mut run = Run::<()>::new("w", &client);
    run.step("create", "createKey");
    run.send("http://api.test", Request::new(Method::Post, "/keys")).await.unwrap();
    // Killed here: the journal holds the response; the process that restarts has only the journal.
    drop(run);
    assert_eq!(steps(&journal.exchanges("r1")), [("create".to_owned(), Some(201))]);

    let again = DryRun::new();
    again.respond(DryRunResponse::json(200, json!({})));
    let client = again.client().journaled(Arc::new(journal.clone()), "r1").await.unwrap();
    assert_eq!(rotate(&client).await.unwrap(), "sk_created", "the key the first run received");
    let sent: Vec<String> = again.requests().iter().map(|request| request.path().to_owned()).collect();
    assert_eq!(sent, ["/keys/k1"], "only the request never answered");
    assert_eq!(steps(&journal.exchanges("r1")), [("create".to_owned(), Some(201)), ("read".to_owned(), Some(200))]);
}

#[tokio::test]
async fn a_transport_error_is_recorded_and_replayed_as_the_same_error() {
    let journal = MemoryJournal::new();
    let server = DryRun::new();
    // `create` answered; `read` finds no response (a transport error), then its retry is answered.
    server.respond(created());
    let client = server.client().journaled(Arc::new(journal.clone()), "r1").await.unwrap();
    let error = rotate(&client).await.unwrap_err();
    assert!(matches!(error.error(), StepError::Transport { .. }), "{:?}", error.error());
    let recorded = journal.exchanges("r1");
    assert_eq!(steps(&recorded), [("create".into(), Some(201)), ("read".into(), None), ("read".into(), None)]);
    assert!(matches!(recorded[1].failure(), Some(Failure::Transport { .. })));

    // Replayed, the first `read` meets the same transport error, so the run takes the same retry
    // path, and its retry (whose failure was recorded too) fails the same way: nothing is sent.
    let again = DryRun::new();
    let client = again.client().journaled(Arc::new(journal.clone()), "r1").await.unwrap();
    let replayed = rotate(&client).await.unwrap_err();
    assert_eq!(replayed.error(), error.error());
    assert_eq!(replayed.step_id(), "read");
    assert!(again.requests().is_empty(), "{:?}", again.requests());
}

#[tokio::test]
async fn a_completed_run_gives_its_outputs_again_without_a_request_and_refuses_new_ones() {
    let journal = MemoryJournal::new();
    let server = DryRun::new();
    server.respond(created()).respond(DryRunResponse::json(200, json!({})));
    let outputs = server.client().run_journaled(&journal, "r1", async |client| rotate(client).await).await.unwrap();
    assert_eq!(outputs, "sk_created");
    assert!(journal.is_completed("r1"));

    let again = DryRun::new();
    let outputs = again.client().run_journaled(&journal, "r1", async |client| rotate(client).await).await.unwrap();
    assert_eq!(outputs, "sk_created");
    assert!(again.requests().is_empty());

    // Another workflow under the same id asks for more than the completed run did: refused, unsent.
    let client = again.client().journaled(Arc::new(journal.clone()), "r1").await.unwrap();
    let mut run = Run::<()>::new("w", &client);
    run.step("create", "createKey");
    run.send("http://api.test", Request::new(Method::Post, "/keys")).await.unwrap();
    run.step("read", "getKey");
    run.send("http://api.test", Request::new(Method::Get, "/keys/k1")).await.unwrap();
    run.step("delete", "deleteKey");
    let error = run.send("http://api.test", Request::new(Method::Delete, "/keys/k0")).await.unwrap_err();
    let StepError::Journal { message } = error.error() else { panic!("{:?}", error.error()) };
    assert!(message.starts_with("run `r1` completed already, and this run made a request it did not (w/delete"));
    assert!(again.requests().is_empty());

    // Removed, it runs afresh.
    journal.remove("r1");
    assert!(journal.exchanges("r1").is_empty() && !journal.is_completed("r1"));
}

#[tokio::test]
async fn a_failed_run_restarts_from_its_checkpoint_and_sends_the_failed_step_again() {
    let journal = MemoryJournal::new();
    let server = DryRun::new();
    server.respond(created()).respond(DryRunResponse::json(500, json!({})));
    let error = server.client().run_journaled(&journal, "r1", async |client| rotate(client).await).await.unwrap_err();
    let JournaledError::Workflow(error) = error else { panic!("{error:?}") };
    assert_eq!(error.step_id(), "read");
    // What a restart replays: the checkpoint (the 500 left out), as `resume_...` would.
    assert_eq!(steps(&journal.exchanges("r1")), [("create".to_owned(), Some(201))]);

    let again = DryRun::new();
    again.respond(DryRunResponse::json(200, json!({})));
    let outputs = again.client().run_journaled(&journal, "r1", async |client| rotate(client).await).await.unwrap();
    assert_eq!(outputs, "sk_created");
    assert_eq!(again.requests().len(), 1, "only the failed step's request");
}

/// A journal whose every append fails (a full disk).
#[derive(Clone)]
struct Broken;

impl Journal for Broken {
    fn append(&self, _: &RunId, _: &Exchange) -> BoxFuture<'static, Result<(), JournalError>> {
        Box::pin(std::future::ready(Err(JournalError::Other { message: "no space left".into() })))
    }
}

#[tokio::test]
async fn a_response_the_journal_could_not_record_is_not_acted_on() {
    let server = DryRun::new();
    server.respond(created());
    let error = server.client().run_journaled(&Broken, "r1", async |client| rotate(client).await).await.unwrap_err();
    let JournaledError::Workflow(error) = error else { panic!("{error:?}") };
    assert_eq!(error.step_id(), "create");
    assert_eq!(error.error(), &StepError::Journal { message: "the journal failed: no space left".into() });
    assert_eq!(error.checkpoint().replayed_steps().count(), 0, "the response was never the run's");
}

/// A journal that answers from its own record without polling `send` (as Restate's does when it
/// replays), and records what it was asked.
#[derive(Clone, Default)]
struct Answering(Arc<Mutex<Vec<String>>>);

impl Journal for Answering {
    fn exchange(
        self: Arc<Self>,
        run: RunId,
        id: ExchangeId,
        send: BoxFuture<'static, Exchange>,
    ) -> BoxFuture<'static, Result<Exchange, JournalError>> {
        drop(send);
        self.0.lock().unwrap().push(format!("{run}: {id}"));
        let body = match id.step() {
            "create" => json!({"id": "k1", "key": "sk_recorded"}),
            _ => json!({}),
        };
        let status = if id.step() == "create" { 201 } else { 200 };
        let exchange = Exchange::response(id, status, Default::default(), body.to_string());
        Box::pin(std::future::ready(Ok(exchange)))
    }
}

#[tokio::test]
async fn a_journal_that_replays_by_itself_answers_without_sending() {
    let journal = Answering::default();
    let server = DryRun::new();
    let client = server.client().with_journal(Arc::new(journal.clone()), "inv-1");
    assert_eq!(rotate(&client).await.unwrap(), "sk_recorded");
    assert!(server.requests().is_empty());
    assert_eq!(*journal.0.lock().unwrap(), ["inv-1: w/create (POST /keys)", "inv-1: w/read (GET /keys/k1)"]);
}

#[tokio::test]
async fn a_recorded_step_timeout_is_replayed_naming_the_step() {
    let journal = MemoryJournal::new();
    let id = ExchangeId::new("w", "read", "GET", "/keys/k1", 0);
    let client = DryRun::new().client();
    // The fingerprint of the request below, as the run computes it.
    let url = reqwest::Url::parse("http://api.test/keys/k1").unwrap();
    let id = ExchangeId { request: Some(crate::journal::fingerprint("GET", &url, None, &[])), ..id };
    journal.append(&"r1".into(), &Exchange::failed(id, Failure::StepTimeout)).await.unwrap();
    let client = client.journaled(Arc::new(journal), "r1").await.unwrap();
    let mut run = Run::<()>::new("w", &client);
    run.step("read", "getKey");
    let request = Request::new(Method::Get, "/keys/k1").timeout(Duration::from_millis(250));
    let error = run.attempt("http://api.test", request).await.unwrap_err();
    assert_eq!(error, StepError::StepTimeout { step: "read", limit: Duration::from_millis(250) });
}

#[test]
fn failures_go_through_the_journal_unchanged() {
    for error in [
        StepError::Transport { message: "could not connect to the server (connection refused)".into() },
        StepError::Timeout,
        StepError::WorkflowTimeout { limit: Duration::from_millis(1500) },
        StepError::InvalidRequest { message: "the HTTP request could not be built".into() },
    ] {
        assert_eq!(failure_error(Some(&failure_of(&error)), None), error);
    }
    let step = StepError::StepTimeout { step: "s", limit: Duration::from_secs(1) };
    assert_eq!(failure_error(Some(&failure_of(&step)), Some(step.clone())), step);
}
