//! The Apigee, Backblaze, Deepgram and PropelAuth seeds (`generated/`) served as Restate services,
//! one per seed, as a user would write them when some of a workflow's inputs are secrets.
//!
//! Whatever an invocation's input holds, Restate stores in the clear. So each handler takes a request
//! type of its own holding the workflow's inputs that are not secret (`deny_unknown_fields`: an
//! invocation carrying a secret anyway fails at once, instead of running with the mistake unseen),
//! and fills in the secret ones from the instance's own configuration, as it does the credentials of
//! `Config`: Deepgram's `apiKey` and PropelAuth's `backendApiKey` (credentials the documents take as
//! inputs), and Apigee's `newConsumerKey` and `newConsumerSecret` (key material the caller chooses).
//! Here the configuration is the instance's environment, which the crash test sets; in production, a
//! secret manager the instance reads (by a name the request may carry: a name is not a secret).
//!
//! A process runs one of them through [`serve_if_instance`]: the crash test starts its own binary
//! again with [`SEED`] and the variables of [`svix_service`] set.

// The service macro also generates a client type per service, which the tests do not use.
#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;

use arazzo_generated::{
    apigee_rotate_app_key as apigee, backblaze_rotate_application_key as backblaze,
    deepgram_rotate_project_key as deepgram, propelauth_rotate_user_api_key as propelauth,
};
use arazzo_restate::SealedOutputs;
use arazzo_runtime::journal::seal::JournalKey;
use arazzo_runtime::{BasicCredentials, SecretString, WorkflowError};
use restate_sdk::prelude::{Context, Endpoint, HandlerResult, HttpServer};
use restate_sdk::serde::Json;
use serde::{Deserialize, Serialize};

use crate::support::{self, svix_service};

/// Which seed the instance serves (`apigee`, `backblaze`, `deepgram`, `propelauth`); the process is a
/// seed service instance when it is set.
pub const SEED: &str = "ARAZZO_RESTATE_SEED";
/// Apigee's OAuth access token (`Config`).
pub const APIGEE_TOKEN: &str = "APIGEE_ACCESS_TOKEN";
/// Apigee's `newConsumerKey` input.
pub const APIGEE_NEW_CONSUMER_KEY: &str = "APIGEE_NEW_CONSUMER_KEY";
/// Apigee's `newConsumerSecret` input.
pub const APIGEE_NEW_CONSUMER_SECRET: &str = "APIGEE_NEW_CONSUMER_SECRET";
/// Backblaze's `applicationKeyId`, the Basic user name (`Config`).
pub const B2_KEY_ID: &str = "B2_APPLICATION_KEY_ID";
/// Backblaze's `applicationKey`, the Basic password (`Config`).
pub const B2_KEY: &str = "B2_APPLICATION_KEY";
/// Deepgram's `apiKey` input.
pub const DEEPGRAM_API_KEY: &str = "DEEPGRAM_API_KEY";
/// PropelAuth's `backendApiKey` input.
pub const PROPELAUTH_BACKEND_API_KEY: &str = "PROPELAUTH_BACKEND_API_KEY";

/// What every seed service of an instance shares.
struct Instance {
    client: arazzo_runtime::Client,
    key: JournalKey,
    /// SIGKILL this process once a run's workflow has returned, before its handler answers.
    kill_after_run: bool,
}

impl Instance {
    /// Runs `workflow` with every exchange journaled in the invocation's journal, and answers.
    async fn rotate<O, P, W, Fut>(&self, ctx: &Context<'_>, workflow: W) -> HandlerResult<Json<SealedOutputs>>
    where
        O: Serialize,
        P: Serialize,
        W: FnOnce(arazzo_runtime::Client) -> Fut,
        Fut: Future<Output = Result<O, WorkflowError<P>>>,
    {
        let result = arazzo_restate::run_journaled(ctx, &self.client, &self.key, workflow).await?;
        if self.kill_after_run {
            svix_service::kill_self();
        }
        arazzo_restate::reply(result, &self.key)
    }
}

// ---- Apigee ----

/// The inputs of `rotate-app-key` but the new consumer key and secret.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApigeeRequest {
    pub organization_id: String,
    pub developer_id: String,
    pub app_id: String,
    pub api_product: String,
    pub old_key_id: String,
}

pub struct ApigeeRotation {
    instance: Instance,
    /// Base URL and access token.
    config: apigee::Config,
    new_consumer_key: SecretString,
    new_consumer_secret: SecretString,
}

#[restate_sdk::service]
impl ApigeeRotation {
    #[handler]
    async fn rotate(&self, ctx: Context<'_>, request: Json<ApigeeRequest>) -> HandlerResult<Json<SealedOutputs>> {
        let ApigeeRequest { organization_id, developer_id, app_id, api_product, old_key_id } = request.into_inner();
        let inputs = apigee::RotateAppKeyInputs {
            organization_id,
            developer_id,
            app_id,
            new_consumer_key: self.new_consumer_key.clone(),
            new_consumer_secret: self.new_consumer_secret.clone(),
            api_product,
            old_key_id,
        };
        self.instance
            .rotate(&ctx, |client| async move { apigee::rotate_app_key(&client, &self.config, &inputs).await })
            .await
    }
}

// ---- Backblaze ----

