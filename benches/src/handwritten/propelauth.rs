//! PropelAuth: find the user's latest API key, revoke it, issue a new one (3 requests).

use serde::{Deserialize, Serialize};

use super::{Error, base, parse, seg, send};

#[derive(Clone, Debug)]
pub struct Inputs {
    pub backend_api_key: String,
    pub user_id: String,
    pub expires_at_seconds: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct Outputs {
    pub revoked_key_id: String,
    pub new_key_id: String,
    pub new_key_token: String,
}

#[derive(Deserialize)]
struct KeyPage {
    api_keys: Vec<KeyId>,
}

#[derive(Deserialize)]
struct KeyId {
    api_key_id: String,
}

/// Field order and the absent-when-`None` rule match the generated body byte for byte.
#[derive(Serialize)]
struct CreateKey<'a> {
    user_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at_seconds: Option<i64>,
}

#[derive(Deserialize)]
struct CreatedKey {
    api_key_id: String,
    api_key_token: String,
}

pub async fn rotate(http: &reqwest::Client, base_url: &str, inputs: &Inputs) -> Result<Outputs, Error> {
    let keys_url = format!("{}/api/backend/v1/end_user_api_keys", base(base_url));
    let auth = format!("Bearer {}", inputs.backend_api_key);

    let mut url = reqwest::Url::parse(&keys_url).map_err(|_| Error::Url { step: "findActiveKey" })?;
    url.query_pairs_mut().append_pair("user_id", &inputs.user_id).append_pair("page_size", "1");
    let body = send("findActiveKey", http.get(url).header("Authorization", &auth), 200).await?;
    let page: KeyPage = parse("findActiveKey", body.as_ref())?;
    let current = page.api_keys.into_iter().next().ok_or(Error::Empty { step: "findActiveKey" })?.api_key_id;

    let url = format!("{keys_url}/{}", seg(&current));
    send("revokeKey", http.delete(url).header("Authorization", &auth), 200).await?;

    let create = CreateKey { user_id: &inputs.user_id, expires_at_seconds: inputs.expires_at_seconds };
    let body = send("issueNewKey", http.post(&keys_url).header("Authorization", &auth).json(&create), 201).await?;
    let created: CreatedKey = parse("issueNewKey", body.as_ref())?;
    Ok(Outputs { revoked_key_id: current, new_key_id: created.api_key_id, new_key_token: created.api_key_token })
}
