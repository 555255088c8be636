//! The types of the Arazzo fields, checked on the loaded value before serde reads it.
//!
//! serde stops at the first field of the wrong type and names it in Rust's words (`expected u64`) at
//! the object that holds it. Checking the value first against this table of the specification's
//! objects reports every such field, each at its own value and in plain words, then repairs the value
//! so that serde reads it and the checker goes on: a bad optional field is treated as absent; a bad or
//! missing required one gets a placeholder of the right type. Their pointers are returned so that
//! what the checker says about the repair is dropped (the type error already covers it).
//!
//! The table mirrors the structs of [`super`]; a field the model gains must be added here too, or
//! serde's own message (`not a valid Arazzo document: …`) is what reports it.
//!
//! The table holds both versions: a field or choice added by 1.1 is marked so, and refused in a 1.0
//! document with a hint to declare 1.1. Selector Objects (1.1) are checked here too (see
//! `model::shape::selector`).

use serde_json::{Map, Value};

use super::Version;

/// What a node of an Arazzo document must be.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// Any JSON value (payloads, parameter values, JSON Schemas, extensions).
    Any,
    Text,
    /// A string holding a runtime expression (outputs).
    Expression,
    /// A non-negative integer that fits in 64 bits (`retryLimit`).
    Count,
    /// Any number; whether it is negative is the checker's business (`retryAfter`).
    Number,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// One of the first strings (Arazzo 1.0), or, in a 1.1 document, of the second ones too.
    ChoiceSince(&'static [&'static str], &'static [&'static str]),
    Object(&'static Object),
    /// The object inline, or a Reusable Object (a mapping with `reference`).
    Reusable(&'static Object),
    /// A list of items of the shape; the text says what the list holds ("a list of criteria").
    List(&'static Shape, &'static str),
    /// A mapping of names to values of the shape, with what it is in words.
    Map(&'static Shape, &'static str),
    /// A Criterion's `type`: a name, or a Criterion Expression Type Object.
    CriterionType,
    /// 1.1: a selector type (`jsonpointer`, `jsonpath`, `xpath`) or an Expression Type Object.
    SelectorType,
    /// A value that may be a Selector Object in 1.1 (a parameter's or replacement's `value`): any
    /// value in 1.0.
    Value,
    /// A request payload: any value, in which a 1.1 document may place Selector Objects.
    Payload,
    /// An output: a runtime expression, or in 1.1 a Selector Object.
    Output,
}

/// One of the specification's objects: its name in words and its fields.
#[derive(Debug)]
struct Object {
    name: &'static str,
    fields: &'static [Field],
}

#[derive(Debug)]
struct Field {
    key: &'static str,
    shape: Shape,
    required: bool,
    /// The version that added the field.
    since: Version,
}

const fn required(key: &'static str, shape: Shape) -> Field {
    Field { key, shape, required: true, since: Version::V1_0 }
}

const fn optional(key: &'static str, shape: Shape) -> Field {
    Field { key, shape, required: false, since: Version::V1_0 }
}

/// An optional field added by Arazzo 1.1.
const fn added(key: &'static str, shape: Shape) -> Field {
    Field { key, shape, required: false, since: Version::V1_1 }
}

const EXPRESSIONS: Shape = Shape::Map(&Shape::Output, "a mapping of names to runtime expressions");
const CRITERIA: Shape = Shape::List(&Shape::Object(&CRITERION), "a list of criteria");
const PARAMETERS: Shape = Shape::List(&Shape::Reusable(&PARAMETER), "a list of parameters");
const SUCCESS_ACTIONS: Shape = Shape::List(&Shape::Reusable(&SUCCESS_ACTION), "a list of success actions");
const FAILURE_ACTIONS: Shape = Shape::List(&Shape::Reusable(&FAILURE_ACTION), "a list of failure actions");

static DOCUMENT: Object = Object {
    name: "an Arazzo document",
    fields: &[
        required("arazzo", Shape::Text),
        added("$self", Shape::Text),
        required("info", Shape::Object(&INFO)),
        required(
            "sourceDescriptions",
            Shape::List(&Shape::Object(&SOURCE_DESCRIPTION), "a list of source descriptions"),
        ),
        required("workflows", Shape::List(&Shape::Object(&WORKFLOW), "a list of workflows")),
        optional("components", Shape::Object(&COMPONENTS)),
    ],
};

static INFO: Object = Object {
    name: "an Info Object",
    fields: &[
        required("title", Shape::Text),
        optional("summary", Shape::Text),
        optional("description", Shape::Text),
        required("version", Shape::Text),
    ],
};

static SOURCE_DESCRIPTION: Object = Object {
    name: "a Source Description Object",
    fields: &[
        required("name", Shape::Text),
        required("url", Shape::Text),
        optional("type", Shape::ChoiceSince(&["openapi", "arazzo"], &["asyncapi"])),
    ],
};

static WORKFLOW: Object = Object {
    name: "a Workflow Object",
    fields: &[
        required("workflowId", Shape::Text),
        optional("summary", Shape::Text),
        optional("description", Shape::Text),
        optional("inputs", Shape::Any),
        optional("dependsOn", Shape::List(&Shape::Text, "a list of workflow ids")),
        required("steps", Shape::List(&Shape::Object(&STEP), "a list of steps")),
        optional("successActions", SUCCESS_ACTIONS),
        optional("failureActions", FAILURE_ACTIONS),
        optional("outputs", EXPRESSIONS),
        optional("parameters", PARAMETERS),
    ],
};

static STEP: Object = Object {
    name: "a Step Object",
    fields: &[
        optional("description", Shape::Text),
        required("stepId", Shape::Text),
        optional("operationId", Shape::Text),
        optional("operationPath", Shape::Text),
        optional("workflowId", Shape::Text),
        optional("parameters", PARAMETERS),
        optional("requestBody", Shape::Object(&REQUEST_BODY)),
        optional("successCriteria", CRITERIA),
        optional("onSuccess", SUCCESS_ACTIONS),
        optional("onFailure", FAILURE_ACTIONS),
        optional("outputs", EXPRESSIONS),
        added("timeout", Shape::Count),
        added("dependsOn", Shape::List(&Shape::Text, "a list of step references")),
        added("channelPath", Shape::Text),
        added("action", Shape::Choice(&["send", "receive"])),
        added("correlationId", Shape::Any),
    ],
};

static PARAMETER: Object = Object {
    name: "a Parameter Object",
    fields: &[
        required("name", Shape::Text),
        optional("in", Shape::ChoiceSince(&["path", "query", "header", "cookie"], &["querystring", "channel"])),
        required("value", Shape::Value),
    ],
};

static SUCCESS_ACTION: Object = Object {
    name: "a Success Action Object",
    fields: &[
        required("name", Shape::Text),
        required("type", Shape::Choice(&["end", "goto"])),
        optional("workflowId", Shape::Text),
        optional("stepId", Shape::Text),
        added("parameters", PARAMETERS),
        optional("criteria", CRITERIA),
    ],
};

static FAILURE_ACTION: Object = Object {
    name: "a Failure Action Object",
    fields: &[
        required("name", Shape::Text),
        required("type", Shape::Choice(&["end", "retry", "goto"])),
        optional("workflowId", Shape::Text),
        optional("stepId", Shape::Text),
        optional("retryAfter", Shape::Number),
        optional("retryLimit", Shape::Count),
        added("parameters", PARAMETERS),
        optional("criteria", CRITERIA),
    ],
};

static COMPONENTS: Object = Object {
    name: "a Components Object",
    fields: &[
        optional("inputs", Shape::Map(&Shape::Any, "a mapping of names to JSON Schemas")),
        optional("parameters", Shape::Map(&Shape::Object(&PARAMETER), "a mapping of names to Parameter Objects")),
        optional(
            "successActions",
            Shape::Map(&Shape::Object(&SUCCESS_ACTION), "a mapping of names to Success Action Objects"),
        ),
        optional(
            "failureActions",
            Shape::Map(&Shape::Object(&FAILURE_ACTION), "a mapping of names to Failure Action Objects"),
        ),
    ],
};

static REUSABLE: Object = Object {
    name: "a Reusable Object",
    fields: &[required("reference", Shape::Text), optional("value", Shape::Value)],
};

static CRITERION: Object = Object {
    name: "a Criterion Object",
    fields: &[
        optional("context", Shape::Text),
        required("condition", Shape::Text),
        optional("type", Shape::CriterionType),
    ],
};

static CRITERION_EXPRESSION_TYPE: Object = Object {
    name: "a Criterion Expression Type Object",
    fields: &[required("type", Shape::Text), required("version", Shape::Text)],
};

/// 1.1's name for it, which Selector Objects and replacement targets use too.
static EXPRESSION_TYPE: Object = Object {
    name: "an Expression Type Object",
    fields: &[required("type", Shape::Choice(&["jsonpath", "xpath", "jsonpointer"])), required("version", Shape::Text)],
};

static SELECTOR: Object = Object {
    name: "a Selector Object",
    fields: &[
        required("context", Shape::Expression),
        required("selector", Shape::Text),
        required("type", Shape::SelectorType),
    ],
};

static REQUEST_BODY: Object = Object {
    name: "a Request Body Object",
    fields: &[
        optional("contentType", Shape::Text),
        optional("payload", Shape::Payload),
        optional("replacements", Shape::List(&Shape::Object(&PAYLOAD_REPLACEMENT), "a list of payload replacements")),
    ],
};

static PAYLOAD_REPLACEMENT: Object = Object {
    name: "a Payload Replacement Object",
    fields: &[
        required("target", Shape::Text),
        added("targetSelectorType", Shape::SelectorType),
        required("value", Shape::Value),
    ],
};

/// A field of the wrong type, or a required field that is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer of the value (of the object, for a missing field).
    pub pointer: String,
    pub message: String,
}

