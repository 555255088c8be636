//! A loopback HTTP server for the runtime's integration tests.

#![allow(dead_code)] // each test file uses a different part

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};

use arazzo_runtime::{Client, Request, Response, Run, WorkflowError};

/// A running server: its base URL (`http://127.0.0.1:port`, no trailing slash) and how many
/// requests reached the echo handler.
pub struct Server {
    pub base_url: String,
    pub echoed: Arc<AtomicUsize>,
}

impl Server {
    pub fn echo_count(&self) -> usize {
        self.echoed.load(Ordering::SeqCst)
    }
}

/// Routes:
/// - `/slow`: answers after 5 s;
/// - `/redirect`: 302 to `/elsewhere`;
/// - `/big`: 5000 bytes;
/// - `POST /fake/keys`: 201 `{"api_key_id":"new1","api_key_token":"tok_new"}`;
/// - `DELETE /fake/keys/{id}`: 500 with a text body echoing the Authorization header;
/// - `GET /fake/keys`: 200 `{"api_keys":[]}`;
/// - anything else: 200 with `{method, path, query, headers: {name: [values]}, body, body_bytes}`
///   as received, path and query undecoded, `body` as (lossy) UTF-8 and `body_bytes` as numbers.
pub async fn start() -> Server {
    let echoed = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new()
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        .route("/redirect", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/elsewhere")]) }))
        .route("/big", get(|| async { "x".repeat(5000) }))
        .route(
            "/fake/keys",
            post(|| async { (StatusCode::CREATED, Json(json!({"api_key_id": "new1", "api_key_token": "tok_new"}))) })
                .get(|| async { Json(json!({"api_keys": []})) }),
        )
        .route(
            "/fake/keys/{id}",
            delete(|Path(id): Path<String>, headers: HeaderMap| async move {
                let auth =
                    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("none").to_owned();
                (StatusCode::INTERNAL_SERVER_ERROR, format!("cannot delete {id} with {auth}"))
            }),
        )
        .fallback(echo)
        .with_state(echoed.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server { base_url: format!("http://{address}"), echoed }
}

async fn echo(
    State(echoed): State<Arc<AtomicUsize>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Json<Value> {
    echoed.fetch_add(1, Ordering::SeqCst);
    let mut by_name = serde_json::Map::new();
    for (name, value) in &headers {
        let entry = by_name.entry(name.as_str()).or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(values) = entry {
            values.push(Value::from(String::from_utf8_lossy(value.as_bytes())));
        }
    }
    Json(json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": uri.query(),
        "headers": by_name,
        "body": String::from_utf8_lossy(&body),
        "body_bytes": body.to_vec(),
    }))
}

/// Sends `request` through a one-step run, as generated code does.
pub async fn send(base_url: &str, request: Request<'_>) -> Result<Response, WorkflowError<()>> {
    send_with(&Client::new(), base_url, request).await
}

pub async fn send_with(client: &Client, base_url: &str, request: Request<'_>) -> Result<Response, WorkflowError<()>> {
    let mut run = Run::<()>::new("test-workflow", client);
    run.step("testStep", "testOperation");
    run.send(base_url, request).await
}

/// What the echo handler saw.
pub async fn echoed(base_url: &str, request: Request<'_>) -> Value {
    let response = send(base_url, request).await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().unwrap().clone()
}

/// Every value the echo handler saw for a header.
pub fn header_values(seen: &Value, name: &str) -> Vec<String> {
    seen["headers"][name]
        .as_array()
        .map(|values| values.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}
