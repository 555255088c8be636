//! Runtime expressions in request values and outputs, resolved to values the generated code holds.

use serde_json::Value;

use super::Reporter;
use crate::expr::{self, Expr, TemplatePart};
use crate::model;
use crate::plan::{FieldPlan, RustType, StepPlan, TemplatePiece, ValuePlan, ValueRef};

/// Deepest nesting of arrays and objects in one request value. The generated code nests one call per
/// level, and syn, prettyplease and rustc recurse on it: a value 120 levels deep overflows a 2 MiB stack.
pub(crate) const MAX_VALUE_DEPTH: usize = 32;

/// How many arrays and objects `value` nests (0 for a scalar).
fn nesting(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(nesting).max().unwrap_or_default(),
        Value::Object(fields) => 1 + fields.values().map(nesting).max().unwrap_or_default(),
        _ => 0,
    }
}

/// What an expression may refer to at one point of a workflow.
pub(crate) struct Env<'a> {
    pub(crate) inputs: &'a [FieldPlan],
    /// Steps that have run before this point, planned.
    pub(crate) earlier: &'a [StepPlan],
    /// Every step of the workflow as written, to tell "not yet run" from "does not exist".
    pub(crate) all_steps: &'a [model::Step],
    /// The step being planned, when inside one.
    pub(crate) current: Option<&'a str>,
    /// The workflows of `dependsOn`, run before the first step: `$workflows.<id>.outputs.<name>`.
    pub(crate) dependencies: &'a [StepPlan],
    /// The document and its OpenAPI sources, for the expressions fixed when it was written (`$self`,
    /// `$sourceDescriptions.<name>.url`).
    pub(crate) known: (&'a model::Document, &'a [super::Source]),
    /// In the criteria of a step that calls a workflow (its own and its actions'), that workflow's
    /// outputs: `$outputs.<name>` and `$workflows.<callee>.outputs.<name>`.
    pub(crate) callee: Option<&'a super::call::CalleeOutputs>,
}

