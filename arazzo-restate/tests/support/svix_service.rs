//! The Svix seed (`generated/`'s `svix_rotate_integration_key`) served as a Restate service, as a
//! user would write it: the workflow's inputs come through Restate as JSON, its configuration (base URL
//! and credential) from the service instance's own environment.
//!
//! A process runs it through [`serve_if_instance`]: the crash test and the benchmark start their own
//! binary again with [`ADDR`] and the other variables set.

use std::net::SocketAddr;

use arazzo_generated::svix_rotate_integration_key::{
    Config, RotateIntegrationKeyInputs, SvixApi, rotate_integration_key,
};
use arazzo_restate::{OpenedFailure, RunFailure, SealedOutputs};
use arazzo_runtime::journal::seal::JournalKey;
use restate_sdk::prelude::{Context, Endpoint, HandlerResult, HttpServer};
use restate_sdk::serde::Json;
use serde_json::Value;

/// The address the instance listens on; the process is a service instance when it is set.
pub const ADDR: &str = "ARAZZO_RESTATE_SERVICE_ADDR";
/// The fake Svix's base URL.
pub const PROVIDER_URL: &str = "ARAZZO_RESTATE_PROVIDER_URL";
/// The Svix credential: it comes from the instance's environment, never through Restate.
pub const PROVIDER_TOKEN: &str = "ARAZZO_RESTATE_PROVIDER_TOKEN";
/// Set: the instance SIGKILLs itself once a run's workflow has returned, before its handler answers
/// (the crash test's "killed after the last step").
pub const KILL_AFTER_RUN: &str = "ARAZZO_RESTATE_KILL_AFTER_RUN";
/// The journal key, as 64 hexadecimal digits: every instance of the deployment has the same.
pub const JOURNAL_KEY: &str = "ARAZZO_RESTATE_JOURNAL_KEY";
/// The key the tests and the benchmark give their instances, and open answers with.
const TEST_JOURNAL_KEY: &str = "5f0e9c2d7a41b83e6d12f4a09c7b5e3812d6a0f94c3b7e15a28d90c6f1e4b372";
/// What each attempt at an invocation prints on the instance's stdout, for the benchmark to count
/// how the instances shared the work.
pub const ATTEMPT_LINE: &str = "arazzo-restate: rotate attempt";

pub struct SvixRotation {
    client: arazzo_runtime::Client,
    config: Config,
    key: JournalKey,
    kill_after_run: bool,
}

#[restate_sdk::service]
impl SvixRotation {
    /// Rotates an integration's key, every exchange journaled.
    #[handler]
    async fn rotate(
        &self,
        ctx: Context<'_>,
        inputs: Json<RotateIntegrationKeyInputs>,
    ) -> HandlerResult<Json<SealedOutputs>> {
        println!("{ATTEMPT_LINE}");
        let inputs = inputs.into_inner();
        let result = arazzo_restate::run_journaled(&ctx, &self.client, &self.key, |client| async move {
            rotate_integration_key(&client, &self.config, &inputs).await
        })
        .await?;
        if self.kill_after_run {
            kill_self();
        }
        arazzo_restate::reply(result, &self.key)
    }

    /// The same without a journal: what the benchmark compares the journal's cost with.
    #[handler(name = "rotateUnjournaled")]
    async fn rotate_unjournaled(
        &self,
        _ctx: Context<'_>,
        inputs: Json<RotateIntegrationKeyInputs>,
    ) -> HandlerResult<Json<SealedOutputs>> {
        let inputs = inputs.into_inner();
        arazzo_restate::reply(rotate_integration_key(&self.client, &self.config, &inputs).await, &self.key)
    }
}

/// Serves [`SvixRotation`] and never returns when this process was started as a service instance
/// ([`ADDR`] set); returns at once otherwise.
pub fn serve_if_instance() {
    let Ok(addr) = std::env::var(ADDR) else { return };
    let addr: SocketAddr = addr.parse().unwrap();
    super::install_crypto_provider();
    let config = Config {
        svix_api: SvixApi::new(std::env::var(PROVIDER_TOKEN).unwrap())
            .with_base_url(std::env::var(PROVIDER_URL).unwrap()),
    };
    // As many idle connections to the provider as the instance has invocations in flight.
    let client = arazzo_runtime::Client::builder().pool_max_idle_per_host(256).build();
    let key = JournalKey::from_env(JOURNAL_KEY).unwrap();
    let service = SvixRotation { client, config, key, kill_after_run: std::env::var_os(KILL_AFTER_RUN).is_some() };
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async move {
        let listener = super::instance_listener(addr);
        HttpServer::new(Endpoint::builder().bind(service).build()).serve(listener).await;
    });
    std::process::exit(0);
}

/// SIGKILL to this process, as an operator's `kill -9` or the kernel's OOM killer would send it.
pub fn kill_self() {
    let _ = std::process::Command::new("kill").args(["-KILL", &std::process::id().to_string()]).status();
    // The signal is delivered before `kill` returns; nothing after this runs.
    std::thread::sleep(std::time::Duration::from_secs(60));
    std::process::abort();
}

/// The command that starts this binary as a service instance on `addr`, sending to `provider`.
pub fn instance_command(binary_args: &[&str], addr: SocketAddr, provider: &str, token: &str) -> std::process::Command {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command
        .args(binary_args)
        .env(ADDR, addr.to_string())
        .env(PROVIDER_URL, provider)
        .env(PROVIDER_TOKEN, token)
        .env(JOURNAL_KEY, TEST_JOURNAL_KEY);
    command
}

/// The journal key as the instances are given it (for the search of Restate's data).
pub fn journal_key_text() -> String {
    TEST_JOURNAL_KEY.to_owned()
}

fn test_key() -> JournalKey {
    JournalKey::parse(TEST_JOURNAL_KEY).unwrap()
}

/// The outputs, secrets included, of a `rotate` answer ([`SealedOutputs`] as JSON).
pub fn open_outputs(answer: &Value) -> Value {
    let sealed: SealedOutputs = serde_json::from_value(answer.clone()).unwrap();
    sealed.open(&test_key()).unwrap()
}

/// The failure of a run, from the body the ingress answers a failed invocation with (its
/// `message` is the handler's terminal error's).
pub fn open_failure(body: &str) -> Failed {
    let body: Value = serde_json::from_str(body).unwrap();
    let failure = RunFailure::from_message(body["message"].as_str().unwrap()).unwrap();
    let OpenedFailure { partial, checkpoint } = failure.open(&test_key()).unwrap();
    Failed { message: failure.message, step: failure.step, partial, checkpoint }
}

/// A failed run, opened.
pub struct Failed {
    pub message: String,
    pub step: String,
    pub partial: Value,
    pub checkpoint: arazzo_runtime::Checkpoint,
}
