//! Building JSON request bodies from typed values.
//!
//! An object or array borrows its members and is written straight to JSON text when the request
//! is built, without a `serde_json::Value` in between. An object field whose value is absent
//! (`None`) is left out, not sent as `null`; an absent array item is `null`, to keep positions.
//!
//! ```
//! use arazzo_runtime::{ParamValue, json};
//!
//! let expires: Option<i64> = None;
//! let scopes = json::array([&"read", &"write"]);
//! let body = json::object([("user_id", &"u_1"), ("expires_at_seconds", &expires), ("scopes", &scopes)]);
//! assert_eq!(body.to_json(), Some(serde_json::json!({"user_id": "u_1", "scopes": ["read", "write"]})));
//! ```

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::SecretString;
use crate::StepError;
use crate::encoding::param::{ParamValue, write_items, write_serialized};

/// A member of a JSON object or array: any [`ParamValue`].
pub type Member<'a> = &'a (dyn ParamValue + Sync);

/// The JSON form of a value; `None` when it is absent.
pub fn value<T: ParamValue + ?Sized>(v: &T) -> Option<Value> {
    v.to_json()
}

/// An object of the given fields, in order; fields whose value is absent are left out.
pub fn object<'a, const N: usize>(fields: [(&'a str, Member<'a>); N]) -> Object<'a, N> {
    Object(fields)
}

/// An array of the given items; absent items become `null`, to keep positions.
pub fn array<'a, const N: usize>(items: [Member<'a>; N]) -> Array<'a, N> {
    Array(items)
}

/// A JSON object built by [`object()`].
#[derive(Clone, Copy)]
pub struct Object<'a, const N: usize>([(&'a str, Member<'a>); N]);

/// A JSON array built by [`array()`].
#[derive(Clone, Copy)]
pub struct Array<'a, const N: usize>([Member<'a>; N]);

/// JSON `null`, written in the workflow document.
#[derive(Clone, Copy, Debug)]
pub struct Null;

impl<const N: usize> ParamValue for Object<'_, N> {
    fn to_json(&self) -> Option<Value> {
        let map: Map<String, Value> =
            self.0.iter().filter_map(|(name, value)| Some(((*name).to_owned(), value.to_json()?))).collect();
        Some(Value::Object(map))
    }

    fn collect_secrets(&self, out: &mut Vec<SecretString>) {
        self.0.iter().for_each(|(_, value)| value.collect_secrets(out));
    }

    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        write_fields(out, &self.0);
        true
    }
}

/// Appends a JSON object of `fields`, absent ones left out. Not generic, so that objects of every
/// size share one copy.
fn write_fields(out: &mut Vec<u8>, fields: &[(&str, Member<'_>)]) {
    out.push(b'{');
    let mut first = true;
    for (name, value) in fields {
        let before = out.len();
        if !first {
            out.push(b',');
        }
        write_serialized(out, *name);
        out.push(b':');
        if value.write_json(out) {
            first = false;
        } else {
            // Absent: the field is left out.
            out.truncate(before);
        }
    }
    out.push(b'}');
}

impl<const N: usize> ParamValue for Array<'_, N> {
    fn to_json(&self) -> Option<Value> {
        Some(Value::Array(self.0.iter().map(|item| item.to_json().unwrap_or(Value::Null)).collect()))
    }

    fn collect_secrets(&self, out: &mut Vec<SecretString>) {
        self.0.iter().for_each(|item| item.collect_secrets(out));
    }

    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        write_items(out, self.0.iter().map(|item| *item as &dyn ParamValue));
        true
    }
}

impl ParamValue for Null {
    fn to_json(&self) -> Option<Value> {
        Some(Value::Null)
    }

    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        out.extend_from_slice(b"null");
        true
    }
}

/// The value at a JSON pointer inside an input held as JSON, as the `T` the workflow's inputs schema
/// gives it (`$inputs.customer#/age` of an `allOf` object: an `i64`): `None` when nothing is there,
/// [`StepError::InputMismatch`] naming `expression` (and the JSON type found, never the value) when
/// it is not a `T`.
pub fn part<T: DeserializeOwned>(expression: &'static str, found: Option<&Value>) -> Result<Option<T>, StepError> {
    let Some(found) = found else { return Ok(None) };
    T::deserialize(found).map(Some).map_err(|_| StepError::InputMismatch { expression, found: json_kind(found) })
}

/// A value whose schema allows `null` (an `Option` whose `None` is `null`, not "absent"): JSON
/// `null` when it is `None`, where an absent value would be left out. Generated code writes such
/// values into JSON bodies and criteria through it.
///
/// ```
/// use arazzo_runtime::{ParamValue, json};
///
/// let deleted_at: Option<String> = None;
/// let null = json::or_null(&deleted_at);
/// let body = json::object([("deleted_at", &null), ("left_out", &deleted_at)]);
/// assert_eq!(body.to_json(), Some(serde_json::json!({"deleted_at": null})));
/// ```
pub fn or_null<T: ParamValue + ?Sized>(value: &T) -> OrNull<'_, T> {
    OrNull(value)
}

/// A value that is JSON `null` when absent: see [`or_null()`].
#[derive(Clone, Copy)]
pub struct OrNull<'a, T: ?Sized>(&'a T);

impl<T: ParamValue + ?Sized> ParamValue for OrNull<'_, T> {
    fn to_json(&self) -> Option<Value> {
        Some(self.0.to_json().unwrap_or(Value::Null))
    }

    fn collect_secrets(&self, out: &mut Vec<SecretString>) {
        self.0.collect_secrets(out);
    }

    fn as_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.0.as_text()
    }

    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        if !self.0.write_json(out) {
            out.extend_from_slice(b"null");
        }
        true
    }
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

