//! The golden module of `bodies.arazzo.yaml` against a loopback server that records every body:
//! JSON text with embedded expressions, a pointer into an input, plain text and multipart.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use arazzo_runtime::{Client, SecretString};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};

include!("../../arazzo-codegen/tests/golden/bodies.rs");

use bodies::{Config, Pets, SendBodiesInputs, send_bodies};

type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// Answers every `POST /pets` with 201 `{"id": "pet_1"}` and records its content type and body.
async fn start() -> (String, Received) {
    let received: Received = Arc::default();
    async fn create(State(received): State<Received>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
        let content_type =
            headers.get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
        received.lock().unwrap().push((content_type, body.to_vec()));
        (StatusCode::CREATED, json!({"id": "pet_1"}).to_string())
    }
    let app = axum::Router::new().route("/pets", post(create)).with_state(Arc::clone(&received));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), received)
}

fn inputs(nickname: Option<&str>, age: Option<i64>) -> SendBodiesInputs {
    SendBodiesInputs {
        name: "Rex \"the\" dog".into(),
        nickname: nickname.map(str::to_owned),
        age,
        owner: json!({"email": "a@b.example", "pet": {"name": "Rexy"}}),
        owner_password: SecretString::from("pa\"ss"),
        pet: Some(bodies::SendBodiesPet {
            name: "Rexy".into(),
            owner: Some(bodies::SendBodiesPetOwner { email: None, password: Some(SecretString::from("pw")) }),
        }),
    }
}

#[tokio::test]
async fn every_body_is_encoded_as_its_content_type_says() {
    let (base_url, received) = start().await;
    let config = Config { pets: Pets::new("token").with_base_url(base_url) };
    let outputs = send_bodies(&Client::new(), &config, &inputs(Some("R"), Some(3))).await.unwrap();
    // A workflow output at a JSON pointer inside a step output.
    assert_eq!(outputs.created_id, Some(json!("pet_1")));
    // `$outputs.createdId` in the workflow's outputs: the same value.
    assert_eq!(outputs.created_again, Some(json!("pet_1")));
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 6);

    // JSON text: the quote in the name and password is escaped, the optional values are JSON.
    let (content_type, body) = &received[0];
    assert_eq!(content_type, "application/json");
    let sent: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(
        sent,
        json!({"name": "Rex \"the\" dog", "nickname": "R", "age": 3, "owner": "a@b.example", "password": "pa\"ss"})
    );

    // A pointer into an input, and the previous step's output.
    let (content_type, body) = &received[1];
    assert_eq!(content_type, "application/json");
    // `replacements` replaced `parent` and added `extra`.
    assert_eq!(
        serde_json::from_slice::<Value>(body).unwrap(),
        json!({"name": "Rexy", "parent": "parent-pet_1", "extra": {"source": "replacement"}})
    );

    // A nested input object, typed as a struct, sent as JSON with its absent fields left out.
    let (content_type, body) = &received[2];
    assert_eq!(content_type, "application/json");
    assert_eq!(serde_json::from_slice::<Value>(body).unwrap(), json!({"name": "Rexy", "owner": {"password": "pw"}}));

    // Plain text, as written, with the secret exposed (a body is meant to carry it).
    let (content_type, body) = &received[3];
    assert_eq!(content_type, "text/plain; charset=utf-8");
    assert_eq!(String::from_utf8_lossy(body), "name=Rex \"the\" dog (pa\"ss)");

    // Multipart: one part per field, the list as repeated parts.
    // A form: fields in order, the list as repeated fields.
    let (content_type, body) = &received[4];
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    assert_eq!(String::from_utf8_lossy(body), "name=Rex+%22the%22+dog&tag=a&tag=b&nickname=R");

    let (content_type, body) = &received[5];
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let text = String::from_utf8_lossy(body);
    assert_eq!(text.matches("Content-Disposition: form-data; name=\"tags\"").count(), 2, "{text}");
    assert!(text.contains("Content-Disposition: form-data; name=\"name\"\r\n\r\nRex \"the\" dog\r\n"), "{text}");
}

#[tokio::test]
async fn absent_optional_values_are_null_in_json_text() {
    let (base_url, received) = start().await;
    let config = Config { pets: Pets::new("token").with_base_url(base_url) };
    send_bodies(&Client::new(), &config, &inputs(None, None)).await.unwrap();
    let received = received.lock().unwrap().clone();
    let sent: Value = serde_json::from_slice(&received[0].1).unwrap();
    assert_eq!(sent["nickname"], Value::Null);
    assert_eq!(sent["age"], Value::Null);
    // In a form, an absent optional value is left out.
    assert_eq!(String::from_utf8_lossy(&received[4].1), "name=Rex+%22the%22+dog&tag=a&tag=b");
}
