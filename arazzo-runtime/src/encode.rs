//! Turning parameter values into URL, header and cookie text.
//!
//! Everything a value can contain is encoded so that it stays inside its slot: a path parameter
//! is exactly one path segment, a query value cannot start another parameter, a cookie value
//! cannot start another cookie.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Url;
use serde_json::Value;

use crate::error::StepError;

/// Everything outside RFC 3986 `unreserved` (ALPHA / DIGIT / "-" / "." / "_" / "~").
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes everything outside RFC 3986 `unreserved`, as UTF-8.
pub(crate) fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

/// The text of a scalar; `None` for null, arrays and objects.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// The text of any value nested inside a parameter: scalars as text, containers as JSON.
fn item_text(value: &Value) -> String {
    scalar_text(value).unwrap_or_else(|| value.to_string())
}

/// OpenAPI `simple` style (path and header default): arrays `a,b`, objects `k1,v1,k2,v2`, each
/// item passed through `encode`; `None` for null or when nothing is left.
pub(crate) fn simple_style(value: &Value, encode: impl Fn(&str) -> String) -> Option<String> {
    let items: Vec<String> = match value {
        Value::Null => return None,
        Value::Array(items) => {
            items.iter().filter(|item| !item.is_null()).map(|item| encode(&item_text(item))).collect()
        }
        Value::Object(fields) => fields
            .iter()
            .filter(|(_, item)| !item.is_null())
            .flat_map(|(key, item)| [encode(key), encode(&item_text(item))])
            .collect(),
        scalar => return scalar_text(scalar).map(|text| encode(&text)),
    };
    if items.is_empty() { None } else { Some(items.join(",")) }
}

/// OpenAPI `form` style with `explode: true` (the query default): a scalar is one pair, an array
/// repeats the name, an object contributes one pair per property. Null values are left out.
pub(crate) fn form_pairs(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            out.extend(items.iter().filter(|item| !item.is_null()).map(|item| (name.to_owned(), item_text(item))))
        }
        Value::Object(fields) => out.extend(
            fields.iter().filter(|(_, item)| !item.is_null()).map(|(key, item)| (key.clone(), item_text(item))),
        ),
        scalar => out.extend(scalar_text(scalar).map(|text| (name.to_owned(), text))),
    }
}

/// Fills the `{name}` placeholders of a path template with encoded segments.
///
/// `lookup` gives the value of a parameter. A missing value, or one that would be an empty,
/// `.` or `..` segment, is an error naming the parameter: the `url` crate resolves `.`/`..` (and
/// their `%2E` spellings, per the WHATWG URL standard) so they cannot be sent as data.
pub(crate) fn fill_path_template<'a>(
    template: &str,
    lookup: impl Fn(&str) -> Option<&'a Value>,
) -> Result<String, StepError> {
    let mut path = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(StepError::InvalidRequest {
                message: "the path template has a `{` without a matching `}`".into(),
            });
        };
        let name = &after[..close];
        let segment = lookup(name)
            .and_then(|value| simple_style(value, percent_encode))
            .ok_or_else(|| StepError::InvalidRequest { message: format!("path parameter `{name}` has no value") })?;
        if segment.is_empty() || segment == "." || segment == ".." {
            return Err(StepError::InvalidRequest {
                message: format!("path parameter `{name}` is empty, `.` or `..`, which would change the path"),
            });
        }
        path.push_str(&segment);
        rest = &after[close + 1..];
    }
    path.push_str(rest);
    Ok(path)
}

