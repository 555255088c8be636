use serde_json::json;

use super::*;
use crate::test_util::call;

const BACKEND: &str = "Bearer backend-secret";

fn key(id: &str, user: &str, created_at: i64) -> PropelKey {
    PropelKey {
        api_key_id: id.into(),
        token: format!("token-{id}"),
        user_id: Some(user.into()),
        org_id: None,
        created_at,
        expires_at_seconds: Presence::Absent,
        metadata: None,
    }
}

fn seed() -> PropelSeed {
    PropelSeed {
        backend_api_keys: vec!["backend-secret".into()],
        keys: vec![key("aaa1", "u1", 100), key("bbb2", "u1", 300), key("ccc3", "u2", 400), key("ddd4", "u1", 200)],
        now: 1000,
    }
}

fn list_url(fake: &FakePropelAuth, query: &str) -> String {
    format!("{}/api/backend/v1/end_user_api_keys?{query}", fake.base_url)
}

#[tokio::test]
async fn list_filters_by_user_most_recent_first() {
    let fake = start(seed()).await.unwrap();
    let reply = call("GET", &list_url(&fake, "user_id=u1&page_size=2"), Some(BACKEND), None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.body,
        json!({
            "api_keys": [
                {"api_key_id": "bbb2", "created_at": 300, "expires_at_seconds": null, "metadata": null, "user_id": "u1", "org_id": null},
                {"api_key_id": "ddd4", "created_at": 200, "expires_at_seconds": null, "metadata": null, "user_id": "u1", "org_id": null},
            ],
            "total_api_keys": 3,
            "current_page": 0,
            "page_size": 2,
            "has_more_results": true,
        })
    );
    let second = call("GET", &list_url(&fake, "user_id=u1&page_size=2&page_number=1"), Some(BACKEND), None).await;
    assert_eq!(second.body["api_keys"][0]["api_key_id"], "aaa1");
    assert_eq!(second.body["has_more_results"], false);
}

#[tokio::test]
async fn list_for_a_user_without_keys_is_empty() {
    let fake = start(seed()).await.unwrap();
    let reply = call("GET", &list_url(&fake, "user_id=nobody&page_size=1"), Some(BACKEND), None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["api_keys"], json!([]));
    assert_eq!(reply.body["total_api_keys"], 0);
}

#[tokio::test]
async fn bad_credentials_are_401_json() {
    let fake = start(seed()).await.unwrap();
    for auth in [None, Some("Bearer nope"), Some("backend-secret")] {
        let reply = call("GET", &list_url(&fake, "user_id=u1"), auth, None).await;
        assert_eq!(reply.status, 401);
        assert_eq!(reply.body, json!({"error": "Unauthorized"}));
    }
    let url = format!("{}/api/backend/v1/end_user_api_keys/aaa1", fake.base_url);
    assert_eq!(call("DELETE", &url, Some("Bearer nope"), None).await.status, 401);
    assert!(fake.key("aaa1").is_some());
}

#[tokio::test]
async fn delete_removes_the_key_and_a_second_delete_is_404() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/api/backend/v1/end_user_api_keys/bbb2", fake.base_url);
    let first = call("DELETE", &url, Some(BACKEND), None).await;
    assert_eq!(first.status, 200);
    assert!(first.raw.is_empty());
    assert!(fake.key("bbb2").is_none());
    let listed = call("GET", &list_url(&fake, "user_id=u1&page_size=1"), Some(BACKEND), None).await;
    assert_eq!(listed.body["api_keys"][0]["api_key_id"], "ddd4");
    assert_eq!(call("DELETE", &url, Some(BACKEND), None).await.status, 404);
}

#[tokio::test]
async fn create_returns_201_and_the_new_key_lists_first() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/api/backend/v1/end_user_api_keys", fake.base_url);
    let reply =
        call("POST", &url, Some(BACKEND), Some(json!({"user_id": "u1", "expires_at_seconds": 1_900_000_000}))).await;
    assert_eq!(reply.status, 201);
    let id = reply.body["api_key_id"].as_str().unwrap();
    let token = reply.body["api_key_token"].as_str().unwrap();
    assert_eq!(reply.body.as_object().unwrap().len(), 2);
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(id, token);

    let stored = fake.key(id).unwrap();
    assert_eq!(stored.token, token);
    assert_eq!(stored.created_at, 1000);
    assert_eq!(stored.expires_at_seconds, Presence::Value(1_900_000_000));

    let listed = call("GET", &list_url(&fake, "user_id=u1&page_size=1"), Some(BACKEND), None).await;
    assert_eq!(listed.body["api_keys"][0]["api_key_id"], id);
    assert_eq!(listed.body["api_keys"][0]["expires_at_seconds"], 1_900_000_000);
    assert_eq!(listed.body["total_api_keys"], 4);
}

#[tokio::test]
async fn create_tells_absent_expiry_from_null() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/api/backend/v1/end_user_api_keys", fake.base_url);
    let absent = call("POST", &url, Some(BACKEND), Some(json!({"user_id": "u3"}))).await;
    let null = call("POST", &url, Some(BACKEND), Some(json!({"user_id": "u3", "expires_at_seconds": null}))).await;
    let absent = fake.key(absent.body["api_key_id"].as_str().unwrap()).unwrap();
    let null = fake.key(null.body["api_key_id"].as_str().unwrap()).unwrap();
    assert_eq!(absent.expires_at_seconds, Presence::Absent);
    assert_eq!(null.expires_at_seconds, Presence::Null);
    assert_ne!(absent.api_key_id, null.api_key_id);
}

#[tokio::test]
async fn create_rejects_bad_bodies() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/api/backend/v1/end_user_api_keys", fake.base_url);
    for body in [json!([]), json!({}), json!({"user_id": 5}), json!({"user_id": "u", "expires_at_seconds": "soon"})] {
        assert_eq!(call("POST", &url, Some(BACKEND), Some(body.clone())).await.status, 400, "{body}");
    }
    // No JSON content type.
    let reply = crate::test_util::reqwest_client()
        .post(&url)
        .header("authorization", BACKEND)
        .body(r#"{"user_id":"u"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 415);
    assert_eq!(fake.keys().len(), 4);
}
