use serde_json::json;

use super::*;
use crate::test_util::call;

/// base64("master-id:master-secret")
const MASTER_BASIC: &str = "Basic bWFzdGVyLWlkOm1hc3Rlci1zZWNyZXQ=";
/// base64("old-id:old-secret")
const OLD_BASIC: &str = "Basic b2xkLWlkOm9sZC1zZWNyZXQ=";

fn seed() -> BackblazeSeed {
    BackblazeSeed {
        account_id: "acct-1".into(),
        keys: vec![
            B2Key {
                application_key_id: "master-id".into(),
                application_key: "master-secret".into(),
                key_name: "master".into(),
                capabilities: vec!["listKeys".into(), "writeKeys".into(), "deleteKeys".into()],
            },
            B2Key {
                application_key_id: "old-id".into(),
                application_key: "old-secret".into(),
                key_name: "old".into(),
                capabilities: vec!["readFiles".into()],
            },
        ],
    }
}

async fn authorize(fake: &FakeBackblaze, basic: &str) -> serde_json::Value {
    let url = format!("{}/b2api/v4/b2_authorize_account", fake.base_url);
    let reply = call("GET", &url, Some(basic), None).await;
    assert_eq!(reply.status, 200);
    reply.body
}

#[tokio::test]
async fn authorize_returns_token_and_the_api_servers_url() {
    let fake = start(seed()).await.unwrap();
    assert_ne!(fake.base_url, fake.api_url);
    let body = authorize(&fake, MASTER_BASIC).await;
    assert_eq!(body["accountId"], "acct-1");
    assert_eq!(body["apiInfo"]["storageApi"]["apiUrl"], json!(fake.api_url));
    assert_eq!(body["allowed"]["capabilities"], json!(["listKeys", "writeKeys", "deleteKeys"]));
    let token = body["authorizationToken"].as_str().unwrap();
    assert_eq!(fake.issued_tokens(), vec![token.to_owned()]);
    assert_eq!(fake.requests()[0].server, "auth");
}

#[tokio::test]
async fn authorize_rejects_bad_basic_credentials() {
    let fake = start(seed()).await.unwrap();
    let url = format!("{}/b2api/v4/b2_authorize_account", fake.base_url);
    // base64("master-id:wrong") = bWFzdGVyLWlkOndyb25n
    for auth in [None, Some("Basic bWFzdGVyLWlkOndyb25n"), Some("Bearer master-secret"), Some("Basic !!")] {
        let reply = call("GET", &url, auth, None).await;
        assert_eq!(reply.status, 401, "{auth:?}");
        assert_eq!(reply.body["status"], 401);
        assert_eq!(reply.body["code"], "unauthorized");
    }
    assert!(fake.issued_tokens().is_empty());
}

#[tokio::test]
async fn create_and_delete_need_the_raw_token_on_the_api_server() {
    let fake = start(seed()).await.unwrap();
    let token = authorize(&fake, MASTER_BASIC).await["authorizationToken"].as_str().unwrap().to_owned();
    let create = format!("{}/b2api/v4/b2_create_key", fake.api_url);
    let body = json!({"accountId": "acct-1", "capabilities": ["readFiles"], "keyName": "new"});

    for auth in [None, Some(format!("Bearer {token}")), Some("4_nope".to_owned())] {
        let reply = call("POST", &create, auth.as_deref(), Some(body.clone())).await;
        assert_eq!(reply.status, 401, "{auth:?}");
        assert_eq!(reply.body["code"], "bad_auth_token");
    }
    let created = call("POST", &create, Some(&token), Some(body)).await;
    assert_eq!(created.status, 200);
    let id = created.body["applicationKeyId"].as_str().unwrap();
    assert_eq!(created.body["keyName"], "new");
    assert_eq!(created.body["accountId"], "acct-1");
    assert_eq!(created.body["capabilities"], json!(["readFiles"]));
    assert_eq!(fake.key(id).unwrap().application_key, created.body["applicationKey"].as_str().unwrap());

    let delete = format!("{}/b2api/v4/b2_delete_key", fake.api_url);
    let deleted = call("POST", &delete, Some(&token), Some(json!({"applicationKeyId": "old-id"}))).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        deleted.body,
        json!({"keyName": "old", "applicationKeyId": "old-id", "accountId": "acct-1", "capabilities": ["readFiles"],
               "expirationTimestamp": null, "bucketId": null, "namePrefix": null})
    );
    assert!(fake.key("old-id").is_none());
    let again = call("POST", &delete, Some(&token), Some(json!({"applicationKeyId": "old-id"}))).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.body["code"], "bad_request");
    // The deleted key can no longer authorize.
    let url = format!("{}/b2api/v4/b2_authorize_account", fake.base_url);
    assert_eq!(call("GET", &url, Some(OLD_BASIC), None).await.status, 401);
}

#[tokio::test]
async fn each_server_answers_404_to_the_others_paths() {
    let fake = start(seed()).await.unwrap();
    let token = authorize(&fake, MASTER_BASIC).await["authorizationToken"].as_str().unwrap().to_owned();
    let on_api =
        call("GET", &format!("{}/b2api/v4/b2_authorize_account", fake.api_url), Some(MASTER_BASIC), None).await;
    assert_eq!(on_api.status, 404);
    assert_eq!(on_api.body["code"], "not_found");
    let body = json!({"accountId": "acct-1", "capabilities": [], "keyName": "n"});
    let on_auth = call("POST", &format!("{}/b2api/v4/b2_create_key", fake.base_url), Some(&token), Some(body)).await;
    assert_eq!(on_auth.status, 404);
    let servers: Vec<_> = fake.requests().iter().map(|r| r.server).collect();
    assert_eq!(servers, ["auth", "api", "auth"]);
    assert_eq!(fake.keys().len(), 2);
}

#[tokio::test]
async fn a_token_without_write_keys_cannot_create() {
    let fake = start(seed()).await.unwrap();
    let token = authorize(&fake, OLD_BASIC).await["authorizationToken"].as_str().unwrap().to_owned();
    let body = json!({"accountId": "acct-1", "capabilities": [], "keyName": "n"});
    let reply = call("POST", &format!("{}/b2api/v4/b2_create_key", fake.api_url), Some(&token), Some(body)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.body["code"], "unauthorized");
}

#[tokio::test]
async fn create_checks_account_and_fields() {
    let fake = start(seed()).await.unwrap();
    let token = authorize(&fake, MASTER_BASIC).await["authorizationToken"].as_str().unwrap().to_owned();
    let url = format!("{}/b2api/v4/b2_create_key", fake.api_url);
    let wrong_account = json!({"accountId": "other", "capabilities": [], "keyName": "n"});
    assert_eq!(call("POST", &url, Some(&token), Some(wrong_account)).await.status, 401);
    let missing = json!({"accountId": "acct-1", "keyName": "n"});
    assert_eq!(call("POST", &url, Some(&token), Some(missing)).await.status, 400);
    assert_eq!(fake.keys().len(), 2);
}
