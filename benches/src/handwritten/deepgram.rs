//! Deepgram: create a replacement project key, list the keys, delete the old key (3 requests).

use serde::{Deserialize, Serialize};

use super::{Error, base, parse, seg, send};

#[derive(Clone, Debug)]
pub struct Inputs {
    pub api_key: String,
    pub project_id: String,
    pub old_key_id: String,
    pub comment: String,
    pub scopes: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Outputs {
    pub new_key_id: String,
    pub new_key_secret: String,
    pub deleted_key_id: String,
}

#[derive(Serialize)]
struct CreateKey<'a> {
    comment: &'a str,
    scopes: &'a [String],
}

#[derive(Deserialize)]
struct CreatedKey {
    api_key_id: String,
    key: String,
}

/// The generated client reads `/api_keys` as a list of JSON values; so does this one.
#[derive(Deserialize)]
struct KeyList {
    #[allow(dead_code)] // Read to check the shape, as the workflow does, then dropped.
    api_keys: Vec<serde_json::Value>,
}

pub async fn rotate(http: &reqwest::Client, base_url: &str, inputs: &Inputs) -> Result<Outputs, Error> {
    let keys_url = format!("{}/v1/projects/{}/keys", base(base_url), seg(&inputs.project_id));
    let auth = format!("Token {}", inputs.api_key);

    let create = CreateKey { comment: &inputs.comment, scopes: &inputs.scopes };
    let request = http.post(&keys_url).header("Authorization", &auth).json(&create);
    let body = send("createReplacementKey", request, 200).await?;
    let created: CreatedKey = parse("createReplacementKey", body.as_ref())?;

    let body = send("verifyReplacement", http.get(&keys_url).header("Authorization", &auth), 200).await?;
    let _list: KeyList = parse("verifyReplacement", body.as_ref())?;

    let url = format!("{keys_url}/{}", seg(&inputs.old_key_id));
    send("deleteOldKey", http.delete(url).header("Authorization", &auth), 204).await?;
    Ok(Outputs {
        new_key_id: created.api_key_id,
        new_key_secret: created.key,
        deleted_key_id: inputs.old_key_id.clone(),
    })
}
