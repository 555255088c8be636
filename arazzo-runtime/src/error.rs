//! Errors of a workflow run: what went wrong in a step, and which workflow and step it was.
//!
//! No message here ever contains a secret, a header value, a request body or a URL (its query
//! may carry an API key): messages are built from descriptions, status codes and names only.

use std::fmt;

use crate::journal::Checkpoint;

/// What went wrong in one step.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// The request could not be sent or its response not received (connection refused,
    /// DNS failure, connection reset, response too large, ...).
    #[error("the request failed: {message}")]
    Transport {
        /// What happened, without the URL.
        message: String,
    },
    /// The request or the connection attempt took longer than the client allows.
    #[error("the request timed out")]
    Timeout,
    /// A step took longer than its Arazzo `timeout` allows (1.1): the request (response body
    /// included) of one attempt, or, for a step that calls a workflow, the called workflow's run.
    /// Each attempt a `retry` action makes has the whole limit again; the waits between attempts
    /// are not part of it.
    #[error("step `{step}` took longer than its `timeout` of {} ms", limit.as_millis())]
    StepTimeout {
        /// The step whose `timeout` ran out (for a called workflow, the calling step).
        step: &'static str,
        /// The step's `timeout`.
        limit: std::time::Duration,
    },
    /// The workflow run took longer than the client's
    /// [workflow timeout](crate::Client::with_workflow_timeout) allows (or a retry would have
    /// waited past it).
    #[error("the workflow took longer than its limit of {} s", limit.as_secs_f64())]
    WorkflowTimeout {
        /// The limit that was reached.
        limit: std::time::Duration,
    },
    /// The request could not be built from its parameters (a path parameter without a value,
    /// a header value with a line break, ...). Nothing was sent.
    #[error("the request could not be built: {message}")]
    InvalidRequest {
        /// What is wrong; names the parameter or header, never its value.
        message: String,
    },
    /// The configured base URL cannot be used. Nothing was sent.
    #[error("the base URL is not valid: {reason}")]
    InvalidBaseUrl {
        /// Why; never repeats the URL, which may carry credentials.
        reason: String,
    },
    /// A success criterion of the step did not hold (on its last attempt, when `retry` actions
    /// sent it again).
    #[error(
        "expected `{criterion}` to hold{}, but the {}response status was {status} ({})",
        AfterRetries(retries),
        if retries.is_some() { "last " } else { "" },
        BodyExcerpt(body_excerpt)
    )]
    CriterionFailed {
        /// The criterion as written in the workflow, e.g. `$statusCode == 200`.
        criterion: &'static str,
        /// The HTTP status of the (last) response.
        status: u16,
        /// At most 200 characters of the body, with known secrets replaced by `[REDACTED]`.
        body_excerpt: String,
        /// How often and over how long the step was sent, when `retry` actions sent it more than once.
        retries: Option<Retries>,
    },
    /// The response body is empty or is not JSON.
    #[error("the response could not be decoded: {message}")]
    Decode {
        /// What is wrong; never contains the body.
        message: String,
    },
    /// The response body has no value at a JSON pointer the workflow reads.
    #[error("no value at JSON pointer `{pointer}` in the response body")]
    MissingValue {
        /// The RFC 6901 JSON pointer, e.g. `/api_keys/0/api_key_id`.
        pointer: String,
    },
    /// The value at a JSON pointer does not have the type the workflow expects.
    #[error("{} is {}, which is not the expected type", Location(pointer), KindWithArticle(found))]
    WrongType {
        /// The RFC 6901 JSON pointer (`""` for the whole body).
        pointer: String,
        /// The JSON type found: `null`, `boolean`, `number`, `string`, `array` or `object`.
        found: &'static str,
    },
    /// The response lacks a header the workflow reads.
    #[error("the response has no `{name}` header")]
    MissingHeader {
        /// The header name as written in the workflow.
        name: &'static str,
    },
    /// A step output reads something of the request (`$request.header.X-Trace`,
    /// `$request.body#/id`) that the request did not send: an optional input left out, say.
    #[error("the request did not send `{expression}`, which a step output reads")]
    NotSent {
        /// The expression as written in the workflow.
        expression: &'static str,
    },
    /// A value read inside an input the workflow holds as JSON (`$inputs.customer#/age`, an
    /// `allOf` object) is not of the type the workflow's inputs schema gives it: the caller passed an
    /// input its schema does not allow. Nothing of the step was sent.
    #[error("`{expression}` is {}, not the type the workflow's inputs schema gives it", KindWithArticle(found))]
    InputMismatch {
        /// The expression as written in the workflow.
        expression: &'static str,
        /// The JSON type found: `null`, `boolean`, `number`, `string`, `array` or `object`.
        found: &'static str,
    },
    /// A `regex` or `jsonpath` criterion could not be compiled. The generator checks them at
    /// build time, so this means generated code was edited or built by a different generator.
    #[error("the criterion `{criterion}` is not valid: {message}")]
    InvalidCriterion {
        /// The regex pattern or JSONPath query as written in the workflow.
        criterion: &'static str,
        /// Why it is not valid.
        message: String,
    },
    /// An `xpath` criterion could not be evaluated: its context is not XML (not UTF-8, not
    /// well-formed, a number), or the expression raised an XPath error. The criterion does not hold.
    #[error("the criterion `{criterion}` could not be evaluated: {message}")]
    CriterionNotEvaluated {
        /// The XPath expression as written in the workflow.
        criterion: &'static str,
        /// Why; never quotes the context, which may hold secrets.
        message: String,
    },
    /// The run entered steps (moving on, `goto` or `retry`) more often than
    /// [`MAX_TRANSITIONS`](crate::retry::MAX_TRANSITIONS) allows: its actions loop.
    #[error("the workflow moved between steps more than {limit} times, so its actions probably loop")]
    TooManyTransitions {
        /// The bound that was exceeded.
        limit: usize,
    },
    /// A criterion of a step that calls a workflow (and so has no response) did not hold.
    #[error("expected `{criterion}` to hold, but it did not")]
    ConditionFailed {
        /// The condition as written in the workflow.
        criterion: &'static str,
    },
    /// A workflow this step calls failed.
    #[error("the workflow `{workflow_id}` it calls failed at step `{step_id}`: {error}")]
    Workflow {
        /// The called workflow.
        workflow_id: &'static str,
        /// The step of the called workflow that failed.
        step_id: &'static str,
        /// Why.
        error: Box<StepError>,
    },
    /// A resumed run sent a request that its checkpoint did not record next: the checkpoint
    /// belongs to another workflow, or the inputs or configuration changed since it was taken.
    #[error(
        "the checkpoint does not match this run: it expected a request of step `{step_id}` of workflow `{workflow_id}` next"
    )]
    CheckpointMismatch {
        /// The workflow of the request the checkpoint expected.
        workflow_id: String,
        /// The step of the request the checkpoint expected.
        step_id: String,
    },
    /// A JSONPath selector (an Arazzo 1.1 Selector Object) selected nothing where the workflow
    /// needs a value, selected a value of another type than the output's, or could not be compiled
    /// (the generator parses every query at build time, so the last means generated code was edited).
    #[error("the JSONPath selector `{selector}` {problem}")]
    Selection {
        /// The query as written in the workflow, e.g. `$.user.id`.
        selector: &'static str,
        /// What went wrong, without any value of the response: `selected nothing in the response body`.
        problem: String,
    },
    /// The run's journal could not record an exchange (so the run does not act on it), could not
    /// answer it, or holds the run as completed while this run made a request the completed one
    /// did not. See [`Client::journaled`](crate::Client::journaled).
    #[error("the journal: {message}")]
    Journal {
        /// What happened; names the run and the journal's file, never anything sent or received.
        message: String,
    },
    /// A step output was read before the step that produces it had succeeded. The generator proves
    /// this cannot happen, so seeing it means a bug in arazzo-codegen.
    #[error("`{output}` was read before its step produced it (an arazzo-codegen bug; please report it)")]
    OutputUnavailable {
        /// The output expression, e.g. `$steps.create.outputs.id`.
        output: &'static str,
    },
}

