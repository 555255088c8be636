//! The golden module of `types.arazzo.yaml` against a loopback accounts server: values whose schema
//! allows `null` come back as `None`, an enum value the description does not list as `Unknown`,
//! `null` is written into JSON bodies and left out of optional parameters, and a `null` where the
//! request needs a value fails the step before anything is sent.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use arazzo_runtime::{Client, StepError};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use serde_json::{Value, json};

include!("../../arazzo-codegen/tests/golden/types.rs");

use types::{
    Accounts, Config, ReviewAccountCodesItem, ReviewAccountInputs, ReviewAccountPlan, ReviewAccountStatus,
    ReviewAccountTier, review_account,
};

/// What the server answers, and what it received: `(method, path and query, headers, body)`.
struct Server {
    account: Value,
    rotated: Value,
    rotate_status: u16,
    received: Vec<(String, String, HeaderMap, Vec<u8>)>,
}

type Shared = Arc<Mutex<Server>>;

async fn start(account: Value, rotated: Value, rotate_status: u16) -> (Config, Shared) {
    let server = Server { account, rotated, rotate_status, received: Vec::new() };
    let shared: Shared = Arc::new(Mutex::new(server));
    async fn get_account(State(shared): State<Shared>, uri: Uri, headers: HeaderMap) -> (StatusCode, String) {
        let mut server = shared.lock().unwrap();
        server.received.push(("GET".into(), uri.to_string(), headers, Vec::new()));
        (StatusCode::OK, server.account.to_string())
    }
    async fn get_audit(State(shared): State<Shared>, uri: Uri, headers: HeaderMap) -> (StatusCode, String) {
        shared.lock().unwrap().received.push(("GET".into(), uri.to_string(), headers, Vec::new()));
        // `new-code` is no value the description lists.
        (StatusCode::OK, json!({"codes": ["2fa", "a_b", "new-code"]}).to_string())
    }
    async fn post_rotate(
        State(shared): State<Shared>,
        Path(_id): Path<String>,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> (StatusCode, String) {
        let mut server = shared.lock().unwrap();
        server.received.push(("POST".into(), uri.to_string(), headers, body.to_vec()));
        (StatusCode::from_u16(server.rotate_status).unwrap(), server.rotated.to_string())
    }
    let app = axum::Router::new()
        .route("/accounts/{id}", get(get_account))
        .route("/accounts/{id}/audit", get(get_audit))
        .route("/accounts/{id}/rotate", post(post_rotate))
        .with_state(Arc::clone(&shared));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (Config { accounts: Accounts::new().with_base_url(format!("http://{address}")) }, shared)
}

fn inputs() -> ReviewAccountInputs {
    ReviewAccountInputs::builder().id("acc_1").plan(ReviewAccountPlan::Pro).note(None).build()
}

fn account(status: &str, parent: Value) -> Value {
    json!({"status": status, "tier": null, "region": "eu", "parent": parent, "score": null, "labels": ["a", null]})
}

#[tokio::test]
async fn an_unlisted_enum_value_is_unknown_and_a_null_is_none() {
    let rotated = json!({"apiKey": null, "keyId": "key_1", "expiresIn": null});
    let (config, shared) = start(account("frozen", json!("acc_0")), rotated, 201).await;
    let outputs = review_account(&Client::new(), &config, &inputs()).await.unwrap();

    // The server added `frozen` since its description was written: it is kept as sent.
    assert_eq!(outputs.status, ReviewAccountStatus::Unknown("frozen".to_owned()));
    assert_eq!(outputs.status.as_str(), "frozen");
    // `null`s the schema allows are `None`: `enum: [free, pro, null]`, `oneOf: [null, number]`,
    // items of `type: [string, "null"]`, `nullable: true`.
    assert_eq!(outputs.tier, None::<ReviewAccountTier>);
    assert_eq!(outputs.score, None);
    assert_eq!(outputs.labels, [Some("a".to_owned()), None]);
    assert_eq!(outputs.expires_in, None);
    assert_eq!(outputs.parent.as_deref(), Some("acc_0"));
    assert_eq!(outputs.key_id, "key_1");
    assert_eq!(
        outputs.codes,
        [ReviewAccountCodesItem::X2fa, ReviewAccountCodesItem::AB2, ReviewAccountCodesItem::Unknown("new-code".into())]
    );
    // Outputs serialize as their wire values and `null`s.
    let written = serde_json::to_value(&outputs).unwrap();
    assert_eq!(written["status"], "frozen");
    assert_eq!(written["tier"], Value::Null);
    assert_eq!(written["codes"], json!(["2fa", "a_b", "new-code"]));

    let received = &shared.lock().unwrap().received;
    assert_eq!(received.len(), 3);
    // The `null` tier criterion held (`$steps.get.outputs.tier == null`); an optional header given
    // `null` is left out, a required query parameter and a string have the value.
    let (_, audit, headers, _) = &received[1];
    assert_eq!(audit, "/accounts/acc_1/audit?region=acc_0&parent=acc_0");
    assert!(headers.get("x-tier").is_none());
    assert_eq!(headers.get("x-parent").unwrap(), "parent-acc_0");
    // The enum input is its wire value in the body; `null`s are written as `null`.
    let (method, _, _, body) = &received[2];
    assert_eq!(method, "POST");
    let body: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(body, json!({"plan": "pro", "note": null, "parent": "acc_0"}));
}

#[tokio::test]
async fn a_null_where_the_request_needs_a_value_fails_the_step_before_sending() {
    let (config, shared) = start(account("active", Value::Null), json!({}), 201).await;
    let error = review_account(&Client::new(), &config, &inputs()).await.unwrap_err();

    assert_eq!(error.step_id(), "audit");
    let StepError::InvalidRequest { message } = error.error() else { panic!("{error:?}") };
    assert!(message.starts_with("`$steps.get.outputs.parent` is `null`"), "{message}");
    // Nothing was sent for `audit`.
    assert_eq!(shared.lock().unwrap().received.len(), 1);
    // In the partial outputs, `Some(None)` is a value the step produced as `null`.
    let partial = error.partial();
    assert_eq!(partial.parent, Some(None));
    assert_eq!(partial.status, Some(ReviewAccountStatus::Active));
    assert_eq!(partial.expires_in, None);
}

#[tokio::test]
async fn a_failed_step_keeps_the_nulls_its_response_held() {
    // `rotate` expects 201; a 200 fails it after it may have taken effect: what its response holds
    // is kept, a `null` as `Some(None)`, a secret that may be `null` as the secret.
    let rotated = json!({"apiKey": "sk_new", "keyId": "key_2", "expiresIn": null});
    let (config, _shared) = start(account("active", json!("acc_0")), rotated, 200).await;
    let error = review_account(&Client::new(), &config, &inputs()).await.unwrap_err();

    assert_eq!(error.step_id(), "rotate");
    let partial = error.partial();
    assert_eq!(partial.key_id.as_deref(), Some("key_2"));
    assert_eq!(partial.expires_in, Some(None));
    assert_eq!(partial.rotate_api_key.as_ref().map(|key| key.expose_secret()), Some("sk_new"));
    assert!(!format!("{error:?} {error}").contains("sk_new"));
}
