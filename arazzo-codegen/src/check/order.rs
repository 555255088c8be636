//! The order a workflow's steps run in (Arazzo 1.1 step `dependsOn`).
//!
//! A workflow where no step has `dependsOn` runs its steps one at a time in the order written, as in
//! 1.0 ("the sequential execution model"). Once a step has `dependsOn`, a step waits only for the
//! steps it depends on: those it lists and those whose outputs it reads. The planner then plans
//! the steps in an order that puts every step after those (a cycle is an error naming it), and
//! steps whose dependencies have all succeeded run concurrently ([`levels`]). A workflow with
//! success or failure actions is a state machine that runs one step at a time in the order written:
//! there a dependency must come earlier, and every way the actions can lead to a step must pass
//! through its dependencies (checked after planning, [`check_completed`]). See docs/DECISIONS.md.

use std::collections::BTreeSet;

use super::Reporter;
use super::flow::Flow;
use super::workflow::Context;
use crate::model;
use crate::plan::StepPlan;

/// How a workflow's steps are ordered.
pub(crate) struct Order {
    /// The document indexes of the steps, in the order to plan them: each after its dependencies.
    pub(crate) planning: Vec<usize>,
    /// Per step (document index), the steps it lists in `dependsOn`, as document indexes: a step of
    /// another workflow stands for the steps of this one that call that workflow. With the
    /// `dependsOn` entry it comes from.
    pub(crate) explicit: Vec<Vec<(usize, usize)>>,
    /// Whether the steps run by their dependencies (concurrently where they can) rather than one at a
    /// time in the order written.
    pub(crate) by_dependencies: bool,
}

/// The order of `workflow`'s steps; `None` when it has a cycle or a dependency that cannot be met
/// (reported).
pub(crate) fn order(cx: &mut Context<'_, '_>, workflow: &model::Workflow, pointer: &str) -> Option<Order> {
    let count = workflow.steps.len();
    let sequential =
        Order { planning: (0..count).collect(), explicit: vec![Vec::new(); count], by_dependencies: false };
    if cx.reporter.version < model::Version::V1_1 || workflow.steps.iter().all(|step| step.depends_on.is_none()) {
        return Some(sequential);
    }
    let mut fine = true;
    let explicit: Vec<Vec<(usize, usize)>> = workflow
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            // An AsyncAPI step is refused (not generated yet): what it waits for is its feature's.
            if super::version::is_asyncapi(cx.document, step) {
                return Vec::new();
            }
            let entries = step.depends_on.as_deref().unwrap_or_default();
            let mut resolved = Vec::new();
            for (entry_index, entry) in entries.iter().enumerate() {
                let entry_pointer = format!("{pointer}/steps/{index}/dependsOn/{entry_index}");
                match resolve(cx, workflow, entry, &entry_pointer) {
                    Ok(steps) => resolved.extend(steps.into_iter().map(|step| (step, entry_index))),
                    Err(()) => fine = false,
                }
            }
            resolved
        })
        .collect();
    let has_actions = !workflow.success_actions.is_empty()
        || !workflow.failure_actions.is_empty()
        || workflow.steps.iter().any(|step| !step.on_success.is_empty() || !step.on_failure.is_empty());
    if has_actions {
        for (index, dependencies) in explicit.iter().enumerate() {
            for &(dependency, entry) in dependencies {
                if dependency >= index {
                    cx.reporter.error(
                        &format!("{pointer}/steps/{index}/dependsOn/{entry}"),
                        format!(
                            "step `{}` depends on step `{}`, which is written after it: this workflow has success \
                             or failure actions, so its steps run one at a time in the order written; move `{}` \
                             before `{}`",
                            workflow.steps[index].step_id,
                            workflow.steps[dependency].step_id,
                            workflow.steps[dependency].step_id,
                            workflow.steps[index].step_id
                        ),
                    );
                    fine = false;
                }
            }
        }
        return fine.then_some(Order { explicit, ..sequential });
    }
    let implicit: Vec<Vec<usize>> = (0..count).map(|index| implicit(cx.reporter, workflow, pointer, index)).collect();
    let waits_for: Vec<Vec<usize>> = (0..count)
        .map(|index| {
            let mut all: Vec<usize> =
                explicit[index].iter().map(|(step, _)| *step).chain(implicit[index].iter().copied()).collect();
            all.sort_unstable();
            all.dedup();
            all
        })
        .collect();
    let planning = match topological(&waits_for) {
        Ok(planning) => planning,
        Err(cycle) => {
            report_cycle(cx.reporter, workflow, pointer, &cycle, &explicit);
            return None;
        }
    };
    fine.then_some(Order { planning, explicit, by_dependencies: true })
}

