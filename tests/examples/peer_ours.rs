//! "Ours" in the peer comparison (`benches/peers/`): runs a seed workflow through the checked-in generated
//! client against a running `fake_server`, with the URLs, credentials and per-run inputs it described.
//!
//! ```sh
//! cargo run --release -p arazzo-tests --example peer_ours -- DESCRIPTION.json SEED FROM [COUNT [WARMUP]]
//! ```
//!
//! Runs indices `FROM..FROM+WARMUP+COUNT` (COUNT defaults to 1, WARMUP to 0) in one process over one
//! `arazzo_runtime::Client`, printing one JSON line per run: `index`, `ok`, `ms` (that execution alone),
//! `warmup`, and `outputs` (named as in the Arazzo document) or `error`. The outputs include the rotated
//! fixture secrets of the fake, for the comparison script to compare; it never prints them.

use std::process::ExitCode;
use std::time::Instant;

use arazzo_generated::{
    apigee_rotate_app_key as apigee, backblaze_rotate_application_key as b2, deepgram_rotate_project_key as deepgram,
    propelauth_rotate_user_api_key as propelauth, svix_rotate_integration_key as svix,
};
use arazzo_runtime::{BasicCredentials, Client, SecretString};
use serde_json::{Value, json};

const USAGE: &str = "usage: peer_ours DESCRIPTION.json svix|propelauth|deepgram|apigee|backblaze FROM [COUNT [WARMUP]]";

/// One seed as `fake_server --describe` wrote it.
struct Seed {
    name: String,
    urls: Value,
    credentials: Value,
    inputs: Vec<Value>,
}

impl Seed {
    fn text(value: &Value, pointer: &str) -> Result<String, String> {
        value.pointer(pointer).and_then(Value::as_str).map(str::to_owned).ok_or(format!("description: no {pointer}"))
    }
    fn url(&self, source: &str) -> Result<String, String> {
        Seed::text(&self.urls, &format!("/{source}"))
    }
    fn credential(&self, name: &str) -> Result<SecretString, String> {
        Seed::text(&self.credentials, &format!("/{name}")).map(SecretString::from)
    }
}

/// Deserializes the generated `…Inputs` from the described JSON object.
fn inputs<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, String> {
    serde_json::from_value(value.clone()).map_err(|error| format!("inputs: {error}"))
}

/// One execution: the workflow's outputs as JSON, or its error message (which never holds a secret).
async fn execute(client: &Client, seed: &Seed, input: &Value) -> Result<Value, String> {
    match seed.name.as_str() {
        "svix" => {
            let api = svix::SvixApi::new(seed.credential("token")?).with_base_url(seed.url("svixApi")?);
            let config = svix::Config { svix_api: api };
            let out =
                svix::rotate_integration_key(client, &config, &inputs(input)?).await.map_err(|e| e.to_string())?;
            Ok(json!({ "integrationId": out.integration_id, "integrationKey": out.integration_key.expose_secret() }))
        }
        "propelauth" => {
            let config = propelauth::Config {
                api_keys_api: propelauth::ApiKeysApi::new().with_base_url(seed.url("apiKeysApi")?),
            };
            let out =
                propelauth::rotate_user_api_key(client, &config, &inputs(input)?).await.map_err(|e| e.to_string())?;
            Ok(json!({
                "revokedKeyId": out.revoked_key_id,
                "newKeyId": out.new_key_id,
                "newKeyToken": out.new_key_token.expose_secret(),
            }))
        }
        "deepgram" => {
            let api = deepgram::ManagementApi::new().with_base_url(seed.url("managementApi")?);
            let config = deepgram::Config { management_api: api };
            let out =
                deepgram::rotate_project_key(client, &config, &inputs(input)?).await.map_err(|e| e.to_string())?;
            Ok(json!({
                "newKeyId": out.new_key_id,
                "newKeySecret": out.new_key_secret.expose_secret(),
                "deletedKeyId": out.deleted_key_id,
            }))
        }
        "apigee" => {
            let api = apigee::ApigeeApiManagement::new(seed.credential("token")?)
                .with_base_url(seed.url("apigeeApiManagement")?);
            let config = apigee::Config { apigee_api_management: api };
            let out = apigee::rotate_app_key(client, &config, &inputs(input)?).await.map_err(|e| e.to_string())?;
            Ok(json!({
                "createdKey": out.created_key.expose_secret(),
                "keyStatus": out.key_status,
                "revokedKey": out.revoked_key.expose_secret(),
            }))
        }
        "backblaze" => {
            let username = Seed::text(&seed.credentials, "/username")?;
            let credentials = BasicCredentials::new(&username, seed.credential("password")?);
            let api = b2::BackblazeB2::new(credentials).with_base_url(seed.url("backblazeB2")?);
            let config = b2::Config { backblaze_b2: api };
            let out = b2::rotate_application_key(client, &config, &inputs(input)?).await.map_err(|e| e.to_string())?;
            Ok(json!({
                "newApplicationKeyId": out.new_application_key_id,
                "newApplicationKey": out.new_application_key.expose_secret(),
                "deletedKeyId": out.deleted_key_id,
            }))
        }
        other => Err(format!("unknown seed {other:?}\n{USAGE}")),
    }
}

fn parse(args: &[String]) -> Result<(Seed, usize, usize, usize), String> {
    let [path, name, rest @ ..] = args else { return Err(USAGE.to_owned()) };
    let number = |text: Option<&String>, default: usize| {
        text.map_or(Ok(default), |t| t.parse::<usize>().map_err(|_| format!("not a number: {t:?}\n{USAGE}")))
    };
    let from = number(rest.first(), usize::MAX)?;
    if from == usize::MAX || rest.len() > 3 {
        return Err(USAGE.to_owned());
    }
    let (count, warmup) = (number(rest.get(1), 1)?, number(rest.get(2), 0)?);
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let mut all: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let mut described = all.get_mut(name.as_str()).map(Value::take).ok_or(format!("{path} describes no {name}"))?;
    let inputs = described.get("inputs").and_then(Value::as_array).cloned().unwrap_or_default();
    if inputs.len() < from + warmup + count {
        return Err(format!("{path} has {} runs of {name}; {} needed", inputs.len(), from + warmup + count));
    }
    let seed = Seed {
        name: name.clone(),
        urls: described["urls"].take(),
        credentials: described["credentials"].take(),
        inputs,
    };
    Ok((seed, from, count, warmup))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (seed, from, count, warmup) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let client = Client::new();
    let mut failed = false;
    for index in from..from + warmup + count {
        let started = Instant::now();
        let result = execute(&client, &seed, &seed.inputs[index]).await;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let mut line = json!({ "index": index, "ok": result.is_ok(), "ms": ms, "warmup": index < from + warmup });
        match result {
            Ok(outputs) => line["outputs"] = outputs,
            Err(error) => {
                failed = true;
                line["error"] = json!(error);
            }
        }
        println!("{line}");
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