/// Joins a base URL (which may carry a path such as `/v1`, and may end with `/`) with a filled
/// path and appends the query pairs (form-urlencoded).
pub(crate) fn build_url(base_url: &str, path: &str, query: &[(String, String)]) -> Result<Url, StepError> {
    // url::ParseError messages describe the problem without repeating the input.
    let base = Url::parse(base_url).map_err(|error| StepError::InvalidBaseUrl { reason: error.to_string() })?;
    if !matches!(base.scheme(), "http" | "https") {
        return Err(StepError::InvalidBaseUrl { reason: "it must start with `http://` or `https://`".into() });
    }
    if base.query().is_some() || base.fragment().is_some() {
        return Err(StepError::InvalidBaseUrl { reason: "it must not have a query or a fragment".into() });
    }
    let mut text = base.as_str().to_owned();
    if !path.is_empty() {
        text.truncate(text.trim_end_matches('/').len());
        if !path.starts_with('/') {
            text.push('/');
        }
        text.push_str(path);
    }
    let mut url = Url::parse(&text).map_err(|_| StepError::InvalidRequest {
        message: "the base URL and the path template do not form a valid URL".into(),
    })?;
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Ok(url)
}

/// Encodes the body of an `application/x-www-form-urlencoded` request from a JSON object.
pub(crate) fn form_body(value: &Value) -> String {
    let mut pairs = Vec::new();
    if let Value::Object(fields) = value {
        for (name, item) in fields {
            match item {
                // Nested objects are sent as JSON text rather than flattened into other names.
                Value::Object(_) => pairs.push((name.clone(), item.to_string())),
                _ => form_pairs(name, item, &mut pairs),
            }
        }
    }
    pairs
        .iter()
        .map(|(name, item)| format!("{}={}", form_component(name), form_component(item)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `application/x-www-form-urlencoded` byte serialization (WHATWG URL standard): alphanumerics
/// and `*-._` as is, space as `+`, everything else percent-encoded.
fn form_component(text: &str) -> String {
    const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');
    // A literal "%20" in the input is encoded as "%2520", so only real spaces become `+`.
    utf8_percent_encode(text, FORM).to_string().replace("%20", "+")
}

/// RFC 6265 cookie names are tokens: visible ASCII without separators.
pub(crate) fn is_cookie_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|byte| byte.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&byte))
}

