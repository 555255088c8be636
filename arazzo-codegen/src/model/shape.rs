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

use serde_json::{Map, Value};

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
    Object(&'static Object),
    /// The object inline, or a Reusable Object (a mapping with `reference`).
    Reusable(&'static Object),
    /// A list of items of the shape; the text says what the list holds ("a list of criteria").
    List(&'static Shape, &'static str),
    /// A mapping of names to values of the shape, with what it is in words.
    Map(&'static Shape, &'static str),
    /// A Criterion's `type`: a name, or a Criterion Expression Type Object.
    CriterionType,
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
}

const fn required(key: &'static str, shape: Shape) -> Field {
    Field { key, shape, required: true }
}

const fn optional(key: &'static str, shape: Shape) -> Field {
    Field { key, shape, required: false }
}

const EXPRESSIONS: Shape = Shape::Map(&Shape::Expression, "a mapping of names to runtime expressions");
const CRITERIA: Shape = Shape::List(&Shape::Object(&CRITERION), "a list of criteria");
const PARAMETERS: Shape = Shape::List(&Shape::Reusable(&PARAMETER), "a list of parameters");
const SUCCESS_ACTIONS: Shape = Shape::List(&Shape::Reusable(&SUCCESS_ACTION), "a list of success actions");
const FAILURE_ACTIONS: Shape = Shape::List(&Shape::Reusable(&FAILURE_ACTION), "a list of failure actions");

static DOCUMENT: Object = Object {
    name: "an Arazzo document",
    fields: &[
        required("arazzo", Shape::Text),
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
        optional("type", Shape::Choice(&["openapi", "arazzo"])),
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
    ],
};

static PARAMETER: Object = Object {
    name: "a Parameter Object",
    fields: &[
        required("name", Shape::Text),
        optional("in", Shape::Choice(&["path", "query", "header", "cookie"])),
        required("value", Shape::Any),
    ],
};

static SUCCESS_ACTION: Object = Object {
    name: "a Success Action Object",
    fields: &[
        required("name", Shape::Text),
        required("type", Shape::Choice(&["end", "goto"])),
        optional("workflowId", Shape::Text),
        optional("stepId", Shape::Text),
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

static REUSABLE: Object =
    Object { name: "a Reusable Object", fields: &[required("reference", Shape::Text), optional("value", Shape::Any)] };

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

static REQUEST_BODY: Object = Object {
    name: "a Request Body Object",
    fields: &[
        optional("contentType", Shape::Text),
        optional("payload", Shape::Any),
        optional("replacements", Shape::List(&Shape::Object(&PAYLOAD_REPLACEMENT), "a list of payload replacements")),
    ],
};

static PAYLOAD_REPLACEMENT: Object = Object {
    name: "a Payload Replacement Object",
    fields: &[required("target", Shape::Text), required("value", Shape::Any)],
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

/// Checks `value` against the Arazzo document's shape and repairs it (see the module documentation).
pub fn conform(value: &mut Value) -> Conformed {
    let mut conformed = Conformed::default();
    match value {
        Value::Object(map) => object(map, &DOCUMENT, "", &mut conformed),
        other => {
            conformed.problems.push(Problem {
                pointer: String::new(),
                message: format!("expected {} (a mapping), found {}", DOCUMENT.name, found(other)),
            });
            conformed.unreadable = true;
        }
    }
    conformed
}

fn object(map: &mut Map<String, Value>, object: &Object, pointer: &str, out: &mut Conformed) {
    for field in object.fields {
        let child = format!("{pointer}/{}", escape(field.key));
        match map.get_mut(field.key) {
            None if field.required => {
                out.problems.push(Problem {
                    pointer: pointer.to_string(),
                    message: format!("missing field `{}`, which {} must have", field.key, object.name),
                });
                map.insert(field.key.to_string(), placeholder(field.shape));
                out.repaired.push(child);
            }
            None => {}
            Some(value) => {
                if fits(value, field.shape, &child, out) {
                    continue;
                }
                out.problems.push(mismatch(&child, &format!("`{}`", field.key), field.shape, value));
                if field.required {
                    *value = placeholder(field.shape);
                } else {
                    map.shift_remove(field.key);
                }
                out.repaired.push(child);
            }
        }
    }
}

/// Whether `value` has the shape, repairing what is inside it; a value that does not fit at all is
/// left for the caller to report and replace.
fn fits(value: &mut Value, shape: Shape, pointer: &str, out: &mut Conformed) -> bool {
    match (shape, value) {
        (Shape::Any, _) => true,
        (Shape::Text | Shape::Expression, value) => value.is_string(),
        (Shape::Count, value) => value.is_u64(),
        (Shape::Number, value) => value.is_number(),
        (Shape::Choice(choices), Value::String(text)) => choices.contains(&text.as_str()),
        (Shape::Object(shape), Value::Object(map)) => {
            object(map, shape, pointer, out);
            true
        }
        (Shape::Reusable(shape), Value::Object(map)) => {
            let shape = if map.contains_key("reference") { &REUSABLE } else { shape };
            object(map, shape, pointer, out);
            true
        }
        (Shape::CriterionType, Value::String(_)) => true,
        (Shape::CriterionType, Value::Object(map)) => {
            object(map, &CRITERION_EXPRESSION_TYPE, pointer, out);
            true
        }
        (Shape::List(item, _), Value::Array(items)) => {
            for (index, value) in items.iter_mut().enumerate() {
                let child = format!("{pointer}/{index}");
                if !fits(value, *item, &child, out) {
                    out.problems.push(mismatch(&child, &format!("item {index}"), *item, value));
                    *value = placeholder(*item);
                    out.repaired.push(child);
                }
            }
            true
        }
        (Shape::Map(entry, _), Value::Object(map)) => {
            for (key, value) in map.iter_mut() {
                let child = format!("{pointer}/{}", escape(key));
                if !fits(value, *entry, &child, out) {
                    out.problems.push(mismatch(&child, &format!("`{key}`"), *entry, value));
                    *value = placeholder(*entry);
                    out.repaired.push(child);
                }
            }
            true
        }
        _ => false,
    }
}

/// A value of the shape that the checker accepts without a word, or with words at its own pointer.
fn placeholder(shape: Shape) -> Value {
    match shape {
        Shape::Any => Value::Null,
        Shape::Text | Shape::Expression | Shape::CriterionType => Value::String(String::new()),
        Shape::Count | Shape::Number => Value::from(0u64),
        Shape::Choice(choices) => Value::String(choices.first().copied().unwrap_or_default().to_string()),
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

fn mismatch(pointer: &str, label: &str, shape: Shape, value: &Value) -> Problem {
    let expected = match shape {
        Shape::Any => "any value".to_string(),
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
        Shape::Object(object) => format!("{} (a mapping)", object.name),
        Shape::Reusable(object) => format!("{} or a Reusable Object (a mapping)", object.name),
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_bad_field_is_reported_and_repaired() {
        let mut value = json!({
            "arazzo": "1.0.1",
            "info": {"title": "t", "version": 1},
            "sourceDescriptions": [{"name": "s", "url": "u"}],
            "workflows": [{"workflowId": "w", "steps": [
                {"stepId": "a", "onFailure": [{"name": "r", "type": "retry", "retryLimit": "ten"}],
                 "sucessCriteria": [], "successCriteria": "$statusCode == 200"},
                7,
            ]}],
        });
        let conformed = conform(&mut value);
        let pointers: Vec<&str> = conformed.problems.iter().map(|problem| problem.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/info/version",
                "/workflows/0/steps/0/successCriteria",
                "/workflows/0/steps/0/onFailure/0/retryLimit",
                "/workflows/0/steps/1"
            ]
        );
        assert_eq!(
            conformed.problems[2].message,
            "expected a non-negative integer for `retryLimit`, found the string `ten`"
        );
        assert_eq!(
            conformed.repaired,
            [
                "/info/version",
                "/workflows/0/steps/0/successCriteria",
                "/workflows/0/steps/0/onFailure/0/retryLimit",
                "/workflows/0/steps/1"
            ]
        );
        // Optional fields are dropped, required ones hold a placeholder, unknown ones stay for the checker.
        assert_eq!(value["workflows"][0]["steps"][0].get("successCriteria"), None);
        assert!(value["workflows"][0]["steps"][0].get("sucessCriteria").is_some());
        assert_eq!(value["workflows"][0]["steps"][1], json!({"stepId": ""}));
        assert!(super::super::from_value(&value).is_ok());
    }

    #[test]
    fn repaired_fields_cover_what_is_below_them() {
        assert!(covers("workflows[0].steps[1]", "workflows[0].steps[1]"));
        assert!(covers("workflows[0].steps[1]", "workflows[0].steps[1].stepId"));
        assert!(!covers("workflows[0].steps[1]", "workflows[0].steps[10]"));
        assert!(!covers("workflows[0].steps[1]", "workflows[0].steps"));
    }
}
