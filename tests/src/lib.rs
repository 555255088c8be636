//! Test support: stateful fakes of the five seed providers, served by axum on 127.0.0.1:0.
//!
//! Each fake serves the operations its seed workflow calls, with the paths, methods, status codes and
//! response shapes of the provider's OpenAPI description (`../shared/openapi/<provider>/` beside the repository), keeps real
//! state (a rotated key changes, a deleted key is gone), checks credentials, and records every request
//! exactly as received so tests can assert what a generated client sent.

// Handlers return a ready `Response` as the error of their checks; its size does not matter in a test fake.
#![allow(clippy::result_large_err)]

pub mod apigee;
pub mod backblaze;
pub mod deepgram;
pub mod fault;
pub mod pets;
pub mod propelauth;
pub mod secret_search;
pub mod server;
pub mod stock;
pub mod svix;

pub use server::{Failure, Fake, RecordedRequest, Recorder, ServerHandle};

#[cfg(test)]
mod test_util;