/// How often a step was sent, and over how long, when `retry` actions sent it more than once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retries {
    /// Requests sent for the step, the first included.
    pub attempts: u32,
    /// From the first request to the last response.
    pub over: std::time::Duration,
}

/// ` after 11 attempts over 2.0 s`, or nothing for a step sent once.
struct AfterRetries<'a>(&'a Option<Retries>);

impl fmt::Display for AfterRetries<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(Retries { attempts, over }) = self.0 else { return Ok(()) };
        // Milliseconds below a second, where one decimal of seconds would read `0.0 s`.
        if over.as_secs() == 0 {
            write!(f, " after {attempts} attempts over {} ms", over.as_millis())
        } else {
            write!(f, " after {attempts} attempts over {:.1} s", over.as_secs_f64())
        }
    }
}

/// `(body: ...)` or `(empty body)`.
struct BodyExcerpt<'a>(&'a str);

impl fmt::Display for BodyExcerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() { f.write_str("empty body") } else { write!(f, "body: {}", self.0) }
    }
}

/// Where in the body a value was looked up.
struct Location<'a>(&'a str);

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("the response body")
        } else {
            write!(f, "the value at JSON pointer `{}` in the response body", self.0)
        }
    }
}

/// `a string`, `an object`, `null`.
struct KindWithArticle<'a>(&'a str);

