//! The whole query string of a request (OpenAPI 3.2 `in: querystring`, Arazzo 1.1), written as the
//! media type its operation declares for it.
//!
//! OpenAPI 3.2 (Parameter Object, "URL Percent-Encoding"): `application/x-www-form-urlencoded` is
//! ready for a query string as it is; any other media type (`application/json`, `text/plain`, ...)
//! is percent-encoded as a whole, every character outside RFC 3986 `unreserved` included, so
//! `{"a":1}` is sent as `?%7B%22a%22%3A1%7D`.

use std::borrow::Cow;

use serde_json::Value;

use crate::encoding::encode;
use crate::encoding::param::{ParamRef, ParamValue};
use crate::error::StepError;

/// How a query string's value becomes the URL's query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QueryStringKind {
    /// `application/x-www-form-urlencoded`: text is the query as written, with what a query cannot
    /// hold percent-encoded ([`query_text`]); an object is written as form fields.
    Form,
    /// Any other media type: the value's text (a JSON value's JSON text) percent-encoded whole.
    Escaped,
}

/// Whether an ASCII byte cannot stand in a query as it is (RFC 3986 section 3.4: `pchar`, `/` and
/// `?` may): controls, space, `"`, `#`, `<`, `>`, `[`, `\`, `]`, `^`, `` ` ``, `{`, `|`, `}`. `%` is
/// handled apart: it stays when it starts a percent-encoded byte.
fn not_in_query(byte: u8) -> bool {
    byte.is_ascii_control() || b" \"#<>[\\]^`{|}".contains(&byte)
}

/// Query-string text as written, with every character a query cannot hold percent-encoded (as
/// UTF-8), a `#` (which would start a fragment) and a `%` that starts no percent-encoded byte
/// included; the delimiters `&`, `=`, `+` and valid `%XX` escapes are left as they are.
pub(crate) fn query_text(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let stray_percent = |index: usize| {
        !(bytes.get(index + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(index + 2).is_some_and(u8::is_ascii_hexdigit))
    };
    let needs = |(index, byte): (usize, &u8)| {
        !byte.is_ascii() || not_in_query(*byte) || (*byte == b'%' && stray_percent(index))
    };
    if !bytes.iter().enumerate().any(needs) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (index, byte) in bytes.iter().enumerate() {
        if needs((index, byte)) {
            out.push_str(&format!("%{byte:02X}"));
        } else {
            out.push(char::from(*byte));
        }
    }
    Cow::Owned(out)
}

/// The query of a whole query string: `None` when the value is absent (or empty).
pub(crate) fn encode(kind: QueryStringKind, value: ParamRef<'_>) -> Result<Option<String>, StepError> {
    let text = match (kind, value.as_text()) {
        (QueryStringKind::Form, Some(text)) => query_text(&text).into_owned(),
        (QueryStringKind::Escaped, Some(text)) => encode::percent_encode(&text),
        (kind, None) => match (kind, value.to_json()) {
            (_, None | Some(Value::Null)) => return Ok(None),
            (QueryStringKind::Form, Some(fields @ Value::Object(_))) => encode::form_body(&fields),
            (QueryStringKind::Form, Some(_)) => {
                return Err(StepError::InvalidRequest {
                    message: "a form query string (`in: querystring`) must be text or an object of form fields; \
                              nothing was sent"
                        .into(),
                });
            }
            (QueryStringKind::Escaped, Some(other)) => encode::percent_encode(&other.to_string()),
        },
    };
    Ok((!text.is_empty()).then_some(text))
}

/// A value embedded in a form query string written with expressions (`filter={$inputs.filter}`),
/// encoded as `application/x-www-form-urlencoded` data (space as `+`, everything outside
/// alphanumerics and `*-._` percent-encoded), so that it can never add a field or end the query:
/// its text (a string as it is, a number or a boolean as its JSON text, anything else as its JSON
/// text; nothing when absent).
pub fn form_encoded<T: ParamValue + ?Sized>(value: &T) -> String {
    match value.as_text() {
        Some(text) => encode::form_component(&text),
        None => match value.to_json() {
            None | Some(Value::Null) => String::new(),
            Some(other) => encode::form_component(&other.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::param::IntoParamRef;
    use serde_json::json;

    fn form(value: ParamRef<'_>) -> Option<String> {
        encode(QueryStringKind::Form, value).ok().flatten()
    }

    #[test]
    fn form_text_is_sent_as_written() {
        assert_eq!(query_text("filter=active&sort=desc"), "filter=active&sort=desc");
        // Delimiters, sub-delims, `:@/?` and valid escapes stay.
        assert_eq!(query_text("a=b+c&d=%2F&e=:@/?!$'()*,;"), "a=b+c&d=%2F&e=:@/?!$'()*,;");
    }

    #[test]
    fn what_a_query_cannot_hold_is_percent_encoded() {
        assert_eq!(query_text("q=a b#c"), "q=a%20b%23c");
        assert_eq!(query_text("q=100%&r=%zz&s=%4"), "q=100%25&r=%25zz&s=%254");
        assert_eq!(query_text("q=é[1]{x}|\"<>^`\\"), "q=%C3%A9%5B1%5D%7Bx%7D%7C%22%3C%3E%5E%60%5C");
    }

    #[test]
    fn an_object_is_written_as_form_fields() {
        let fields = json!({"foo": "a + b", "bar": true});
        assert_eq!(form((&fields).into_param_ref()).as_deref(), Some("foo=a+%2B+b&bar=true"));
        let list = json!([1, 2]);
        assert!(encode(QueryStringKind::Form, (&list).into_param_ref()).is_err());
    }

    #[test]
    fn other_media_types_are_percent_encoded_whole() {
        // OpenAPI 3.2's own examples (Parameter Object Examples).
        let json_text = r#"{"numbers":[1,2],"flag":null}"#;
        assert_eq!(
            encode(QueryStringKind::Escaped, json_text.into_param_ref()).ok().flatten().as_deref(),
            Some("%7B%22numbers%22%3A%5B1%2C2%5D%2C%22flag%22%3Anull%7D")
        );
        let value = json!({"numbers": [1, 2], "flag": null});
        assert_eq!(
            encode(QueryStringKind::Escaped, (&value).into_param_ref()).ok().flatten().as_deref(),
            Some("%7B%22numbers%22%3A%5B1%2C2%5D%2C%22flag%22%3Anull%7D")
        );
        assert_eq!(
            encode(QueryStringKind::Escaped, "$.a.b[1:1]".into_param_ref()).ok().flatten().as_deref(),
            Some("%24.a.b%5B1%3A1%5D")
        );
    }

    #[test]
    fn an_absent_or_empty_value_sends_no_query() {
        let absent: Option<String> = None;
        assert_eq!(form((&absent).into_param_ref()), None);
        assert_eq!(form("".into_param_ref()), None);
    }

    #[test]
    fn embedded_values_cannot_add_fields() {
        assert_eq!(form_encoded("a&b=c #d"), "a%26b%3Dc+%23d");
        assert_eq!(form_encoded(&5_i64), "5");
        assert_eq!(form_encoded(&None::<String>), "");
    }
}
