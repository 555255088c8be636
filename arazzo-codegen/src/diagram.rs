//! Mermaid flowcharts of planned workflows: one node per step, edges for moving on, `goto`,
//! `retry`, `end` and hand-overs to other workflows, for the generated docs and
//! `arazzo-codegen diagram`.
//!
//! Every text from the document is escaped, so a label can neither end its node, nor the Mermaid
//! code block it is shown in, nor the doc comment around it.

use std::fmt::Write as _;

use crate::plan::{ActionKind, ActionPlan, ModulePlan, StepPlan, WorkflowPlan};

/// The flowcharts of every workflow of a module, one after the other, each starting with a
/// `%% <workflowId>` comment.
pub fn module(plan: &ModulePlan) -> String {
    plan.workflows.iter().map(workflow).collect::<Vec<_>>().join("\n")
}

/// The flowchart of one workflow.
pub fn workflow(workflow: &WorkflowPlan) -> String {
    let mut chart = format!("%% {}\nflowchart TD\n", comment(&workflow.workflow_id));
    // `writeln!` into a String cannot fail; the results are ignored for that reason.
    let _ = writeln!(chart, "    start([\"{}\"])", label(&workflow.workflow_id));
    let mut previous = "start".to_string();
    for (index, dependency) in workflow.dependencies.iter().enumerate() {
        let node = format!("d{index}");
        let _ = writeln!(chart, "    {node}[[\"dependsOn {}\"]]", label(&callee(dependency)));
        let _ = writeln!(chart, "    {previous} --> {node}");
        previous = node;
    }
    for (index, step) in workflow.steps.iter().enumerate() {
        let _ = writeln!(chart, "    {}", node(index, step));
    }
    let _ = writeln!(chart, "    done([\"end\"])");
    let _ = writeln!(chart, "    failed([\"fail\"])");
    if workflow.steps.is_empty() {
        let _ = writeln!(chart, "    {previous} --> done");
        return chart;
    }
    let _ = writeln!(chart, "    {previous} --> s0");
    for (index, step) in workflow.steps.iter().enumerate() {
        let next = if index + 1 < workflow.steps.len() { format!("s{}", index + 1) } else { "done".to_string() };
        edges(&mut chart, index, step, &step.on_success, ("-->", "success"), &next);
        edges(&mut chart, index, step, &step.on_failure, ("-.->", "failure"), "failed");
    }
    chart
}

/// `s0["getKey<br/>GET /keys/{id}"]`, or `s0[["lookup<br/>calls get-pet"]]` for a workflow call.
fn node(index: usize, step: &StepPlan) -> String {
    match &step.call {
        Some(call) => format!("s{index}[[\"{}<br/>calls {}\"]]", label(&step.step_id), label(&call.workflow_id)),
        None => format!(
            "s{index}[\"{}<br/>{} {}\"]",
            label(&step.step_id),
            step.method.as_str().to_ascii_uppercase(),
            label(&step.path)
        ),
    }
}

fn callee(step: &StepPlan) -> String {
    step.call.as_ref().map_or_else(|| step.step_id.clone(), |call| call.workflow_id.clone())
}

/// The edges after a step succeeds (or fails): one per action, in order, then the default
/// (`next`) unless an action without criteria made it unreachable.
fn edges(
    chart: &mut String,
    index: usize,
    step: &StepPlan,
    actions: &[ActionPlan],
    (arrow, outcome): (&str, &str),
    next: &str,
) {
    let from = format!("s{index}");
    let mut default_reached = true;
    for (number, action) in actions.iter().enumerate() {
        let name = if action.name.is_empty() { outcome.to_string() } else { label(&action.name) };
        let when = if action.criteria.is_empty() { String::new() } else { " (if criteria hold)".to_string() };
        match &action.kind {
            ActionKind::End => {
                let target = if outcome == "success" { "done" } else { "failed" };
                let _ = writeln!(chart, "    {from} {arrow}|\"{name}: end{when}\"| {target}");
            }
            ActionKind::Goto(target) => {
                let _ = writeln!(chart, "    {from} {arrow}|\"{name}: goto{when}\"| s{target}");
            }
            ActionKind::Retry { limit, target, first, .. } => {
                let target = format!("s{}", target.unwrap_or(index));
                let via = match first {
                    Some(call) => {
                        let node = format!("s{index}_{outcome}_{number}");
                        let _ = writeln!(chart, "    {node}[[\"{}\"]]", label(&call.workflow_id));
                        let _ = writeln!(chart, "    {node} --> {target}");
                        node
                    }
                    None => target,
                };
                let _ = writeln!(chart, "    {from} {arrow}|\"{name}: retry up to {limit}x{when}\"| {via}");
            }
            ActionKind::Transfer(call) => {
                let node = format!("s{index}_{outcome}_{number}");
                let end = if outcome == "success" { "done" } else { "failed" };
                let _ = writeln!(chart, "    {node}[[\"{}\"]]", label(&call.workflow_id));
                let _ = writeln!(chart, "    {from} {arrow}|\"{name}: goto workflow{when}\"| {node}");
                let _ = writeln!(chart, "    {node} --> {end}");
            }
        }
        let unconditional = action.criteria.is_empty() && !matches!(action.kind, ActionKind::Retry { .. });
        if unconditional {
            default_reached = false;
            break;
        }
    }
    if default_reached {
        let criteria = if outcome == "success" { success_label(step) } else { outcome.to_string() };
        let _ = writeln!(chart, "    {from} {arrow}|\"{criteria}\"| {next}");
    }
}

/// The step's one criterion, the default (`2xx`, or a called workflow succeeding), or how many
/// criteria must hold.
fn success_label(step: &StepPlan) -> String {
    match step.criteria.as_slice() {
        [] if step.call.is_some() => "succeeded".to_string(),
        [] => "2xx".to_string(),
        [only] => label(&only.text),
        many => format!("{} criteria hold", many.len()),
    }
}

/// Text inside a quoted Mermaid label: quotes, pipes, backticks, angle brackets, `#` and line
/// breaks become Mermaid entity codes, so the text can close neither the label nor an enclosing
/// code block, nor be read as HTML. Brackets and braces are plain text inside quotes.
fn label(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => escaped.push_str("#quot;"),
            '`' => escaped.push_str("#96;"),
            '|' => escaped.push_str("#124;"),
            '<' => escaped.push_str("#lt;"),
            '>' => escaped.push_str("#gt;"),
            '#' => escaped.push_str("#35;"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Text after `%%`: one line, no backticks.
fn comment(text: &str) -> String {
    label(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cannot_break_out() {
        let hostile = "a\"]) --> x\n```\r|`#{}<b>";
        let escaped = label(hostile);
        for forbidden in ['"', '\n', '\r', '`', '|', '<', '>'] {
            assert!(!escaped.contains(forbidden), "{forbidden:?} in {escaped}");
        }
        assert_eq!(escaped, "a#quot;]) --#gt; x #96;#96;#96; #124;#96;#35;{}#lt;b#gt;");
        assert_eq!(label("GET /a/{id}"), "GET /a/{id}");
    }
}
