//! The record of a run: the stored form, replay and the merge of concurrent steps.

use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue};

use super::*;

fn exchange(step: &'static str, body: &'static [u8]) -> Exchange {
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", HeaderValue::from_static("1"));
    Exchange::new(("w", step), ("POST", "/keys".into(), 0xf1), 201, &Arc::new(headers), &Bytes::from_static(body))
}

#[test]
fn a_checkpoint_round_trips_through_its_exposed_form() {
    let context = RunContext::new(Duration::from_secs(5), Vec::new());
    context.record(exchange("create", br#"{"key":"sk_new"}"#));
    context.record(exchange("binary", &[0xff, 0x00]));
    let checkpoint = context.checkpoint(("w", "next"), None);
    let text = serde_json::to_string(&checkpoint.expose_secrets()).unwrap();
    assert!(text.contains("sk_new"));
    let back: Checkpoint = serde_json::from_str(&text).unwrap();
    assert_eq!((back.workflow_id(), back.failed_step()), ("w", "next"));
    assert_eq!(back.replayed_steps().collect::<Vec<_>>(), [("w", "create"), ("w", "binary")]);
    let (status, headers, body) = back.exchanges[0].response_parts().unwrap();
    assert_eq!((status, headers.get("retry-after").unwrap().to_str().unwrap()), (201, "1"));
    assert_eq!(&body[..], br#"{"key":"sk_new"}"#);
    assert_eq!(&back.exchanges[1].response_parts().unwrap().2[..], [0xff, 0x00]);
}

/// The stored form is a format: checkpoints written by earlier builds must still load.
#[test]
fn the_stored_form_is_stable() {
    let context = RunContext::new(Duration::from_secs(5), Vec::new());
    context.record(exchange("create", br#"{"key":"sk_new"}"#));
    let text = serde_json::to_string(&context.checkpoint(("w", "next"), None).expose_secrets()).unwrap();
    let expected = r#"{"workflow":"w","failed_step":"next","exchanges":[{"workflow":"w","step":"create","method":"POST","path":"/keys","request":"00000000000000f1","status":201,"headers":[["retry-after","1"]],"body":"{\"key\":\"sk_new\"}"}]}"#;
    assert_eq!(text, expected);
    // Written before request fingerprints existed, with a body as bytes.
    let old = r#"{"workflow":"w","failed_step":"s","exchanges":[{"workflow":"w","step":"a","method":"GET","path":"/k","status":200,"headers":[["x-a","1"],["bad header","2"]],"body":[255,0]}]}"#;
    let back: Checkpoint = serde_json::from_str(old).unwrap();
    let (status, headers, body) = back.exchanges[0].response_parts().unwrap();
    assert_eq!((status, headers.len(), &body[..]), (200, 1, &[255_u8, 0][..]));
    assert!(back.exchanges[0].id.answers(("w", "a"), ("GET", "/k", 0x1234)));
}

#[test]
fn debug_shows_ids_and_statuses_only() {
    let context = RunContext::new(Duration::from_secs(5), Vec::new());
    context.record(exchange("create", br#"{"key":"sk_new"}"#));
    let debug = format!("{:?}", context.checkpoint(("w", "next"), None));
    assert!(debug.contains("w/create -> 201"), "{debug}");
    assert!(!debug.contains("sk_new"), "{debug}");
}

#[test]
fn the_failed_exchange_is_dropped_only_when_it_is_the_last() {
    let context = RunContext::new(Duration::from_secs(5), Vec::new());
    let first = context.record(exchange("a", b"1"));
    let second = context.record(exchange("b", b"2"));
    assert_eq!(context.checkpoint(("w", "b"), Some(first)).exchanges.len(), 2);
    assert_eq!(context.checkpoint(("w", "b"), Some(second)).exchanges.len(), 1);
}

#[test]
fn a_failure_the_run_went_on_from_stays_on_record() {
    let context = RunContext::new(Duration::from_secs(5), Vec::new());
    context.record(exchange("list", b"1"));
    let failed = context.record(exchange("read", b"500"));
    // A called workflow fails at `read`; so does its caller: the failed read is left out.
    assert_eq!(context.checkpoint(("called", "read"), Some(failed)).exchanges.len(), 1);
    assert_eq!(context.checkpoint(("caller", "lookup"), None).exchanges.len(), 1);
    // The caller retries instead: the failed read is on the path a resumed run must take.
    context.record(exchange("list", b"2"));
    let checkpoint = context.checkpoint(("caller", "next"), None);
    let steps: Vec<&str> = checkpoint.replayed_steps().map(|(_, step)| step).collect();
    assert_eq!(steps, ["list", "read", "list"]);
}

#[test]
fn replay_answers_matching_requests_in_order_and_refuses_others() {
    let context = RunContext::new(Duration::from_secs(5), vec![exchange("a", b"1"), exchange("b", b"2")]);
    assert!(context.replaying());
    assert!(context.replay(("w", "a"), ("POST", "/keys", 0xf1)).unwrap().is_some());
    // The same step sending something else (other inputs) is not answered from the record.
    let other_inputs = context.replay(("w", "b"), ("POST", "/keys", 0xf2)).err().unwrap();
    assert_eq!(other_inputs, StepError::CheckpointMismatch { workflow_id: "w".into(), step_id: "b".into() });
    // Once off the recorded path, the run stays refused, even for the request the record expects.
    let later = context.replay(("w", "b"), ("POST", "/keys", 0xf1)).err().unwrap();
    assert_eq!(later, StepError::CheckpointMismatch { workflow_id: "w".into(), step_id: "b".into() });
    assert_eq!(context.check_matched(), Err(later));
    assert!(context.replaying());
}

#[test]
fn replay_runs_on_over_the_network_once_the_record_is_used_up() {
    let context = RunContext::new(Duration::from_secs(5), vec![exchange("a", b"1"), exchange("b", b"2")]);
    assert!(context.replay(("w", "a"), ("POST", "/keys", 0xf1)).unwrap().is_some());
    assert!(context.replay(("w", "b"), ("POST", "/keys", 0xf1)).unwrap().is_some());
    assert!(!context.replaying());
    assert!(context.replay(("w", "d"), ("GET", "/", 0xf1)).unwrap().is_none());
    assert_eq!(context.check_matched(), Ok(()));
}

/// The exchange of step `step` as recorded by a branch of workflow `w` for step `branch`.
fn in_branch(branch: &'static str, step: &'static str, body: &'static [u8]) -> Exchange {
    let context = RunContext::new(Duration::from_secs(5), Vec::new()).branch(("w", branch));
    context.record(exchange(step, body));
    let taken = std::mem::take(&mut *lock(&context.log));
    taken.exchanges.into_iter().next().unwrap()
}

#[test]
fn branches_merge_in_the_order_of_their_steps_whatever_order_their_responses_arrived_in() {
    let context = RunContext::new(Duration::from_secs(5), Vec::new());
    context.record(exchange("login", b"0"));
    let (a, b, c) = (context.branch(("w", "a")), context.branch(("w", "b")), context.branch(("w", "c")));
    // c answers first, then a; b fails with a response that is left out.
    c.record(exchange("c", b"3"));
    a.record(exchange("a", b"1"));
    let failed = b.record(exchange("b", b"500"));
    let _ = b.checkpoint(("w", "b"), Some(failed));
    for branch in [&a, &b, &c] {
        context.merge(branch);
    }
    let checkpoint = context.checkpoint(("w", "b"), None);
    let steps: Vec<&str> = checkpoint.replayed_steps().map(|(_, step)| step).collect();
    assert_eq!(steps, ["login", "a", "c"], "in step order, without b's failed exchange");
    let text = serde_json::to_string(&checkpoint.expose_secrets()).unwrap();
    assert!(text.contains(r#""branch":[["w","a"]]"#), "{text}");
    assert_eq!(text.matches(r#""branch""#).count(), 2, "only the concurrent steps' exchanges say so: {text}");
    // A later exchange: the run went on after b's failure, which is then on the record.
    context.record(exchange("next", b"4"));
    assert_eq!(context.checkpoint(("w", "next"), None).exchanges.len(), 5);
}

#[test]
fn concurrent_steps_replay_their_own_exchanges_in_any_order() {
    let record =
        vec![exchange("login", b"0"), in_branch("a", "a", b"1"), in_branch("b", "b", b"2"), exchange("after", b"3")];
    let context = RunContext::new(Duration::from_secs(5), record);
    let request = ("POST", "/keys", 0xf1);
    assert!(context.replay(("w", "login"), request).unwrap().is_some());
    let (a, b, c) = (context.branch(("w", "a")), context.branch(("w", "b")), context.branch(("w", "c")));
    // b asks before a: each gets its own answer.
    assert_eq!(&b.replay(("w", "b"), request).unwrap().unwrap().response_parts().unwrap().2[..], b"2");
    assert_eq!(&a.replay(("w", "a"), request).unwrap().unwrap().response_parts().unwrap().2[..], b"1");
    // The record goes on after the level (`after`), so every step of the level had an
    // exchange recorded: c's is missing, and the checkpoint is not this run's.
    assert!(c.replaying());
    let error = c.replay(("w", "c"), request).map(|_| ()).unwrap_err();
    assert_eq!(error, StepError::CheckpointMismatch { workflow_id: "w".into(), step_id: "after".into() });
}

#[test]
fn a_concurrent_step_without_a_record_goes_on_over_the_network() {
    let record = vec![in_branch("a", "a", b"1"), in_branch("b", "b", b"2")];
    let context = RunContext::new(Duration::from_secs(5), record);
    let request = ("POST", "/keys", 0xf1);
    let (a, b, c) = (context.branch(("w", "a")), context.branch(("w", "b")), context.branch(("w", "c")));
    assert!(!c.replaying());
    assert!(c.replay(("w", "c"), request).unwrap().is_none(), "sent for real");
    assert_eq!(&b.replay(("w", "b"), request).unwrap().unwrap().response_parts().unwrap().2[..], b"2");
    assert!(a.replaying());
    assert_eq!(&a.replay(("w", "a"), request).unwrap().unwrap().response_parts().unwrap().2[..], b"1");
    assert!(!context.replaying());
    // The run itself is not concurrent with any branch: it may not skip one's record.
    let strict = RunContext::new(Duration::from_secs(5), vec![in_branch("a", "a", b"1")]);
    assert_eq!(
        strict.replay(("w", "next"), request).map(|_| ()).unwrap_err(),
        StepError::CheckpointMismatch { workflow_id: "w".into(), step_id: "a".into() }
    );
    // Nor may a branch take another request of its step than the one recorded.
    let other = RunContext::new(Duration::from_secs(5), vec![in_branch("a", "a", b"1")]).branch(("w", "a"));
    assert!(other.replay(("w", "a"), ("POST", "/keys", 0xf2)).is_err());
}

#[test]
fn the_deadline_passes() {
    let context = RunContext::new(Duration::ZERO, Vec::new());
    assert_eq!(context.remaining(), Err(StepError::WorkflowTimeout { limit: Duration::ZERO }));
    let unlimited = RunContext::new(Duration::MAX, Vec::new());
    assert_eq!(unlimited.remaining(), Ok(None));
    let later = RunContext::new(Duration::from_secs(60), Vec::new());
    assert!(later.remaining().unwrap().unwrap() > Duration::from_secs(50));
}