/// The JSON type of a value, as named in error messages.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretString;
    use serde_json::json;

    #[test]
    fn parts_of_inputs_decode_to_their_schema_type() {
        let input = json!({"name": "Ada", "age": "old", "tags": ["a"]});
        assert_eq!(part::<String>("$inputs.p#/name", input.pointer("/name")), Ok(Some("Ada".to_owned())));
        assert_eq!(part::<Vec<String>>("$inputs.p#/tags", input.pointer("/tags")), Ok(Some(vec!["a".to_owned()])));
        assert_eq!(part::<i64>("$inputs.p#/gone", input.pointer("/gone")), Ok(None));
        let error = part::<i64>("$inputs.p#/age", input.pointer("/age")).unwrap_err();
        assert_eq!(error, StepError::InputMismatch { expression: "$inputs.p#/age", found: "string" });
        // The message names the type found, never the value.
        assert_eq!(
            error.to_string(),
            "`$inputs.p#/age` is a string, not the type the workflow's inputs schema gives it"
        );
    }

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

    /// The JSON text written straight from the value, checked against the `serde_json::Value`
    /// built from it: both must say the same.
    fn written<V: ParamValue + ?Sized>(value: &V) -> Option<String> {
        let mut out = Vec::new();
        let present = value.write_json(&mut out);
        let text = String::from_utf8(out).expect("JSON text is UTF-8");
        assert_eq!(present.then(|| text.clone()), value.to_json().map(|json| json.to_string()));
        present.then_some(text)
    }

    #[test]
    fn object_drops_absent_fields_and_keeps_order() {
        let gone = None::<String>;
        let body = object([("z", &1_i64), ("gone", &gone), ("a", &"x"), ("null", &Null)]);
        assert_eq!(written(&body).as_deref(), Some(r#"{"z":1,"a":"x","null":null}"#));
        // Absent fields first, last and alone leave no stray comma.
        let first_last = object([("gone", &gone), ("a", &"x"), ("also", &gone)]);
        assert_eq!(written(&first_last).as_deref(), Some(r#"{"a":"x"}"#));
        assert_eq!(written(&object([("gone", &gone)])).as_deref(), Some("{}"));
        assert_eq!(written(&object([])).as_deref(), Some("{}"));
    }

    #[test]
    fn or_null_writes_null_where_absent_would_be_left_out() {
        let none = None::<String>;
        let some = Some(String::from("x"));
        let (null, given) = (or_null(&none), or_null(&some));
        let body = object([("none", &null), ("some", &given), ("absent", &none)]);
        assert_eq!(written(&body).as_deref(), Some(r#"{"none":null,"some":"x"}"#));
        assert_eq!(written(&or_null(&f64::NAN)).as_deref(), Some("null"));
        assert_eq!(value(&or_null(&none)), Some(Value::Null));
        let key = Some(SecretString::from("k"));
        let mut secrets = Vec::new();
        or_null(&key).collect_secrets(&mut secrets);
        assert_eq!(secrets.len(), 1);
    }

    #[test]
    fn array_keeps_positions_of_absent_items() {
        let gone = None::<String>;
        assert_eq!(written(&array([&"a", &gone, &true])).as_deref(), Some(r#"["a",null,true]"#));
        assert_eq!(written(&array([])).as_deref(), Some("[]"));
    }

    #[test]
    fn nested_objects_and_arrays_escape_names_and_strings() {
        let key = SecretString::from("k\"1");
        let inner = object([("a\"b", &"line\nbreak"), ("secret", &key)]);
        let list = array([&inner, &2.5_f64]);
        let body = object([("outer", &inner), ("list", &list)]);
        assert_eq!(
            written(&body).as_deref(),
            Some(
                r#"{"outer":{"a\"b":"line\nbreak","secret":"k\"1"},"list":[{"a\"b":"line\nbreak","secret":"k\"1"},2.5]}"#
            )
        );
        let mut secrets = Vec::new();
        body.collect_secrets(&mut secrets);
        assert_eq!(secrets.iter().map(SecretString::expose_secret).collect::<Vec<_>>(), ["k\"1", "k\"1"]);
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

    #[test]
    fn values_of_every_parameter_type_written_as_text() {
        assert_eq!(written("s\u{7}").as_deref(), Some(r#""s\u0007""#));
        assert_eq!(written(&String::from("s")).as_deref(), Some(r#""s""#));
        assert_eq!(written(&-3_i32).as_deref(), Some("-3"));
        assert_eq!(written(&u64::MAX).as_deref(), Some("18446744073709551615"));
        assert_eq!(written(&i64::MIN).as_deref(), Some("-9223372036854775808"));
        assert_eq!(written(&1.5_f64).as_deref(), Some("1.5"));
        assert_eq!(written(&0.1_f64).as_deref(), Some("0.1"));
        assert_eq!(written(&f64::NAN), None);
        assert_eq!(written(&f64::INFINITY), None);
        assert_eq!(written(&false).as_deref(), Some("false"));
        assert_eq!(written(&SecretString::from("k")).as_deref(), Some(r#""k""#));
        assert_eq!(written(&vec![Some(1_i64), None]).as_deref(), Some("[1,null]"));
        assert_eq!(written(&None::<i64>), None);
        assert_eq!(written(&Some(5_i64)).as_deref(), Some("5"));
        assert_eq!(written(&json!({"k": [1, "é"]})).as_deref(), Some(r#"{"k":[1,"é"]}"#));
    }
}
