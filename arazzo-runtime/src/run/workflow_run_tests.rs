//! What a failed step leaves in the checkpoint and the partial outputs, by method and status.

use serde_json::json;

use super::*;
use crate::{DryRun, DryRunResponse, Method};

#[derive(Clone, Debug, Default)]
struct Partial {
    key_id: Option<String>,
    key: Option<SecretString>,
}

/// What step `create` of workflow `w` reads when it fails: the key id and the key, leniently.
fn keep(partial: &mut Partial, response: &Response) {
    partial.key_id = response.extract("/id").ok();
    partial.key = response.extract("/key").ok();
}

/// Runs one step `create` (`method /keys`) answered by `answer`, checks `$statusCode == 200`,
/// then reads `/id` and `/key`; returns the error.
async fn fail_once(method: Method, answer: DryRunResponse) -> WorkflowError<Partial> {
    let server = DryRun::new();
    server.respond(answer);
    let client = server.client();
    let mut run = Run::<Partial>::new("w", &client);
    run.step("create", "createKey");
    run.keep_on_failure(keep);
    let outcome = async {
        let response = run.send("http://api.test", Request::new(method, "/keys")).await?;
        run.check(response.status() == 200, "$statusCode == 200", &response)?;
        let (id, key): (String, SecretString) = run.outputs(&response, ["/id", "/key"])?;
        Ok::<_, WorkflowError<Partial>>((id, key))
    }
    .await;
    match outcome {
        Ok(_) => panic!("the step succeeded"),
        Err(error) => error,
    }
}

fn replayed(error: &WorkflowError<Partial>) -> Vec<&str> {
    error.checkpoint().replayed_steps().map(|(_, step)| step).collect()
}

fn created() -> serde_json::Value {
    json!({"id": "k1", "key": "sk_created"})
}

#[tokio::test]
async fn an_unexpected_success_of_an_unsafe_method_keeps_the_response_and_the_key() {
    for method in [Method::Post, Method::Put, Method::Patch, Method::Delete] {
        let error = fail_once(method, DryRunResponse::json(201, created())).await;
        assert!(matches!(error.error(), StepError::CriterionFailed { status: 201, .. }), "{method:?}");
        assert_eq!(replayed(&error), ["create"], "{method:?}: the exchange is in the checkpoint");
        assert_eq!(error.partial().key_id.as_deref(), Some("k1"), "{method:?}");
        assert_eq!(error.partial().key.as_ref().map(SecretString::expose_secret), Some("sk_created"), "{method:?}");
        // Kept as a secret: neither Display nor Debug shows it, nor the excerpt.
        assert!(!error.to_string().contains("sk_created"), "{error}");
        assert!(!format!("{error:?}").contains("sk_created"));
    }
}

#[tokio::test]
async fn a_refusal_or_a_server_error_is_left_out_and_keeps_nothing() {
    for status in [400, 409, 429, 500, 503] {
        let error = fail_once(Method::Post, DryRunResponse::json(status, created())).await;
        assert!(replayed(&error).is_empty(), "{status}: left out, so resuming sends it again");
        assert!(error.partial().key.is_none() && error.partial().key_id.is_none(), "{status}");
    }
}