/// The steps of this workflow a `dependsOn` entry stands for (document indexes), or the error of one
/// that cannot be met within a run (reported). Entries that name nothing were reported by
/// `check::version` and stand for nothing here.
fn resolve(cx: &mut Context<'_, '_>, workflow: &model::Workflow, entry: &str, pointer: &str) -> Result<Vec<usize>, ()> {
    let local = |id: &str| workflow.steps.iter().position(|step| step.step_id == id);
    if !entry.starts_with('$') {
        return Ok(local(entry).into_iter().collect());
    }
    let parts: Vec<&str> = entry.split('.').collect();
    let (callee, step_id) = match parts.as_slice() {
        ["$workflows", id, "steps", step_id] if *id == workflow.workflow_id => {
            return Ok(local(step_id).into_iter().collect());
        }
        ["$workflows", id, "steps", step_id] => {
            let exists = cx
                .document
                .workflows
                .iter()
                .any(|other| other.workflow_id == *id && other.steps.iter().any(|step| step.step_id == *step_id));
            if !exists {
                return Ok(Vec::new());
            }
            ((*id).to_string(), *step_id)
        }
        ["$sourceDescriptions", name, id, "steps", step_id] => (format!("$sourceDescriptions.{name}.{id}"), *step_id),
        _ => return Ok(Vec::new()),
    };
    // Within one run, the other workflow's step has run when that workflow has: before the first step
    // (workflow `dependsOn`), or in a step of this workflow that calls it.
    let callers: Vec<usize> = workflow
        .steps
        .iter()
        .enumerate()
        .filter(|(_, step)| step.workflow_id.as_deref() == Some(callee.as_str()))
        .map(|(index, _)| index)
        .collect();
    let runs_first = workflow.depends_on.contains(&callee);
    if callers.is_empty() && !runs_first {
        cx.reporter.error(
            pointer,
            format!(
                "`{entry}` is a step of workflow `{callee}`, which does not run in a run of this workflow: a \
                 generated workflow cannot wait for another run. List `{callee}` in the workflow's `dependsOn`, or \
                 depend on a step of this workflow that calls it"
            ),
        );
        return Err(());
    }
    match runs(cx, &callee, step_id) {
        Runs::Always | Runs::Unknown => Ok(callers),
        Runs::NoSuchStep => {
            cx.reporter.error(pointer, format!("`{entry}` names no step of workflow `{callee}`"));
            Err(())
        }
        Runs::Sometimes => {
            cx.reporter.error(
                pointer,
                format!(
                    "workflow `{callee}` can succeed without running its step `{step_id}` (an action skips it), so \
                     `{entry}` may never have run when this step starts"
                ),
            );
            Err(())
        }
    }
}

/// Whether a step of another workflow runs whenever that workflow succeeds.
enum Runs {
    Always,
    /// An action can skip it.
    Sometimes,
    NoSuchStep,
    /// The workflow could not be planned: its own errors are reported where it is.
    Unknown,
}

/// Whether step `step_id` of workflow `callee` (an id of this document, or
/// `$sourceDescriptions.<name>.<id>`) runs in every run of it that succeeds.
fn runs(cx: &Context<'_, '_>, callee: &str, step_id: &str) -> Runs {
    let plan = match callee.strip_prefix("$sourceDescriptions.") {
        Some(rest) => rest.split_once('.').and_then(|(name, id)| {
            let (_, module) = cx.foreign.iter().find(|(source, _)| source == name)?;
            module.workflows.iter().find(|plan| plan.workflow_id == id)
        }),
        None => cx
            .document
            .workflows
            .iter()
            .position(|candidate| candidate.workflow_id == callee)
            .and_then(|position| cx.callees.get(position)?.as_ref()),
    };
    let Some(plan) = plan else { return Runs::Unknown };
    let Some(index) = plan.steps.iter().position(|step| step.step_id == step_id) else { return Runs::NoSuchStep };
    let flow = super::flow::analyse(&plan.steps);
    if flow.at_end.is_some_and(|at_end| at_end.contains(&index)) { Runs::Always } else { Runs::Sometimes }
}