/// What [`conform`] found and repaired.
#[derive(Debug, Default)]
pub struct Conformed {
    pub problems: Vec<Problem>,
    /// Pointers of the bad fields, now placeholders or absent: whatever the checker reports at or
    /// below them is about the repair (`in` missing, an empty `stepId`), not the document.
    pub repaired: Vec<String>,
    /// The root is not a mapping: there is no document to read.
    pub unreadable: bool,
}

/// Checks `value` against the Arazzo document's shape, by the rules of `version`, and repairs it (see
/// the module documentation).
pub fn conform(value: &mut Value, version: Version) -> Conformed {
    let mut conformed = Conformed::default();
    let declared = value.get("arazzo").and_then(Value::as_str).unwrap_or_default().to_string();
    let mut walk = Walk { version, declared, out: &mut conformed };
    match value {
        Value::Object(map) => walk.object(map, &DOCUMENT, ""),
        other => {
            walk.out.problems.push(Problem {
                pointer: String::new(),
                message: format!("expected {} (a mapping), found {}", DOCUMENT.name, found(other)),
            });
            walk.out.unreadable = true;
        }
    }
    conformed
}

/// One pass of [`conform`]: the rules it applies and what it found.
struct Walk<'a> {
    version: Version,
    /// The `arazzo` field as written, for messages.
    declared: String,
    out: &'a mut Conformed,
}

