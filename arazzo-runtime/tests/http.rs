//! Requests on the wire: encoding, credentials, transport errors, against a loopback server.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{echoed, header_values, send, send_with};

use std::time::Duration;

use arazzo_runtime::{BasicCredentials, Client, Method, Request, SecretString, StepError, json};
use serde_json::{Value, json};

#[tokio::test]
async fn hostile_values_stay_in_their_slots() {
    let server = common::start().await;
    let hostile = "../admin?x=1#frag %2e%2e/é\r\n";
    let seen = echoed(
        &server.base_url,
        Request::new(Method::Post, "/echo/items/{item_id}/sub")
            .path_param("item_id", hostile)
            .query_param("q", "a&b=c#d é+%")
            .query_param("tags", &vec!["x y".to_owned(), "z&".to_owned()])
            .header("X-Note", "value; with, stuff")
            .cookie("c", "v; x=1")
            .json_body(&json!({"quote": "\"}{", "n": 1})),
    )
    .await;
    assert_eq!(seen["method"], "POST");
    assert_eq!(seen["path"], "/echo/items/..%2Fadmin%3Fx%3D1%23frag%20%252e%252e%2F%C3%A9%0D%0A/sub");
    assert_eq!(seen["query"], "q=a%26b%3Dc%23d+%C3%A9%2B%25&tags=x+y&tags=z%26");
    assert_eq!(header_values(&seen, "x-note"), ["value; with, stuff"]);
    assert_eq!(header_values(&seen, "cookie"), ["c=v%3B%20x%3D1"]);
    assert_eq!(header_values(&seen, "content-type"), ["application/json"]);
    assert_eq!(seen["body"], r#"{"quote":"\"}{","n":1}"#);
}

#[tokio::test]
async fn dot_segment_values_are_refused_and_nothing_is_sent() {
    let server = common::start().await;
    for value in ["..", "."] {
        let error =
            send(&server.base_url, Request::new(Method::Delete, "/echo/keys/{key_id}").path_param("key_id", value))
                .await
                .unwrap_err();
        assert!(
            matches!(error.error(), StepError::InvalidRequest { message } if message.contains("`key_id`")),
            "{error}"
        );
    }
    assert_eq!(server.echo_count(), 0);
}

#[tokio::test]
async fn base_urls_join_with_paths_without_double_slashes() {
    let server = common::start().await;
    let cases = [
        (format!("{}/", server.base_url), "/api/v1/app"),
        (format!("{}/v1", server.base_url), "/v1/api/v1/app"),
        (format!("{}/v1/", server.base_url), "/v1/api/v1/app"),
    ];
    for (base, expected) in cases {
        let seen = echoed(&base, Request::new(Method::Get, "/api/v1/app")).await;
        assert_eq!(seen["path"], expected, "base {base}");
        assert_eq!(seen["query"], Value::Null);
    }
}

#[tokio::test]
async fn a_placeholder_without_value_fails_naming_it() {
    let server = common::start().await;
    let error =
        send(&server.base_url, Request::new(Method::Get, "/echo/{app_id}/{integ_id}").path_param("app_id", "a"))
            .await
            .unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow `test-workflow` failed at step `testStep`: the request could not be built: path parameter `integ_id` has no value"
    );
    assert_eq!(server.echo_count(), 0);
}

#[tokio::test]
async fn a_header_with_a_line_break_fails_and_nothing_is_sent() {
    let server = common::start().await;
    let error = send(&server.base_url, Request::new(Method::Get, "/echo").header("X-Trace", "abc\r\nX-Injected: yes"))
        .await
        .unwrap_err();
    let text = format!("{error} {error:?}");
    assert!(text.contains("`x-trace`"), "{text}");
    assert!(!text.contains("Injected") && !text.contains("abc"), "{text}");
    assert_eq!(server.echo_count(), 0);
}

