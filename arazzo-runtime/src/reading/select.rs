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
//! ```
//! use arazzo_runtime::select::{jsonpath_node, jsonpath_nodes};
//! use serde_json::json;
//!
//! let user = json!({"id": 7, "roles": [{"name": "admin"}, {"name": "dev"}]});
//! assert_eq!(jsonpath_node("$.id", Some(&user))?, Some(json!(7)));
//! assert_eq!(jsonpath_node("$.email", Some(&user))?, None);
//! assert_eq!(jsonpath_nodes("$.roles[*].name", Some(&user))?, Some(json!(["admin", "dev"])));
//! assert_eq!(jsonpath_nodes("$.roles[*].name", None)?, None);
//! # Ok::<(), arazzo_runtime::StepError>(())
//! ```

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json_path::JsonPath;

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
    fn an_invalid_query_is_an_error_not_a_panic() {
        let error = jsonpath_node("$[", Some(&json!({}))).unwrap_err();
        assert!(error.to_string().starts_with("the JSONPath selector `$[` is not a valid JSONPath query ("), "{error}");
        assert!(jsonpath_nodes("$['\\u", Some(&json!({}))).is_err());
    }
}
