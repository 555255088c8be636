//! Helpers for the fakes' own unit tests: plain reqwest calls, no generated code involved.

use reqwest::Method;
use serde_json::Value;

/// Status and body (JSON, or `Value::Null` when empty / not JSON) of one request.
pub(crate) struct Reply {
    pub status: u16,
    pub body: Value,
    pub raw: Vec<u8>,
    pub content_type: Option<String>,
}

pub(crate) async fn call(method: &str, url: &str, auth: Option<&str>, body: Option<Value>) -> Reply {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new().request(method, url);
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