#[tokio::test]
async fn credentials_reach_the_server() {
    let server = common::start().await;
    let token = SecretString::from("bearer-tok");
    let basic = BasicCredentials::new("key-id", "app-key");
    let api_key = SecretString::from("k 1&");

    let seen = echoed(&server.base_url, Request::new(Method::Get, "/echo").bearer_auth(&token)).await;
    assert_eq!(header_values(&seen, "authorization"), ["Bearer bearer-tok"]);

    let seen = echoed(&server.base_url, Request::new(Method::Get, "/echo").basic_auth(&basic)).await;
    // base64("key-id:app-key")
    assert_eq!(header_values(&seen, "authorization"), ["Basic a2V5LWlkOmFwcC1rZXk="]);

    let seen = echoed(
        &server.base_url,
        Request::new(Method::Get, "/echo")
            .query_param("page", &2_i64)
            .api_key_header("X-API-Key", &api_key)
            .api_key_query("api_key", &api_key)
            .api_key_cookie("session", &api_key),
    )
    .await;
    assert_eq!(header_values(&seen, "x-api-key"), ["k 1&"]);
    assert_eq!(seen["query"], "page=2&api_key=k+1%26");
    assert_eq!(header_values(&seen, "cookie"), ["session=k%201%26"]);
}

#[tokio::test]
async fn an_authorization_header_set_by_the_step_overrides_the_credential() {
    let server = common::start().await;
    let configured = SecretString::from("configured");
    let own = SecretString::from("Token from-the-step");
    let seen = echoed(
        &server.base_url,
        Request::new(Method::Get, "/echo").header("authorization", &own).bearer_auth(&configured),
    )
    .await;
    assert_eq!(header_values(&seen, "authorization"), ["Token from-the-step"]);
}

#[tokio::test]
async fn send_returns_any_status_as_a_response() {
    let server = common::start().await;
    let response = send(&server.base_url, Request::new(Method::Post, "/fake/keys")).await.unwrap();
    assert_eq!(response.status(), 201);
    let redirect = send(&server.base_url, Request::new(Method::Get, "/redirect")).await.unwrap();
    // Redirects are not followed: API keys must not travel to wherever a server points.
    assert_eq!(redirect.status(), 302);
    assert_eq!(redirect.header("location"), Some("/elsewhere"));
    assert_eq!(server.echo_count(), 0);
}

#[tokio::test]
async fn a_slow_server_gives_a_timeout() {
    let server = common::start().await;
    let client = Client::builder().request_timeout(Duration::from_millis(200)).build();
    let started = std::time::Instant::now();
    let error = send_with(&client, &server.base_url, Request::new(Method::Get, "/slow")).await.unwrap_err();
    assert_eq!(error.error(), &StepError::Timeout);
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(error.to_string(), "workflow `test-workflow` failed at step `testStep`: the request timed out");
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_without_the_url() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let key = SecretString::from("query-secret");
    let error = send(
        &format!("http://127.0.0.1:{port}/"),
        Request::new(Method::Get, "/private/path").api_key_query("key", &key),
    )
    .await
    .unwrap_err();
    let StepError::Transport { message } = error.error() else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(message, "could not connect to the server (connection refused)");
    let text = format!("{error} {error:?}");
    for leak in ["query-secret", "/private/path", "127.0.0.1"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let server = common::start().await;
    let client = Client::builder().max_response_bytes(1000).build();
    let error = send_with(&client, &server.base_url, Request::new(Method::Get, "/big")).await.unwrap_err();
    assert_eq!(
        error.error(),
        &StepError::Transport { message: "the response body is larger than the limit of 1000 bytes".into() }
    );
    let fits = Client::builder().max_response_bytes(5000).build();
    let response = send_with(&fits, &server.base_url, Request::new(Method::Get, "/big")).await.unwrap();
    assert_eq!(response.body().len(), 5000);
}

#[tokio::test]
async fn an_invalid_base_url_fails_before_sending() {
    let error = send("https://user:base-secret@host:99999/", Request::new(Method::Get, "/x")).await.unwrap_err();
    assert!(matches!(error.error(), StepError::InvalidBaseUrl { .. }));
    assert!(!format!("{error} {error:?}").contains("base-secret"));
}

#[tokio::test]
async fn optional_body_fields_are_left_out() {
    let server = common::start().await;
    let expires: Option<i64> = None;
    let seen = echoed(
        &server.base_url,
        Request::new(Method::Post, "/echo")
            .json_body(&json::object([("user_id", &"u1"), ("expires_at_seconds", &expires)])),
    )
    .await;
    assert_eq!(seen["body"], r#"{"user_id":"u1"}"#);
}
