use serde_json::json;

use super::*;
use crate::test_util::call;

const ADMIN: &str = "Token dg_admin_secret";

fn seed() -> DeepgramSeed {
    DeepgramSeed {
        projects: vec![
            DeepgramProject {
                project_id: "proj-1".into(),
                keys: vec![
                    DeepgramKey {
                        api_key_id: "admin-key".into(),
                        secret: "dg_admin_secret".into(),
                        comment: "admin".into(),
                        scopes: vec!["keys:write".into()],
                        created: "2024-01-01T00:00:00Z".into(),
                    },
                    DeepgramKey {
                        api_key_id: "old-key".into(),
                        secret: "dg_old_secret".into(),
                        comment: "old".into(),
                        scopes: vec!["usage:write".into()],
                        created: "2024-02-01T00:00:00Z".into(),
                    },
                ],
            },
            DeepgramProject {
                project_id: "proj-2".into(),
                keys: vec![DeepgramKey {
                    api_key_id: "other".into(),
                    secret: "dg_other_secret".into(),
                    comment: "".into(),
                    scopes: vec![],
                    created: "2024-01-01T00:00:00Z".into(),
                }],
            },
        ],
    }
}

#[tokio::test]
async fn create_returns_key_with_secret_and_lists_it() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/v1/projects/proj-1/keys", fake.base_url);
    let reply = call("POST", &url, Some(ADMIN), Some(json!({"comment": "rotated", "scopes": ["usage:write"]}))).await;
    assert_eq!(reply.status, 200);
    let body = reply.body.as_object().unwrap();
    assert_eq!(body.keys().collect::<Vec<_>>(), ["api_key_id", "key", "comment", "scopes", "created"]);
    assert_eq!(body["comment"], "rotated");
    assert_eq!(body["scopes"], json!(["usage:write"]));
    let id = body["api_key_id"].as_str().unwrap();
    let secret = body["key"].as_str().unwrap();
    assert_eq!(fake.key("proj-1", id).unwrap().secret, secret);

    let listed = call("GET", &url, Some(ADMIN), None).await;
    assert_eq!(listed.status, 200);
    let keys = listed.body["api_keys"].as_array().unwrap();
    assert_eq!(keys.len(), 3);
    assert_eq!(
        keys[0],
        json!({"api_key_id": "admin-key", "key": "****cret", "comment": "admin",
                              "scopes": ["keys:write"], "created": "2024-01-01T00:00:00Z"})
    );
    assert_eq!(keys[2]["api_key_id"], id);
    // The listing never reveals a full secret.
    assert!(!listed.body.to_string().contains(secret));
}

#[tokio::test]
async fn delete_is_204_then_404_and_the_key_stops_authenticating() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/v1/projects/proj-1/keys/old-key", fake.base_url);
    let first = call("DELETE", &url, Some(ADMIN), None).await;
    assert_eq!(first.status, 204);
    assert!(first.raw.is_empty());
    assert!(fake.key("proj-1", "old-key").is_none());
    let second = call("DELETE", &url, Some(ADMIN), None).await;
    assert_eq!(second.status, 404);
    assert_eq!(second.body["err_code"], "NOT_FOUND");

    let list = format!("{}/v1/projects/proj-1/keys", fake.base_url);
    assert_eq!(call("GET", &list, Some("Token dg_old_secret"), None).await.status, 401);
}

#[tokio::test]
async fn auth_needs_token_scheme_and_a_key_of_the_project() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/v1/projects/proj-1/keys", fake.base_url);
    for auth in [
        None,
        Some("Bearer dg_admin_secret"),
        Some("Token nope"),
        Some("dg_admin_secret"),
        Some("Token dg_other_secret"),
    ] {
        let reply = call("GET", &url, auth, None).await;
        assert_eq!(reply.status, 401, "{auth:?}");
        assert_eq!(reply.body["err_code"], "INVALID_AUTH");
        assert!(reply.body["err_msg"].is_string());
    }
    let unknown = call("GET", &format!("{}/v1/projects/nope/keys", fake.base_url), Some(ADMIN), None).await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn create_requires_comment_and_scopes() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/v1/projects/proj-1/keys", fake.base_url);
    for body in [json!({"comment": "x"}), json!({"scopes": []}), json!({"comment": "x", "scopes": [1]})] {
        assert_eq!(call("POST", &url, Some(ADMIN), Some(body)).await.status, 400);
    }
    assert_eq!(fake.keys("proj-1").len(), 2);
}

#[tokio::test]
async fn operation_failure_leaves_state_alone() {
    let fake = start(seed()).await.unwrap();
    fake.fail_operation("deleteProjectKey", crate::Failure::status(500));
    let url = format!("{}/v1/projects/proj-1/keys/old-key", fake.base_url);
    assert_eq!(call("DELETE", &url, Some(ADMIN), None).await.status, 500);
    assert!(fake.key("proj-1", "old-key").is_some());
}
