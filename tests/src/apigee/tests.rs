use serde_json::json;

use super::*;
use crate::test_util::call;

const TOKEN: &str = "Bearer ya29.token";
const OLD_KEY: &str = "old/key+1=";

fn seed() -> ApigeeSeed {
    ApigeeSeed {
        tokens: vec!["ya29.token".into()],
        products: vec!["gold".into(), "silver".into()],
        apps: vec![ApigeeApp {
            organization: "acme".into(),
            developer_email: "dev@example.com".into(),
            developer_id: "dev-1".into(),
            name: "billing app".into(),
            app_id: "app-uuid-1".into(),
            api_products: vec!["gold".into()],
            credentials: vec![ApigeeKey::new(OLD_KEY, "old-secret")],
        }],
    }
}

fn app_url(fake: &FakeApigee) -> String {
    format!("{}/organizations/acme/developers/dev%40example.com/apps/billing%20app", fake.base_url)
}

#[tokio::test]
async fn base_url_carries_the_v1_prefix() {
    let fake = start(seed()).await.unwrap();
    assert!(fake.base_url.ends_with("/v1"));
    let reply = call(
        "GET",
        &format!("{}/organizations/acme/developers/dev-1/apps/billing%20app", fake.base_url.trim_end_matches("/v1")),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn get_app_returns_developer_app_with_credentials() {
    let fake = start(seed()).await.unwrap();
    let reply = call("GET", &app_url(&fake), Some(TOKEN), None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["name"], "billing app");
    assert_eq!(reply.body["appId"], "app-uuid-1");
    assert_eq!(reply.body["developerId"], "dev-1");
    assert_eq!(reply.body["apiProducts"], json!(["gold"]));
    assert_eq!(
        reply.body["credentials"],
        json!([{"consumerKey": OLD_KEY, "consumerSecret": "old-secret", "apiProducts": [], "status": "approved",
                "expiresAt": "-1", "issuedAt": "1700000000000", "scopes": [], "attributes": []}])
    );
    // The developer may be named by id as well as by email.
    let by_id = format!("{}/organizations/acme/developers/dev-1/apps/billing%20app", fake.base_url);
    assert_eq!(call("GET", &by_id, Some(TOKEN), None).await.status, 200);
}

#[tokio::test]
async fn bad_token_is_401_and_unknown_app_404() {
    let fake = start(seed()).await.unwrap();
    for auth in [None, Some("Bearer other"), Some("ya29.token")] {
        let reply = call("GET", &app_url(&fake), auth, None).await;
        assert_eq!(reply.status, 401);
        assert_eq!(reply.body["error"]["code"], 401);
        assert_eq!(reply.body["error"]["status"], "UNAUTHENTICATED");
    }
    let other = format!("{}/organizations/acme/developers/dev-1/apps/nope", fake.base_url);
    let reply = call("GET", &other, Some(TOKEN), None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body["error"]["status"], "NOT_FOUND");
}

#[tokio::test]
async fn create_grant_delete_round_trip() {
    let fake = start(seed()).await.unwrap();
    let keys = format!("{}/keys", app_url(&fake));
    let created =
        call("POST", &keys, Some(TOKEN), Some(json!({"consumerKey": "new key/2", "consumerSecret": "new-secret"})))
            .await;
    assert_eq!(created.status, 200);
    assert_eq!(created.body["consumerKey"], "new key/2");
    assert_eq!(created.body["consumerSecret"], "new-secret");
    assert_eq!(created.body["status"], "approved");
    assert_eq!(created.body["apiProducts"], json!([]));

    let again =
        call("POST", &keys, Some(TOKEN), Some(json!({"consumerKey": "new key/2", "consumerSecret": "x"}))).await;
    assert_eq!(again.status, 409);

    // keyId arrives percent-encoded and is decoded before lookup.
    let new_key_url = format!("{keys}/new%20key%2F2");
    let granted = call("PUT", &new_key_url, Some(TOKEN), Some(json!({"apiProducts": ["silver"]}))).await;
    assert_eq!(granted.status, 200);
    assert_eq!(granted.body["consumerKey"], "new key/2");
    assert_eq!(granted.body["status"], "approved");
    assert_eq!(granted.body["apiProducts"], json!([{"apiproduct": "silver", "status": "approved"}]));
    let stored = fake.key("acme", "dev-1", "billing app", "new key/2").unwrap();
    assert_eq!(stored.api_products, vec![("silver".to_owned(), "approved".to_owned())]);

    let old_key_url = format!("{keys}/old%2Fkey%2B1%3D");
    let deleted = call("DELETE", &old_key_url, Some(TOKEN), None).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.body["consumerKey"], OLD_KEY);
    assert!(fake.key("acme", "dev-1", "billing app", OLD_KEY).is_none());
    assert_eq!(call("DELETE", &old_key_url, Some(TOKEN), None).await.status, 404);

    let app = call("GET", &app_url(&fake), Some(TOKEN), None).await;
    assert_eq!(app.body["credentials"].as_array().unwrap().len(), 1);
    assert_eq!(app.body["credentials"][0]["consumerKey"], "new key/2");
}

#[tokio::test]
async fn grant_accepts_product_objects_and_rejects_unknown_products() {
    let fake = start(seed()).await.unwrap();
    let key_url = format!("{}/keys/old%2Fkey%2B1%3D", app_url(&fake));
    let ok = call("PUT", &key_url, Some(TOKEN), Some(json!({"apiProducts": [{"apiproduct": "gold"}]}))).await;
    assert_eq!(ok.body["apiProducts"], json!([{"apiproduct": "gold", "status": "approved"}]));
    let unknown = call("PUT", &key_url, Some(TOKEN), Some(json!({"apiProducts": ["platinum"]}))).await;
    assert_eq!(unknown.status, 400);
    assert_eq!(
        call("PUT", &format!("{}/keys/nope", app_url(&fake)), Some(TOKEN), Some(json!({"apiProducts": ["gold"]})))
            .await
            .status,
        404
    );
    assert_eq!(call("PUT", &key_url, Some("Bearer x"), Some(json!({"apiProducts": ["platinum"]}))).await.status, 401);
}

#[tokio::test]
async fn a_consumer_key_is_unique_in_the_organization_until_it_is_deleted() {
    let fake = start(seed()).await.unwrap();
    let keys = format!("{}/keys", app_url(&fake));
    let create = || call("POST", &keys, Some(TOKEN), Some(json!({"consumerKey": OLD_KEY, "consumerSecret": "s"})));
    // The seeded key is taken; once deleted, its value may be created again, and is then taken again.
    assert_eq!(create().await.status, 409);
    let old_key_url = format!("{keys}/old%2Fkey%2B1%3D");
    assert_eq!(call("DELETE", &old_key_url, Some(TOKEN), None).await.status, 200);
    assert_eq!(create().await.status, 200);
    assert_eq!(create().await.status, 409);
}
