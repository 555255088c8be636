use serde_json::json;

use super::*;
use crate::Failure;
use crate::test_util::call;

const TOKEN: &str = "testsk_admin";

fn seed() -> SvixSeed {
    SvixSeed {
        tokens: vec![TOKEN.into()],
        apps: vec![SvixApp {
            id: "app_1".into(),
            uid: Some("my app".into()),
            integrations: vec![SvixIntegration {
                id: "integ_1".into(),
                name: "Example Integration".into(),
                key: "integsk_original".into(),
                feature_flags: vec!["beta".into()],
                created_at: "2024-01-01T00:00:00Z".into(),
                updated_at: "2024-01-02T00:00:00Z".into(),
            }],
        }],
    }
}

#[tokio::test]
async fn get_integration_returns_the_integration_out_shape() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/api/v1/app/app_1/integration/integ_1", fake.base_url);
    let reply = call("GET", &url, Some("Bearer testsk_admin"), None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        reply.body,
        json!({"id": "integ_1", "name": "Example Integration", "createdAt": "2024-01-01T00:00:00Z",
               "updatedAt": "2024-01-02T00:00:00Z", "featureFlags": ["beta"]})
    );
}

#[tokio::test]
async fn app_id_matches_the_uid_after_percent_decoding() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/api/v1/app/my%20app/integration/integ_1/key", fake.base_url);
    let reply = call("GET", &url, Some("Bearer testsk_admin"), None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, json!({"key": "integsk_original"}));
    assert_eq!(fake.requests()[0].path, "/api/v1/app/my%20app/integration/integ_1/key");
}

#[tokio::test]
async fn wrong_or_missing_token_is_401_with_http_error_body() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/api/v1/app/app_1/integration/integ_1", fake.base_url);
    for auth in [None, Some("Bearer wrong"), Some("testsk_admin"), Some("Token testsk_admin")] {
        let reply = call("GET", &url, auth, None).await;
        assert_eq!(reply.status, 401, "{auth:?}");
        assert_eq!(reply.body, json!({"code": "authentication_failed", "detail": "Invalid token"}));
    }
}

#[tokio::test]
async fn unknown_app_or_integration_is_404() {
    let fake = start(seed()).await.unwrap();
    for path in ["app_2/integration/integ_1", "app_1/integration/integ_2", "app_1/integration/integ_2/key/rotate"] {
        let method = if path.ends_with("rotate") { "POST" } else { "GET" };
        let url = format!("{}/api/v1/app/{path}", fake.base_url);
        let reply = call(method, &url, Some("Bearer testsk_admin"), None).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.body["code"], "not_found");
    }
    assert_eq!(fake.rotations(), 0);
}

#[tokio::test]
async fn rotate_replaces_the_stored_key() {
    let fake = start(seed()).await.unwrap();
    let rotate = format!("{}/api/v1/app/app_1/integration/integ_1/key/rotate", fake.base_url);
    let get_key = format!("{}/api/v1/app/app_1/integration/integ_1/key", fake.base_url);

    let first = call("POST", &rotate, Some("Bearer testsk_admin"), None).await;
    assert_eq!(first.status, 200);
    let first_key = first.body["key"].as_str().unwrap().to_owned();
    assert!(first_key.starts_with("integsk_"));
    assert_ne!(first_key, "integsk_original");
    assert_eq!(fake.current_key("app_1", "integ_1").as_deref(), Some(first_key.as_str()));
    assert_eq!(call("GET", &get_key, Some("Bearer testsk_admin"), None).await.body, json!({"key": first_key}));

    let second = call("POST", &rotate, Some("Bearer testsk_admin"), None).await;
    assert_ne!(second.body["key"], json!(first_key));
    assert_eq!(fake.rotations(), 2);
}

#[tokio::test]
async fn unauthorized_rotate_leaves_the_key_alone() {
    let fake = start(seed()).await.unwrap();
    let rotate = format!("{}/api/v1/app/app_1/integration/integ_1/key/rotate", fake.base_url);
    assert_eq!(call("POST", &rotate, Some("Bearer nope"), None).await.status, 401);
    assert_eq!(fake.current_key("app_1", "integ_1").as_deref(), Some("integsk_original"));
}

#[tokio::test]
async fn every_request_is_recorded_raw() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/api/v1/app/a%2Fb/integration/integ_1/key/rotate?x=1&y=%20", fake.base_url);
    let reply = call("POST", &url, Some("Bearer testsk_admin"), Some(json!({"a": 1}))).await;
    assert_eq!(reply.status, 404);
    // Unknown routes are recorded too.
    call("DELETE", &format!("{}/nowhere", fake.base_url), None, None).await;

    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    let r = &requests[0];
    assert_eq!(r.server, "svix");
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/api/v1/app/a%2Fb/integration/integ_1/key/rotate");
    assert_eq!(r.query.as_deref(), Some("x=1&y=%20"));
    assert_eq!(r.header("Authorization"), Some("Bearer testsk_admin"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r.headers.iter().all(|(name, _)| *name == name.to_ascii_lowercase()));
    assert_eq!(r.json(), Some(json!({"a": 1})));
    assert_eq!(requests[1].method, "DELETE");
    assert_eq!(requests[1].path, "/nowhere");
    assert_eq!(requests[1].query, None);
}

#[tokio::test]
async fn injected_failures_replace_the_answer() {
    let fake = start(seed()).await.unwrap();
    let get = format!("{}/api/v1/app/app_1/integration/integ_1", fake.base_url);
    let rotate = format!("{get}/key/rotate");
    fake.fail_request(2, Failure::status(503).json(json!({"code": "busy", "detail": "later"})));
    fake.fail_operation("v1.integration.rotate-key", Failure::status(409));

    assert_eq!(call("GET", &get, Some("Bearer testsk_admin"), None).await.status, 200);
    let second = call("GET", &get, Some("Bearer testsk_admin"), None).await;
    assert_eq!(second.status, 503);
    assert_eq!(second.body, json!({"code": "busy", "detail": "later"}));
    assert_eq!(call("GET", &get, Some("Bearer testsk_admin"), None).await.status, 200);

    let rotated = call("POST", &rotate, Some("Bearer testsk_admin"), None).await;
    assert_eq!(rotated.status, 409);
    assert!(rotated.raw.is_empty());
    assert_eq!(fake.current_key("app_1", "integ_1").as_deref(), Some("integsk_original"));

    fake.recorder().clear_failures();
    assert_eq!(call("POST", &rotate, Some("Bearer testsk_admin"), None).await.status, 200);
    assert_eq!(fake.requests().len(), 5);
}

#[tokio::test]
async fn echo_authorization_copies_the_header_into_the_body() {
    let fake = start(seed()).await.unwrap();
    fake.fail_operation("v1.integration.get", Failure::status(500).json(json!({"code": "x"})).echo_authorization());
    fake.fail_request(2, Failure::status(502).echo_authorization());
    let url = format!("{}/api/v1/app/app_1/integration/integ_1", fake.base_url);
    let first = call("GET", &url, Some("Bearer testsk_admin"), None).await;
    assert_eq!(first.status, 500);
    assert_eq!(first.body, json!({"code": "x", "echo": "Bearer testsk_admin"}));
    let second = call("GET", &url, None, None).await;
    assert_eq!(second.status, 502);
    assert_eq!(second.body, json!({"echo": ""}));
}
