//! Criteria over a real `Response`, as generated code writes them: the operands come from
//! `Response::body_value`, `body_at` and `header_value`, and `$statusCode` from `status`.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arazzo_runtime::Response;
use arazzo_runtime::condition::{Compare, compare, field, index, jsonpath_match, regex_match, truthy};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

fn response(status: u16, headers: &[(&'static str, &'static [u8])], body: &str) -> Response {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(*name, HeaderValue::from_bytes(value).unwrap());
    }
    Response::from_parts(status, map, body.to_owned())
}

#[test]
fn body_value_is_the_parsed_body_or_absent() {
    let ok = response(200, &[], r#"{"status": "Available", "data": [{"id": 42}]}"#);
    assert_eq!(ok.body_value(), Some(&json!({"status": "Available", "data": [{"id": 42}]})));
    assert_eq!(response(200, &[], "null").body_value(), Some(&Value::Null));
    assert_eq!(response(200, &[], "  7 ").body_value(), Some(&json!(7)));
    for body in ["", "  \n", "not json", "{\"a\":", "<html></html>"] {
        assert_eq!(response(200, &[], body).body_value(), None, "{body:?}");
    }
    // The existing `json` still reports why.
    assert!(response(200, &[], "").json().is_err());
}

#[test]
fn body_at_reads_a_json_pointer_or_is_absent() {
    let r = response(200, &[], r#"{"data": [{"id": 42}], "a/b": 1, "m~n": 2, "": 3, "active": false, "n": null}"#);
    assert_eq!(r.body_at(""), r.body_value());
    assert_eq!(r.body_at("/data/0/id"), Some(&json!(42)));
    assert_eq!(r.body_at("/a~1b"), Some(&json!(1)));
    assert_eq!(r.body_at("/m~0n"), Some(&json!(2)));
    assert_eq!(r.body_at("/"), Some(&json!(3)));
    assert_eq!(r.body_at("/active"), Some(&json!(false)));
    assert_eq!(r.body_at("/n"), Some(&Value::Null));
    assert_eq!(r.body_at("/data/1"), None);
    assert_eq!(r.body_at("/missing/deep"), None);
    // Not a pointer (no leading `/`): nothing.
    assert_eq!(r.body_at("data"), None);
    assert_eq!(response(200, &[], "").body_at(""), None);
    assert_eq!(response(200, &[], "oops").body_at("/a"), None);
}

#[test]
fn header_value_is_the_first_value_as_a_string() {
    let r = response(
        429,
        &[
            ("retry-after", b"120"),
            ("x-rate-limit-remaining", b"0"),
            ("set-cookie", b"a=1"),
            ("set-cookie", b"b=2"),
            ("x-name", "caf\u{e9}".as_bytes()),
            ("x-binary", b"\xff\xfe"),
            ("x-empty", b""),
        ],
        "",
    );
    assert_eq!(r.header_value("Retry-After"), Some(json!("120")));
    assert_eq!(r.header_value("SET-COOKIE"), Some(json!("a=1")));
    assert_eq!(r.header_value("x-name"), Some(json!("café")));
    assert_eq!(r.header_value("x-empty"), Some(json!("")));
    assert_eq!(r.header_value("x-binary"), None);
    assert_eq!(r.header_value("x-missing"), None);
    // Not a valid header name: absent, never a panic.
    assert_eq!(r.header_value("bad name\n"), None);
    // Header values are strings, so numeric comparison goes through the numeric-string rule.
    assert!(compare(Compare::Eq, r.header_value("x-rate-limit-remaining").as_ref(), Some(&json!(0))));
    assert!(compare(Compare::Gt, r.header_value("retry-after").as_ref(), Some(&json!(60))));
}

#[test]
fn criteria_over_a_response() {
    let r = response(
        200,
        &[("content-type", b"application/json"), ("etag", b"W/\"abc\"")],
        r#"{"status": "AVAILABLE", "pets": [{"name": "Rex", "tags": []}], "count": 1, "token": null}"#,
    );
    let status = Value::from(r.status());
    // $statusCode == 200
    assert!(compare(Compare::Eq, Some(&status), Some(&json!(200))));
    // context $statusCode, regex ^2\d\d$
    assert_eq!(regex_match(r"^2\d\d$", Some(&status)), Ok(true));
    // $response.body#/status == 'available'
    assert!(compare(Compare::Eq, r.body_at("/status"), Some(&json!("available"))));
    // $response.body.pets[0].name == 'rex'
    assert!(compare(Compare::Eq, field(index(field(r.body_value(), "pets"), 0), "name"), Some(&json!("rex"))));
    // $response.body#/token == null, $response.body#/gone == null
    assert!(compare(Compare::Eq, r.body_at("/token"), Some(&Value::Null)));
    assert!(compare(Compare::Eq, r.body_at("/gone"), Some(&Value::Null)));
    // $response.body#/pets/0/tags (an empty array is truthy)
    assert!(truthy(r.body_at("/pets/0/tags")));
    // context $response.header.Content-Type, regex (?i)^application/json
    assert_eq!(regex_match("(?i)^application/json", r.header_value("Content-Type").as_ref()), Ok(true));
    // context $response.header.ETag, regex ^W/
    assert_eq!(regex_match("^W/", r.header_value("etag").as_ref()), Ok(true));
    // context $response.header.X-Missing: absent never matches
    assert_eq!(regex_match(".*", r.header_value("x-missing").as_ref()), Ok(false));
    // context $response.body, jsonpath $[?count(@.pets) > 0] (the spec's example shape)
    assert_eq!(jsonpath_match("$.pets[?@.name == 'Rex']", r.body_value()), Ok(true));
    assert_eq!(jsonpath_match("$[?length(@) > 0]", r.body_value()), Ok(true));
    assert_eq!(jsonpath_match("$.pets[?@.name == 'rex']", r.body_value()), Ok(false));
    // jsonpath against a body that is not JSON: no document, so no match.
    assert_eq!(jsonpath_match("$", response(502, &[], "Bad Gateway").body_value()), Ok(false));
}