/// The inputs of `rotate-application-key`: none is secret (the credentials are `Config`'s).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackblazeRequest {
    pub key_name: String,
    pub capabilities: Vec<String>,
    pub old_application_key_id: String,
}

pub struct BackblazeRotation {
    instance: Instance,
    /// The authorization server's base URL, and the key id and key sent as Basic credentials.
    config: backblaze::Config,
}

#[restate_sdk::service]
impl BackblazeRotation {
    #[handler]
    async fn rotate(&self, ctx: Context<'_>, request: Json<BackblazeRequest>) -> HandlerResult<Json<SealedOutputs>> {
        let BackblazeRequest { key_name, capabilities, old_application_key_id } = request.into_inner();
        let inputs = backblaze::RotateApplicationKeyInputs { key_name, capabilities, old_application_key_id };
        self.instance
            .rotate(
                &ctx,
                |client| async move { backblaze::rotate_application_key(&client, &self.config, &inputs).await },
            )
            .await
    }
}

// ---- Deepgram ----

/// The inputs of `rotate-project-key` but `apiKey`, the credential.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeepgramRequest {
    pub project_id: String,
    pub old_key_id: String,
    pub comment: String,
    pub scopes: Vec<String>,
}

pub struct DeepgramRotation {
    instance: Instance,
    /// The base URL (the credential is an input).
    config: deepgram::Config,
    api_key: SecretString,
}

#[restate_sdk::service]
impl DeepgramRotation {
    #[handler]
    async fn rotate(&self, ctx: Context<'_>, request: Json<DeepgramRequest>) -> HandlerResult<Json<SealedOutputs>> {
        let DeepgramRequest { project_id, old_key_id, comment, scopes } = request.into_inner();
        let inputs =
            deepgram::RotateProjectKeyInputs { api_key: self.api_key.clone(), project_id, old_key_id, comment, scopes };
        self.instance
            .rotate(&ctx, |client| async move { deepgram::rotate_project_key(&client, &self.config, &inputs).await })
            .await
    }
}

// ---- PropelAuth ----

/// The inputs of `rotate-user-api-key` but `backendApiKey`, the credential.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PropelAuthRequest {
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at_seconds: Option<i64>,
}

pub struct PropelAuthRotation {
    instance: Instance,
    /// The base URL (the credential is an input).
    config: propelauth::Config,
    backend_api_key: SecretString,
}

#[restate_sdk::service]
impl PropelAuthRotation {
    #[handler]
    async fn rotate(&self, ctx: Context<'_>, request: Json<PropelAuthRequest>) -> HandlerResult<Json<SealedOutputs>> {
        let PropelAuthRequest { user_id, expires_at_seconds } = request.into_inner();
        let inputs = propelauth::RotateUserApiKeyInputs {
            backend_api_key: self.backend_api_key.clone(),
            user_id,
            expires_at_seconds,
        };
        self.instance
            .rotate(&ctx, |client| async move { propelauth::rotate_user_api_key(&client, &self.config, &inputs).await })
            .await
    }
}

/// A variable of the instance's environment, which the test sets.
fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("the service instance needs {name} in its environment"))
}

fn secret(name: &str) -> SecretString {
    SecretString::from(env(name))
}

/// Serves the service of the seed [`SEED`] names and never returns when this process was started
/// as a seed service instance; returns at once otherwise.
pub fn serve_if_instance() {
    let Ok(seed) = std::env::var(SEED) else { return };
    let addr: SocketAddr = env(svix_service::ADDR).parse().unwrap();
    support::install_crypto_provider();
    let provider = env(svix_service::PROVIDER_URL);
    let instance = Instance {
        client: arazzo_runtime::Client::new(),
        key: JournalKey::from_env(svix_service::JOURNAL_KEY).unwrap(),
        kill_after_run: std::env::var_os(svix_service::KILL_AFTER_RUN).is_some(),
    };
    let endpoint = match seed.as_str() {
        "apigee" => Endpoint::builder().bind(ApigeeRotation {
            instance,
            config: apigee::Config {
                apigee_api_management: apigee::ApigeeApiManagement::new(secret(APIGEE_TOKEN)).with_base_url(provider),
            },
            new_consumer_key: secret(APIGEE_NEW_CONSUMER_KEY),
            new_consumer_secret: secret(APIGEE_NEW_CONSUMER_SECRET),
        }),
        "backblaze" => Endpoint::builder().bind(BackblazeRotation {
            instance,
            config: backblaze::Config {
                backblaze_b2: backblaze::BackblazeB2::new(BasicCredentials::new(env(B2_KEY_ID), secret(B2_KEY)))
                    .with_base_url(provider),
            },
        }),
        "deepgram" => Endpoint::builder().bind(DeepgramRotation {
            instance,
            config: deepgram::Config { management_api: deepgram::ManagementApi::new().with_base_url(provider) },
            api_key: secret(DEEPGRAM_API_KEY),
        }),
        "propelauth" => Endpoint::builder().bind(PropelAuthRotation {
            instance,
            config: propelauth::Config { api_keys_api: propelauth::ApiKeysApi::new().with_base_url(provider) },
            backend_api_key: secret(PROPELAUTH_BACKEND_API_KEY),
        }),
        other => panic!("no seed service {other}"),
    }
    .build();
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async move {
        let listener = support::instance_listener(addr);
        HttpServer::new(endpoint).serve(listener).await;
    });
    std::process::exit(0);
}
