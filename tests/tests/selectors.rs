//! The golden module of `selectors.arazzo.yaml` (Arazzo 1.1 Selector Objects) against a loopback
//! server: selector outputs typed and read from real responses, JSONPath selectors in parameters and
//! payloads reaching the wire, a JSONPath replacement target, and what a selector that selects
//! nothing does.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use arazzo_runtime::{Client, SecretString, StepError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use serde_json::{Value, json};

include!("../../arazzo-codegen/tests/golden/selectors.rs");

use selectors::{
    Accounts, Config, FindAccountUserInputs, FindUserInputs, IssueKeyInputs, find_account_user, find_user, issue_key,
};

/// One request as the server received it: method, path and query, the headers the workflow sets,
/// and the body.
#[derive(Clone, Debug)]
struct Received {
    target: String,
    team: Option<String>,
    api_key: Option<String>,
    body: Option<Value>,
}

#[derive(Clone)]
struct Server {
    received: Arc<Mutex<Vec<Received>>>,
    /// The body `GET /users` answers.
    user: Value,
}

async fn start(answer: Value) -> (String, Arc<Mutex<Vec<Received>>>) {
    let received: Arc<Mutex<Vec<Received>>> = Arc::default();
    fn record(server: &Server, uri: &Uri, headers: &HeaderMap, body: Option<Value>) {
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_owned);
        server.received.lock().unwrap().push(Received {
            target: uri.to_string(),
            team: header("x-team"),
            api_key: header("x-api-key"),
            body,
        });
    }
    async fn user(State(server): State<Server>, uri: Uri, headers: HeaderMap) -> (StatusCode, String) {
        record(&server, &uri, &headers, None);
        (StatusCode::OK, server.user.to_string())
    }
    async fn create_key(
        State(server): State<Server>,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> (StatusCode, String) {
        record(&server, &uri, &headers, serde_json::from_slice(&body).ok());
        let key = json!({"key": {"id": "key_1", "secret": "sk_live_42"}, "history": ["created", "ops", "armed"]});
        (StatusCode::CREATED, key.to_string())
    }
    async fn audit(State(server): State<Server>, uri: Uri, headers: HeaderMap) -> StatusCode {
        record(&server, &uri, &headers, None);
        StatusCode::NO_CONTENT
    }
    let server = Server { received: Arc::clone(&received), user: answer };
    let app = axum::Router::new()
        .route("/users", get(user))
        .route("/keys", post(create_key))
        .route("/audit", get(audit))
        .with_state(server);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), received)
}

fn ada() -> Value {
    json!({
        "user": {"id": 7, "email": "ada@example.test"},
        "roles": [
            {"name": "admin", "active": true},
            {"name": "billing", "active": false},
            {"name": "ops", "active": true},
        ],
    })
}

fn inputs() -> IssueKeyInputs {
    IssueKeyInputs::builder().account(json!({"id": 7, "team": "core", "name": "Ada"})).build()
}

#[tokio::test]
async fn selectors_read_typed_outputs_and_fill_requests() {
    let (base_url, received) = start(ada()).await;
    let config = Config { accounts: Accounts::new().with_base_url(base_url) };
    let outputs = issue_key(&Client::new(), &config, &inputs()).await.unwrap();

    // The outputs' Rust types, asserted at compile time: a JSON pointer selector and a singular
    // JSONPath query are typed from the response schema; a query that may select several nodes
    // gives their list; a selector over a step output is JSON, absent when it selects nothing.
    let user_id: i64 = outputs.user_id;
    let email: String = outputs.email.clone();
    let last_role: String = outputs.last_role.clone();
    let active_roles: Vec<Value> = outputs.active_roles.clone();
    let api_key: SecretString = outputs.api_key.clone();
    let first_role: Option<Value> = outputs.first_role.clone();
    assert_eq!(user_id, 7);
    assert_eq!(email, "ada@example.test");
    // `$[-1].name` on `$response.body#/roles`: the last role, whether active or not.
    assert_eq!(last_role, "ops");
    assert_eq!(active_roles, [json!("admin"), json!("ops")]);
    assert_eq!(api_key.expose_secret(), "sk_live_42");
    assert_eq!(first_role, Some(json!("admin")));
    assert_eq!(outputs.first_role_again, Some(json!("admin")));
    // `$.history[?@ == {$steps.getUser.outputs.lastRole}]`: the last role, a literal in the filter.
    let history_of_last_role: Vec<Value> = outputs.history_of_last_role.clone();
    assert_eq!(history_of_last_role, [json!("ops")]);
    // The secret selected from the body is a secret: never in `Debug`.
    assert!(!format!("{outputs:?}").contains("sk_live_42"));

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 3, "{received:?}");
    // A JSONPath selector over an input in the query, a JSON pointer selector in a header.
    assert_eq!(received[0].target, "/users?id=7");
    assert_eq!(received[0].team.as_deref(), Some("core"));
    // The payload: a selector node (the first active role), a replacement whose value is a selector
    // (the account's name replaced `unnamed`), and a JSONPath target that replaced both levels.
    assert_eq!(
        received[1].body,
        Some(json!({
            "owner": 7,
            "label": "Ada",
            "role": "admin",
            "grants": [{"scope": "read", "level": "admin"}, {"scope": "write", "level": "admin"}],
        }))
    );
    // The node list of a selector as a list parameter (form, exploded), and the whole of a secret.
    assert_eq!(received[2].target, "/audit?keyId=key_1&roles=admin&roles=ops");
    assert_eq!(received[2].api_key.as_deref(), Some("sk_live_42"));
}