impl fmt::Display for KindWithArticle<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            "null" => f.write_str("null"),
            kind if kind.starts_with(['a', 'e', 'i', 'o', 'u']) => write!(f, "an {kind}"),
            kind => write!(f, "a {kind}"),
        }
    }
}

/// A workflow that stopped at a step, with the outputs it had already produced.
///
/// `P` is the workflow's `...Partial` struct: every output whose source step succeeded before the
/// failure is `Some`, so a rotation that created a new key and then failed to revoke the old one
/// still hands the new key to the caller ([`WorkflowError::into_partial`]).
// Boxed so that `Result<_, WorkflowError<P>>` stays one pointer wide however large `P` is.
pub struct WorkflowError<P>(pub(crate) Box<Inner<P>>);

pub(crate) struct Inner<P> {
    pub(crate) workflow_id: &'static str,
    pub(crate) step_id: &'static str,
    pub(crate) error: StepError,
    pub(crate) partial: P,
    pub(crate) checkpoint: Checkpoint,
}

impl<P> WorkflowError<P> {
    /// Builds the error of `workflow_id` failing at `step_id` (`""`: before its first step).
    pub fn new(workflow_id: &'static str, step_id: &'static str, error: StepError, partial: P) -> Self {
        Self(Box::new(Inner { workflow_id, step_id, error, partial, checkpoint: Checkpoint::default() }))
    }

    /// The same error, carrying `checkpoint` for resuming.
    pub fn with_checkpoint(mut self, checkpoint: Checkpoint) -> Self {
        self.0.checkpoint = checkpoint;
        self
    }

    /// What the run had received before the failed step: pass it to the generated
    /// `resume_...` function to finish the run without repeating the steps that took effect.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.0.checkpoint
    }

    /// Takes the checkpoint for resuming.
    pub fn into_checkpoint(self) -> Checkpoint {
        self.0.checkpoint
    }

    /// The `workflowId` of the failed workflow.
    pub fn workflow_id(&self) -> &'static str {
        self.0.workflow_id
    }

    /// The `stepId` of the step that failed; empty when the workflow failed before its first step.
    pub fn step_id(&self) -> &'static str {
        self.0.step_id
    }

    /// What went wrong.
    pub fn error(&self) -> &StepError {
        &self.0.error
    }

    /// The outputs produced before the failure.
    pub fn partial(&self) -> &P {
        &self.0.partial
    }

    /// Takes the outputs produced before the failure.
    pub fn into_partial(self) -> P {
        self.0.partial
    }

    /// Takes the step error and the partial outputs.
    pub fn into_parts(self) -> (StepError, P) {
        let inner = *self.0;
        (inner.error, inner.partial)
    }

    /// This error as the cause of a failed step in a calling workflow, and the partial outputs the
    /// called workflow gathered, which the caller keeps.
    pub fn into_nested(self) -> (StepError, P) {
        let (workflow_id, step_id) = (self.workflow_id(), self.step_id());
        let (error, partial) = self.into_parts();
        (StepError::Workflow { workflow_id, step_id, error: Box::new(error) }, partial)
    }
}

impl<P> fmt::Display for WorkflowError<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        describe(self.0.workflow_id, self.0.step_id, &self.0.error, f)
    }
}

/// The message of a failed workflow, typed or erased ([`crate::AnyWorkflowError`]).
pub(crate) fn describe(workflow_id: &str, step_id: &str, error: &StepError, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if step_id.is_empty() {
        write!(f, "workflow `{workflow_id}` failed before its first step: {error}")
    } else {
        write!(f, "workflow `{workflow_id}` failed at step `{step_id}`: {error}")
    }
}