impl Walk<'_> {
    fn problem(&mut self, pointer: &str, message: String) {
        self.out.problems.push(Problem { pointer: pointer.to_string(), message });
    }

    /// A field or choice of a later version than the document declares: refused, with the upgrade named.
    fn too_new(&mut self, pointer: &str, what: &str) {
        let message = format!(
            "{what} is Arazzo 1.1, but this document declares `arazzo: {}`; declare `arazzo: 1.1.0` to use it (`arazzo-codegen upgrade` rewrites the document)",
            self.declared
        );
        self.problem(pointer, message);
        self.out.repaired.push(pointer.to_string());
    }

    fn object(&mut self, map: &mut Map<String, Value>, object: &Object, pointer: &str) {
        for field in object.fields {
            let child = format!("{pointer}/{}", escape(field.key));
            match map.get_mut(field.key) {
                None if field.required => {
                    self.problem(pointer, format!("missing field `{}`, which {} must have", field.key, object.name));
                    map.insert(field.key.to_string(), placeholder(field.shape));
                    self.out.repaired.push(child);
                }
                None => {}
                Some(_) if field.since > self.version => {
                    self.too_new(&child, &format!("`{}`", field.key));
                    map.shift_remove(field.key);
                }
                Some(value) => {
                    if self.fits(value, field.shape, &child) {
                        continue;
                    }
                    let problem = mismatch(&child, &format!("`{}`", field.key), field.shape, value, self.version);
                    self.out.problems.push(problem);
                    if field.required {
                        *value = placeholder(field.shape);
                    } else {
                        map.shift_remove(field.key);
                    }
                    self.out.repaired.push(child);
                }
            }
        }
    }

    /// Whether `value` has the shape, repairing what is inside it; a value that does not fit at all is
    /// left for the caller to report and replace.
    fn fits(&mut self, value: &mut Value, shape: Shape, pointer: &str) -> bool {
        match (shape, value) {
            (Shape::Any, _) => true,
            (Shape::Text | Shape::Expression, value) => value.is_string(),
            (Shape::Count, value) => value.is_u64(),
            (Shape::Number, value) => value.is_number(),
            (Shape::Choice(choices), Value::String(text)) => choices.contains(&text.as_str()),
            (Shape::ChoiceSince(old, new), value @ Value::String(_)) => {
                let text = value.as_str().unwrap_or_default().to_string();
                if new.contains(&text.as_str()) && self.version < Version::V1_1 {
                    // Reported here, so that the caller's "expected one of" does not repeat it.
                    self.too_new(pointer, &format!("`{text}`"));
                    *value = Value::String(old.first().copied().unwrap_or_default().to_string());
                    return true;
                }
                old.contains(&text.as_str()) || new.contains(&text.as_str())
            }
            (Shape::Object(shape), Value::Object(map)) => {
                self.object(map, shape, pointer);
                true
            }
            (Shape::Reusable(shape), Value::Object(map)) => {
                let shape = if map.contains_key("reference") { &REUSABLE } else { shape };
                self.object(map, shape, pointer);
                true
            }
            (Shape::CriterionType, Value::String(_)) => true,
            (Shape::CriterionType, Value::Object(map)) => {
                let shape = if self.version >= Version::V1_1 { &EXPRESSION_TYPE } else { &CRITERION_EXPRESSION_TYPE };
                self.object(map, shape, pointer);
                true
            }
            (Shape::SelectorType, value) => self.selector_type(value, pointer),
            (Shape::Value, value) => {
                if self.version >= Version::V1_1 && selector::looks_like_one(value) {
                    self.selector(value, pointer);
                }
                true
            }
            (Shape::Payload, value) => {
                if self.version >= Version::V1_1 {
                    self.payload(value, pointer);
                }
                true
            }
            (Shape::Output, Value::String(_)) => true,
            (Shape::Output, value @ Value::Object(_)) if self.version >= Version::V1_1 => {
                if !self.selector(value, pointer) {
                    *value = Value::String(String::new());
                }
                true
            }
            (Shape::List(item, _), Value::Array(items)) => {
                for (index, value) in items.iter_mut().enumerate() {
                    let child = format!("{pointer}/{index}");
                    if !self.fits(value, *item, &child) {
                        let problem = mismatch(&child, &format!("item {index}"), *item, value, self.version);
                        self.out.problems.push(problem);
                        *value = placeholder(*item);
                        self.out.repaired.push(child);
                    }
                }
                true
            }
            (Shape::Map(entry, _), Value::Object(map)) => {
                for (key, value) in map.iter_mut() {
                    let child = format!("{pointer}/{}", escape(key));
                    if !self.fits(value, *entry, &child) {
                        let problem = mismatch(&child, &format!("`{key}`"), *entry, value, self.version);
                        self.out.problems.push(problem);
                        *value = placeholder(*entry);
                        self.out.repaired.push(child);
                    }
                }
                true
            }
            _ => false,
        }
    }
}

