//! OpenAPI Overlay 1.0.0 documents applied to an Arazzo document before it is checked.
//!
//! An overlay adds what a published document lacks without editing its text, e.g. wiring the token
//! and URL that Backblaze's `authorizeAccount` returns into the later steps (`x-security`,
//! `x-serverUrl`). Targets are RFC 9535 JSONPath queries; `update` merges objects (arrays are
//! appended to, other values replaced) and `remove: true` deletes the target.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::condition::parse_jsonpath;
use crate::diagnostic::{Diagnostic, json_path_of_pointer};
use crate::load::{self, Loaded};

/// A loaded overlay document.
#[derive(Clone, Debug)]
pub struct Overlay {
    loaded: Loaded,
    /// The document it `extends`, resolved against the overlay's folder; `None` applies it to every document.
    extends: Option<PathBuf>,
}

impl Overlay {
    pub fn load(path: &Path) -> Result<Self, Vec<Diagnostic>> {
        let loaded = load::load_file(path).map_err(|diagnostic| vec![diagnostic])?;
        let error = |pointer: &str, message: &str| {
            Diagnostic::error(path, loaded.spans.nearest(pointer), json_path_of_pointer(pointer), message)
        };
        let mut problems = Vec::new();
        match loaded.value.get("overlay").and_then(Value::as_str) {
            Some(version) if version.starts_with("1.0.") => {}
            _ => problems.push(error("/overlay", "not an Overlay 1.0.x document (`overlay: 1.0.0` expected)")),
        }
        match loaded.value.get("actions").and_then(Value::as_array) {
            Some(actions) => {
                for (index, action) in actions.iter().enumerate() {
                    let target = action.get("target").and_then(Value::as_str);
                    match target.map(parse_jsonpath) {
                        Some(Ok(_)) => {}
                        Some(Err(parse)) => problems.push(error(
                            &format!("/actions/{index}/target"),
                            &format!("invalid JSONPath target: {parse}"),
                        )),
                        None => problems.push(error(&format!("/actions/{index}"), "an action needs a `target` string")),
                    }
                }
            }
            None => problems.push(error("/actions", "an overlay needs a list of `actions`")),
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let extends = loaded.value.get("extends").and_then(Value::as_str).and_then(|url| {
            if url.contains("://") {
                None
            } else {
                Some(crate::paths::normalize(&path.parent().unwrap_or_else(|| Path::new(".")).join(url)))
            }
        });
        Ok(Self { loaded, extends })
    }

    pub fn path(&self) -> &Path {
        &self.loaded.path
    }

    /// Whether this overlay is meant for the document at `path`.
    pub fn applies_to(&self, path: &Path) -> bool {
        match &self.extends {
            None => true,
            Some(extends) => same_file(extends, path),
        }
    }

    /// Applies every action in order. A target that matches nothing is reported: an overlay that no
    /// longer fits its document must not pass unnoticed.
    pub fn apply(&self, document: &mut Loaded) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let actions = self.loaded.value.get("actions").and_then(Value::as_array).cloned().unwrap_or_default();
        for (index, action) in actions.iter().enumerate() {
            let pointer = format!("/actions/{index}/target");
            let Some(Ok(path)) = action.get("target").and_then(Value::as_str).map(parse_jsonpath) else { continue };
            let targets: Vec<String> =
                path.query_located(&document.value).locations().map(|location| location.to_json_pointer()).collect();
            if targets.is_empty() {
                problems.push(Diagnostic::error(
                    &self.loaded.path,
                    self.loaded.spans.nearest(&pointer),
                    json_path_of_pointer(&pointer),
                    format!("the target matches nothing in `{}`", document.path.display()),
                ));
                continue;
            }
            let remove = action.get("remove").and_then(Value::as_bool) == Some(true);
            // Each update adds at most its own size at each target: refuse before merging what would
            // grow past the bound, rather than after running out of memory.
            let added = action.get("update").map_or(0, |update| count_nodes(update, load::MAX_ALIAS_NODES));
            let current = count_nodes(&document.value, load::MAX_ALIAS_NODES);
            if !remove && current.saturating_add(added.saturating_mul(targets.len())) > load::MAX_ALIAS_NODES {
                problems.push(Diagnostic::error(
                    &self.loaded.path,
                    self.loaded.spans.nearest(&pointer),
                    json_path_of_pointer(&pointer),
                    format!("applying this action would make the document larger than {} nodes", load::MAX_ALIAS_NODES),
                ));
                return problems;
            }
            for target in targets.iter().rev() {
                if remove {
                    remove_at(&mut document.value, target);
                } else if let (Some(update), Some(node)) = (action.get("update"), document.value.pointer_mut(target)) {
                    merge(node, update);
                }
            }
            // Updates can target what earlier ones added: without a bound, a few actions grow the
            // document until memory runs out. The same bounds as for YAML aliases apply.
            if !within_bounds(&document.value, load::MAX_ALIAS_NODES, load::MAX_DEPTH) {
                problems.push(Diagnostic::error(
                    &self.loaded.path,
                    self.loaded.spans.nearest(&pointer),
                    json_path_of_pointer(&pointer),
                    format!(
                        "applying this action makes the document larger than {} nodes or deeper than {} levels",
                        load::MAX_ALIAS_NODES,
                        load::MAX_DEPTH
                    ),
                ));
                return problems;
            }
        }
        problems
    }
}

