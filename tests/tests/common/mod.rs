//! Assertions shared by the end-to-end tests.
// Each e2e test file includes this module and uses a different subset of it; these are assertion
// helpers, so failing loudly is their job.
#![allow(dead_code, clippy::panic)]

use arazzo_tests::RecordedRequest;
use serde_json::Value;

/// What one request must look like on the wire.
pub struct Expected<'a> {
    pub method: &'a str,
    /// Raw, percent-encoded path.
    pub path: &'a str,
    pub query: Option<&'a str>,
    /// The exact `Authorization` value, sent once; `None`: no `Authorization` header at all.
    pub authorization: Option<&'a str>,
    /// The JSON body (then `content-type: application/json`); `None`: no body and no content type.
    pub json: Option<Value>,
}

#[track_caller]
pub fn assert_request(index: usize, actual: &RecordedRequest, expected: &Expected<'_>) {
    let at = format!("request #{index} ({} {})", actual.method, actual.path);
    assert_eq!(actual.method, expected.method, "{at}: method");
    assert_eq!(actual.path, expected.path, "{at}: path");
    assert_eq!(actual.query.as_deref(), expected.query, "{at}: query");
    assert_eq!(actual.header("authorization"), expected.authorization, "{at}: authorization");
    assert_eq!(
        actual.header_count("authorization"),
        usize::from(expected.authorization.is_some()),
        "{at}: authorization header count"
    );
    match &expected.json {
        Some(json) => {
            let content_type = actual.header("content-type").unwrap_or_default();
            assert!(content_type.starts_with("application/json"), "{at}: content-type {content_type:?}");
            let body: Value = serde_json::from_slice(&actual.body).unwrap_or_else(|e| {
                panic!("{at}: body is not JSON ({e}): {:?}", String::from_utf8_lossy(&actual.body))
            });
            assert_eq!(&body, json, "{at}: body");
        }
        None => {
            assert!(actual.body.is_empty(), "{at}: unexpected body {:?}", String::from_utf8_lossy(&actual.body));
            assert_eq!(actual.header("content-type"), None, "{at}: content-type without a body");
        }
    }
}

/// Asserts the requests, in order, and that there were no others.
#[track_caller]
pub fn assert_requests(actual: &[RecordedRequest], expected: &[Expected<'_>]) {
    for (index, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_request(index, a, e);
    }
    let summary: Vec<String> = actual.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(actual.len(), expected.len(), "request count; received {summary:#?}");
}

/// Asserts that neither the Display nor the Debug text of `error` contains any of `secrets`.
#[track_caller]
pub fn assert_hides<E: std::fmt::Display + std::fmt::Debug>(error: &E, secrets: &[&str]) {
    let display = format!("{error}");
    let debug = format!("{error:?}");
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(!display.contains(secret), "Display leaks {secret:?}: {display}");
        assert!(!debug.contains(secret), "Debug leaks {secret:?}: {debug}");
    }
}