#[tokio::test]
async fn a_safe_method_is_asked_again_whatever_went_wrong() {
    // An unexpected status, and criteria that held over a body that cannot be read.
    let unexpected = fail_once(Method::Get, DryRunResponse::json(201, created())).await;
    let truncated = fail_once(Method::Get, DryRunResponse::status(200).body(r#"{"id": "k1", "ke"#)).await;
    assert!(matches!(truncated.error(), StepError::Decode { .. }), "{:?}", truncated.error());
    for error in [unexpected, truncated] {
        assert!(replayed(&error).is_empty(), "{:?}: a safe request is sent again on resume", error.error());
        assert!(error.partial().key.is_none(), "a safe method's failed response fills nothing");
    }
    for method in [Method::Head, Method::Options] {
        assert!(replayed(&fail_once(method, DryRunResponse::json(201, created())).await).is_empty());
    }
}

#[tokio::test]
async fn an_unreadable_output_of_an_unsafe_method_keeps_the_others() {
    // The criterion held; `/id` is a number, so the tuple cannot be read, but the key can.
    let error = fail_once(Method::Post, DryRunResponse::json(200, json!({"id": 7, "key": "sk_created"}))).await;
    assert!(matches!(error.error(), StepError::WrongType { .. }), "{:?}", error.error());
    assert_eq!(replayed(&error), ["create"]);
    assert_eq!(error.partial().key.as_ref().map(SecretString::expose_secret), Some("sk_created"));
    assert_eq!(error.partial().key_id, None);
}

#[tokio::test]
async fn a_kept_exchange_is_replayed_on_resume_and_not_sent_again() {
    let error = fail_once(Method::Post, DryRunResponse::json(201, created())).await;
    let server = DryRun::new();
    let client = server.client().resuming(error.into_checkpoint());
    let mut run = Run::<Partial>::new("w", &client);
    run.step("create", "createKey");
    run.keep_on_failure(keep);
    let response = run.send("http://api.test", Request::new(Method::Post, "/keys")).await.unwrap();
    assert_eq!(response.status(), 201, "answered from the checkpoint");
    assert!(server.requests().is_empty(), "nothing was sent");
    // It fails the same way, and the new checkpoint still holds the exchange.
    let again = run.check(response.status() == 200, "$statusCode == 200", &response).unwrap_err();
    assert_eq!(again.checkpoint().replayed_steps().count(), 1);
    assert_eq!(again.partial().key.as_ref().map(SecretString::expose_secret), Some("sk_created"));
}

#[tokio::test]
async fn a_step_without_keep_fills_nothing_and_the_next_step_forgets_it() {
    let server = DryRun::new();
    server.respond(DryRunResponse::json(201, created()));
    let client = server.client();
    let mut run = Run::<Partial>::new("w", &client);
    run.step("create", "createKey");
    run.keep_on_failure(keep);
    run.step("other", "createOther");
    let response = run.send("http://api.test", Request::new(Method::Post, "/others")).await.unwrap();
    let error = run.check(false, "$statusCode == 200", &response).unwrap_err();
    assert!(error.partial().key.is_none(), "`step` clears what the previous step would keep");
    assert_eq!(error.checkpoint().replayed_steps().count(), 1, "the exchange itself is still kept");
}

#[test]
fn a_response_built_from_parts_counts_as_unsafe() {
    let response = Response::from_parts(200, Default::default(), b"{}".to_vec());
    assert!(may_have_taken_effect(&response));
    assert!(!may_have_taken_effect(&Response::from_parts(404, Default::default(), Vec::new())));
}

#[tokio::test]
async fn an_output_nobody_reads_is_checked_without_being_read() {
    let server = DryRun::new();
    let body = json!({"keys": [{"id": 1}, {"id": 2}], "meta": {"n": 2}});
    for _ in 0..4 {
        server.respond(DryRunResponse::json(200, body.clone()));
    }
    server.respond(DryRunResponse::status(200).body("\u{feff}{\"keys\": [}"));
    let client = server.client();
    let mut run = Run::<Partial>::new("w", &client);
    run.step("list", "listKeys");
    macro_rules! next {
        () => {
            run.send("http://api.test", Request::new(Method::Get, "/keys")).await.unwrap()
        };
    }
    let response = next!();
    assert!(run.unread_array(&response, "/keys").is_ok());
    assert!(run.unread(&response, "/meta").is_ok());
    let response = next!();
    let error = run.unread(&response, "/missing").unwrap_err();
    assert_eq!(error.error(), &StepError::MissingValue { pointer: "/missing".into() });
    let response = next!();
    let error = run.unread_array(&response, "/meta").unwrap_err();
    assert_eq!(error.error(), &StepError::WrongType { pointer: "/meta".into(), found: "object" });
    let response = next!();
    let error = run.unread_array(&response, "/keys/0/id").unwrap_err();
    assert_eq!(error.error(), &StepError::WrongType { pointer: "/keys/0/id".into(), found: "number" });
    // Not JSON: the full parse's own message, position included (after the byte-order mark).
    let response = next!();
    let expected = Response::from_parts(200, Default::default(), "\u{feff}{\"keys\": [}").json().unwrap_err();
    assert_eq!(run.unread(&response, "/keys").unwrap_err().error(), &expected);
}

/// A step retried until its `retry` action gives up: the error counts every request of the step
/// and says how long they took; a step entered again otherwise (a `goto`) starts counting afresh.
#[tokio::test]
async fn an_exhausted_retry_counts_the_attempts_of_the_step() {
    let server = DryRun::new();
    for _ in 0..4 {
        server.respond(DryRunResponse::json(503, json!({})));
    }
    let client = server.client();
    let mut run = Run::<Partial>::new("w", &client);
    async fn attempt(run: &mut Run<Partial>) -> StepError {
        run.step("poll", "getKey");
        let response = run.attempt("http://api.test", Request::new(Method::Get, "/keys")).await.unwrap();
        run.unmet("$statusCode == 200", &response)
    }
    let first = attempt(&mut run).await;
    assert!(matches!(first, StepError::CriterionFailed { retries: None, .. }), "{first:?}");
    for retry in 1..=2 {
        run.retry_wait(None, Some(0.01), retry, 2).await.unwrap();
        attempt(&mut run).await;
    }
    run.retry_wait(None, Some(0.01), 3, 3).await.unwrap();
    let error = attempt(&mut run).await;
    let StepError::CriterionFailed { retries: Some(Retries { attempts, over }), .. } = error else {
        panic!("{error:?}")
    };
    assert_eq!(attempts, 4);
    assert!(over >= std::time::Duration::from_millis(30), "{over:?}");
    assert!(error.to_string().starts_with("expected `$statusCode == 200` to hold after 4 attempts over "), "{error}");
    assert!(error.to_string().contains(", but the last response status was 503"), "{error}");

    // Entered again without a retry (a goto): one attempt.
    server.respond(DryRunResponse::json(503, json!({})));
    let again = attempt(&mut run).await;
    assert!(matches!(again, StepError::CriterionFailed { retries: None, .. }), "{again:?}");
}

/// One step of a concurrent level, as generated code writes it: `create` (POST, expects 200,
/// keeps the key), `read` (GET, reads `/id`) or `revoke` (POST, expects 204).
async fn concurrent_step(run: &mut Run<Partial>, step: &'static str) -> Result<(), WorkflowError<Partial>> {
    let (method, path, status) = match step {
        "create" => (Method::Post, "/keys", 200),
        "read" => (Method::Get, "/keys/k0", 200),
        _ => (Method::Post, "/keys/k0/revoke", 204),
    };
    run.step(step, step);
    if step == "create" {
        run.keep_on_failure(keep);
    }
    let response = run.send("http://api.test", Request::new(method, path)).await?;
    run.check(response.status() == status, "$statusCode == <expected>", &response)?;
    if step == "read" {
        run.partial.key_id = Some(run.output(&response, "/id")?);
    }
    Ok(())
}

/// Runs `create`, `read` and `revoke` as branches of one level, in `order`, then merges them as
/// generated code does; returns the workflow's error.
async fn concurrent_level(client: &Client, order: [usize; 3]) -> WorkflowError<Partial> {
    let mut run = Run::<Partial>::new("w", client);
    let steps = ["create", "read", "revoke"];
    let mut branches = [run.branch(steps[0]), run.branch(steps[1]), run.branch(steps[2])];
    let mut results: [Option<Result<(), WorkflowError<Partial>>>; 3] = [None, None, None];
    for index in order {
        results[index] = Some(concurrent_step(&mut branches[index], steps[index]).await);
    }
    // What each step produced, copied into the run's partial outputs by the fields it fills.
    run.partial.key = branches[0].partial.key.take();
    run.partial.key_id = branches[1].partial.key_id.take();
    run.merge(branches);
    let mut error = None;
    for result in results.into_iter().flatten() {
        if let Err(failed) = run.joined(result) {
            error.get_or_insert(failed);
        }
    }
    error.unwrap()
}

#[tokio::test]
async fn a_concurrent_level_keeps_what_every_step_did_and_resumes_whatever_order_they_ran_in() {
    let server = DryRun::new();
    // create: 201 where 200 is expected (took effect: kept); read: fine; revoke: 500 (left out).
    server.respond(DryRunResponse::json(201, created()));
    server.respond(DryRunResponse::json(200, json!({"id": "k0"})));
    server.respond(DryRunResponse::json(500, json!({})));
    let error = concurrent_level(&server.client(), [0, 1, 2]).await;
    // The first failed step in the order written is the workflow's error, with everything else.
    assert_eq!(error.step_id(), "create");
    assert!(matches!(error.error(), StepError::CriterionFailed { status: 201, .. }), "{:?}", error.error());
    assert_eq!(error.partial().key.as_ref().map(SecretString::expose_secret), Some("sk_created"));
    assert_eq!(error.partial().key_id.as_deref(), Some("k0"), "the step that succeeded beside it");
    assert_eq!(replayed(&error), ["create", "read"], "revoke's 500 is left out, to be sent again");

    // Resumed with the steps asking in another order: only revoke is sent.
    let again = DryRun::new();
    again.respond(DryRunResponse::status(204));
    let resumed = concurrent_level(&again.client().resuming(error.into_checkpoint()), [2, 1, 0]).await;
    let sent: Vec<String> = again.requests().iter().map(|request| request.path().to_owned()).collect();
    assert_eq!(sent, ["/keys/k0/revoke"]);
    // create still fails the same way (its recorded answer), keeping its key; revoke is on record now.
    assert_eq!(resumed.step_id(), "create");
    assert_eq!(resumed.partial().key.as_ref().map(SecretString::expose_secret), Some("sk_created"));
    assert_eq!(replayed(&resumed), ["create", "read", "revoke"]);
}
