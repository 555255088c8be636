//! Arazzo 1.1 Selector Objects at run time: a JSONPath query (RFC 9535) applied to a value the
//! workflow holds, or to the response body.
//!
//! `arazzo-codegen` parses every query at build time; here each is parsed once more, on first use,
//! and kept in the cache the `jsonpath` criteria use, so a query costs one parse per process. JSON
//! pointer selectors need nothing of this module: they are the pointer reads of
//! [`Response`](crate::Response) (which stream the body) and of [`json`](crate::json), which is what
//! they are.
//!
//! A *singular* query (RFC 9535 section 2.3.5.1: names and indexes only, such as `$.user.id` or
//! `$.items[-1]`) selects at most one node, which is its value; any other query selects a node list,
//! whose value is a JSON array of the nodes in order (empty when it selects nothing).
//!
//! A query that embeds runtime expressions (Arazzo 1.1: `$.orders[?@.status == '{$inputs.status}']`)
//! comes as the [`Piece`]s `jsonpath` criteria use: each value becomes one RFC 9535 literal, or the
//! escaped content of the string literal it was written in, so it can never change the query
//! ([`condition::embedded`](crate::condition::embedded) says how). Such a query depends on its
//! values, so it is parsed at each evaluation, and never singular (values stand in filters only).
//! An absent value (an optional input left out) selects nothing; a value standing alone that has
//! no literal form (an array, an object) fails the step, naming the query as written.
//!
//! ```
//! use arazzo_runtime::select::{jsonpath_node, jsonpath_nodes};
//! use serde_json::json;
//!
//! let user = json!({"id": 7, "roles": [{"name": "admin"}, {"name": "dev"}]});
//! assert_eq!(jsonpath_node("$.id", Some(&user))?, Some(json!(7)));
//! assert_eq!(jsonpath_node("$.email", Some(&user))?, None);
//! assert_eq!(jsonpath_nodes("$.roles[*].name", Some(&user))?, Some(json!(["admin", "dev"])));
//! assert_eq!(jsonpath_nodes("$.roles[*].name", None)?, None);
//!
//! // `$.roles[?@.name == {$inputs.role}].name` with the role `admin`.
//! use arazzo_runtime::condition::embedded::Piece;
//! use arazzo_runtime::select::jsonpath_nodes_with;
//! let role = json!("admin");
//! let pieces = [Piece::Text("$.roles[?@.name == "), Piece::Value(Some(&role)), Piece::Text("].name")];
//! let query = "$.roles[?@.name == {$inputs.role}].name";
//! assert_eq!(jsonpath_nodes_with(query, &pieces, Some(&user))?, Some(json!(["admin"])));
//! # Ok::<(), arazzo_runtime::StepError>(())
//! ```

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::criteria::condition::embedded::Piece;
use crate::error::StepError;

/// The node a singular query selects in `context`, or `None` when it selects nothing or the
/// context is absent (an optional input left out, a pointer that found nothing).
///
/// A query that selects several nodes gives the first: the generator calls this for singular
/// queries only, which select at most one.
pub fn jsonpath_node(query: &'static str, context: Option<&Value>) -> Result<Option<Value>, StepError> {
    let path = compiled(query)?;
    Ok(context.and_then(|value| path.query(value).first().cloned()))
}

/// The nodes `query` selects in `context`, as a JSON array in document order (empty when it selects
/// nothing), or `None` when the context is absent.
pub fn jsonpath_nodes(query: &'static str, context: Option<&Value>) -> Result<Option<Value>, StepError> {
    let path = compiled(query)?;
    Ok(context.map(|value| Value::Array(path.query(value).all().into_iter().cloned().collect())))
}

/// [`jsonpath_nodes`] for a query that embeds values (`query` as written, for messages; `pieces`
/// the text and values in order): the nodes as a JSON array, empty when a value is absent; `None`
/// when the context is absent.
pub fn jsonpath_nodes_with(
    query: &'static str,
    pieces: &[Piece<'_>],
    context: Option<&Value>,
) -> Result<Option<Value>, StepError> {
    let Some(context) = context else { return Ok(None) };
    Ok(Some(Value::Array(all_with(context, query, pieces)?)))
}

/// Every node the query of `pieces` selects in `root`, in document order: none when a value is
/// absent.
pub(crate) fn all_with(root: &Value, query: &'static str, pieces: &[Piece<'_>]) -> Result<Vec<Value>, StepError> {
    let built = match crate::criteria::condition::embedded::jsonpath_query(pieces) {
        Ok(Some(built)) => built,
        Ok(None) => return Ok(Vec::new()),
        Err(reason) => {
            return Err(StepError::Selection { selector: query, problem: format!("cannot be evaluated: {reason}") });
        }
    };
    // The parser's message may quote the query built, which holds the values: not repeated.
    let path = crate::criteria::condition::parse_jsonpath(&built).map_err(|_| StepError::Selection {
        selector: query,
        problem: "is not a valid JSONPath query with its embedded values filled in".to_owned(),
    })?;
    Ok(path.query(root).all().into_iter().cloned().collect())
}

/// The one node a singular query selects in `root` (the response body, or the value at `context`
/// inside it), as a `T`. Selecting nothing, or a value that is not a `T`, is an error naming the
/// query and the JSON type found, never the value.
pub(crate) fn one<T: DeserializeOwned>(root: &Value, context: &str, query: &'static str) -> Result<T, StepError> {
    let path = compiled(query)?;
    let Some(node) = path.query(root).first() else {
        return Err(StepError::Selection {
            selector: query,
            problem: format!("selected nothing in {}", place(context)),
        });
    };
    T::deserialize(node).map_err(|_| StepError::Selection {
        selector: query,
        problem: format!("selected {} in {}, which is not the expected type", kind(node), place(context)),
    })
}

