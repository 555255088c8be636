//! One error type for code that runs the workflows of many generated modules: each workflow fails
//! with its own `WorkflowError<…Partial>`, and `?` turns any of them into an [`AnyWorkflowError`].

use std::any::Any;
use std::fmt;

use crate::error::{Inner, StepError, WorkflowError};
use crate::journal::Checkpoint;

/// A [`WorkflowError`] of any workflow, its partial outputs type-erased.
///
/// `From<WorkflowError<P>>` lets `?` convert the error of every generated workflow function, so that
/// one function can run workflows of several documents:
///
/// ```
/// use arazzo_runtime::{AnyWorkflowError, StepError, WorkflowError};
///
/// #[derive(Clone, Debug, Default)]
/// struct RotatePartial {
///     new_key_id: Option<String>,
/// }
///
/// fn rotate() -> Result<(), WorkflowError<RotatePartial>> {
///     let partial = RotatePartial { new_key_id: Some("key_2".into()) };
///     Err(WorkflowError::new("rotate-key", "revokeOldKey", StepError::Timeout, partial))
/// }
///
/// fn rotate_everything() -> Result<(), AnyWorkflowError> {
///     rotate()?;
///     Ok(())
/// }
///
/// let error = rotate_everything().unwrap_err();
/// assert_eq!((error.workflow_id(), error.step_id()), ("rotate-key", "revokeOldKey"));
/// // The partial outputs are still there, under their own type.
/// let partial = error.downcast_partial::<RotatePartial>().unwrap();
/// assert_eq!(partial.new_key_id.as_deref(), Some("key_2"));
/// ```
///
/// Its `Display` is the original error's; its `Debug` shows the partial outputs through their own
/// `Debug` (secrets redacted).
pub struct AnyWorkflowError(Box<Inner<ErasedPartial>>);

/// The partial outputs, and how to show them: `dyn Any` has no `Debug` of its own.
struct ErasedPartial {
    value: Box<dyn Any + Send + Sync>,
    debug: fn(&(dyn Any + Send + Sync), &mut fmt::Formatter<'_>) -> fmt::Result,
}

/// `Debug` of an erased `P`, chosen when `P` was known.
fn debug_as<P: fmt::Debug + 'static>(value: &(dyn Any + Send + Sync), f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match value.downcast_ref::<P>() {
        Some(partial) => fmt::Debug::fmt(partial, f),
        // Never taken: the function is stored together with a `P`.
        None => f.write_str("<partial outputs>"),
    }
}

impl<P: fmt::Debug + Send + Sync + 'static> From<WorkflowError<P>> for AnyWorkflowError {
    fn from(error: WorkflowError<P>) -> Self {
        let Inner { workflow_id, step_id, error, partial, checkpoint } = *error.0;
        let partial = ErasedPartial { value: Box::new(partial), debug: debug_as::<P> };
        Self(Box::new(Inner { workflow_id, step_id, error, partial, checkpoint }))
    }
}

impl AnyWorkflowError {
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

    /// What the run had received before the failed step, for the generated `resume_...` function.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.0.checkpoint
    }

    /// Takes the checkpoint for resuming.
    pub fn into_checkpoint(self) -> Checkpoint {
        self.0.checkpoint
    }

    /// The partial outputs, when they are a `P` (the `…Partial` struct of the workflow that failed).
    pub fn downcast_partial<P: 'static>(&self) -> Option<&P> {
        self.0.partial.value.downcast_ref::<P>()
    }

    /// The typed error back, when its partial outputs are a `P`; otherwise `self`, unchanged.
    pub fn downcast<P: 'static>(self) -> Result<WorkflowError<P>, Self> {
        if !self.0.partial.value.is::<P>() {
            return Err(self);
        }
        let Inner { workflow_id, step_id, error, partial, checkpoint } = *self.0;
        match partial.value.downcast::<P>() {
            Ok(partial) => {
                Ok(WorkflowError(Box::new(Inner { workflow_id, step_id, error, partial: *partial, checkpoint })))
            }
            // Checked above; rebuilt rather than panicking.
            Err(value) => {
                let partial = ErasedPartial { value, debug: partial.debug };
                Err(Self(Box::new(Inner { workflow_id, step_id, error, partial, checkpoint })))
            }
        }
    }
}

impl fmt::Display for AnyWorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::error::describe(self.0.workflow_id, self.0.step_id, &self.0.error, f)
    }
}

impl fmt::Debug for ErasedPartial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.debug)(&*self.value, f)
    }
}

impl fmt::Debug for AnyWorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyWorkflowError")
            .field("workflow_id", &self.0.workflow_id)
            .field("step_id", &self.0.step_id)
            .field("error", &self.0.error)
            .field("partial", &self.0.partial)
            .field("checkpoint", &self.0.checkpoint)
            .finish()
    }
}

impl std::error::Error for AnyWorkflowError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretString;

    #[derive(Clone, Debug, Default, PartialEq)]
    struct RotatePartial {
        new_key_id: Option<String>,
    }

    #[derive(Clone, Debug, Default)]
    #[allow(dead_code)] // read through Debug only
    struct OtherPartial {
        token: Option<SecretString>,
    }

    fn rotate() -> Result<(), WorkflowError<RotatePartial>> {
        let partial = RotatePartial { new_key_id: Some("k2".into()) };
        Err(WorkflowError::new("rotate", "revoke", StepError::Timeout, partial))
    }

    fn other() -> Result<(), WorkflowError<OtherPartial>> {
        let partial = OtherPartial { token: Some("sk_live_secret".into()) };
        Err(WorkflowError::new("other", "", StepError::Timeout, partial))
    }

    /// `?` converts the errors of two workflows with different partial outputs.
    fn both(first: bool) -> Result<(), AnyWorkflowError> {
        if first {
            rotate()?;
        }
        other()?;
        Ok(())
    }

    #[test]
    fn question_mark_erases_the_partial_type_and_keeps_the_rest() {
        let error = both(true).unwrap_err();
        assert_eq!((error.workflow_id(), error.step_id(), error.error()), ("rotate", "revoke", &StepError::Timeout));
        assert_eq!(error.to_string(), "workflow `rotate` failed at step `revoke`: the request timed out");
        assert_eq!(error.downcast_partial::<RotatePartial>().unwrap().new_key_id.as_deref(), Some("k2"));
        assert!(error.downcast_partial::<OtherPartial>().is_none());
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("the request timed out"));

        let error = error.downcast::<OtherPartial>().unwrap_err();
        let typed = error.downcast::<RotatePartial>().unwrap();
        assert_eq!(typed.partial(), &RotatePartial { new_key_id: Some("k2".into()) });
        assert_eq!(typed.step_id(), "revoke");
    }

    #[test]
    fn debug_shows_the_partial_outputs_with_secrets_redacted() {
        let error = both(false).unwrap_err();
        assert_eq!(error.to_string(), "workflow `other` failed before its first step: the request timed out");
        let debug = format!("{error:?}");
        assert!(debug.contains("OtherPartial { token: Some(SecretString([REDACTED])) }"), "{debug}");
        assert!(!debug.contains("sk_live_secret"));
        assert_eq!(error.into_checkpoint().workflow_id(), "");
    }
}
