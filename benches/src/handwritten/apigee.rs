//! Apigee: read the app, create a consumer key, grant it a product, revoke the old key (4 requests).

use serde::{Deserialize, Serialize};

use super::{Error, base, parse, seg, send};

#[derive(Clone, Debug)]
pub struct Inputs {
    pub organization_id: String,
    pub developer_id: String,
    pub app_id: String,
    pub new_consumer_key: String,
    pub new_consumer_secret: String,
    pub api_product: String,
    pub old_key_id: String,
}

#[derive(Clone, Debug)]
pub struct Outputs {
    pub created_key: String,
    pub key_status: String,
    pub revoked_key: String,
}

#[derive(Deserialize)]
struct App {
    #[allow(dead_code)] // Read because the workflow reads it; nothing uses it.
    name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateKey<'a> {
    consumer_key: &'a str,
    consumer_secret: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Grant<'a> {
    api_products: [&'a str; 1],
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Key {
    consumer_key: String,
}

#[derive(Deserialize)]
struct KeyStatus {
    status: String,
}

/// Rotates with OAuth2 access token `token`.
pub async fn rotate(http: &reqwest::Client, base_url: &str, token: &str, inputs: &Inputs) -> Result<Outputs, Error> {
    let app_url = format!(
        "{}/organizations/{}/developers/{}/apps/{}",
        base(base_url),
        seg(&inputs.organization_id),
        seg(&inputs.developer_id),
        seg(&inputs.app_id)
    );

    let body = send("getApp", http.get(&app_url).bearer_auth(token), 200).await?;
    let _app: App = parse("getApp", body.as_ref())?;

    let create = CreateKey { consumer_key: &inputs.new_consumer_key, consumer_secret: &inputs.new_consumer_secret };
    let request = http.post(format!("{app_url}/keys")).bearer_auth(token).json(&create);
    let body = send("createKey", request, 200).await?;
    let created: Key = parse("createKey", body.as_ref())?;

    let grant = Grant { api_products: [&inputs.api_product] };
    let url = format!("{app_url}/keys/{}", seg(&inputs.new_consumer_key));
    let body = send("grantProduct", http.put(url).bearer_auth(token).json(&grant), 200).await?;
    let status: KeyStatus = parse("grantProduct", body.as_ref())?;

    let url = format!("{app_url}/keys/{}", seg(&inputs.old_key_id));
    let body = send("revokeOldKey", http.delete(url).bearer_auth(token), 200).await?;
    let revoked: Key = parse("revokeOldKey", body.as_ref())?;
    Ok(Outputs { created_key: created.consumer_key, key_status: status.status, revoked_key: revoked.consumer_key })
}