/// Every node `query` selects in `root`, in document order.
pub(crate) fn all(root: &Value, query: &'static str) -> Result<Vec<Value>, StepError> {
    let path = compiled(query)?;
    Ok(path.query(root).all().into_iter().cloned().collect())
}

fn compiled(query: &'static str) -> Result<Arc<JsonPath>, StepError> {
    crate::criteria::condition::jsonpath_query(query).map_err(|message| StepError::Selection {
        selector: query,
        problem: format!("is not a valid JSONPath query ({message})"),
    })
}

/// Where the query ran, in words.
fn place(context: &str) -> String {
    if context.is_empty() {
        "the response body".to_owned()
    } else {
        format!("the value at JSON pointer `{context}` in the response body")
    }
}

/// The JSON type of a node, with its article.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_singular_query_gives_its_node_or_none() {
        let value = json!({"items": [{"id": 1}, {"id": 2}]});
        assert_eq!(jsonpath_node("$.items[-1].id", Some(&value)), Ok(Some(json!(2))));
        assert_eq!(jsonpath_node("$.items[5].id", Some(&value)), Ok(None));
        assert_eq!(jsonpath_node("$.items[0]", None), Ok(None));
        // RFC 9535: an index selects nothing in an object, a name nothing in an array.
        assert_eq!(jsonpath_node("$[0]", Some(&json!({"0": "member"}))), Ok(None));
        assert_eq!(jsonpath_node("$['0']", Some(&json!(["item"]))), Ok(None));
    }

    #[test]
    fn any_query_gives_its_node_list_as_an_array() {
        let value = json!({"items": [{"id": 1, "ok": true}, {"id": 2, "ok": false}, {"id": 3, "ok": true}]});
        assert_eq!(jsonpath_nodes("$.items[?@.ok == true].id", Some(&value)), Ok(Some(json!([1, 3]))));
        assert_eq!(jsonpath_nodes("$..missing", Some(&value)), Ok(Some(json!([]))));
        assert_eq!(jsonpath_nodes("$.items[*]", None), Ok(None));
    }

    #[test]
    fn one_node_is_typed_and_nothing_is_an_error_naming_the_query() {
        let body = json!({"user": {"id": 7, "name": "Ada"}});
        assert_eq!(one::<i64>(&body, "", "$.user.id"), Ok(7));
        let nothing = one::<i64>(&body, "", "$.user.age").unwrap_err();
        assert_eq!(nothing.to_string(), "the JSONPath selector `$.user.age` selected nothing in the response body");
        let wrong = one::<i64>(&body["user"], "/user", "$.name").unwrap_err();
        assert_eq!(
            wrong.to_string(),
            "the JSONPath selector `$.name` selected a string in the value at JSON pointer `/user` in the response \
             body, which is not the expected type"
        );
        // The value itself is never quoted.
        assert!(!wrong.to_string().contains("Ada"));
        assert_eq!(all(&body, "$.user.*"), Ok(vec![json!(7), json!("Ada")]));
    }

    #[test]
    fn embedded_values_are_literals_that_cannot_change_the_query() {
        let value = json!({"items": [{"id": "a", "n": 1}, {"id": "x' || true", "n": 2}, {"id": "b", "n": 3}]});
        let query = "$.items[?@.id == '{$inputs.id}'].n";
        let nodes = |id: &Value| {
            let pieces = [Piece::Text("$.items[?@.id == '"), Piece::Quoted('\'', Some(id)), Piece::Text("'].n")];
            jsonpath_nodes_with(query, &pieces, Some(&value))
        };
        assert_eq!(nodes(&json!("b")), Ok(Some(json!([3]))));
        // Pasted, `x' || true` would end the string and select every item; here it is the one id.
        assert_eq!(nodes(&json!("x' || true")), Ok(Some(json!([2]))));
        assert_eq!(nodes(&json!("a' || '1' == '1")), Ok(Some(json!([]))));
        // A value standing alone is a literal: `"]..*` is a string no item has.
        let alone = |id: Option<&Value>| {
            let pieces = [Piece::Text("$.items[?@.id == "), Piece::Value(id), Piece::Text("].n")];
            jsonpath_nodes_with("$.items[?@.id == {$inputs.id}].n", &pieces, Some(&value))
        };
        assert_eq!(alone(Some(&json!("a"))), Ok(Some(json!([1]))));
        assert_eq!(alone(Some(&json!("\"]..*"))), Ok(Some(json!([]))));
        // An absent value selects nothing; an absent context is absent.
        assert_eq!(alone(None), Ok(Some(json!([]))));
        let pieces = [Piece::Text("$[?@ == "), Piece::Value(Some(&json!(1))), Piece::Text("]")];
        assert_eq!(jsonpath_nodes_with("$[?@ == {$inputs.n}]", &pieces, None), Ok(None));
    }

    #[test]
    fn an_embedded_array_fails_naming_the_query_never_the_value() {
        let list = json!(["secret-ish"]);
        let pieces = [Piece::Text("$[?@ == "), Piece::Value(Some(&list)), Piece::Text("]")];
        let error = all_with(&json!([1]), "$[?@ == {$inputs.list}]", &pieces).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the JSONPath selector `$[?@ == {$inputs.list}]` cannot be evaluated: embedded value 1 is an array, \
             which is not a JSONPath literal (a string, a number, true, false or null)"
        );
    }

    #[test]
    fn an_invalid_query_is_an_error_not_a_panic() {
        let error = jsonpath_node("$[", Some(&json!({}))).unwrap_err();
        assert!(error.to_string().starts_with("the JSONPath selector `$[` is not a valid JSONPath query ("), "{error}");
        assert!(jsonpath_nodes("$['\\u", Some(&json!({}))).is_err());
    }
}