impl Env<'_> {
    /// Resolves `$inputs.x` and `$steps.s.outputs.o`; anything else is reported by the caller.
    pub(crate) fn reference(&self, expr: &Expr, pointer: &str, reporter: &mut Reporter<'_>) -> Option<ValueRef> {
        match expr {
            Expr::Inputs { name, pointer: json_pointer } => {
                if json_pointer.is_some() {
                    reporter.unsupported(pointer, "a JSON pointer after `$inputs.<name>`");
                    return None;
                }
                match self.inputs.iter().find(|input| &input.name == name) {
                    Some(input) => Some(ValueRef::Input {
                        field: input.field.clone(),
                        ty: input.ty.clone(),
                        optional: input.optional,
                    }),
                    None => {
                        let declared = list(self.inputs.iter().map(|input| input.name.as_str()));
                        // `$inputs.customer.uri`: a name may hold dots, so this is no member of `customer`.
                        let member = name.split_once('.').filter(|(head, _)| {
                            self.inputs.iter().any(|input| input.name == *head && input.ty != RustType::Secret)
                        });
                        let message = match member {
                            Some((head, rest)) => format!(
                                "`$inputs.{name}` is not a declared input: an input name may hold dots, so this reads \
                                 an input named `{name}`, not a member of input `{head}`; write \
                                 `$inputs.{head}#/{}` to read inside `{head}`",
                                rest.replace('~', "~0").replace('/', "~1").replace('.', "/")
                            ),
                            None => format!("`$inputs.{name}` is not a declared input"),
                        };
                        reporter.error_with_help(pointer, message, format!("declared inputs: {declared}"));
                        None
                    }
                }
            }
            Expr::Steps { step, output, pointer: json_pointer, .. } => {
                let Some(output) = output else {
                    // `$steps.r#try.outputs.x` reads step `r`: suggesting `$steps.r.outputs` would mislead.
                    let message = if self.all_steps.iter().any(|candidate| candidate.step_id == *step) {
                        format!("`{expr}` does not name a step output; write `$steps.{step}.outputs.<name>`")
                    } else {
                        format!(
                            "`{expr}` does not name a step output: it reads step `{step}`, which this workflow does \
                             not have (a step id in an expression ends at the first character that is not a letter, \
                             digit, `_` or `-`)"
                        )
                    };
                    reporter.error(pointer, message);
                    return None;
                };
                if json_pointer.is_some() {
                    reporter.unsupported(pointer, "a JSON pointer after `$steps.<step>.outputs.<name>`");
                    return None;
                }
                self.step_output(step, output, pointer, reporter)
            }
            Expr::Workflows { workflow, field, name, pointer: None, .. } if field == "outputs" => {
                let dependency = self
                    .dependencies
                    .iter()
                    .find(|dependency| dependency.call.as_ref().is_some_and(|call| &call.workflow_id == workflow));
                let Some(dependency) = dependency else {
                    reporter.error(
                        pointer,
                        format!(
                            "`{expr}` reads workflow `{workflow}`, which this workflow does not list in `dependsOn`"
                        ),
                    );
                    return None;
                };
                match dependency.outputs.iter().find(|output| &output.name == name) {
                    Some(found) => {
                        Some(ValueRef::StepOutput { variable: found.variable.clone(), ty: found.ty.clone() })
                    }
                    None => {
                        let outputs = list(dependency.outputs.iter().map(|output| output.name.as_str()));
                        reporter.error_with_help(
                            pointer,
                            format!("workflow `{workflow}` has no output `{name}`"),
                            format!("its outputs are: {outputs}"),
                        );
                        None
                    }
                }
            }
            Expr::Workflows { workflow, field, name, pointer: None, .. } if field == "inputs" => {
                // A `dependsOn` workflow is given the inputs it shares by name with this one: its input
                // `name` is this workflow's, when it was passed.
                let dependency = self
                    .dependencies
                    .iter()
                    .find_map(|dependency| dependency.call.as_ref().filter(|call| &call.workflow_id == workflow));
                let Some(call) = dependency else {
                    reporter.error(
                        pointer,
                        format!(
                            "`{expr}` reads workflow `{workflow}`, which this workflow does not list in `dependsOn`"
                        ),
                    );
                    return None;
                };
                let passed = self.inputs.iter().find(|input| &input.name == name).filter(|input| {
                    call.arguments.iter().any(|argument| {
                        argument.value.as_ref().is_some_and(|value| {
                            value
                                .refs()
                                .iter()
                                .any(|used| matches!(used, ValueRef::Input { field, .. } if *field == input.field))
                        })
                    })
                });
                match passed {
                    Some(input) => Some(ValueRef::Input {
                        field: input.field.clone(),
                        ty: input.ty.clone(),
                        optional: input.optional,
                    }),
                    None => {
                        reporter.error(
                            pointer,
                            format!(
                                "workflow `{workflow}` is not given an input `{name}`: a `dependsOn` workflow gets the \
                                 inputs it shares by name with this one"
                            ),
                        );
                        None
                    }
                }
            }
            Expr::Workflows { .. } => {
                reporter.error(
                    pointer,
                    format!(
                        "`{expr}` does not name a workflow input or output; write `$workflows.<id>.outputs.<name>` or \
                         `$workflows.<id>.inputs.<name>`"
                    ),
                );
                None
            }
            _ => None,
        }
    }

    fn step_output(&self, step: &str, output: &str, pointer: &str, reporter: &mut Reporter<'_>) -> Option<ValueRef> {
        if let Some(earlier) = self.earlier.iter().find(|planned| planned.step_id == step) {
            return match earlier.outputs.iter().find(|candidate| candidate.name == output) {
                Some(found) => Some(ValueRef::StepOutput { variable: found.variable.clone(), ty: found.ty.clone() }),
                None => {
                    let outputs = list(earlier.outputs.iter().map(|candidate| candidate.name.as_str()));
                    reporter.error_with_help(
                        pointer,
                        format!("step `{step}` has no output `{output}`"),
                        format!("its outputs are: {outputs}"),
                    );
                    None
                }
            };
        }
        let position = |id: &str| self.all_steps.iter().position(|candidate| candidate.step_id == id);
        let current = self.current.and_then(position);
        let message = if self.current == Some(step) {
            format!("step `{step}` cannot use its own output `{output}`: it does not exist before the step has run")
        } else if let Some(index) = position(step) {
            if current.is_none_or(|current| index < current) {
                // The step runs earlier but could not be checked: its own errors are reported already,
                // so only a name the step does not declare is worth a word.
                let declared = &self.all_steps[index].outputs;
                if !declared.contains_key(output) {
                    let outputs = list(declared.keys().map(String::as_str));
                    reporter.error_with_help(
                        pointer,
                        format!("step `{step}` has no output `{output}`"),
                        format!("its outputs are: {outputs}"),
                    );
                }
                return None;
            }
            format!("`$steps.{step}.outputs.{output}` is used before step `{step}` has run")
        } else {
            let steps = list(self.all_steps.iter().map(|candidate| candidate.step_id.as_str()));
            reporter.error_with_help(
                pointer,
                format!("`$steps.{step}` names no step of this workflow"),
                format!("its steps are: {steps}"),
            );
            return None;
        };
        reporter.error(pointer, message);
        None
    }

    /// A request value: literal JSON, one expression, or a string with embedded expressions, nested up
    /// to [`MAX_VALUE_DEPTH`] levels.
    pub(crate) fn value(&self, value: &Value, pointer: &str, reporter: &mut Reporter<'_>) -> Option<ValuePlan> {
        if nesting(value) > MAX_VALUE_DEPTH {
            reporter.error(
                pointer,
                format!(
                    "this value nests arrays and objects more than {MAX_VALUE_DEPTH} levels deep; arazzo-rs \
                     generates request values up to that depth"
                ),
            );
            return None;
        }
        self.nested_value(value, pointer, reporter)
    }

    fn nested_value(&self, value: &Value, pointer: &str, reporter: &mut Reporter<'_>) -> Option<ValuePlan> {
        match value {
            Value::String(text) => self.string_value(text, pointer, reporter),
            Value::Array(items) => {
                let planned: Vec<Option<ValuePlan>> = items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| self.nested_value(item, &format!("{pointer}/{index}"), reporter))
                    .collect();
                let planned: Option<Vec<ValuePlan>> = planned.into_iter().collect();
                planned.map(ValuePlan::Array)
            }
            // A 1.1 Selector Object (checked by the shape check where it may stand): the value it selects.
            Value::Object(_)
                if reporter.version >= model::Version::V1_1 && model::Selector::in_value(value).is_some() =>
            {
                let selector = model::Selector::in_value(value)?;
                super::selector::value(self, reporter, &selector, pointer).map(ValuePlan::Ref)
            }
            Value::Object(fields) => {
                let planned: Vec<Option<(String, ValuePlan)>> = fields
                    .iter()
                    .map(|(key, item)| {
                        let item_pointer = format!("{pointer}/{}", super::escape(key));
                        self.nested_value(item, &item_pointer, reporter).map(|plan| (key.clone(), plan))
                    })
                    .collect();
                let planned: Option<Vec<(String, ValuePlan)>> = planned.into_iter().collect();
                planned.map(ValuePlan::Object)
            }
            literal => Some(ValuePlan::Literal(literal.clone())),
        }
    }

    /// A payload written as JSON text: embedded values are JSON-encoded, so optional ones (written as
    /// `null` when absent) and JSON values are allowed.
    pub(crate) fn json_text(&self, text: &str, pointer: &str, reporter: &mut Reporter<'_>) -> Option<ValuePlan> {
        self.template(text, pointer, reporter, true)
    }

    fn string_value(&self, text: &str, pointer: &str, reporter: &mut Reporter<'_>) -> Option<ValuePlan> {
        if !text.starts_with('$') {
            return self.template(text, pointer, reporter, false);
        }
        let whole = match expr::parse(text) {
            Ok(expr) => {
                if !super::version::expression(reporter, &expr, pointer) {
                    return None;
                }
                return match super::meaning::constant(reporter, self.known, &expr, pointer) {
                    Some(constant) => constant.ok().map(|text| ValuePlan::Literal(Value::String(text))),
                    None => self.request_reference(&expr, pointer, reporter).map(ValuePlan::Ref),
                };
            }
            Err(error) => error,
        };
        let plan = self.template(text, pointer, reporter, false)?;
        // A value that starts like an expression (`$steps.`, `$inputs.`, ...) but is none, and holds
        // none either, would otherwise be sent as the literal text: a silent surprise.
        if matches!(plan, ValuePlan::Literal(_)) && expr::starts_like_expression(text) {
            let previous = reporter.focus(pointer, text, super::char_at(text, whole.offset));
            reporter
                .error(pointer, format!("`{text}` starts like a runtime expression but is not one: {}", whole.message));
            reporter.unfocus(previous);
            return None;
        }
        Some(plan)
    }

    fn template(&self, text: &str, pointer: &str, reporter: &mut Reporter<'_>, json: bool) -> Option<ValuePlan> {
        let parts = match expr::parse_template(text) {
            Ok(parts) => parts,
            Err(error) => {
                let previous = reporter.focus(pointer, text, super::char_at(text, error.offset));
                reporter.error(pointer, format!("invalid embedded expression in `{text}`: {error}"));
                reporter.unfocus(previous);
                return None;
            }
        };
        if !parts.iter().any(|part| matches!(part, TemplatePart::Expr { .. })) {
            return Some(ValuePlan::Literal(Value::String(text.to_string())));
        }
        let mut pieces = Vec::new();
        let mut complete = true;
        for part in parts {
            match part {
                TemplatePart::Literal(literal) => pieces.push(TemplatePiece::Text(literal)),
                TemplatePart::Expr { expr, braced, offset } => {
                    // Diagnostics about this expression underline it, not the whole string.
                    let previous = reporter.focus(pointer, text, embedded_range(text, offset, braced));
                    if !super::version::expression(reporter, &expr, pointer) {
                        complete = false;
                        reporter.unfocus(previous);
                        continue;
                    }
                    match super::meaning::constant(reporter, self.known, &expr, pointer) {
                        Some(Ok(text)) => {
                            // A value like any other, so that JSON and XML text escape it.
                            pieces.push(TemplatePiece::Value(ValueRef::Constant(text)));
                            reporter.unfocus(previous);
                            continue;
                        }
                        Some(Err(())) => {
                            complete = false;
                            reporter.unfocus(previous);
                            continue;
                        }
                        None => {}
                    }
                    if !braced {
                        reporter.warning(
                            pointer,
                            format!(
                                "embedded expression `{expr}` is written without braces; Arazzo 1.0.1 embeds \
                                 expressions as `{{{expr}}}`. Accepted as an embedded expression"
                            ),
                        );
                    }
                    match self.request_reference(&expr, pointer, reporter) {
                        Some(value @ ValueRef::Input { optional: true, .. }) if !json => {
                            super::lenient::optional_input_embedded(reporter, pointer, &expr.to_string());
                            pieces.push(TemplatePiece::Value(value));
                        }
                        Some(value) if value.is_optional() && !json => {
                            reporter.error(
                                pointer,
                                format!(
                                    "`{expr}` is an optional input and cannot be embedded in a string; make it required"
                                ),
                            );
                            complete = false;
                        }
                        Some(value) => pieces.push(TemplatePiece::Value(value)),
                        None => complete = false,
                    }
                    reporter.unfocus(previous);
                }
            }
        }
        complete.then_some(ValuePlan::Template(pieces))
    }

    /// A reference usable in a request: inputs and earlier step outputs, optionally at a JSON pointer
    /// (`$inputs.customer#/firstName`).
    pub(crate) fn request_reference(
        &self,
        expr: &Expr,
        pointer: &str,
        reporter: &mut Reporter<'_>,
    ) -> Option<ValueRef> {
        match expr {
            Expr::Inputs { name, pointer: Some(json_pointer) } => {
                let base = Expr::Inputs { name: name.clone(), pointer: None };
                let base = self.reference(&base, pointer, reporter)?;
                pointer_into(base, json_pointer, expr, pointer, reporter)
            }
            Expr::Steps { step, output: Some(output), pointer: Some(json_pointer), rest } => {
                let base =
                    Expr::Steps { step: step.clone(), output: Some(output.clone()), pointer: None, rest: rest.clone() };
                let base = self.reference(&base, pointer, reporter)?;
                pointer_into(base, json_pointer, expr, pointer, reporter)
            }
            Expr::Workflows { workflow, field, name, pointer: Some(json_pointer), rest } => {
                let base = Expr::Workflows {
                    workflow: workflow.clone(),
                    field: field.clone(),
                    name: name.clone(),
                    pointer: None,
                    rest: rest.clone(),
                };
                let base = self.reference(&base, pointer, reporter)?;
                pointer_into(base, json_pointer, expr, pointer, reporter)
            }
            Expr::Inputs { .. } | Expr::Steps { .. } | Expr::Workflows { .. } => {
                self.reference(expr, pointer, reporter)
            }
            other => {
                super::meaning::refuse(reporter, other, super::meaning::Place::RequestValue, pointer);
                None
            }
        }
    }
}

