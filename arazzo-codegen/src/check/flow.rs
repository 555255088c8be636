//! Which step outputs are sure to exist at each point of a workflow whose actions jump around.
//!
//! A forward data-flow analysis over the steps: a step's outputs exist after it succeeded, and
//! what is sure to exist when a step starts is what every way of reaching it guarantees. Reading an
//! output that some path skips is a build error; a workflow output that some path to the end skips
//! becomes an `Option`.

use crate::plan::{ActionKind, StepPlan, ValueRef, WorkflowOutputPlan};

/// Steps sure to have succeeded, per step (`None`: the step cannot be reached) and at the end.
pub(crate) struct Flow {
    pub(crate) before: Vec<Option<StepSet>>,
    pub(crate) at_end: Option<StepSet>,
}

/// A set of step indexes, one bit each: the analysis keeps a set per step, and a tree per step would
/// make a workflow of thousands of steps take minutes and gigabytes (see `tests/hostile`).
#[derive(Clone, Debug, Default)]
pub(crate) struct StepSet {
    words: Vec<u64>,
}

impl StepSet {
    pub(crate) fn contains(&self, step: &usize) -> bool {
        self.words.get(step / 64).is_some_and(|word| word >> (step % 64) & 1 == 1)
    }

    fn insert(&mut self, step: usize) {
        if self.words.len() <= step / 64 {
            self.words.resize(step / 64 + 1, 0);
        }
        self.words[step / 64] |= 1 << (step % 64);
    }

    /// Keeps only the steps `other` has too; whether any went.
    fn retain_common(&mut self, other: &StepSet) -> bool {
        let mut changed = false;
        for (index, word) in self.words.iter_mut().enumerate() {
            let kept = *word & other.words.get(index).copied().unwrap_or_default();
            changed |= kept != *word;
            *word = kept;
        }
        changed
    }
}

impl PartialEq for StepSet {
    fn eq(&self, other: &Self) -> bool {
        let word = |set: &Self, index: usize| set.words.get(index).copied().unwrap_or_default();
        (0..self.words.len().max(other.words.len())).all(|index| word(self, index) == word(other, index))
    }
}

impl FromIterator<usize> for StepSet {
    fn from_iter<I: IntoIterator<Item = usize>>(steps: I) -> Self {
        let mut set = Self::default();
        steps.into_iter().for_each(|step| set.insert(step));
        set
    }
}

pub(crate) fn analyse(steps: &[StepPlan]) -> Flow {
    let mut before: Vec<Option<StepSet>> = vec![None; steps.len()];
    let mut at_end: Option<StepSet> = None;
    if steps.is_empty() {
        return Flow { before, at_end: Some(StepSet::default()) };
    }
    before[0] = Some(StepSet::default());
    // Sets only shrink, so this ends; the bound is a guard, not a limit that is ever reached.
    for _ in 0..=steps.len() * steps.len() + 1 {
        let mut changed = false;
        for (index, step) in steps.iter().enumerate() {
            let Some(known) = before[index].clone() else { continue };
            let mut succeeded = known.clone();
            succeeded.insert(index);
            for (target, carried) in edges(index, step, steps.len()) {
                let carried = if carried { &succeeded } else { &known };
                let slot = match target {
                    Some(target) => &mut before[target],
                    None => &mut at_end,
                };
                changed |= meet(slot, carried);
            }
        }
        if !changed {
            break;
        }
    }
    Flow { before, at_end }
}

/// Where control can go after step `index`: `(target, after success)`; `None` is the end.
fn edges(index: usize, step: &StepPlan, count: usize) -> Vec<(Option<usize>, bool)> {
    let next = (index + 1 < count).then_some(index + 1);
    let mut edges = vec![(next, true)];
    for action in &step.on_success {
        match &action.kind {
            ActionKind::End | ActionKind::Transfer(_) => edges.push((None, true)),
            ActionKind::Goto(target) => edges.push((Some(*target), true)),
            ActionKind::Retry { target, .. } => edges.push((Some(target.unwrap_or(index)), true)),
        }
    }
    for action in &step.on_failure {
        match &action.kind {
            // A failure that ends the workflow is an error: it does not reach the end.
            ActionKind::End | ActionKind::Transfer(_) => {}
            ActionKind::Goto(target) => edges.push((Some(*target), false)),
            ActionKind::Retry { target, .. } => edges.push((Some(target.unwrap_or(index)), false)),
        }
    }
    edges
}

