//! Arazzo 1.1's Selector Objects and Expression Type Objects, in the shape check.
//!
//! A Selector Object (`{context, selector, type}`) may stand for a parameter's value, a replacement's
//! value, an output, or a node of a payload. Each one is checked here, so that a malformed one is
//! reported for what is wrong with it, and then replaced by a placeholder so that nothing else is
//! said about it; a well-formed one is left for the checker (`check::selector`), which plans it.

use serde_json::{Map, Value};

use super::{EXPRESSION_TYPE, Object, Problem, SELECTOR, Walk, escape};

/// The versions the specification allows for each expression type, the default first.
const VERSIONS: &[(&str, &[&str])] = &[
    ("jsonpath", &["rfc9535", "draft-goessner-dispatch-jsonpath-00"]),
    ("xpath", &["xpath-31", "xpath-30", "xpath-20", "xpath-10"]),
    ("jsonpointer", &["rfc6901"]),
];

/// Whether a value written where 1.1 allows a Selector Object is meant as one: a mapping with a
/// `selector` or a `context` field. Other mappings stay JSON values, as in 1.0.
pub(super) fn looks_like_one(value: &Value) -> bool {
    value.as_object().is_some_and(|map| map.contains_key("selector") || map.contains_key("context"))
}

/// The versions `kind` allows, or `None` for a kind that is not an expression type.
pub(crate) fn versions(kind: &str) -> Option<&'static [&'static str]> {
    VERSIONS.iter().find(|(name, _)| *name == kind).map(|(_, versions)| *versions)
}

impl Walk<'_> {
    /// Checks a Selector Object: `true` when it is well formed; otherwise it is replaced by `null`
    /// and its problems are reported.
    pub(super) fn selector(&mut self, value: &mut Value, pointer: &str) -> bool {
        let before = self.out.problems.len();
        if let Value::Object(map) = value {
            self.object(map, &SELECTOR, pointer);
            self.unknown_fields(map, &SELECTOR, pointer);
        }
        if self.out.problems.len() == before {
            return true;
        }
        *value = Value::Null;
        self.out.repaired.push(pointer.to_string());
        false
    }

    /// A selector type: a name, or an Expression Type Object whose version belongs to its type.
    pub(super) fn selector_type(&mut self, value: &mut Value, pointer: &str) -> bool {
        match value {
            Value::String(name) => versions(name).is_some(),
            Value::Object(map) => {
                self.object(map, &EXPRESSION_TYPE, pointer);
                self.expression_version(map, pointer);
                true
            }
            _ => false,
        }
    }

    /// The `version` of an Expression Type Object must be one of its `type`'s.
    fn expression_version(&mut self, map: &Map<String, Value>, pointer: &str) {
        let kind = map.get("type").and_then(Value::as_str).unwrap_or_default();
        let version = map.get("version").and_then(Value::as_str).unwrap_or_default();
        let Some(allowed) = versions(kind) else { return };
        if version.is_empty() || allowed.contains(&version) {
            return;
        }
        let names: Vec<String> = allowed.iter().map(|name| format!("`{name}`")).collect();
        self.problem(
            &format!("{pointer}/version"),
            format!("`{version}` is not a version of `{kind}`; expected one of {}", names.join(", ")),
        );
        self.out.repaired.push(format!("{pointer}/version"));
    }

    /// Selector Objects anywhere in a payload (a mapping with both `context` and `selector`).
    pub(super) fn payload(&mut self, value: &mut Value, pointer: &str) {
        match value {
            Value::Object(map) if map.contains_key("context") && map.contains_key("selector") => {
                self.selector(value, pointer);
            }
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    self.payload(child, &format!("{pointer}/{}", escape(key)));
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter_mut().enumerate() {
                    self.payload(child, &format!("{pointer}/{index}"));
                }
            }
            _ => {}
        }
    }

    /// Fields a Selector Object does not have (reported here, where the object is known to be one).
    fn unknown_fields(&mut self, map: &Map<String, Value>, object: &Object, pointer: &str) {
        for key in map.keys() {
            if key.starts_with("x-") || object.fields.iter().any(|field| field.key == key) {
                continue;
            }
            let names: Vec<String> = object.fields.iter().map(|field| format!("`{}`", field.key)).collect();
            self.out.problems.push(Problem {
                pointer: format!("{pointer}/{}", escape(key)),
                message: format!("unknown field `{key}` in {}; its fields are {}", object.name, names.join(", ")),
            });
        }
    }
}