#[tokio::test]
async fn a_singular_selector_that_selects_nothing_fails_its_step_naming_it() {
    // No `email`: the output `$.user.email` has nothing to read.
    let (base_url, received) = start(json!({"user": {"id": 7}, "roles": []})).await;
    let config = Config { accounts: Accounts::new().with_base_url(base_url) };
    let error = issue_key(&Client::new(), &config, &inputs()).await.unwrap_err();
    assert_eq!(error.step_id(), "getUser");
    assert_eq!(
        error.error(),
        &StepError::Selection { selector: "$.user.email", problem: "selected nothing in the response body".to_owned() }
    );
    assert!(
        error.to_string().ends_with("the JSONPath selector `$.user.email` selected nothing in the response body"),
        "{error}"
    );
    // The step failed before its outputs were recorded.
    assert_eq!(error.partial().user_id, None);
    assert_eq!(received.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn selectors_over_absent_values_leave_parameters_out() {
    let (base_url, received) = start(json!({"user": {"id": 7, "email": "e"}, "roles": []})).await;
    let config = Config { accounts: Accounts::new().with_base_url(base_url) };
    // An account without `id` or `team`: both parameters are left out, as an absent pointer's are.
    let inputs = IssueKeyInputs::builder().account(json!({"name": "Ada"})).build();
    let error = issue_key(&Client::new(), &config, &inputs).await.unwrap_err();
    // `$[-1].name` on an empty list selects nothing: the step fails there, after the request.
    assert_eq!(
        error.error(),
        &StepError::Selection {
            selector: "$[-1].name",
            problem: "selected nothing in the value at JSON pointer `/roles` in the response body".to_owned()
        }
    );
    let received = received.lock().unwrap().clone();
    assert_eq!(received[0].target, "/users");
    assert_eq!(received[0].team, None);
}

#[tokio::test]
async fn selectors_work_the_same_in_a_workflow_with_actions() {
    let (base_url, received) = start(ada()).await;
    let config = Config { accounts: Accounts::new().with_base_url(base_url) };
    let inputs = FindUserInputs::builder().account(json!({"id": 7})).build();
    let outputs = find_user(&Client::new(), &config, &inputs).await.unwrap();
    let email: String = outputs.email;
    assert_eq!(email, "ada@example.test");
    // `$[0]` of every role's name (`$.roles[*].name`), active or not.
    assert_eq!(outputs.first_role, Some(json!("admin")));
    assert_eq!(received.lock().unwrap()[0].target, "/users?id=7");
}

#[tokio::test]
async fn a_selector_fills_the_input_of_a_called_workflow() {
    let (base_url, received) = start(ada()).await;
    let config = Config { accounts: Accounts::new().with_base_url(base_url) };
    let inputs = FindAccountUserInputs::builder().profile(json!({"account": {"id": 7}, "theme": "dark"})).build();
    let outputs = find_account_user(&Client::new(), &config, &inputs).await.unwrap();
    assert_eq!(outputs.email, "ada@example.test");
    // `$.account` of the profile became `findUser`'s `account`, whose `$.id` went into the query.
    assert_eq!(received.lock().unwrap()[0].target, "/users?id=7");
}