/// Standard base64 with padding (RFC 4648), for HTTP Basic credentials.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(percent_encode("aZ09-._~"), "aZ09-._~");
        assert_eq!(percent_encode("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("\r\n+&="), "%0D%0A%2B%26%3D");
    }

    #[test]
    fn simple_style_joins_arrays_and_objects_with_commas() {
        assert_eq!(simple_style(&json!("a b"), percent_encode).as_deref(), Some("a%20b"));
        assert_eq!(simple_style(&json!(42), percent_encode).as_deref(), Some("42"));
        assert_eq!(simple_style(&json!(true), percent_encode).as_deref(), Some("true"));
        assert_eq!(simple_style(&json!(["a,b", 1, null]), percent_encode).as_deref(), Some("a%2Cb,1"));
        assert_eq!(simple_style(&json!({"r": 1, "g": "x"}), |s| s.to_owned()).as_deref(), Some("r,1,g,x"));
        assert_eq!(simple_style(&json!(null), percent_encode), None);
        assert_eq!(simple_style(&json!([]), percent_encode), None);
    }

    #[test]
    fn form_pairs_repeat_arrays_and_spread_objects() {
        let mut pairs = Vec::new();
        form_pairs("scope", &json!(["a", "b"]), &mut pairs);
        form_pairs("n", &json!(3), &mut pairs);
        form_pairs("gone", &json!(null), &mut pairs);
        form_pairs("obj", &json!({"x": "1", "y": [2]}), &mut pairs);
        let expected = [("scope", "a"), ("scope", "b"), ("n", "3"), ("x", "1"), ("y", "[2]")];
        let expected: Vec<(String, String)> =
            expected.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        assert_eq!(pairs, expected);
    }

    fn fill(template: &str, values: &[(&str, Value)]) -> Result<String, StepError> {
        fill_path_template(template, |name| values.iter().find(|(n, _)| *n == name).map(|(_, v)| v))
    }

    #[test]
    fn path_values_are_single_segments() {
        assert_eq!(
            fill("/apps/{app}/keys/{key}", &[("app", json!("a/../b?c#d")), ("key", json!(7))]),
            Ok("/apps/a%2F..%2Fb%3Fc%23d/keys/7".to_owned())
        );
        assert_eq!(fill("/x/{v}", &[("v", json!("..."))]), Ok("/x/...".to_owned()));
        assert_eq!(fill("/x/{v}", &[("v", json!("%2e%2e"))]), Ok("/x/%252e%252e".to_owned()));
    }

    #[test]
    fn dot_segments_and_missing_values_are_refused_by_name() {
        for value in [json!("."), json!(".."), json!(""), json!(null)] {
            let error = fill("/x/{key_id}/y", &[("key_id", value)]).unwrap_err();
            assert!(
                matches!(&error, StepError::InvalidRequest { message } if message.contains("`key_id`")),
                "{error:?}"
            );
        }
        let error = fill("/x/{key_id}", &[]).unwrap_err();
        assert_eq!(error, StepError::InvalidRequest { message: "path parameter `key_id` has no value".into() });
        assert!(fill("/x/{oops", &[]).is_err());
    }

    #[test]
    fn the_url_crate_resolves_encoded_dot_segments_so_they_must_be_refused() {
        // Why `.`/`..` path values are errors rather than sent as `%2E%2E`.
        let url = Url::parse("http://h/a/%2E%2E/b/%2e/c").unwrap();
        assert_eq!(url.path(), "/b/c");
    }

    #[test]
    fn base_and_path_join_without_double_slashes() {
        let join = |base: &str, path: &str| build_url(base, path, &[]).map(|u| u.to_string());
        assert_eq!(join("https://api.eu.svix.com/", "/api/v1/app"), Ok("https://api.eu.svix.com/api/v1/app".into()));
        assert_eq!(join("https://api.eu.svix.com", "/api/v1/app"), Ok("https://api.eu.svix.com/api/v1/app".into()));
        assert_eq!(
            join("https://apigee.googleapis.com/v1", "/organizations/x"),
            Ok("https://apigee.googleapis.com/v1/organizations/x".into())
        );
        assert_eq!(join("https://h/v1/", "keys"), Ok("https://h/v1/keys".into()));
        assert_eq!(join("http://127.0.0.1:8080", ""), Ok("http://127.0.0.1:8080/".into()));
    }

    #[test]
    fn query_pairs_are_form_urlencoded() {
        let query = vec![("user id".to_owned(), "a&b=c d+é".to_owned()), ("scope".to_owned(), "x".to_owned())];
        let url = build_url("http://h", "/p", &query).unwrap();
        assert_eq!(url.query(), Some("user+id=a%26b%3Dc+d%2B%C3%A9&scope=x"));
    }

    #[test]
    fn invalid_base_urls_are_reported_without_the_url() {
        for base in [
            "not a url",
            "ftp://user:pw-secret@host/",
            "api.example.com",
            "https://user:pw-secret@host:99999/",
            "https://host/?key=pw-secret",
        ] {
            let error = build_url(base, "/p", &[]).unwrap_err();
            assert!(matches!(error, StepError::InvalidBaseUrl { .. }), "{base}: {error:?}");
            assert!(!error.to_string().contains("pw-secret"));
            assert!(!format!("{error:?}").contains("pw-secret"));
        }
    }

    #[test]
    fn form_bodies_are_urlencoded() {
        assert_eq!(
            form_body(&json!({"a": "x y", "b": ["1", "2"], "c": null, "d": {"e": 1}})),
            "a=x+y&b=1&b=2&d=%7B%22e%22%3A1%7D"
        );
    }

    #[test]
    fn cookie_names_must_be_tokens() {
        assert!(is_cookie_name("session_id"));
        assert!(!is_cookie_name("a=b"));
        assert!(!is_cookie_name("a;b"));
        assert!(!is_cookie_name(""));
        assert!(!is_cookie_name("a b"));
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, output) in vectors {
            assert_eq!(base64(input.as_bytes()), output);
        }
        assert_eq!(base64(b"Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }
}
