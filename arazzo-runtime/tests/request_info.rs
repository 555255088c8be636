//! The request a response answers, as criteria read it (`$method`, `$url`, `$request.header.*`,
//! `$request.query.*`, `$request.path.*`, `$request.body#/...`), against a loopback server.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use arazzo_runtime::condition::{Compare, compare};
use arazzo_runtime::{BasicCredentials, Method, Request, Response, SecretString, Style, WorkflowError};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// Sends `request` keeping what was sent, as generated code does on steps whose criteria read it.
async fn send(base_url: &str, request: Request<'_>) -> Result<Response, WorkflowError<()>> {
    common::send(base_url, request.keep_sent()).await
}

/// A POST with every kind of parameter, credentials and a JSON body.
async fn full_request(base_url: &str) -> Response {
    let (key_ids, tags) = (vec!["k.1", "k2"], vec!["x y", "z"]);
    let request = Request::new(Method::Post, "/echo/apps/{app_id}/keys/{key_id}")
        .path_param("app_id", "app 1/é")
        .path_param_styled("key_id", &key_ids, Style::Label, true)
        .query_param("q", "a&b=c é+%")
        .query_param("limit", &10_i64)
        .query_param("tag", &tags)
        .query_param("page", &None::<i64>)
        .header("X-Trace-Id", "trace-123")
        .header("X-Multi", "one")
        .header("x-multi", "two")
        .api_key_header("X-Api-Key", &SecretString::from("key_abc"))
        .api_key_query("api_key", &SecretString::from("qk 1/2"))
        .bearer_auth(&SecretString::from("sk_test_bearer"))
        .json_body(&json!({"name": "Rex", "tags": ["a", "b"], "owner": {"id": "o1"}, "a/b": 1, "n": null}));
    send(base_url, request).await.unwrap()
}

#[tokio::test]
async fn method_and_url_are_those_sent() {
    let server = common::start().await;
    let response = full_request(&server.base_url).await;
    assert_eq!(response.request_method(), "POST");
    let path = "/echo/apps/app%201%2F%C3%A9/keys/.k%2E1.k2";
    let query = "q=a%26b%3Dc+%C3%A9%2B%25&limit=10&tag=x+y&tag=z&api_key=qk+1%2F2";
    assert_eq!(response.request_url(), format!("{}{path}?{query}", server.base_url));
    // The server saw exactly that.
    assert_eq!(response.body_at("/method"), Some(&json!("POST")));
    assert_eq!(response.body_at("/path"), Some(&json!(path)));
    assert_eq!(response.body_at("/query"), Some(&json!(query)));

    let get = send(&server.base_url, Request::new(Method::Get, "/echo/plain")).await.unwrap();
    assert_eq!(get.request_method(), "GET");
    assert_eq!(get.request_url(), format!("{}/echo/plain", server.base_url));
    let delete = send(&format!("{}/v1/", server.base_url), Request::new(Method::Delete, "/echo")).await.unwrap();
    assert_eq!(delete.request_method(), "DELETE");
    assert_eq!(delete.request_url(), format!("{}/v1/echo", server.base_url));
}

#[tokio::test]
async fn request_headers_are_read_case_insensitively_credentials_included() {
    let server = common::start().await;
    let response = full_request(&server.base_url).await;
    for name in ["X-Trace-Id", "x-trace-id", "X-TRACE-ID"] {
        assert_eq!(response.request_header(name), Some(json!("trace-123")), "{name}");
    }
    assert_eq!(response.request_header("x-multi"), Some(json!("one")));
    assert_eq!(response.request_header("Authorization"), Some(json!("Bearer sk_test_bearer")));
    assert_eq!(response.request_header("x-api-key"), Some(json!("key_abc")));
    assert_eq!(response.request_header("content-type"), Some(json!("application/json")));
    // Not sent, not set by the runtime, or not a header name.
    assert_eq!(response.request_header("x-missing"), None);
    assert_eq!(response.request_header("cookie"), None);
    assert_eq!(response.request_header("host"), None);
    assert_eq!(response.request_header("bad name\n"), None);
    // The response's own headers are another thing.
    assert_eq!(response.header_value("x-trace-id"), None);
    // As a criterion: $request.header.X-Trace-Id == 'trace-123'
    assert!(compare(Compare::Eq, response.request_header("X-Trace-Id").as_ref(), Some(&json!("trace-123"))));
}