fn meet(slot: &mut Option<StepSet>, incoming: &StepSet) -> bool {
    match slot {
        None => {
            *slot = Some(incoming.clone());
            true
        }
        Some(known) => known.retain_common(incoming),
    }
}

/// The index of the step that produces `variable`.
pub(crate) fn producer(steps: &[StepPlan], value: &ValueRef) -> Option<usize> {
    let ValueRef::StepOutput { variable, .. } = value.base() else { return None };
    steps.iter().position(|step| step.outputs.iter().any(|output| &output.variable == variable))
}

/// Outputs some path to the end skips: their fields become `Option`.
pub(crate) fn mark_optional_outputs(flow: &Flow, steps: &[StepPlan], outputs: &mut [WorkflowOutputPlan]) {
    let Some(at_end) = &flow.at_end else { return };
    for output in outputs {
        if let Some(step) = producer(steps, &output.value)
            && !at_end.contains(&step)
        {
            output.field.optional = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::ActionPlan;

    fn step(on_success: Vec<ActionKind>, on_failure: Vec<ActionKind>) -> StepPlan {
        let action = |kind| ActionPlan { name: "a".into(), kind, criteria: Vec::new() };
        StepPlan {
            step_id: String::new(),
            description: None,
            operation_id: None,
            operation_summary: None,
            deprecated: false,
            method: crate::openapi::Method::Get,
            path: String::new(),
            source: 0,
            server_url: None,
            parameters: Vec::new(),
            query_string: None,
            body: None,
            credentials: Vec::new(),
            criteria: Vec::new(),
            outputs: Vec::new(),
            call: None,
            on_success: on_success.into_iter().map(action).collect(),
            on_failure: on_failure.into_iter().map(action).collect(),
            timeout: None,
        }
    }

    fn set(items: &[usize]) -> Option<StepSet> {
        Some(items.iter().copied().collect())
    }

    #[test]
    fn straight_line_steps_see_every_earlier_step() {
        let flow = analyse(&[step(vec![], vec![]), step(vec![], vec![]), step(vec![], vec![])]);
        assert_eq!(flow.before, [set(&[]), set(&[0]), set(&[0, 1])]);
        assert_eq!(flow.at_end, set(&[0, 1, 2]));
    }

    #[test]
    fn a_goto_past_a_step_makes_its_outputs_uncertain() {
        // 0 may jump straight to 2, skipping 1.
        let flow = analyse(&[step(vec![ActionKind::Goto(2)], vec![]), step(vec![], vec![]), step(vec![], vec![])]);
        assert_eq!(flow.before[2], set(&[0]));
        assert_eq!(flow.at_end, set(&[0, 2]));
    }

    #[test]
    fn a_failure_goto_carries_nothing_from_the_failed_step() {
        // 0 fails over to 2; 1 runs only after 0 succeeded.
        let flow = analyse(&[step(vec![], vec![ActionKind::Goto(2)]), step(vec![], vec![]), step(vec![], vec![])]);
        assert_eq!(flow.before[1], set(&[0]));
        assert_eq!(flow.before[2], set(&[]));
    }

    #[test]
    fn an_early_end_leaves_later_outputs_uncertain_and_loops_converge() {
        let polling = ActionKind::Retry { after: Some(1.0), limit: 3, target: None, first: None };
        let flow = analyse(&[step(vec![ActionKind::End], vec![polling]), step(vec![ActionKind::Goto(0)], vec![])]);
        assert_eq!(flow.before, [set(&[]), set(&[0])]);
        assert_eq!(flow.at_end, set(&[0]));
    }
}
