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
use restate_sdk::prelude::{Context, Endpoint, HandlerResult, HttpServer, TerminalError};
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
/// What each attempt at an invocation prints on the instance's stdout, for the benchmark to count
/// how the instances shared the work.
pub const ATTEMPT_LINE: &str = "arazzo-restate: rotate attempt";

pub struct SvixRotation {
    client: arazzo_runtime::Client,
    config: Config,
    kill_after_run: bool,
}

#[restate_sdk::service]
impl SvixRotation {
    /// Rotates an integration's key, every exchange journaled.
    #[handler]
    async fn rotate(&self, ctx: Context<'_>, inputs: Json<RotateIntegrationKeyInputs>) -> HandlerResult<Json<Value>> {
        println!("{ATTEMPT_LINE}");
        let _ = &ctx;
        let inputs = inputs.into_inner();
        let result = rotate_integration_key(&self.client, &self.config, &inputs).await;
        if self.kill_after_run {
            kill_self();
        }
        let outputs = result.map_err(|error| TerminalError::new(error.to_string()))?;
        arazzo_restate::json_exposing_secrets(&outputs)
    }

    /// The same without a journal: what the benchmark compares the journal's cost with.
    #[handler(name = "rotateUnjournaled")]
    async fn rotate_unjournaled(
        &self,
        _ctx: Context<'_>,
        inputs: Json<RotateIntegrationKeyInputs>,
    ) -> HandlerResult<Json<Value>> {
        let inputs = inputs.into_inner();
        let outputs = rotate_integration_key(&self.client, &self.config, &inputs)
            .await
            .map_err(|error| TerminalError::new(error.to_string()))?;
        arazzo_restate::json_exposing_secrets(&outputs)
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
    let service = SvixRotation { client, config, kill_after_run: std::env::var_os(KILL_AFTER_RUN).is_some() };
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async move {
        let listener = super::instance_listener(addr);
        HttpServer::new(Endpoint::builder().bind(service).build()).serve(listener).await;
    });
    std::process::exit(0);
}

/// SIGKILL to this process, as an operator's `kill -9` or the kernel's OOM killer would send it.
fn kill_self() {
    let _ = std::process::Command::new("kill").args(["-KILL", &std::process::id().to_string()]).status();
    // The signal is delivered before `kill` returns; nothing after this runs.
    std::thread::sleep(std::time::Duration::from_secs(60));
    std::process::abort();
}

/// The command that starts this binary as a service instance on `addr`, sending to `provider`.
pub fn instance_command(binary_args: &[&str], addr: SocketAddr, provider: &str, token: &str) -> std::process::Command {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command.args(binary_args).env(ADDR, addr.to_string()).env(PROVIDER_URL, provider).env(PROVIDER_TOKEN, token);
    command
}
