//! Where a prepared request goes and how its response comes back: over HTTP through reqwest (with
//! the TLS backend the features choose), or to a [`DryRun`] that answers with the responses a test
//! gave it. Depends on `error`, `encoding` (the prepared request) and `reading` (the response).

mod dry_run;
pub(crate) mod send;
pub(crate) mod tls;

pub use dry_run::{DryRun, DryRunRequest, DryRunResponse};
pub(crate) use send::{Backend, Parts, answered_of, execute_parts};
