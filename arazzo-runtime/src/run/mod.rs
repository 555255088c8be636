//! Running workflows: the [`Client`] generated functions take (settings, and for a called workflow
//! the run it belongs to), [`Run`] (one execution: the current step, its outputs, its errors), the
//! context every workflow of one run shares (deadline, record of exchanges, replay when resuming,
//! secrets handled), `retry` timing and step timeouts. The top of the runtime: it depends on every
//! other part.

mod client;
pub(crate) mod context;
pub(crate) mod handled_secrets;
mod journaled;
pub mod retry;
mod sending;
pub(crate) mod step_timeout;
mod workflow_run;

pub use client::{
    Client, ClientBuildError, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_POOL_MAX_IDLE_PER_HOST, DEFAULT_REQUEST_TIMEOUT, DEFAULT_WORKFLOW_TIMEOUT,
};
pub use journaled::JournaledError;
pub use workflow_run::Run;