/// The JSON value at a pointer inside `base`. A secret has no JSON inside it to point into, and the
/// pointer would turn it into a plain value: refused.
fn pointer_into(
    base: ValueRef,
    json_pointer: &str,
    expr: &Expr,
    pointer: &str,
    reporter: &mut Reporter<'_>,
) -> Option<ValueRef> {
    if base.ty().is_secret() {
        reporter.error(pointer, format!("`{expr}` points into a secret, which would turn it into a plain value"));
        return None;
    }
    Some(ValueRef::Pointer { base: Box::new(base), pointer: json_pointer.to_string() })
}

/// The bytes of the embedded expression whose `$` is at `offset`: up to the `}` that closes it (braces
/// inside counted, as the template parser does), or for the brace-less form up to whitespace.
fn embedded_range(text: &str, offset: usize, braced: bool) -> std::ops::Range<usize> {
    let rest = text.get(offset..).unwrap_or_default();
    let len = if braced {
        let mut depth = 1usize;
        rest.char_indices()
            .find(|&(_, c)| {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(rest.len(), |(i, _)| i)
    } else {
        rest.find(char::is_whitespace).unwrap_or(rest.len())
    };
    offset..offset + len
}

/// `a, b, c`, or `(none)`.
pub(crate) fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|name| format!("`{name}`")).collect();
    if names.is_empty() { "(none)".to_string() } else { names.join(", ") }
}
