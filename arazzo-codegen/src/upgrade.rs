//! `arazzo-codegen upgrade`: an Arazzo 1.0.x document rewritten as 1.1.0, with the same meaning.
//!
//! The source text is edited at the places the loader recorded ([`crate::load::Spans`]), never
//! serialized again, so comments, blank lines, quoting and key order stay as written. What changes
//! (each listed in [`Upgraded::changes`], with the specification's reasons in docs/UPGRADING.md):
//!
//! - `arazzo: 1.0.x` becomes `1.1.0`;
//! - brace-less embedded expressions in request values (`Token $inputs.apiKey`, which arazzo-rs reads
//!   in 1.0 documents as `Token {$inputs.apiKey}`, with a warning) get their braces;
//! - an empty step `successCriteria: []` (1.1: "If `successCriteria` is provided, it MUST contain at
//!   least one Criterion Object") is removed: arazzo-rs reads both as "a 2xx status".
//!
//! What cannot be rewritten mechanically is listed in [`Upgraded::needs_human`] as located warnings:
//! mappings that 1.1 reads as Selector Objects, object parameter values (the 1.1 schema allows none),
//! `{$...}` inside regex/JSONPath/XPath conditions (1.1 substitutes it), names 1.1's expression
//! grammar cannot write, and edits the layout does not allow.

mod edit;
mod expressions;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Location, json_path_of_pointer};
use crate::expr::{self, TemplatePart};
use crate::load::{self, Loaded};
use edit::{Edit, Refusal, Source, child};

/// The version an upgraded document declares.
pub const TARGET_VERSION: &str = "1.1.0";

/// The outcome of upgrading one document.
#[derive(Clone, Debug)]
pub struct Upgraded {
    pub path: PathBuf,
    /// The version the document declared (`1.0.1`, or `1.1.0` when there was nothing to do).
    pub declared: String,
    /// The upgraded text; the input itself when the document already declared 1.1.x.
    pub text: String,
    /// What was changed, in document order, located in the original text.
    pub changes: Vec<Change>,
    /// What only a human can decide, as warnings located in the original text.
    pub needs_human: Vec<Diagnostic>,
}

impl Upgraded {
    /// Whether the document already declared Arazzo 1.1.x (nothing was done).
    pub fn already_current(&self) -> bool {
        self.changes.is_empty() && !self.declared.starts_with("1.0.")
    }
}

/// One edit made, where it was made in the original text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub location: Option<Location>,
    /// The JSON path of the node changed, e.g. `workflows[0].steps[2].parameters[1].value`.
    pub json_path: String,
    /// What was changed and why.
    pub message: String,
}

