//! Sending one request of a run as an owned future, its timeouts inside it.

use std::sync::Arc;
use std::time::Duration;

use crate::encoding::Prepared;
use crate::error::StepError;
use crate::run::context::RunContext;
use crate::run::step_timeout::StepDeadline;
use crate::transport::{self, Backend, Parts};

/// What sending one request needs, owned, so that the sending is a `'static` future a journal can
/// run (Restate runs it inside `ctx.run`): the request timeout, a step's `timeout` and the run's
/// deadline are inside it, so a timeout is an outcome recorded like a response.
pub(crate) struct Sending {
    pub(crate) backend: Backend,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) max_response_bytes: usize,
    pub(crate) ids: (&'static str, &'static str),
    /// The time left before the run's deadline, and before the step's.
    pub(crate) left: Option<Duration>,
    pub(crate) step_left: Option<Duration>,
    pub(crate) step_deadline: Option<StepDeadline>,
    pub(crate) context: Arc<RunContext>,
}

impl Sending {
    pub(crate) async fn send(self, prepared: Prepared) -> Result<Parts, StepError> {
        let Self { backend, request_timeout, max_response_bytes, ids, left, step_left, step_deadline, context } = self;
        let sending = transport::execute_parts(&backend, request_timeout, max_response_bytes, ids, prepared, left);
        // The transport bounds the request by the run's deadline when it knows the request
        // timeout; a timer does otherwise, and for a step `timeout`, whichever ends first.
        let run_timer = left.filter(|_| request_timeout.is_none());
        let timer = match (run_timer, step_left, step_deadline) {
            (Some(run), Some(step), Some(deadline)) if step < run => Some((step, deadline.timed_out())),
            (Some(run), _, _) => Some((run, context.timed_out())),
            (None, Some(step), Some(deadline)) => Some((step, deadline.timed_out())),
            _ => None,
        };
        let received = match timer {
            Some((limit, error)) => tokio::time::timeout(limit, sending).await.unwrap_or_else(|_| Err(error)),
            None => sending.await,
        };
        match received {
            // The request was cut at the run's deadline, not at its own limit.
            Err(StepError::Timeout) if context.remaining().is_err() => Err(context.timed_out()),
            received => received,
        }
    }
}
