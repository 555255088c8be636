//! Arazzo 1.1 step `timeout`s: the limit of one attempt of a step, and how a step that calls a
//! workflow hands its limit to the called workflow's run.

use std::time::{Duration, Instant};

use crate::error::StepError;

/// A step `timeout` in force: the step, its limit, and when it runs out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct StepDeadline {
    step: &'static str,
    limit: Duration,
    /// `None`: so far away that it cannot be added to now, i.e. never.
    at: Option<Instant>,
}

impl StepDeadline {
    /// The deadline of an attempt of `step` starting now.
    pub(crate) fn starting_now(step: &'static str, limit: Duration) -> Self {
        Self { step, limit, at: Instant::now().checked_add(limit) }
    }

    /// The time left, or the error of having none left.
    pub(crate) fn remaining(&self) -> Result<Option<Duration>, StepError> {
        let Some(at) = self.at else { return Ok(None) };
        match at.checked_duration_since(Instant::now()) {
            Some(left) if !left.is_zero() => Ok(Some(left)),
            _ => Err(self.timed_out()),
        }
    }

    pub(crate) fn timed_out(&self) -> StepError {
        StepError::StepTimeout { step: self.step, limit: self.limit }
    }

    /// The one of `a` and `b` that runs out first.
    pub(crate) fn earliest(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) => match (a.at, b.at) {
                (Some(at_a), Some(at_b)) if at_b < at_a => Some(b),
                (None, Some(_)) => Some(b),
                _ => Some(a),
            },
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_names_its_step_and_limit_once_it_passes() {
        let deadline = StepDeadline::starting_now("search", Duration::ZERO);
        let expected = StepError::StepTimeout { step: "search", limit: Duration::ZERO };
        assert_eq!(deadline.remaining(), Err(expected));
        let far = StepDeadline::starting_now("search", Duration::from_secs(60));
        assert!(far.remaining().is_ok_and(|left| left.is_some_and(|left| left <= Duration::from_secs(60))));
    }

    #[test]
    fn the_earliest_deadline_wins() {
        let soon = StepDeadline::starting_now("inner", Duration::from_millis(10));
        let late = StepDeadline::starting_now("outer", Duration::from_secs(60));
        let never = StepDeadline { step: "never", limit: Duration::MAX, at: None };
        assert_eq!(StepDeadline::earliest(Some(late), Some(soon)), Some(soon));
        assert_eq!(StepDeadline::earliest(Some(soon), Some(late)), Some(soon));
        assert_eq!(StepDeadline::earliest(Some(never), Some(late)), Some(late));
        assert_eq!(StepDeadline::earliest(None, Some(late)), Some(late));
        assert_eq!(StepDeadline::earliest(None, None), None);
    }

    #[test]
    fn the_error_says_which_step_and_how_long() {
        let error = StepError::StepTimeout { step: "search", limit: Duration::from_millis(250) };
        assert_eq!(error.to_string(), "step `search` took longer than its `timeout` of 250 ms");
    }
}
