//! One execution of a workflow: the current step, the outputs produced so far, tracing spans,
//! and errors that name the workflow and the step.

use tracing::{Instrument, Span, field};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::encoding::Request;
use crate::error::{Retries, StepError, WorkflowError};
use crate::journal::{self, Exchange, ExchangeId};
use crate::reading::Response;
use crate::run::Client;
use crate::run::context::RunContext;
use crate::run::retry::{self, MAX_TRANSITIONS};
use crate::run::step_timeout::StepDeadline;
use crate::run::{journaled, sending};
use crate::secrets::SecretString;
use crate::transport;

#[path = "workflow_run_outputs.rs"]
mod outputs;

/// One execution of a workflow, as driven by generated code.
///
/// `P` is the workflow's `...Partial` outputs struct; generated code fills `partial` as steps
/// succeed, and every error returned carries a copy of it and a [`Checkpoint`](crate::Checkpoint)
/// for resuming.
///
/// A run and the workflows it calls share one deadline (the client's
/// [workflow timeout](Client::with_workflow_timeout)) and one record of exchanges.
///
/// Tracing: a span `arazzo.workflow` for the run (for a called workflow, a child of the calling
/// step's span), with `workflow_id`, and once the run ends `outcome` (`succeeded` or `failed`),
/// `failed_step` and `duration_ms`; per step a child span
/// `arazzo.step` with `workflow_id`, `step_id`, `operation`, `method`, `path` (the path template,
/// never the filled path), `attempt`, `status` and `duration_ms` once a response arrived; events
/// for retries, gotos and replayed responses. No span or event carries a parameter value,
/// header, body or URL.
pub struct Run<P> {
    workflow_id: &'static str,
    step_id: &'static str,
    /// Steps entered so far through `goto`, `retry` or moving on; bounded by [`MAX_TRANSITIONS`].
    transitions: usize,
    /// Requests sent for the current step so far, those of its earlier attempts (`retry`) included.
    attempt: u32,
    /// When the current step's first attempt started, for the message of an exhausted retry.
    step_started: Instant,
    /// Whether [`Run::retry_wait`] was the last thing done: the next [`Run::step`] of the same step
    /// is a retry, and keeps counting its attempts.
    retrying: bool,
    /// Where the record holds the current step's latest exchange, and whether its request may have
    /// taken effect ([`may_have_taken_effect`]): if the step fails, an exchange that may have
    /// taken effect stays in the checkpoint, any other is dropped from it (and sent again on resume).
    last_exchange: Option<(usize, bool)>,
    /// Fills the partial outputs from a response of the current step whose request may have taken
    /// effect, when the step fails after receiving it (see [`Run::keep_on_failure`]).
    keep: Option<fn(&mut P, &Response)>,
    /// The client handed to called workflows: it carries `context`.
    client: Client,
    /// The run's deadline and record, shared with the workflows it calls.
    context: Arc<RunContext>,
    /// The `timeout` of the step that called this workflow, which bounds the whole run (from the
    /// client: [`Client::within_step`]).
    called_within: Option<StepDeadline>,
    workflow_span: Span,
    step_span: Span,
    started: Instant,
    /// Whether [`Run::fail`] built an error: the run's outcome, recorded on its span when it ends.
    failed: AtomicBool,
    /// Whether this is a branch of a run ([`Run::branch`]) rather than a run: the run it belongs to
    /// records the outcome on the workflow's span.
    branch: bool,
    /// Outputs produced so far.
    pub partial: P,
}

impl<P: Default> Run<P> {
    /// Starts a run of `workflow_id` with no outputs yet. Its deadline starts now, unless
    /// `client` was handed over by a calling workflow, whose deadline and record it then shares.
    pub fn new(workflow_id: &'static str, client: &Client) -> Self {
        let (client, context) = client.for_run();
        // A called workflow's span is a child of the calling step's, not of whatever span is
        // current (the generated call does not enter the step's span); else of the current one.
        let parent = client.parent_span().cloned().unwrap_or_else(Span::current);
        let workflow_span = tracing::info_span!(
            parent: &parent,
            "arazzo.workflow",
            workflow_id,
            outcome = field::Empty,
            failed_step = field::Empty,
            duration_ms = field::Empty,
        );
        let called_within = client.step_deadline();
        Self::starting(workflow_id, client, context, called_within, workflow_span, false)
    }