/// Upgrades the document in `path`. An error is a document that does not load or does not declare
/// Arazzo 1.0.x or 1.1.x.
pub fn upgrade_file(path: &Path) -> Result<Upgraded, Diagnostic> {
    let bytes =
        std::fs::read(path).map_err(|error| Diagnostic::error(path, None, "", format!("cannot read file: {error}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|error| Diagnostic::error(path, None, "", format!("cannot read file: not UTF-8 ({error})")))?;
    upgrade_str(path, &text)
}

/// Upgrades `text`, the content of `path` (used in diagnostics only).
pub fn upgrade_str(path: &Path, text: &str) -> Result<Upgraded, Diagnostic> {
    // The loaders locate nodes after a byte order mark; it is kept and put back in front.
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(body) => ("\u{feff}", body),
        None => ("", text),
    };
    let loaded = load::load_str(path, body)?;
    let declared = declared_version(&loaded)?;
    if !declared.starts_with("1.0.") {
        return Ok(Upgraded {
            path: path.to_path_buf(),
            declared,
            text: text.to_string(),
            changes: Vec::new(),
            needs_human: Vec::new(),
        });
    }
    let json = body.trim_start().starts_with(['{', '[']);
    let mut walk = Walk { source: Source::new(body, &loaded, json), path, edits: Vec::new(), found: Vec::new() };
    walk.version(&declared);
    walk.document(&loaded.value);
    let Walk { edits, mut found, .. } = walk;
    found.sort_by_key(|finding| finding.location());
    let mut changes = Vec::new();
    let mut needs_human = Vec::new();
    for finding in found {
        match finding {
            Found::Change(change) => changes.push(change),
            Found::Human(diagnostic) => needs_human.push(diagnostic),
        }
    }
    let text = format!("{bom}{}", edit::apply(body, edits));
    Ok(Upgraded { path: path.to_path_buf(), declared, text, changes, needs_human })
}

/// `arazzo`, when it is 1.0.x or 1.1.x.
fn declared_version(loaded: &Loaded) -> Result<String, Diagnostic> {
    let at = |pointer: &str| loaded.spans.nearest(pointer);
    match loaded.value.get("arazzo") {
        Some(Value::String(version)) if crate::model::Version::of(version).is_some() => Ok(version.clone()),
        Some(Value::String(version)) => Err(Diagnostic::error(
            &loaded.path,
            at("/arazzo"),
            "arazzo",
            format!(
                "the document declares Arazzo `{version}`; `upgrade` reads 1.0.x documents (and leaves 1.1.x ones)"
            ),
        )),
        Some(other) => Err(Diagnostic::error(
            &loaded.path,
            at("/arazzo"),
            "arazzo",
            format!("`arazzo` must be a version string such as `1.0.1`, not `{other}`"),
        )),
        None => Err(Diagnostic::error(
            &loaded.path,
            at(""),
            "",
            "no `arazzo` field: this is not an Arazzo document (`upgrade` reads Arazzo 1.0.x documents)",
        )),
    }
}

enum Found {
    Change(Change),
    Human(Diagnostic),
}

impl Found {
    fn location(&self) -> Option<Location> {
        match self {
            Found::Change(change) => change.location,
            Found::Human(diagnostic) => diagnostic.location,
        }
    }
}

/// The document's walk: where expressions and values are, as the 1.0 checker reads them.
struct Walk<'a> {
    source: Source<'a>,
    path: &'a Path,
    edits: Vec<Edit>,
    found: Vec<Found>,
}

impl Walk<'_> {
    fn change(&mut self, pointer: &str, edits: Vec<Edit>, message: String) {
        let location = self.source.loaded.spans.nearest(pointer);
        self.change_at(pointer, location, edits, message);
    }

    fn change_at(&mut self, pointer: &str, location: Option<Location>, edits: Vec<Edit>, message: String) {
        self.edits.extend(edits);
        self.found.push(Found::Change(Change { location, json_path: json_path_of_pointer(pointer), message }));
    }

    fn human(&mut self, pointer: &str, message: String) {
        let spans = &self.source.loaded.spans;
        let diagnostic = Diagnostic::warning(self.path, spans.nearest(pointer), json_path_of_pointer(pointer), message)
            .with_end(spans.end(pointer));
        self.found.push(Found::Human(diagnostic));
    }

    /// `arazzo: 1.0.x` -> `1.1.0`, inside the quotes when there are any.
    fn version(&mut self, declared: &str) {
        let exact = self.source.verbatim("/arazzo", declared).map(|start| Edit {
            start,
            end: start + declared.len(),
            text: TARGET_VERSION.into(),
        });
        let edit = match exact {
            Some(edit) => Ok(edit),
            // Escaped or folded: written again, in the quotes it had (JSON's always).
            None => {
                let quote = self.source.first_byte("/arazzo").filter(|b| matches!(b, b'"' | b'\''));
                let quote = if self.source.json { Some(b'"') } else { quote }.map(char::from);
                let literal = quote.map_or(TARGET_VERSION.to_string(), |q| format!("{q}{TARGET_VERSION}{q}"));
                self.source.replace_value("/arazzo", &literal)
            }
        };
        match edit {
            Ok(edit) => self.change("/arazzo", vec![edit], format!("`arazzo: {declared}` -> `{TARGET_VERSION}`")),
            Err(refusal) => self.refused("/arazzo", refusal, &format!("declare `arazzo: {TARGET_VERSION}`")),
        }
    }

    fn refused(&mut self, pointer: &str, refusal: Refusal, what: &str) {
        let why = match refusal {
            Refusal::Unlocated => "it has no position of its own in the text (a YAML alias copies it)",
            Refusal::BlockScalar => "it is a YAML block scalar (`|` or `>`), which is not rewritten",
            Refusal::Layout => "removing it here would leave the YAML around it malformed",
        };
        self.human(pointer, format!("{what}: not done automatically because {why}"));
    }

    fn document(&mut self, root: &Value) {
        for (index, workflow) in items(root.get("workflows")) {
            let pointer = format!("/workflows/{index}");
            self.parameters(workflow.get("parameters"), &format!("{pointer}/parameters"));
            for (index, step) in items(workflow.get("steps")) {
                self.step(step, &format!("{pointer}/steps/{index}"));
            }
            for list in ["successActions", "failureActions"] {
                self.actions(workflow.get(list), &format!("{pointer}/{list}"));
            }
            self.outputs(workflow.get("outputs"), &format!("{pointer}/outputs"));
        }
        if let Some(Value::Object(components)) = root.get("components") {
            if let Some(Value::Object(parameters)) = components.get("parameters") {
                for (name, parameter) in parameters {
                    self.parameter(parameter, &child("/components/parameters", name));
                }
            }
            for list in ["successActions", "failureActions"] {
                if let Some(Value::Object(actions)) = components.get(list) {
                    for (name, action) in actions {
                        let pointer = child(&format!("/components/{list}"), name);
                        self.criteria(action.get("criteria"), &format!("{pointer}/criteria"));
                    }
                }
            }
        }
    }

    fn step(&mut self, step: &Value, pointer: &str) {
        self.parameters(step.get("parameters"), &format!("{pointer}/parameters"));
        if let Some(body) = step.get("requestBody") {
            let body_pointer = format!("{pointer}/requestBody");
            if let Some(payload) = body.get("payload") {
                self.request_value(payload, &format!("{body_pointer}/payload"), Role::Payload);
            }
            for (index, replacement) in items(body.get("replacements")) {
                if let Some(value) = replacement.get("value") {
                    let value_pointer = format!("{body_pointer}/replacements/{index}/value");
                    self.request_value(value, &value_pointer, Role::Replacement);
                }
            }
        }
        let criteria_pointer = format!("{pointer}/successCriteria");
        match step.get("successCriteria") {
            Some(Value::Array(criteria)) if criteria.is_empty() => self.empty_success_criteria(&criteria_pointer),
            criteria => self.criteria(criteria, &criteria_pointer),
        }
        for list in ["onSuccess", "onFailure"] {
            self.actions(step.get(list), &format!("{pointer}/{list}"));
        }
        self.outputs(step.get("outputs"), &format!("{pointer}/outputs"));
    }

    /// 1.1: "If `successCriteria` is provided, it MUST contain at least one Criterion Object." arazzo-rs
    /// reads an empty list in a 1.0 document as no list: a 2xx status is required (DECISIONS.md).
    fn empty_success_criteria(&mut self, pointer: &str) {
        let key = self.source.loaded.spans.key(pointer);
        match self.source.remove_entry(pointer) {
            Ok(edit) => self.change_at(
                pointer,
                key,
                vec![edit],
                "removed `successCriteria: []` (1.1 requires at least one criterion when the field is present); \
                 arazzo-rs reads both as \"a 2xx status\""
                    .to_string(),
            ),
            Err(refusal) => self.refused(
                pointer,
                refusal,
                "remove `successCriteria: []` (1.1 requires at least one criterion when the field is present; \
                 without the field arazzo-rs requires a 2xx status, as it did for the empty list)",
            ),
        }
    }

    fn parameters(&mut self, list: Option<&Value>, pointer: &str) {
        for (index, parameter) in items(list) {
            self.parameter(parameter, &format!("{pointer}/{index}"));
        }
    }

    /// A Parameter Object, or a Reusable Object whose `value` overrides the parameter's.
    fn parameter(&mut self, parameter: &Value, pointer: &str) {
        if let Some(Value::String(reference)) = parameter.get("reference") {
            self.expression(reference, &format!("{pointer}/reference"));
        }
        if let Some(value) = parameter.get("value") {
            self.request_value(value, &format!("{pointer}/value"), Role::Parameter);
        }
    }

    fn actions(&mut self, list: Option<&Value>, pointer: &str) {
        for (index, action) in items(list) {
            let action_pointer = format!("{pointer}/{index}");
            if let Some(Value::String(reference)) = action.get("reference") {
                self.expression(reference, &format!("{action_pointer}/reference"));
            }
            self.criteria(action.get("criteria"), &format!("{action_pointer}/criteria"));
        }
    }

    fn outputs(&mut self, outputs: Option<&Value>, pointer: &str) {
        if let Some(Value::Object(outputs)) = outputs {
            for (name, value) in outputs {
                if let Value::String(text) = value {
                    self.expression(text, &child(pointer, name));
                }
            }
        }
    }

    fn criteria(&mut self, list: Option<&Value>, pointer: &str) {
        for (index, criterion) in items(list) {
            let criterion_pointer = format!("{pointer}/{index}");
            if let Some(Value::String(context)) = criterion.get("context") {
                self.expression(context, &format!("{criterion_pointer}/context"));
            }
            let Some(Value::String(condition)) = criterion.get("condition") else { continue };
            let condition_pointer = format!("{criterion_pointer}/condition");
            let kind = match criterion.get("type") {
                None => "simple",
                Some(Value::String(kind)) => kind.as_str(),
                Some(kind) => kind.get("type").and_then(Value::as_str).unwrap_or_default(),
            };
            if kind == "simple" {
                // Conditions that do not parse are the checker's to report, in either version.
                if let Ok(parsed) = crate::condition::parse_condition(condition) {
                    for expr in parsed.expressions() {
                        self.expr_problem(expr, &condition_pointer);
                    }
                }
            } else if let Some(range) = crate::expr::embedded_in_condition(condition) {
                // Only a `{$` that starts an Arazzo expression: XPath's `{$a * 2}` is a function body.
                let shown = &condition[range];
                self.human(
                    &condition_pointer,
                    format!(
                        "this `{kind}` condition holds `{shown}`, which arazzo-rs matched as literal text in a 1.0 \
                         document; Arazzo 1.1 substitutes the expression's value before evaluating the condition. \
                         Keep the braces if the value is meant, or write the text another way"
                    ),
                );
            }
        }
    }

    /// A string that must be one runtime expression (outputs, `context`, `reference`).
    fn expression(&mut self, text: &str, pointer: &str) {
        if let Ok(expr) = expr::parse(text) {
            self.expr_problem(&expr, pointer);
        }
    }

    fn expr_problem(&mut self, expr: &expr::Expr, pointer: &str) {
        if let Some(message) = expressions::problem(expr) {
            self.human(pointer, message);
        }
    }

    /// A request value: a literal, one expression, or a string with embedded expressions, at any depth.
    fn request_value(&mut self, value: &Value, pointer: &str, role: Role) {
        match value {
            Value::String(text) => self.request_string(text, pointer),
            Value::Array(values) => {
                for (index, value) in values.iter().enumerate() {
                    self.request_value(value, &format!("{pointer}/{index}"), Role::Payload);
                }
            }
            Value::Object(map) => {
                let selector = match role {
                    Role::Parameter | Role::Replacement => map.contains_key("selector") || map.contains_key("context"),
                    Role::Payload => map.contains_key("selector") && map.contains_key("context"),
                };
                if selector {
                    self.human(
                        pointer,
                        "this mapping is a literal JSON value in Arazzo 1.0, but Arazzo 1.1 reads a mapping with \
                         `context` and `selector` here as a Selector Object (a value selected at run time); 1.1 \
                         has no way to send it as a literal: build it from an input instead"
                            .to_string(),
                    );
                } else if role == Role::Parameter {
                    self.human(
                        pointer,
                        "an object as a parameter value: the Arazzo 1.1 JSON Schema allows no object here except a \
                         Selector Object, so other 1.1 tools may refuse it (arazzo-rs still sends the object)"
                            .to_string(),
                    );
                }
                for (key, value) in map {
                    self.request_value(value, &child(pointer, key), Role::Payload);
                }
            }
            _ => {}
        }
    }

    /// One expression, or a template: brace-less embedded expressions get their braces.
    fn request_string(&mut self, text: &str, pointer: &str) {
        if let Ok(expr) = expr::parse(text) {
            self.expr_problem(&expr, pointer);
            return;
        }
        // Templates that do not parse are the checker's to report, in either version.
        let Ok(parts) = expr::parse_template(text) else { return };
        let mut insertions: Vec<(usize, &str)> = Vec::new();
        let mut braceless = Vec::new();
        for part in &parts {
            let TemplatePart::Expr { expr, braced, offset } = part else { continue };
            self.expr_problem(expr, pointer);
            if !braced {
                let end = text[*offset..].find(char::is_whitespace).map_or(text.len(), |length| offset + length);
                insertions.push((*offset, "{"));
                insertions.push((end, "}"));
                braceless.push(expr.to_string());
            }
        }
        if braceless.is_empty() {
            return;
        }
        let embedded = braceless.iter().map(|expr| format!("`{{{expr}}}`")).collect::<Vec<_>>().join(", ");
        match self.source.insert_into_string(pointer, text, &insertions) {
            Ok(edits) => self.change(
                pointer,
                edits,
                format!("embedded {embedded} in braces (Arazzo embeds expressions in strings as `{{$...}}`)"),
            ),
            Err(refusal) => self.refused(pointer, refusal, &format!("write the embedded expression as {embedded}")),
        }
    }
}

/// Where a request value sits. 1.1 reads a mapping with either `selector` or `context` as a Selector
/// Object where a parameter's or a replacement's `value` is expected, and one with both anywhere in a
/// payload.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Parameter,
    Replacement,
    Payload,
}

/// The items of a list, with their indexes; nothing when it is absent or not a list.
fn items(list: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    list.and_then(Value::as_array).into_iter().flatten().enumerate()
}