/// The steps (document indexes) whose outputs step `index` reads, found in its text (`$steps.<id>`):
/// it must run after them. The step's own and unknown ids are left to the planner, which reports them.
fn implicit(reporter: &Reporter<'_>, workflow: &model::Workflow, pointer: &str, index: usize) -> Vec<usize> {
    let Some(serde_json::Value::Object(step)) = reporter.loaded.value.pointer(&format!("{pointer}/steps/{index}"))
    else {
        return Vec::new();
    };
    let mut ids = Vec::new();
    for (key, value) in step {
        // A description is text for people: `$steps.x` there reads nothing.
        if key != "description" {
            step_ids_in(value, &mut ids);
            // A reusable parameter or action the step references reads what its component reads.
            let mut references = Vec::new();
            references_in(value, &mut references);
            for reference in references {
                let component = reference.strip_prefix("$components.").and_then(|path| path.split_once('.'));
                let found = component.and_then(|(kind, name)| {
                    let components = reporter.loaded.value.get("components")?;
                    components.get(kind)?.get(name)
                });
                if let Some(serde_json::Value::Object(members)) = found {
                    members
                        .iter()
                        .filter(|(key, _)| *key != "description")
                        .for_each(|(_, member)| step_ids_in(member, &mut ids));
                }
            }
        }
    }
    let mut found: Vec<usize> = ids
        .iter()
        .filter_map(|id| workflow.steps.iter().position(|step| &step.step_id == id))
        .filter(|&producer| producer != index)
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// The `reference` of every Reusable Object in `value` (`$components.parameters.page`).
fn references_in<'v>(value: &'v serde_json::Value, references: &mut Vec<&'v str>) {
    match value {
        serde_json::Value::Array(items) => items.iter().for_each(|item| references_in(item, references)),
        serde_json::Value::Object(members) => {
            if let Some(serde_json::Value::String(reference)) = members.get("reference") {
                references.push(reference);
            }
            members.values().for_each(|member| references_in(member, references));
        }
        _ => {}
    }
}