    /// A branch of this run for step `step_id`, which runs concurrently with other steps (a
    /// level of steps whose dependencies have all finished, joined in one task: nothing is
    /// spawned). It has the same API as a run, its own partial outputs (empty at first) and its
    /// own record of exchanges; the workflow's deadline, secrets and checkpoint to replay are the
    /// run's. Once the level's steps have all finished, generated code copies what each branch's
    /// step produced into the run's partial outputs, hands the branches back with
    /// [`Run::merge`], then takes each step's result through [`Run::joined`].
    ///
    /// When resuming, a branch's requests are answered by the exchanges recorded for its step,
    /// whatever order the concurrent steps' responses arrived in.
    pub fn branch(&self, step_id: &'static str) -> Self {
        let context = Arc::new(self.context.branch((self.workflow_id, step_id)));
        let client = self.client.in_context(Arc::clone(&context));
        // A step's `timeout` handed down to the workflow this run belongs to bounds its branches too.
        Self::starting(self.workflow_id, client, context, self.called_within, self.workflow_span.clone(), true)
    }

    /// A run of `workflow_id`, or a branch of one, before its first step: no outputs, no attempts,
    /// no exchange of its own, its clock started now.
    fn starting(
        workflow_id: &'static str,
        client: Client,
        context: Arc<RunContext>,
        called_within: Option<StepDeadline>,
        workflow_span: Span,
        branch: bool,
    ) -> Self {
        Self {
            workflow_id,
            step_id: "",
            transitions: 0,
            attempt: 0,
            step_started: Instant::now(),
            retrying: false,
            last_exchange: None,
            keep: None,
            client,
            context,
            called_within,
            workflow_span,
            step_span: Span::none(),
            started: Instant::now(),
            failed: AtomicBool::new(false),
            branch,
            partial: P::default(),
        }
    }
}

impl<P: Clone> Run<P> {
    /// Enters step `step_id`, which calls `operation` (its operationId or operationPath).
    pub fn step(&mut self, step_id: &'static str, operation: &'static str) {
        if !(self.retrying && self.step_id == step_id) {
            self.attempt = 0;
            self.step_started = Instant::now();
        }
        self.retrying = false;
        self.step_id = step_id;
        self.last_exchange = None;
        self.keep = None;
        self.step_span = tracing::info_span!(
            parent: &self.workflow_span,
            "arazzo.step",
            workflow_id = self.workflow_id,
            step_id,
            operation,
            method = field::Empty,
            path = field::Empty,
            attempt = field::Empty,
            status = field::Empty,
            duration_ms = field::Empty,
        );
        tracing::debug!(parent: &self.step_span, "step started");
        self.client.set_parent_span(self.step_span.clone());
    }

