//! Header values built from credentials and secrets are marked sensitive (`HeaderValue::is_sensitive`),
//! so that `Debug` of the headers and HTTP/2's HPACK (never-indexed literals) do not expose them.
//!
//! The flag never reaches an HTTP/1.1 server, so it is read where the runtime hands the request
//! over: a [`DryRun`] records the headers exactly as prepared for the wire.

// Test helpers unwrap and panic: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arazzo_runtime::{BasicCredentials, DryRun, DryRunRequest, DryRunResponse, Method, Request, Run, SecretString};

const BASE: &str = "http://api.test/v1";

/// Sends `request` through a dry run and returns it as recorded.
async fn sent(request: Request<'_>) -> DryRunRequest {
    let dry_run = DryRun::new();
    dry_run.respond(DryRunResponse::status(204));
    let client = dry_run.client();
    let mut run = Run::<()>::new("sensitive-headers", &client);
    run.step("send", "op");
    let response = run.send(BASE, request).await.unwrap();
    assert_eq!(response.status(), 204);
    let mut requests = dry_run.requests();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

/// Asserts header `name` is sent once, with `value`, marked sensitive.
#[track_caller]
fn assert_sensitive(request: &DryRunRequest, name: &str, value: &str) {
    let values: Vec<_> = request.headers().get_all(name).iter().collect();
    assert_eq!(values.len(), 1, "{name}: {request:?}");
    assert_eq!(values[0].to_str().unwrap(), value, "{name}");
    assert!(values[0].is_sensitive(), "{name} is not marked sensitive");
}

fn get() -> Request<'static> {
    Request::new(Method::Get, "/keys")
}

#[tokio::test]
async fn bearer_credentials_are_sensitive() {
    let request = sent(get().bearer_auth(&SecretString::from("sk_bearer_1"))).await;
    assert_sensitive(&request, "authorization", "Bearer sk_bearer_1");
}

#[tokio::test]
async fn basic_credentials_are_sensitive() {
    let basic = BasicCredentials::new("Aladdin", SecretString::from("open sesame"));
    let request = sent(get().basic_auth(&basic)).await;
    // RFC 7617's example: base64("Aladdin:open sesame").
    assert_sensitive(&request, "authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

#[tokio::test]
async fn api_key_and_raw_token_headers_are_sensitive() {
    let request = sent(get().api_key_header("X-Api-Key", &SecretString::from("key_header_1"))).await;
    assert_sensitive(&request, "x-api-key", "key_header_1");
    // Backblaze's scheme-less token in `Authorization`.
    let request = sent(get().raw_auth_header("Authorization", &SecretString::from("4_raw_token"))).await;
    assert_sensitive(&request, "authorization", "4_raw_token");
}

#[tokio::test]
async fn api_key_cookies_are_sensitive() {
    let request = sent(get().api_key_cookie("session", &SecretString::from("key_cookie_1"))).await;
    assert_sensitive(&request, "cookie", "session=key_cookie_1");
}

#[tokio::test]
async fn an_api_key_in_the_query_is_in_no_header_and_not_in_debug() {
    let request = sent(get().api_key_query("api_key", &SecretString::from("key_query_1"))).await;
    assert_eq!(request.query(), Some("api_key=key_query_1"));
    for (name, value) in request.headers() {
        assert!(!String::from_utf8_lossy(value.as_bytes()).contains("key_query_1"), "{name}");
    }
    assert!(!format!("{request:?}").contains("key_query_1"), "{request:?}");
}

#[tokio::test]
async fn headers_built_from_secrets_are_sensitive_and_plain_ones_are_not() {
    let admin = SecretString::from("dg_admin_secret_1");
    // What generated code does when a step sets `Authorization` from a secret input
    // (PropelAuth's `Bearer {$inputs.backendApiKey}`, Deepgram's `Token {$inputs.apiKey}`).
    let own = SecretString::from(format!("Token {}", admin.expose_secret()));
    let request = sent(
        get()
            .header("Authorization", &own)
            .header("X-Secret", &SecretString::from("secret_header_1"))
            .header("X-Optional-Secret", &Some(SecretString::from("secret_header_2")))
            .header("X-Plain", "plain-value")
            .cookie("sid", &SecretString::from("secret_cookie_1")),
    )
    .await;
    assert_sensitive(&request, "authorization", "Token dg_admin_secret_1");
    assert_sensitive(&request, "x-secret", "secret_header_1");
    assert_sensitive(&request, "x-optional-secret", "secret_header_2");
    assert_sensitive(&request, "cookie", "sid=secret_cookie_1");
    // The control: a plain header is not marked, so the assertions above can fail.
    let plain = request.headers().get("x-plain").unwrap();
    assert_eq!(plain.to_str().unwrap(), "plain-value");
    assert!(!plain.is_sensitive());
    let debug = format!("{request:?}");
    for secret in ["dg_admin_secret_1", "secret_header_1", "secret_header_2", "secret_cookie_1"] {
        assert!(!debug.contains(secret), "{debug}");
    }
}

#[tokio::test]
async fn authorization_and_cookie_are_sensitive_even_from_plain_strings() {
    let request = sent(get().header("Authorization", "Token plain-string").cookie("c", "plain-cookie")).await;
    assert_sensitive(&request, "authorization", "Token plain-string");
    assert_sensitive(&request, "cookie", "c=plain-cookie");
}
