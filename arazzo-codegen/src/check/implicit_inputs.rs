//! The inputs of a workflow that declares no `inputs` schema, read from the `$inputs.<name>` it uses.
//!
//! Published documents often leave the schema out (one of the official 1.1 examples does). Each name
//! the workflow reads, wherever it reads it (request values, payloads, criteria, selectors' contexts,
//! outputs, actions, the components these use), becomes a required input holding any JSON value (text
//! when it is only ever embedded in strings, a secret when its name says so), with one warning per
//! input at its first use (see `lenient::undeclared_input`). A workflow that has a
//! schema is not read this way: a name it does not declare stays an error (that catches typos).

use std::ops::Range;

use serde_json::Value;

use super::Reporter;
use crate::diagnostic::Location;
use crate::expr::{self, Expr, TemplatePart};
use crate::model::{self, Document, Reusable};
use crate::naming::{self, Scope};
use crate::plan::{FieldPlan, RustType};

/// One place a workflow reads an input: its name, the pointer of the value, and the bytes of the
/// expression when it is part of a longer string.
struct Use {
    name: String,
    pointer: String,
    range: Option<Range<usize>>,
    text: String,
    /// Embedded in a longer string (`'Bearer {$inputs.token}'`), where only text has a form.
    embedded: bool,
}

/// The inputs `workflow` (which has no `inputs`) reads, in the order of their first use in the file,
/// each reported with a warning there.
pub(crate) fn read(
    document: &Document,
    workflow: &model::Workflow,
    pointer: &str,
    reporter: &mut Reporter<'_>,
) -> Vec<FieldPlan> {
    let substitutes = reporter.version >= model::Version::V1_1;
    let mut uses = Uses { document, substitutes, found: Vec::new() };
    uses.workflow(workflow, pointer);
    let location = |found: &Use| -> Location {
        reporter.loaded.spans.nearest_range(&found.pointer).map(|(start, _)| start).unwrap_or_default()
    };
    let mut first: Vec<(Location, &Use)> = Vec::new();
    for found in &uses.found {
        let at = location(found);
        match first.iter_mut().find(|(_, earlier)| earlier.name == found.name) {
            Some(earlier) if at < earlier.0 => *earlier = (at, found),
            Some(_) => {}
            None => first.push((at, found)),
        }
    }
    first.sort_by_key(|(at, _)| *at);
    let mut scope = Scope::default();
    let mut fields = Vec::new();
    for (_, found) in first {
        let name = &found.name;
        // A name that says secret keeps the value a secret, as an input typed only by its name would be; an
        // input only ever embedded in strings is text (a JSON value has no place inside a string).
        let embedded_only = uses.found.iter().filter(|other| other.name == *name).all(|other| other.embedded);
        let ty = if naming::names_a_secret(name) {
            RustType::Secret
        } else if embedded_only {
            RustType::String
        } else {
            RustType::Json
        };
        let previous = found.range.clone().map(|range| reporter.focus(&found.pointer, &found.text, range));
        super::lenient::undeclared_input(reporter, &found.pointer, &workflow.workflow_id, name, &ty);
        if let Some(previous) = previous {
            reporter.unfocus(previous);
        }
        fields.push(FieldPlan {
            name: name.clone(),
            field: scope.snake(name),
            ty,
            optional: false,
            doc: Some(format!(
                "Not declared (the workflow has no `inputs` schema): the workflow reads it as `$inputs.{name}`."
            )),
        });
    }
    fields
}

/// Walks what a workflow writes, collecting every `$inputs.<name>` it reads.
struct Uses<'d> {
    document: &'d Document,
    /// Whether `{$...}` in a regex, JSONPath or XPath text reads a value (Arazzo 1.1); 1.0 matches it
    /// as literal text.
    substitutes: bool,
    found: Vec<Use>,
}

