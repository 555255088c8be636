//! One execution of a workflow: the current step, the outputs produced so far, tracing spans,
//! and errors that name the workflow and the step.

use serde::de::DeserializeOwned;
use tracing::{Instrument, Span, field};

use crate::client::Client;
use crate::error::{StepError, WorkflowError};
use crate::request::Request;
use crate::response::Response;
use crate::retry::{self, MAX_TRANSITIONS};
use crate::transport;

/// One execution of a workflow, as driven by generated code.
///
/// `P` is the workflow's `...Partial` outputs struct; generated code fills `partial` as steps
/// succeed, and every error returned carries a copy of it.
///
/// Tracing: a span `arazzo.workflow` (field `workflow_id`) for the run, and per step a child span
/// `arazzo.step` with `workflow_id`, `step_id`, `operation`, `method`, `path` (the path template,
/// never the filled path) and `status` once a response arrived. No span or event carries a
/// parameter value, header, body or URL.
pub struct Run<P> {
    workflow_id: &'static str,
    step_id: &'static str,
    /// Steps entered so far through `goto`, `retry` or moving on; bounded by [`MAX_TRANSITIONS`].
    transitions: usize,
    workflow_span: Span,
    step_span: Span,
    /// Outputs produced so far.
    pub partial: P,
}

impl<P: Default> Run<P> {
    /// Starts a run of `workflow_id` with no outputs yet.
    pub fn new(workflow_id: &'static str) -> Self {
        Self {
            workflow_id,
            step_id: "",
            transitions: 0,
            workflow_span: tracing::info_span!("arazzo.workflow", workflow_id),
            step_span: Span::none(),
            partial: P::default(),
        }
    }
}

impl<P: Clone> Run<P> {
    /// Enters step `step_id`, which calls `operation` (its operationId or operationPath).
    pub fn step(&mut self, step_id: &'static str, operation: &'static str) {
        self.step_id = step_id;
        self.step_span = tracing::info_span!(
            parent: &self.workflow_span,
            "arazzo.step",
            workflow_id = self.workflow_id,
            step_id,
            operation,
            method = field::Empty,
            path = field::Empty,
            status = field::Empty,
        );
        tracing::debug!(parent: &self.step_span, "step started");
    }

    /// The workflow being run.
    pub fn workflow_id(&self) -> &'static str {
        self.workflow_id
    }

    /// The current step (empty before the first).
    pub fn step_id(&self) -> &'static str {
        self.step_id
    }

    /// Sends `request` to `base_url` (which may end with `/` or carry a path such as `/v1`) and
    /// reads the whole response. Any status is a response: criteria are checked with
    /// [`Run::check`]. Fails on invalid requests, transport errors and timeouts.
    pub async fn send(&self, client: &Client, base_url: &str, request: Request) -> Result<Response, WorkflowError<P>> {
        let span = &self.step_span;
        span.record("method", request.method().as_str());
        span.record("path", request.path_template());
        let result = transport::execute(client, base_url, request).instrument(span.clone()).await;
        match result {
            Ok(response) => {
                span.record("status", response.status());
                tracing::debug!(parent: span, status = response.status(), "response received");
                Ok(response)
            }
            Err(error) => {
                tracing::debug!(parent: span, error = %error, "request failed");
                Err(self.fail(error))
            }
        }
    }

    /// Sends `request` like [`Run::send`], but hands a failure back as a [`StepError`] so that the
    /// step's failure actions can decide what happens next (workflows with `onFailure` or
    /// `failureActions`).
    pub async fn attempt(&self, client: &Client, base_url: &str, request: Request) -> Result<Response, StepError> {
        let span = &self.step_span;
        span.record("method", request.method().as_str());
        span.record("path", request.path_template());
        let result = transport::execute(client, base_url, request).instrument(span.clone()).await;
        match &result {
            Ok(response) => {
                span.record("status", response.status());
                tracing::debug!(parent: span, status = response.status(), "response received");
            }
            Err(error) => tracing::debug!(parent: span, error = %error, "request failed"),
        }
        result
    }

    /// The error of an unmet success criterion, for the step's failure actions.
    pub fn unmet(&self, criterion: &'static str, response: &Response) -> StepError {
        StepError::CriterionFailed { criterion, status: response.status(), body_excerpt: response.body_excerpt() }
    }

    /// Counts one move to a step (the next one, a `goto` target or a retry); fails once a run has
    /// made [`MAX_TRANSITIONS`] of them, so an endless `goto` loop is an error, not a hang.
    pub fn transition(&mut self) -> Result<(), WorkflowError<P>> {
        self.transitions += 1;
        if self.transitions > MAX_TRANSITIONS {
            return Err(self.fail(StepError::TooManyTransitions { limit: MAX_TRANSITIONS }));
        }
        Ok(())
    }

    /// Waits before retry `attempt` of `limit` of the current step: the response's `Retry-After`
    /// header if it has one, else the document's `retryAfter` seconds.
    pub async fn retry_wait(&self, response: Option<&Response>, retry_after: Option<f64>, attempt: u64, limit: u64) {
        let delay = retry::retry_delay(response, retry_after);
        tracing::info!(
            parent: &self.step_span,
            attempt,
            limit,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "retrying step"
        );
        retry::sleep(delay).await;
    }

    /// Records a `goto` to `target` (a step id) in the trace.
    pub fn goto(&self, target: &'static str) {
        tracing::debug!(parent: &self.step_span, target, "goto");
    }

    /// A step output that the generator proved was produced before this point; `what` names it
    /// (`$steps.create.outputs.id`) should that proof ever be wrong.
    pub fn available<T: Clone>(&self, value: &Option<T>, what: &'static str) -> Result<T, WorkflowError<P>> {
        value.clone().ok_or_else(|| self.fail(StepError::OutputUnavailable { output: what }))
    }

    /// Fails the step with [`StepError::ConditionFailed`] unless `passed`: for the criteria of a step
    /// that calls a workflow, which has no response to quote.
    pub fn holds(&self, passed: bool, criterion: &'static str) -> Result<(), WorkflowError<P>> {
        if passed { Ok(()) } else { Err(self.fail(StepError::ConditionFailed { criterion })) }
    }

    /// Fails the step with [`StepError::CriterionFailed`] unless `passed`.
    pub fn check(&self, passed: bool, criterion: &'static str, response: &Response) -> Result<(), WorkflowError<P>> {
        if passed {
            return Ok(());
        }
        Err(self.fail(StepError::CriterionFailed {
            criterion,
            status: response.status(),
            body_excerpt: response.body_excerpt(),
        }))
    }

    /// Reads a `T` at an RFC 6901 JSON pointer of the response body (`""`: the whole body).
    pub fn output<T: DeserializeOwned>(
        &self,
        response: &Response,
        pointer: &'static str,
    ) -> Result<T, WorkflowError<P>> {
        response.extract(pointer).map_err(|error| self.fail(error))
    }

    /// Reads response header `name` as text.
    pub fn header_output(&self, response: &Response, name: &'static str) -> Result<String, WorkflowError<P>> {
        response.header_text(name).map_err(|error| self.fail(error))
    }

    /// The error of the current step failing with `error`, carrying the outputs so far.
    pub fn fail(&self, error: StepError) -> WorkflowError<P> {
        WorkflowError::new(self.workflow_id, self.step_id, error, self.partial.clone())
    }
}

impl<P: std::fmt::Debug> std::fmt::Debug for Run<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("workflow_id", &self.workflow_id)
            .field("step_id", &self.step_id)
            .field("partial", &self.partial)
            .finish_non_exhaustive()
    }
}