/// A value of the shape that the checker accepts without a word, or with words at its own pointer.
fn placeholder(shape: Shape) -> Value {
    match shape {
        Shape::Any | Shape::Value | Shape::Payload => Value::Null,
        Shape::Text | Shape::Expression | Shape::CriterionType | Shape::Output => Value::String(String::new()),
        Shape::SelectorType => Value::String("jsonpointer".to_string()),
        Shape::Count | Shape::Number => Value::from(0u64),
        Shape::Choice(choices) | Shape::ChoiceSince(choices, _) => {
            Value::String(choices.first().copied().unwrap_or_default().to_string())
        }
        Shape::Object(object) | Shape::Reusable(object) => Value::Object(
            object
                .fields
                .iter()
                .filter(|field| field.required)
                .map(|field| (field.key.to_string(), placeholder(field.shape)))
                .collect(),
        ),
        Shape::List(..) => Value::Array(Vec::new()),
        Shape::Map(..) => Value::Object(Map::new()),
    }
}

fn mismatch(pointer: &str, label: &str, shape: Shape, value: &Value, version: Version) -> Problem {
    let expected = match shape {
        Shape::Any | Shape::Value | Shape::Payload => "any value".to_string(),
        Shape::Output if version >= Version::V1_1 => "a runtime expression (a string) or a Selector Object".to_string(),
        Shape::Output => "a runtime expression (a string)".to_string(),
        Shape::SelectorType => {
            "a selector type: `jsonpointer`, `jsonpath`, `xpath` or an Expression Type Object".to_string()
        }
        Shape::Text => "a string".to_string(),
        Shape::Expression => "a runtime expression (a string)".to_string(),
        Shape::Count if value.as_f64().is_some_and(|n| n >= 0.0 && n.fract() == 0.0) => {
            format!("a non-negative integer of at most {}", u64::MAX)
        }
        Shape::Count => "a non-negative integer".to_string(),
        Shape::Number => "a number".to_string(),
        Shape::Choice(choices) => {
            let names: Vec<String> = choices.iter().map(|choice| format!("`{choice}`")).collect();
            format!("one of {}", names.join(", "))
        }
        Shape::ChoiceSince(old, new) => {
            let all = old.iter().chain(if version >= Version::V1_1 { new.iter() } else { [].iter() });
            let names: Vec<String> = all.map(|choice| format!("`{choice}`")).collect();
            format!("one of {}", names.join(", "))
        }
        Shape::Object(object) => format!("{} (a mapping)", object.name),
        Shape::Reusable(object) => format!("{} or a Reusable Object (a mapping)", object.name),
        Shape::CriterionType if version >= Version::V1_1 => {
            "a criterion type: a string or an Expression Type Object".to_string()
        }
        Shape::CriterionType => "a criterion type: a string or a Criterion Expression Type Object".to_string(),
        Shape::List(_, words) | Shape::Map(_, words) => words.to_string(),
    };
    Problem {
        pointer: pointer.to_string(),
        message: format!("expected {expected} for {label}, found {}", found(value)),
    }
}

/// The value in words: its kind and, for a scalar, its text (cut when long).
fn found(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(flag) => format!("`{flag}`"),
        Value::Number(number) => format!("the number `{number}`"),
        Value::String(text) if text.chars().count() > 40 => {
            format!("the string `{}…`", text.chars().take(40).collect::<String>())
        }
        Value::String(text) => format!("the string `{text}`"),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "a mapping".to_string(),
    }
}

/// Escapes a key for a JSON pointer.
fn escape(key: &str) -> String {
    crate::load::escape_token(key).into_owned()
}

/// Whether the JSON path `path` is the repaired field's (`repaired`) or below it.
pub fn covers(repaired: &str, path: &str) -> bool {
    path.strip_prefix(repaired).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

mod selector;

#[cfg(test)]
mod tests;