    /// The workflow being run.
    pub fn workflow_id(&self) -> &'static str {
        self.workflow_id
    }

    /// The current step (empty before the first).
    pub fn step_id(&self) -> &'static str {
        self.step_id
    }

    /// Scrubs `secret` (a secret input, say) from every error excerpt of the run, even before a
    /// request carries it: a server may quote a value it was given by some other means.
    pub fn redact<'a>(&self, secret: impl Into<Option<&'a SecretString>>) {
        if let Some(secret) = secret.into() {
            self.context.remember_secret(secret);
        }
    }

    /// The client of this run, to hand to the workflows it calls so that they share its deadline
    /// and record.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Sends `request` to `base_url` (which may end with `/` or carry a path such as `/v1`) and
    /// reads the whole response. Any status is a response: criteria are checked with
    /// [`Run::check`]. Fails on invalid requests, transport errors and timeouts.
    pub async fn send(&mut self, base_url: &str, request: Request<'_>) -> Result<Response, WorkflowError<P>> {
        let result = self.exchange(base_url, request).await;
        result.map_err(|error| self.fail(error))
    }

    /// Sends `request` like [`Run::send`], but hands a failure back as a [`StepError`] so that the
    /// step's failure actions can decide what happens next (workflows with `onFailure` or
    /// `failureActions`).
    pub async fn attempt(&mut self, base_url: &str, request: Request<'_>) -> Result<Response, StepError> {
        self.exchange(base_url, request).await
    }

    /// One request of the current step: answered from the checkpoint when resuming, else sent
    /// within the run's deadline; recorded either way. The request is encoded before anything is
    /// awaited, so what it borrows is read at once.
    async fn exchange(&mut self, base_url: &str, request: Request<'_>) -> Result<Response, StepError> {
        self.attempt += 1;
        let span = self.step_span.clone();
        let (method, path) = (request.method().as_str(), request.path_template_shared());
        span.record("method", method);
        span.record("path", &*path);
        span.record("attempt", self.attempt);
        let started = Instant::now();
        let ids = (self.workflow_id, self.step_id);
        // The step's own `timeout` bounds this attempt; a calling step's bounds the whole run.
        let own = request.step_timeout().map(|limit| StepDeadline::starting_now(self.step_id, limit));
        let step_deadline = StepDeadline::earliest(own, self.called_within);
        let base = self.client.parse_base_url(base_url)?;
        let mut prepared = request.prepare_at(&base)?;
        let sent = journal::fingerprint(method, &prepared.url, prepared.body.as_deref(), &prepared.secrets);
        let context = Arc::clone(&self.context);
        let step_timed_out = || step_deadline.map(|deadline| deadline.timed_out());
        let answered = transport::answered_of(&mut prepared);
        let result = match context.replay(ids, (method, &path, sent))? {
            Some(exchange) => {
                tracing::debug!(parent: &span, "response replayed from the checkpoint");
                journaled::outcome(&exchange, answered, step_timed_out())
            }
            None => {
                let left = context.remaining()?;
                let step_left = step_deadline.map(|deadline| deadline.remaining()).transpose()?.flatten();
                let sending = sending::Sending {
                    backend: self.client.backend().clone(),
                    request_timeout: self.client.request_timeout(),
                    max_response_bytes: self.client.max_response_bytes(),
                    ids,
                    left,
                    step_left,
                    step_deadline,
                    context: Arc::clone(&context),
                }
                .send(prepared)
                .instrument(span.clone());
                match context.journal() {
                    None => sending.await.map(|parts| Response::received(parts, answered)),
                    Some(journal) => {
                        let id = ExchangeId::new(self.workflow_id, self.step_id, method, path.clone(), sent)
                            .with_branch(context.branch_steps().iter().cloned());
                        let exchange = journaled::exchange(journal, id, sending).await?;
                        journaled::outcome(&exchange, answered, step_timed_out())
                    }
                }
            }
        };
        if let Ok(response) = &result {
            context.remember_secrets_of(response);
        }
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        if let Ok(response) = &result {
            span.record("status", response.status());
        }
        span.record("duration_ms", duration_ms);
        match &result {
            Ok(response) => {
                tracing::debug!(parent: &span, status = response.status(), duration_ms, "response received");
                let (status, headers, body) = (response.status(), response.headers_shared(), response.body_bytes());
                let position = context.record(Exchange::new(ids, (method, path, sent), status, headers, body));
                self.last_exchange = Some((position, may_have_taken_effect(response)));
            }
            Err(error) => tracing::debug!(parent: &span, error = %error, duration_ms, "request failed"),
        }
        result
    }

    /// Registers how the partial outputs are filled from a response of the current step when the
    /// step fails after receiving it and its request may have taken effect (an unsafe method
    /// answered below 400; see [`Run::fail`]): generated code reads there every output the step
    /// would have produced that the response holds (`response.extract(..).ok()`), so that a key the
    /// server created is in the error's partial outputs even when a criterion did not hold or
    /// another output could not be read. [`Run::step`] clears it.
    pub fn keep_on_failure(&mut self, keep: fn(&mut P, &Response)) {
        self.keep = Some(keep);
    }

    /// The error of an unmet success criterion, for the step's failure actions. When the request
    /// may have taken effect, the partial outputs first keep what the response holds
    /// ([`Run::keep_on_failure`]).
    pub fn unmet(&mut self, criterion: &'static str, response: &Response) -> StepError {
        if may_have_taken_effect(response) {
            self.keep_outputs_of(response);
        }
        let retries = (self.attempt > 1).then(|| Retries { attempts: self.attempt, over: self.step_started.elapsed() });
        StepError::CriterionFailed {
            criterion,
            status: response.status(),
            body_excerpt: self.excerpt(response),
            retries,
        }
    }

    /// Fills the partial outputs from `response` as [`Run::keep_on_failure`] registered.
    fn keep_outputs_of(&mut self, response: &Response) {
        if let Some(keep) = self.keep {
            keep(&mut self.partial, response);
        }
    }

    /// Counts one move to a step (the next one, a `goto` target or a retry); fails once a run has
    /// made [`MAX_TRANSITIONS`] of them, so an endless `goto` loop is an error, not a hang, and at
    /// once after a resumed run's request did not match its checkpoint
    /// ([`StepError::CheckpointMismatch`]), whatever the failure actions say.
    pub fn transition(&mut self) -> Result<(), WorkflowError<P>> {
        self.context.check_matched().map_err(|error| self.fail(error))?;
        self.transitions += 1;
        if self.transitions > MAX_TRANSITIONS {
            return Err(self.fail(StepError::TooManyTransitions { limit: MAX_TRANSITIONS }));
        }
        Ok(())
    }

    /// Waits before retry `attempt` of `limit` of the current step: the response's `Retry-After`
    /// header if it has one, else the document's `retryAfter` seconds. Fails at once with
    /// [`StepError::WorkflowTimeout`] when the wait would outlast the run's deadline (or with
    /// [`StepError::StepTimeout`] the `timeout` of the step that called this workflow); does not
    /// wait while resuming (the retried request is answered from the checkpoint).
    pub async fn retry_wait(
        &mut self,
        response: Option<&Response>,
        retry_after: Option<f64>,
        attempt: u64,
        limit: u64,
    ) -> Result<(), WorkflowError<P>> {
        self.retrying = true;
        let delay = retry::retry_delay(response, retry_after);
        tracing::info!(
            parent: &self.step_span,
            attempt,
            limit,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "retrying step"
        );
        // A resumed run that left its checkpoint's path does not retry.
        self.context.check_matched().map_err(|error| self.fail(error))?;
        if self.context.replaying() {
            return Ok(());
        }
        if let Some(left) = self.context.remaining().map_err(|error| self.fail(error))?
            && delay >= left
        {
            return Err(self.fail(self.context.timed_out()));
        }
        // In a workflow called by a step with a `timeout`, the wait is part of that step.
        if let Some(deadline) = self.called_within
            && let Some(left) = deadline.remaining().map_err(|error| self.fail(error))?
            && delay >= left
        {
            return Err(self.fail(deadline.timed_out()));
        }
        retry::sleep(delay).await;
        Ok(())
    }

    /// Takes back the branches of a level of concurrent steps ([`Run::branch`]) once they have
    /// all finished, in the order their steps are written: their exchanges join the run's record
    /// in that order (so a checkpoint does not depend on which response arrived first), and the
    /// failed exchanges they left out stay left out.
    pub fn merge<const N: usize>(&mut self, branches: [Run<P>; N]) {
        for branch in &branches {
            self.context.merge(&branch.context);
        }
    }

    /// The result of a step that ran in a branch, once the branches are merged
    /// ([`Run::merge`]): its values, or its error as the run's, carrying the run's partial
    /// outputs (those of every step of the level that succeeded, and what failed ones kept) and
    /// the run's checkpoint (every exchange of the level but the failed ones' own, unless they may
    /// have taken effect). Taken in the order the steps are written, the first failed step's
    /// error is the workflow's.
    pub fn joined<T>(&mut self, result: Result<T, WorkflowError<P>>) -> Result<T, WorkflowError<P>> {
        result.map_err(|error| {
            self.step_id = error.step_id();
            let (error, _) = error.into_parts();
            self.fail_leaving_out(error, None)
        })
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

    /// Fails the step with [`StepError::CriterionFailed`] unless `passed`. A request that may have
    /// taken effect keeps its response in the checkpoint and what it holds in the partial outputs
    /// (see [`Run::fail`]).
    pub fn check(
        &mut self,
        passed: bool,
        criterion: &'static str,
        response: &Response,
    ) -> Result<(), WorkflowError<P>> {
        if passed {
            return Ok(());
        }
        let error = self.unmet(criterion, response);
        Err(self.fail(error))
    }

    /// An excerpt of `response`'s body for an error, scrubbed of every secret the run has handled
    /// so far: a server may quote a key created by an earlier step.
    fn excerpt(&self, response: &Response) -> String {
        response.body_excerpt_hiding(&self.context.secrets())
    }

    /// The error of an output that could not be read from a response whose criteria held.
    ///
    /// With an unsafe method the server did what the step asked (created a key, say): the
    /// checkpoint keeps the response, so resuming does not send the request again (it fails the
    /// same way instead, and the response is in the checkpoint for whoever handles it), and the
    /// partial outputs keep every other output the response holds. A safe method (`GET`, `HEAD`,
    /// `OPTIONS`, `TRACE`) changed nothing: its response is left out, and resuming asks again (a
    /// body that arrived truncated once need not be truncated twice).
    fn fail_after_success(&mut self, error: StepError, response: &Response) -> WorkflowError<P> {
        if is_safe(response.request_method()) {
            let failed = self.last_exchange.map(|(position, _)| position);
            return self.fail_leaving_out(error, failed);
        }
        self.keep_outputs_of(response);
        self.fail_leaving_out(error, None)
    }

    /// The error of the current step failing with `error`, carrying the outputs so far and the
    /// checkpoint to resume from.
    ///
    /// The checkpoint leaves out the step's latest exchange, so that resuming sends that request
    /// again, unless the request may have taken effect: an unsafe method (`POST`, `PUT`, `PATCH`,
    /// `DELETE`, ...) answered with a status below 400. The server then reported that it did what
    /// was asked (a `201` where the document expects `200`, say), and sending the request again
    /// would create or rotate a second key: the exchange stays in the checkpoint, and resuming
    /// replays it. A `4xx` or `5xx` answer reports that nothing was done, or carries nothing that
    /// could be kept; see docs/RESUME.md for that case and idempotency keys.
    pub fn fail(&self, error: StepError) -> WorkflowError<P> {
        let failed = match self.last_exchange {
            Some((position, false)) => Some(position),
            _ => None,
        };
        self.fail_leaving_out(error, failed)
    }

    /// The error of the current step, with a checkpoint that leaves `failed_exchange` out.
    fn fail_leaving_out(&self, error: StepError, failed_exchange: Option<usize>) -> WorkflowError<P> {
        self.failed_here();
        let checkpoint = self.context.checkpoint((self.workflow_id, self.step_id), failed_exchange);
        WorkflowError::new(self.workflow_id, self.step_id, error, self.partial.clone()).with_checkpoint(checkpoint)
    }
}

/// Whether `method` is safe (RFC 9110, section 9.2.1): it asks the server to change nothing.
fn is_safe(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE")
}

/// Whether the request `response` answers may have changed something at the server: an unsafe
/// method (or an unknown one, for a response built from parts) answered with a status below 400.
fn may_have_taken_effect(response: &Response) -> bool {
    !is_safe(response.request_method()) && response.status() < 400
}

impl<P> Run<P> {
    /// Marks the run failed at the current step, on its span too (a branch leaves that to its run).
    fn failed_here(&self) {
        self.failed.store(true, Ordering::Relaxed);
        if !self.branch {
            self.workflow_span.record("failed_step", self.step_id);
        }
    }
}

/// Records the run's outcome and duration on its span, whichever way it ended.
impl<P> Drop for Run<P> {
    fn drop(&mut self) {
        if self.branch {
            return;
        }
        let outcome = if self.failed.load(Ordering::Relaxed) { "failed" } else { "succeeded" };
        self.workflow_span.record("outcome", outcome);
        let duration_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.workflow_span.record("duration_ms", duration_ms);
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

#[cfg(test)]
#[path = "workflow_run_tests.rs"]
mod tests;