/// How many nodes `value` has, counting no further than `cap` (+1).
fn count_nodes(value: &Value, cap: usize) -> usize {
    let mut count = 0usize;
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        count += 1;
        if count > cap {
            break;
        }
        match node {
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(members) => stack.extend(members.values()),
            _ => {}
        }
    }
    count
}

/// Whether `value` has at most `max_nodes` nodes and `max_depth` levels (counting stops early).
fn within_bounds(value: &Value, max_nodes: usize, max_depth: usize) -> bool {
    let mut budget = max_nodes;
    let mut stack = vec![(value, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if budget == 0 || depth > max_depth {
            return false;
        }
        budget -= 1;
        match node {
            Value::Array(items) => stack.extend(items.iter().map(|item| (item, depth + 1))),
            Value::Object(members) => stack.extend(members.values().map(|member| (member, depth + 1))),
            _ => {}
        }
    }
    true
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Overlay merge: objects merge key by key, arrays are appended to, anything else is replaced.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(update)) => target.extend(update.iter().cloned()),
        (Value::Array(target), update) => target.push(update.clone()),
        (target, update) => *target = update.clone(),
    }
}

fn remove_at(root: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return };
    let key = crate::load::unescape_token(last).into_owned();
    match root.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = key.parse::<usize>()
                && index < items.len()
            {
                items.remove(index);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_follows_the_overlay_rules() {
        let mut target = json!({"a": {"b": 1, "c": [1]}, "d": "x"});
        merge(&mut target, &json!({"a": {"b": 2, "c": [2], "e": true}, "d": "y"}));
        assert_eq!(target, json!({"a": {"b": 2, "c": [1, 2], "e": true}, "d": "y"}));
    }

    #[test]
    fn bounds_count_nodes_and_depth() {
        let value = json!({"a": [1, 2, {"b": 3}]});
        assert!(within_bounds(&value, 6, 3));
        assert!(!within_bounds(&value, 5, 3));
        assert!(!within_bounds(&value, 6, 2));
    }

    #[test]
    fn remove_deletes_object_members_and_array_items() {
        let mut root = json!({"a": {"b/c": 1, "d": 2}, "e": [1, 2, 3]});
        remove_at(&mut root, "/a/b~1c");
        remove_at(&mut root, "/e/1");
        assert_eq!(root, json!({"a": {"d": 2}, "e": [1, 3]}));
    }
}
