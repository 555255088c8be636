//! Helpers for the fakes' own unit tests: plain reqwest calls, no generated code involved.

use reqwest::Method;
use serde_json::Value;

/// A reqwest client of the tests' own. arazzo-runtime's `rustls` feature builds reqwest with rustls
/// but leaves the crypto provider to whoever builds a client (it hands ring to its own clients),
/// so a client built with reqwest directly needs a provider installed for the process first, as
/// an application's would (see arazzo-runtime/src/transport/tls.rs).
pub(crate) fn reqwest_client() -> reqwest::Client {
    // Err when one is installed already: that one serves.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Status and body (JSON, or `Value::Null` when empty / not JSON) of one request.
pub(crate) struct Reply {
    pub status: u16,
    pub body: Value,
    pub raw: Vec<u8>,
    pub content_type: Option<String>,
}

pub(crate) async fn call(method: &str, url: &str, auth: Option<&str>, body: Option<Value>) -> Reply {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest_client().request(method, url);
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    let raw = response.bytes().await.unwrap().to_vec();
    let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    Reply { status, body, raw, content_type }
}