#[tokio::test]
async fn query_parameters_are_decoded_first_occurrence() {
    let server = common::start().await;
    let response = full_request(&server.base_url).await;
    assert_eq!(response.request_query("q"), Some(json!("a&b=c é+%")));
    assert_eq!(response.request_query("limit"), Some(json!("10")));
    assert_eq!(response.request_query("tag"), Some(json!("x y")));
    assert_eq!(response.request_query("api_key"), Some(json!("qk 1/2")));
    // Absent value, another case, not sent.
    assert_eq!(response.request_query("page"), None);
    assert_eq!(response.request_query("Q"), None);
    assert_eq!(response.request_query("missing"), None);
    // Query values are strings; numeric comparison goes through the numeric-string rule.
    assert!(compare(Compare::Eq, response.request_query("limit").as_ref(), Some(&json!(10))));

    let styled = send(
        &server.base_url,
        Request::new(Method::Get, "/echo")
            .query_param_styled("color", &vec!["blue", "black"], Style::PipeDelimited, false)
            .query_param_styled("filter", &json!({"R": 100, "name": "a b"}), Style::DeepObject, true),
    )
    .await
    .unwrap();
    assert_eq!(
        styled.request_url(),
        format!("{}/echo?color=blue%7Cblack&filter%5BR%5D=100&filter%5Bname%5D=a+b", server.base_url)
    );
    assert_eq!(styled.request_query("color"), Some(json!("blue|black")));
    assert_eq!(styled.request_query("filter[R]"), Some(json!("100")));
    assert_eq!(styled.request_query("filter[name]"), Some(json!("a b")));
    assert_eq!(styled.request_query("filter"), None);
}

#[tokio::test]
async fn path_parameters_are_the_values_given_before_encoding() {
    let server = common::start().await;
    let response = full_request(&server.base_url).await;
    assert_eq!(response.request_path("app_id"), Some(json!("app 1/é")));
    assert_eq!(response.request_path("key_id"), Some(json!(["k.1", "k2"])));
    assert_eq!(response.request_path("APP_ID"), None);
    assert_eq!(response.request_path("missing"), None);

    let typed = send(
        &server.base_url,
        Request::new(Method::Get, "/echo/{n}/{id}")
            .path_param("n", &42_i64)
            .path_param("id", "old")
            .path_param("id", "new%2Fone"),
    )
    .await
    .unwrap();
    assert_eq!(typed.request_url(), format!("{}/echo/42/new%252Fone", server.base_url));
    assert_eq!(typed.request_path("n"), Some(json!(42)));
    // The value sent: the last one given.
    assert_eq!(typed.request_path("id"), Some(json!("new%2Fone")));
}

#[tokio::test]
async fn json_bodies_are_read_through_pointers() {
    let server = common::start().await;
    let response = full_request(&server.base_url).await;
    assert_eq!(
        response.request_body_at(""),
        Some(&json!({"name": "Rex", "tags": ["a", "b"], "owner": {"id": "o1"}, "a/b": 1, "n": null}))
    );
    assert_eq!(response.request_body_at("/name"), Some(&json!("Rex")));
    assert_eq!(response.request_body_at("/tags/1"), Some(&json!("b")));
    assert_eq!(response.request_body_at("/owner/id"), Some(&json!("o1")));
    assert_eq!(response.request_body_at("/a~1b"), Some(&json!(1)));
    assert_eq!(response.request_body_at("/n"), Some(&Value::Null));
    assert_eq!(response.request_body_at("/tags/2"), None);
    assert_eq!(response.request_body_at("/missing"), None);
    assert_eq!(response.request_body_at("name"), None);
    // The response body is the echo, not the request body.
    assert_eq!(response.body_at("/name"), None);
}