/// Every `<id>` of `$steps.<id>` in the strings of `value` (an id ends at the first character that is
/// not a letter, digit, `_` or `-`, as in expressions).
fn step_ids_in(value: &serde_json::Value, ids: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => {
            for (at, _) in text.match_indices("$steps.") {
                let id: String = text[at + "$steps.".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
                    .collect();
                if !id.is_empty() {
                    ids.push(id);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| step_ids_in(item, ids)),
        serde_json::Value::Object(members) => members.values().for_each(|member| step_ids_in(member, ids)),
        _ => {}
    }
}

/// The steps in an order where each comes after those it waits for, the first written first among
/// those ready; or a cycle (document indexes, each waiting for the next, the last for the first).
fn topological(waits_for: &[Vec<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    let count = waits_for.len();
    let mut waiting: Vec<usize> = waits_for.iter().map(Vec::len).collect();
    let mut unblocks: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (step, dependencies) in waits_for.iter().enumerate() {
        for &dependency in dependencies {
            unblocks[dependency].push(step);
        }
    }
    let mut ready: BTreeSet<usize> = (0..count).filter(|&step| waiting[step] == 0).collect();
    let mut order = Vec::with_capacity(count);
    while let Some(step) = ready.pop_first() {
        order.push(step);
        for &next in &unblocks[step] {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.insert(next);
            }
        }
    }
    if order.len() == count {
        return Ok(order);
    }
    // Every step left waits for another step left: walking from the first, some step comes back.
    let Some(start) = (0..count).find(|&step| waiting[step] > 0) else { return Ok(order) };
    let mut path = vec![start];
    loop {
        let current = path[path.len() - 1];
        let Some(&next) = waits_for[current].iter().find(|&&dependency| waiting[dependency] > 0) else {
            return Err(path);
        };
        if let Some(position) = path.iter().position(|&step| step == next) {
            return Err(path.split_off(position));
        }
        path.push(next);
    }
}

/// Reports a cycle at the `dependsOn` entry (or, for an output read, the step) of its first step.
fn report_cycle(
    reporter: &mut Reporter<'_>,
    workflow: &model::Workflow,
    pointer: &str,
    cycle: &[usize],
    explicit: &[Vec<(usize, usize)>],
) {
    // The cycle starting from its first step as written, for a stable message.
    let first = cycle.iter().enumerate().min_by_key(|(_, step)| **step).map_or(0, |(position, _)| position);
    let cycle: Vec<usize> = cycle[first..].iter().chain(&cycle[..first]).copied().collect();
    let links: Vec<String> = cycle
        .iter()
        .enumerate()
        .map(|(position, &step)| {
            let next = cycle[(position + 1) % cycle.len()];
            let how = if explicit[step].iter().any(|(dependency, _)| *dependency == next) {
                "lists it in `dependsOn`"
            } else {
                "reads its outputs"
            };
            format!("`{}` waits for `{}` ({how})", workflow.steps[step].step_id, workflow.steps[next].step_id)
        })
        .collect();
    let (step, next) = (cycle[0], cycle[1 % cycle.len()]);
    let at = match explicit[step].iter().find(|(dependency, _)| *dependency == next) {
        Some((_, entry)) => format!("{pointer}/steps/{step}/dependsOn/{entry}"),
        None => format!("{pointer}/steps/{step}"),
    };
    reporter
        .error(&at, format!("these steps wait for each other, so none of them can ever start: {}", links.join(", ")));
}

/// In a workflow run one step at a time (one with actions), every `dependsOn` step must have
/// succeeded whichever way the actions led to the dependent step. `steps` are planned in document
/// order; `order` is the workflow's.
pub(crate) fn check_completed(
    reporter: &mut Reporter<'_>,
    workflow: &model::Workflow,
    order: &Order,
    flow: &Flow,
    steps: &[StepPlan],
    pointer: &str,
) -> bool {
    let mut fine = true;
    let position = |index: usize| steps.iter().position(|step| step.step_id == workflow.steps[index].step_id);
    for (index, dependencies) in order.explicit.iter().enumerate() {
        let Some(at) = position(index) else { continue };
        let Some(known) = &flow.before[at] else { continue };
        for &(dependency, entry) in dependencies {
            let Some(producer) = position(dependency) else { continue };
            if !known.contains(&producer) {
                reporter.error(
                    &format!("{pointer}/steps/{index}/dependsOn/{entry}"),
                    format!(
                        "step `{}` depends on step `{}`, but an action can lead to `{}` without step `{}` having \
                         succeeded",
                        steps[at].step_id, steps[producer].step_id, steps[at].step_id, steps[producer].step_id
                    ),
                );
                fine = false;
            }
        }
    }
    fine
}

/// The levels of a workflow run by its dependencies, once planned (in `planning` order): each step
/// waits for the steps it lists in `dependsOn` and those whose outputs it reads, and runs in the
/// level after the last of them. Returns the steps reordered level by level (the order written
/// within a level), the levels as positions in that order, and for each step the positions of the
/// steps it waits for.
pub(crate) fn levels(
    workflow: &model::Workflow,
    order: &Order,
    steps: Vec<StepPlan>,
) -> (Vec<StepPlan>, Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let document_index =
        |step: &StepPlan| workflow.steps.iter().position(|candidate| candidate.step_id == step.step_id).unwrap_or(0);
    let waits: Vec<Vec<usize>> = steps
        .iter()
        .map(|step| {
            let index = document_index(step);
            let explicit = order.explicit[index].iter().filter_map(|(dependency, _)| {
                steps.iter().position(|planned| planned.step_id == workflow.steps[*dependency].step_id)
            });
            let implicit = step.values_read().into_iter().filter_map(|value| super::flow::producer(&steps, value));
            let mut all: Vec<usize> = explicit.chain(implicit).collect();
            all.sort_unstable();
            all.dedup();
            all
        })
        .collect();
    // Planned after everything they wait for, so one pass gives each its level.
    let mut level = vec![0usize; steps.len()];
    for position in 0..steps.len() {
        level[position] = waits[position].iter().map(|&dependency| level[dependency] + 1).max().unwrap_or(0);
    }
    let mut sorted: Vec<usize> = (0..steps.len()).collect();
    sorted.sort_by_key(|&position| (level[position], document_index(&steps[position])));
    let new_position = {
        let mut map = vec![0; steps.len()];
        for (new, &old) in sorted.iter().enumerate() {
            map[old] = new;
        }
        map
    };
    let mut levels: Vec<Vec<usize>> = Vec::new();
    for (new, &old) in sorted.iter().enumerate() {
        let depth = level[old];
        if levels.len() <= depth {
            levels.resize(depth + 1, Vec::new());
        }
        levels[depth].push(new);
    }
    let waits_for: Vec<Vec<usize>> = sorted
        .iter()
        .map(|&old| {
            let mut mapped: Vec<usize> = waits[old].iter().map(|&dependency| new_position[dependency]).collect();
            mapped.sort_unstable();
            mapped
        })
        .collect();
    let mut slots: Vec<Option<StepPlan>> = steps.into_iter().map(Some).collect();
    let reordered = sorted.iter().filter_map(|&old| slots[old].take()).collect();
    (reordered, levels, waits_for)
}