impl Uses<'_> {
    fn workflow(&mut self, workflow: &model::Workflow, pointer: &str) {
        self.parameters(&workflow.parameters, &format!("{pointer}/parameters"));
        for (index, step) in workflow.steps.iter().enumerate() {
            self.step(step, &format!("{pointer}/steps/{index}"));
        }
        self.success_actions(&workflow.success_actions, &format!("{pointer}/successActions"));
        self.failure_actions(&workflow.failure_actions, &format!("{pointer}/failureActions"));
        self.outputs(&workflow.outputs, &format!("{pointer}/outputs"));
    }

    fn step(&mut self, step: &model::Step, pointer: &str) {
        self.parameters(&step.parameters, &format!("{pointer}/parameters"));
        if let Some(body) = &step.request_body {
            if let Some(payload) = &body.payload {
                self.value(payload, &format!("{pointer}/requestBody/payload"));
            }
            for (index, replacement) in body.replacements.iter().enumerate() {
                self.value(&replacement.value, &format!("{pointer}/requestBody/replacements/{index}/value"));
            }
        }
        self.criteria(&step.success_criteria, &format!("{pointer}/successCriteria"));
        self.success_actions(&step.on_success, &format!("{pointer}/onSuccess"));
        self.failure_actions(&step.on_failure, &format!("{pointer}/onFailure"));
        self.outputs(&step.outputs, &format!("{pointer}/outputs"));
        // The extensions whose values are expressions (`check::step`).
        for key in ["x-serverUrl", "x-security"] {
            if let Some(value) = step.extra.get(key) {
                self.value(value, &format!("{pointer}/{key}"));
            }
        }
    }

    fn parameters(&mut self, parameters: &[Reusable<model::Parameter>], pointer: &str) {
        for (index, parameter) in parameters.iter().enumerate() {
            let pointer = format!("{pointer}/{index}");
            match parameter {
                Reusable::Inline(parameter) => self.value(&parameter.value, &format!("{pointer}/value")),
                Reusable::Reference(reference) => match &reference.value {
                    Some(value) => self.value(value, &format!("{pointer}/value")),
                    None => {
                        let name = reference.reference.strip_prefix("$components.parameters.").unwrap_or_default();
                        let component = self.document.components.as_ref().and_then(|c| c.parameters.get(name));
                        if let Some(component) = component {
                            let pointer = format!("/components/parameters/{}/value", super::escape(name));
                            self.value(&component.value, &pointer);
                        }
                    }
                },
            }
        }
    }

    fn success_actions(&mut self, actions: &[Reusable<model::SuccessAction>], pointer: &str) {
        for (index, action) in actions.iter().enumerate() {
            let (action, pointer) = match action {
                Reusable::Inline(action) => (action, format!("{pointer}/{index}")),
                Reusable::Reference(reference) => {
                    let name = reference.reference.strip_prefix("$components.successActions.").unwrap_or_default();
                    let Some(action) = self.document.components.as_ref().and_then(|c| c.success_actions.get(name))
                    else {
                        continue;
                    };
                    (action, format!("/components/successActions/{}", super::escape(name)))
                }
            };
            self.criteria(&action.criteria, &format!("{pointer}/criteria"));
            self.parameters(&action.parameters, &format!("{pointer}/parameters"));
        }
    }

    fn failure_actions(&mut self, actions: &[Reusable<model::FailureAction>], pointer: &str) {
        for (index, action) in actions.iter().enumerate() {
            let (action, pointer) = match action {
                Reusable::Inline(action) => (action, format!("{pointer}/{index}")),
                Reusable::Reference(reference) => {
                    let name = reference.reference.strip_prefix("$components.failureActions.").unwrap_or_default();
                    let Some(action) = self.document.components.as_ref().and_then(|c| c.failure_actions.get(name))
                    else {
                        continue;
                    };
                    (action, format!("/components/failureActions/{}", super::escape(name)))
                }
            };
            self.criteria(&action.criteria, &format!("{pointer}/criteria"));
            self.parameters(&action.parameters, &format!("{pointer}/parameters"));
        }
    }

    fn criteria(&mut self, criteria: &[model::Criterion], pointer: &str) {
        for (index, criterion) in criteria.iter().enumerate() {
            let pointer = format!("{pointer}/{index}");
            if let Some(context) = &criterion.context {
                self.text(context, &format!("{pointer}/context"));
            }
            // A simple condition holds expressions; the others are patterns and queries, which 1.1
            // fills `{$...}` into.
            let kind = match &criterion.kind {
                None => "simple",
                Some(model::CriterionType::Name(name)) => name.as_str(),
                Some(model::CriterionType::Expression(expression)) => expression.kind.as_str(),
            };
            if kind != "simple" {
                self.embedded_in_query(&criterion.condition, &format!("{pointer}/condition"), kind == "regex");
                continue;
            }
            let Ok(condition) = crate::condition::parse_condition(&criterion.condition) else { continue };
            let text = &criterion.condition;
            for expr in condition.expressions() {
                if let Expr::Inputs { name, .. } = expr {
                    let written = expr.to_string();
                    let range = text.find(&written).map(|start| start..start + written.len());
                    self.push(name, &format!("{pointer}/condition"), (range, false), text);
                }
            }
        }
    }

    fn outputs(&mut self, outputs: &indexmap::IndexMap<String, model::Output>, pointer: &str) {
        for (name, output) in outputs {
            let pointer = format!("{pointer}/{}", super::escape(name));
            match output {
                model::Output::Expression(text) => self.text(text, &pointer),
                model::Output::Selector(selector) => self.selector(selector, &pointer),
            }
        }
    }

    /// A Selector Object: its context, and the values embedded in its query (1.1).
    fn selector(&mut self, selector: &model::Selector, pointer: &str) {
        self.text(&selector.context, &format!("{pointer}/context"));
        self.embedded_in_query(&selector.selector, &format!("{pointer}/selector"), false);
    }

    /// The `{$inputs.<name>}` a regex, JSONPath or XPath text embeds (1.1): values a query compares
    /// (any JSON value), or text a pattern matches.
    fn embedded_in_query(&mut self, query: &str, pointer: &str, text_only: bool) {
        if !self.substitutes {
            return;
        }
        for range in expr::embedded_all_in_condition(query) {
            let inner = query.get(range.start + 1..range.end.saturating_sub(1)).unwrap_or_default();
            if let Ok(Expr::Inputs { name, .. }) = expr::parse(inner) {
                self.push(&name, pointer, (Some(range.start + 1..range.end - 1), text_only), query);
            }
        }
    }

    /// A value as written in a request (literal JSON with expressions at any depth, Selector Objects).
    fn value(&mut self, value: &Value, pointer: &str) {
        match value {
            Value::String(text) => self.text(text, pointer),
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.value(item, &format!("{pointer}/{index}"));
                }
            }
            Value::Object(fields) => {
                for (key, item) in fields {
                    self.value(item, &format!("{pointer}/{}", super::escape(key)));
                }
            }
            _ => {}
        }
    }

    /// A string: one expression, or text with expressions embedded in it.
    fn text(&mut self, text: &str, pointer: &str) {
        match expr::parse(text) {
            Ok(Expr::Inputs { name, .. }) => self.push(&name, pointer, (None, false), text),
            Ok(_) => {}
            Err(_) => {
                for part in expr::parse_template(text).unwrap_or_default() {
                    if let TemplatePart::Expr { expr: Expr::Inputs { name, pointer: json_pointer }, offset, .. } = part
                    {
                        let written = Expr::Inputs { name: name.clone(), pointer: json_pointer }.to_string();
                        self.push(&name, pointer, (Some(offset..offset + written.len()), true), text);
                    }
                }
            }
        }
    }

    fn push(&mut self, name: &str, pointer: &str, (range, embedded): (Option<Range<usize>>, bool), text: &str) {
        let (name, pointer, text) = (name.to_string(), pointer.to_string(), text.to_string());
        self.found.push(Use { name, pointer, range, text, embedded });
    }
}
