//! One scenario per seed: a fake provider on 127.0.0.1, the generated client and the hand-written
//! one, and the inputs of the next rotation.
//!
//! Every execution is a full, successful rotation. Seeds whose workflow deletes an "old key" named
//! by an input chain their runs: the key a run creates is the old key of the next, so the fake's
//! state keeps the same size however many runs there are.

use std::future::Future;
use std::time::{Duration, Instant};

use arazzo_tests::Recorder;

use crate::handwritten;

pub mod apigee;
pub mod backblaze;
pub mod deepgram;
pub mod propelauth;
pub mod svix;

/// Which client runs the workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The checked-in generated client (`arazzo-generated`).
    Generated,
    /// The hand-written reqwest function of [`crate::handwritten`].
    Handwritten,
}

impl Variant {
    pub const ALL: [Variant; 2] = [Variant::Generated, Variant::Handwritten];

    pub fn name(self) -> &'static str {
        match self {
            Variant::Generated => "generated",
            Variant::Handwritten => "handwritten",
        }
    }
}

/// Why a scenario could not start or a rotation failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("the fake provider did not start: {0}")]
    Start(#[from] std::io::Error),
    #[error("the HTTP client did not build: {0}")]
    Client(#[from] reqwest::Error),
    /// The generated client's error, as its Display text (the type is generic over the workflow).
    #[error("generated client: {0}")]
    Generated(String),
    #[error("hand-written client: {0}")]
    Handwritten(#[from] handwritten::Error),
}

impl BenchError {
    pub(crate) fn generated(error: impl std::fmt::Display) -> Self {
        BenchError::Generated(error.to_string())
    }
}

/// A seed workflow ready to run against its fake, again and again.
pub trait Scenario: Sized {
    /// The seed's provider, e.g. `"svix"`.
    const NAME: &'static str;
    /// Requests per execution.
    const STEPS: u32;

    /// Starts a fresh fake (on the current tokio runtime) and both clients.
    fn start() -> impl Future<Output = Result<Self, BenchError>>;

    /// One full rotation with `variant`.
    fn execute(&mut self, variant: Variant) -> impl Future<Output = Result<(), BenchError>>;

    /// The fake's request recorder.
    fn recorder(&self) -> &Recorder;
}

/// Runs `iters` rotations with `variant` on a fresh fake and returns their total time.
///
/// One untimed rotation first opens the pooled connection, so that every timed request reuses it.
/// The recorder is emptied before timing: it keeps every request, and would otherwise grow.
pub async fn timed<S: Scenario>(variant: Variant, iters: u64) -> Result<Duration, BenchError> {
    let mut scenario = S::start().await?;
    scenario.execute(variant).await?;
    scenario.recorder().clear_requests();
    let started = Instant::now();
    for _ in 0..iters {
        scenario.execute(variant).await?;
    }
    Ok(started.elapsed())
}