#[tokio::test]
async fn form_bodies_basic_credentials_and_cookies() {
    let server = common::start().await;
    let response = send(
        &server.base_url,
        Request::new(Method::Put, "/echo/form")
            .cookie("session", "s 1;x")
            .basic_auth(&BasicCredentials::new("user", SecretString::from("pass")))
            .form_body(&json!({"name": "Rex Dog", "age": 3, "tags": ["a", "b"], "skip": null})),
    )
    .await
    .unwrap();
    assert_eq!(response.body_at("/body"), Some(&json!("name=Rex+Dog&age=3&tags=a&tags=b")));
    assert_eq!(response.request_method(), "PUT");
    assert_eq!(response.request_url(), format!("{}/echo/form", server.base_url));
    assert_eq!(response.request_header("Content-Type"), Some(json!("application/x-www-form-urlencoded")));
    assert_eq!(response.request_header("authorization"), Some(json!("Basic dXNlcjpwYXNz")));
    assert_eq!(response.request_header("Cookie"), Some(json!("session=s%201%3Bx")));
    assert_eq!(response.request_body_at("/name"), Some(&json!("Rex Dog")));
    assert_eq!(response.request_body_at("/age"), Some(&json!(3)));
    assert_eq!(response.request_body_at("/tags/0"), Some(&json!("a")));
    assert_eq!(response.request_body_at("/skip"), Some(&Value::Null));
    assert_eq!(response.request_body_at("/missing"), None);
    assert_eq!(response.request_query("name"), None);
}

#[tokio::test]
async fn requests_without_a_json_body_have_no_request_body() {
    let server = common::start().await;
    let requests = [
        Request::new(Method::Get, "/echo"),
        Request::new(Method::Post, "/echo").json_body(&None::<Value>),
        Request::new(Method::Post, "/echo").raw_body("application/json", r#"{"a":1}"#),
        Request::new(Method::Post, "/echo").raw_body("text/plain", "hello"),
        Request::new(Method::Post, "/echo").multipart_body(&json!({"a": "1"})),
    ];
    for request in requests {
        let response = send(&server.base_url, request).await.unwrap();
        assert_eq!(response.request_body_at(""), None);
        assert_eq!(response.request_body_at("/a"), None);
    }
}

#[tokio::test]
async fn debug_never_shows_what_was_sent() {
    let server = common::start().await;
    let response = full_request(&server.base_url).await;
    let debug = format!("{response:?}");
    assert!(debug.starts_with("Response { status: 200"), "{debug}");
    for sent in [
        "127.0.0.1",
        "http",
        "/echo",
        "app",
        "k.1",
        "limit",
        "api_key",
        "qk",
        "trace-123",
        "key_abc",
        "sk_test_bearer",
        "Bearer",
        "Rex",
        "o1",
        "POST",
    ] {
        assert!(!debug.contains(sent), "{sent} in {debug}");
    }

    // Nor anything holding a response.
    #[derive(Debug)]
    #[allow(dead_code)] // read through Debug only
    struct StepResult {
        response: Response,
    }
    let held = format!("{:?}", Some(StepResult { response }));
    assert!(!held.contains("sk_test_bearer") && !held.contains("127.0.0.1") && !held.contains("Rex"), "{held}");

    let form = send(
        &server.base_url,
        Request::new(Method::Post, "/echo")
            .basic_auth(&BasicCredentials::new("user", SecretString::from("pass")))
            .form_body(&json!({"password": "hunter2"})),
    )
    .await
    .unwrap();
    let debug = format!("{form:?}");
    assert!(!debug.contains("hunter2") && !debug.contains("dXNlcjpwYXNz") && !debug.contains("echo"), "{debug}");
}

#[test]
fn a_response_from_parts_knows_nothing_of_its_request() {
    let response = Response::from_parts(200, HeaderMap::new(), r#"{"a":1}"#);
    assert_eq!(response.request_method(), "");
    assert_eq!(response.request_url(), "");
    assert_eq!(response.request_header("content-type"), None);
    assert_eq!(response.request_query("a"), None);
    assert_eq!(response.request_path("a"), None);
    assert_eq!(response.request_body_at(""), None);
    assert_eq!(response.request_body_at("/a"), None);
    assert_eq!(response.body_at("/a"), Some(&json!(1)));
}

#[tokio::test]
async fn only_the_method_is_kept_unless_the_request_asks() {
    let server = common::start().await;
    let request = Request::new(Method::Post, "/echo/{id}")
        .path_param("id", "p1")
        .query_param("q", "v")
        .header("X-Trace-Id", "trace-123")
        .json_body(&json!({"name": "Rex"}));
    let response = common::send(&server.base_url, request).await.unwrap();
    // Sent all the same.
    assert_eq!(response.body_at("/query"), Some(&json!("q=v")));
    assert_eq!(response.request_method(), "POST");
    assert_eq!(response.request_url(), "");
    assert_eq!(response.request_header("X-Trace-Id"), None);
    assert_eq!(response.request_query("q"), None);
    assert_eq!(response.request_path("id"), None);
    assert_eq!(response.request_body_at("/name"), None);
}
