//! Backblaze B2: authorize with Basic credentials, then create a key and delete the old one on the
//! API server the authorization names, with the raw token (3 requests).

use serde::{Deserialize, Serialize};

use super::{Error, base, parse, send};

#[derive(Clone, Debug)]
pub struct Inputs {
    pub key_name: String,
    pub capabilities: Vec<String>,
    pub old_application_key_id: String,
}

#[derive(Clone, Debug)]
pub struct Outputs {
    pub new_application_key_id: String,
    pub new_application_key: String,
    pub deleted_key_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Authorization {
    account_id: String,
    authorization_token: String,
    api_info: ApiInfo,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiInfo {
    storage_api: StorageApi,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StorageApi {
    api_url: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateKey<'a> {
    account_id: &'a str,
    capabilities: &'a [String],
    key_name: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatedKey {
    application_key_id: String,
    application_key: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyId<'a> {
    application_key_id: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeletedKey {
    application_key_id: String,
}

/// Rotates with the account's application key id and key (HTTP Basic).
pub async fn rotate(
    http: &reqwest::Client,
    base_url: &str,
    key_id: &str,
    key: &str,
    inputs: &Inputs,
) -> Result<Outputs, Error> {
    let url = format!("{}/b2api/v4/b2_authorize_account", base(base_url));
    let body = send("authorize", http.get(url).basic_auth(key_id, Some(key)), 200).await?;
    let auth: Authorization = parse("authorize", body.as_ref())?;
    let api = base(&auth.api_info.storage_api.api_url);

    let create =
        CreateKey { account_id: &auth.account_id, capabilities: &inputs.capabilities, key_name: &inputs.key_name };
    let request = http
        .post(format!("{api}/b2api/v4/b2_create_key"))
        .header("Authorization", &auth.authorization_token)
        .json(&create);
    let body = send("createReplacementKey", request, 200).await?;
    let created: CreatedKey = parse("createReplacementKey", body.as_ref())?;

    let delete = KeyId { application_key_id: &inputs.old_application_key_id };
    let request = http
        .post(format!("{api}/b2api/v4/b2_delete_key"))
        .header("Authorization", &auth.authorization_token)
        .json(&delete);
    let body = send("deleteOldKey", request, 200).await?;
    let deleted: DeletedKey = parse("deleteOldKey", body.as_ref())?;
    Ok(Outputs {
        new_application_key_id: created.application_key_id,
        new_application_key: created.application_key,
        deleted_key_id: deleted.application_key_id,
    })
}
