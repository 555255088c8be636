//! Building JSON request bodies from typed values.
//!
//! Every helper returns `Option<Value>` so that absent optional inputs nest naturally: an object
//! field whose value is `None` is left out (not sent as `null`).
//!
//! ```
//! use arazzo_runtime::json;
//!
//! let expires: Option<i64> = None;
//! let body = json::object([
//!     ("user_id", json::value("u_1")),
//!     ("expires_at_seconds", json::value(&expires)),
//!     ("scopes", json::array([json::value("read"), json::value("write")])),
//! ]);
//! assert_eq!(body, Some(serde_json::json!({"user_id": "u_1", "scopes": ["read", "write"]})));
//! ```

use serde_json::{Map, Value};

use crate::param::ParamValue;

/// The JSON form of a value; `None` when it is absent.
pub fn value<T: ParamValue + ?Sized>(v: &T) -> Option<Value> {
    v.to_json()
}

/// An object of the given fields, in order; fields whose value is `None` are dropped.
pub fn object<'a>(fields: impl IntoIterator<Item = (&'a str, Option<Value>)>) -> Option<Value> {
    let map: Map<String, Value> =
        fields.into_iter().filter_map(|(name, value)| Some((name.to_owned(), value?))).collect();
    Some(Value::Object(map))
}

/// An array of the given items; `None` items become `null` to keep positions.
pub fn array(items: impl IntoIterator<Item = Option<Value>>) -> Option<Value> {
    Some(Value::Array(items.into_iter().map(|item| item.unwrap_or(Value::Null)).collect()))
}

/// A literal written in the workflow document.
pub fn literal(v: Value) -> Option<Value> {
    Some(v)
}

/// A value as JSON text, for a payload written as JSON text with embedded expressions: an absent
/// value is `null`, a string is quoted and escaped.
pub fn text<T: ParamValue + ?Sized>(v: &T) -> String {
    v.to_json().unwrap_or(Value::Null).to_string()
}

/// A value as the content of a JSON string (escaped, without the quotes), for an expression written
/// inside a string of a JSON-text payload (`"code": "{$steps.auth.outputs.code}"`). Non-string values
/// give their JSON text; an absent value gives nothing.
pub fn string_content<T: ParamValue + ?Sized>(v: &T) -> String {
    match v.to_json() {
        None => String::new(),
        Some(Value::String(text)) => {
            let quoted = Value::String(text).to_string();
            quoted[1..quoted.len() - 1].to_owned()
        }
        Some(other) => {
            let quoted = Value::String(other.to_string()).to_string();
            quoted[1..quoted.len() - 1].to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretString;
    use serde_json::json;

    #[test]
    fn text_and_string_content_escape_for_json() {
        assert_eq!(text("a\"b"), r#""a\"b""#);
        assert_eq!(text(&None::<String>), "null");
        assert_eq!(text(&3_i64), "3");
        assert_eq!(string_content("a\"b\\c\n"), r#"a\"b\\c\n"#);
        assert_eq!(string_content(&None::<String>), "");
        assert_eq!(string_content(&true), "true");
        assert_eq!(string_content(&SecretString::from("s\"x")), r#"s\"x"#);
    }

    #[test]
    fn object_drops_absent_fields_and_keeps_order() {
        let body = object([
            ("z", value(&1_i64)),
            ("gone", value(&None::<String>)),
            ("a", value("x")),
            ("null", literal(Value::Null)),
        ]);
        let text = body.map(|v| v.to_string());
        assert_eq!(text.as_deref(), Some(r#"{"z":1,"a":"x","null":null}"#));
    }

    #[test]
    fn array_keeps_positions_of_absent_items() {
        assert_eq!(array([value("a"), None, value(&true)]), Some(json!(["a", null, true])));
    }

    #[test]
    fn values_of_every_parameter_type() {
        assert_eq!(value("s"), Some(json!("s")));
        assert_eq!(value(&String::from("s")), Some(json!("s")));
        assert_eq!(value(&-3_i32), Some(json!(-3)));
        assert_eq!(value(&7_u64), Some(json!(7)));
        assert_eq!(value(&1.5_f64), Some(json!(1.5)));
        assert_eq!(value(&f64::NAN), None);
        assert_eq!(value(&false), Some(json!(false)));
        assert_eq!(value(&SecretString::from("k")), Some(json!("k")));
        assert_eq!(value(&vec!["a".to_owned(), "b".to_owned()]), Some(json!(["a", "b"])));
        assert_eq!(value(&Some(5_i64)), Some(json!(5)));
        assert_eq!(value(&json!({"k": [1]})), Some(json!({"k": [1]})));
    }
}