impl<P: fmt::Debug> fmt::Debug for WorkflowError<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkflowError")
            .field("workflow_id", &self.0.workflow_id)
            .field("step_id", &self.0.step_id)
            .field("error", &self.0.error)
            .field("partial", &self.0.partial)
            .field("checkpoint", &self.0.checkpoint)
            .finish()
    }
}

impl<P: fmt::Debug> std::error::Error for WorkflowError<P> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretString;

    #[test]
    fn criterion_failed_names_the_criterion_status_and_body() {
        let error = StepError::CriterionFailed {
            criterion: "$statusCode == 200",
            status: 404,
            body_excerpt: r#"{"code":"not_found"}"#.into(),
            retries: None,
        };
        assert_eq!(
            error.to_string(),
            r#"expected `$statusCode == 200` to hold, but the response status was 404 (body: {"code":"not_found"})"#
        );
        let empty = StepError::CriterionFailed {
            criterion: "$statusCode == 204",
            status: 500,
            body_excerpt: String::new(),
            retries: None,
        };
        assert_eq!(
            empty.to_string(),
            "expected `$statusCode == 204` to hold, but the response status was 500 (empty body)"
        );
    }

    #[test]
    fn an_exhausted_retry_says_how_many_attempts_over_how_long() {
        let after = |over| StepError::CriterionFailed {
            criterion: "$statusCode == 200",
            status: 503,
            body_excerpt: String::new(),
            retries: Some(Retries { attempts: 11, over }),
        };
        assert_eq!(
            after(std::time::Duration::from_millis(2040)).to_string(),
            "expected `$statusCode == 200` to hold after 11 attempts over 2.0 s, but the last response status was 503 (empty body)"
        );
        assert_eq!(
            after(std::time::Duration::from_millis(35)).to_string(),
            "expected `$statusCode == 200` to hold after 11 attempts over 35 ms, but the last response status was 503 (empty body)"
        );
    }

    #[test]
    fn value_errors_name_the_pointer_and_the_type_found() {
        let missing = StepError::MissingValue { pointer: "/api_keys/0/api_key_id".into() };
        assert_eq!(missing.to_string(), "no value at JSON pointer `/api_keys/0/api_key_id` in the response body");
        let wrong = StepError::WrongType { pointer: "/key".into(), found: "object" };
        assert_eq!(
            wrong.to_string(),
            "the value at JSON pointer `/key` in the response body is an object, which is not the expected type"
        );
        let whole = StepError::WrongType { pointer: String::new(), found: "string" };
        assert_eq!(whole.to_string(), "the response body is a string, which is not the expected type");
        let null = StepError::WrongType { pointer: "/a".into(), found: "null" };
        assert!(null.to_string().contains("is null, which"));
    }

    #[test]
    fn workflow_error_display_names_workflow_and_step() {
        let error = WorkflowError::new("rotate-project-key", "deleteOldKey", StepError::Timeout, ());
        assert_eq!(
            error.to_string(),
            "workflow `rotate-project-key` failed at step `deleteOldKey`: the request timed out"
        );
        let early = WorkflowError::new("w", "", StepError::Timeout, ());
        assert_eq!(early.to_string(), "workflow `w` failed before its first step: the request timed out");
    }

    #[test]
    fn workflow_error_gives_back_the_partial_outputs() {
        #[derive(Debug, PartialEq)]
        struct Partial {
            new_key_id: Option<String>,
        }
        let error = WorkflowError::new("w", "s", StepError::Timeout, Partial { new_key_id: Some("k2".into()) });
        assert_eq!(error.workflow_id(), "w");
        assert_eq!(error.step_id(), "s");
        assert_eq!(error.error(), &StepError::Timeout);
        assert_eq!(error.partial().new_key_id.as_deref(), Some("k2"));
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("the request timed out"));
        assert_eq!(error.into_partial(), Partial { new_key_id: Some("k2".into()) });
    }

    #[test]
    fn workflow_error_debug_redacts_secret_partial_outputs() {
        #[derive(Debug)]
        #[allow(dead_code)] // read through Debug only
        struct Partial {
            new_key: Option<SecretString>,
        }
        let error = WorkflowError::new("w", "s", StepError::Timeout, Partial { new_key: Some("sk_live_new".into()) });
        let debug = format!("{error:?}");
        assert!(debug.contains("workflow_id: \"w\""));
        assert!(debug.contains("[REDACTED]"));
        assert!(!debug.contains("sk_live_new"));
    }
}
