//! Svix: confirm the integration, rotate its key, read the key back (3 requests).

use serde::Deserialize;

use super::{Error, base, parse, seg, send};

/// What the workflow needs to know.
#[derive(Clone, Debug)]
pub struct Inputs {
    pub app_id: String,
    pub integration_id: String,
}

#[derive(Clone, Debug)]
pub struct Outputs {
    pub integration_id: String,
    pub integration_key: String,
}

#[derive(Deserialize)]
struct Integration {
    id: String,
}

#[derive(Deserialize)]
struct Key {
    key: String,
}

/// Rotates the integration's key with bearer `token` against `base_url`.
pub async fn rotate(http: &reqwest::Client, base_url: &str, token: &str, inputs: &Inputs) -> Result<Outputs, Error> {
    let base = base(base_url);
    let app = seg(&inputs.app_id);

    let url = format!("{base}/api/v1/app/{app}/integration/{}", seg(&inputs.integration_id));
    let body = send("getIntegration", http.get(url).bearer_auth(token), 200).await?;
    let integration: Integration = parse("getIntegration", body.as_ref())?;
    let integration_url = format!("{base}/api/v1/app/{app}/integration/{}", seg(&integration.id));

    let body = send("rotateKey", http.post(format!("{integration_url}/key/rotate")).bearer_auth(token), 200).await?;
    let _rotated: Key = parse("rotateKey", body.as_ref())?;

    let body = send("getKey", http.get(format!("{integration_url}/key")).bearer_auth(token), 200).await?;
    let current: Key = parse("getKey", body.as_ref())?;
    Ok(Outputs { integration_id: integration.id, integration_key: current.key })
}

/// One bare request, the floor under every step: GET the integration and read the body.
pub async fn raw_round_trip(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    inputs: &Inputs,
) -> Result<usize, Error> {
    let url =
        format!("{}/api/v1/app/{}/integration/{}", base(base_url), seg(&inputs.app_id), seg(&inputs.integration_id));
    let body = send("raw", http.get(url).bearer_auth(token), 200).await?;
    Ok(body.as_ref().len())
}
