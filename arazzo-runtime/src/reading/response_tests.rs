//! Unit tests of reading values and excerpts from responses.

use super::*;
use reqwest::header::HeaderValue;

fn response(status: u16, body: &str) -> Response {
    Response::from_parts(status, HeaderMap::new(), body)
}

#[test]
fn empty_pointer_reads_the_whole_body() {
    let r = response(200, r#"{"a":1}"#);
    let whole: Value = r.extract("").unwrap();
    assert_eq!(whole, serde_json::json!({"a": 1}));
    let text: String = response(200, r#""just a string""#).extract("").unwrap();
    assert_eq!(text, "just a string");
}

#[test]
fn pointers_follow_rfc_6901() {
    let r = response(
        200,
        r#"{"api_keys":[{"api_key_id":"k1"}],"a/b":{"m~n":5},"apiInfo":{"storageApi":{"apiUrl":"https://x"}}}"#,
    );
    assert_eq!(r.extract::<String>("/api_keys/0/api_key_id").unwrap(), "k1");
    assert_eq!(r.extract::<i64>("/a~1b/m~0n").unwrap(), 5);
    assert_eq!(r.extract::<String>("/apiInfo/storageApi/apiUrl").unwrap(), "https://x");
    let key: SecretString = response(200, r#"{"key":"sk_9"}"#).extract("/key").unwrap();
    assert_eq!(key.expose_secret(), "sk_9");
}

#[test]
fn a_missing_value_names_the_pointer() {
    let r = response(200, r#"{"api_keys":[]}"#);
    let error = r.extract::<String>("/api_keys/0/api_key_id").unwrap_err();
    assert_eq!(error, StepError::MissingValue { pointer: "/api_keys/0/api_key_id".into() });
}

#[test]
fn a_wrong_type_names_the_json_type_but_never_the_value() {
    let r = response(200, r#"{"key":"sk_live_secret","n":"12x","o":{"s":"inner-secret"},"z":null}"#);
    let cases: [(StepError, &str, &str); 4] = [
        (r.extract::<u64>("/key").unwrap_err(), "/key", "string"),
        (r.extract::<i64>("/n").unwrap_err(), "/n", "string"),
        (r.extract::<String>("/o").unwrap_err(), "/o", "object"),
        (r.extract::<String>("/z").unwrap_err(), "/z", "null"),
    ];
    for (error, pointer, found) in cases {
        assert_eq!(error, StepError::WrongType { pointer: pointer.into(), found });
        let text = format!("{error} {error:?}");
        assert!(!text.contains("secret") && !text.contains("12x"), "{text}");
    }
    let number = response(200, "5").extract::<String>("").unwrap_err();
    assert_eq!(number, StepError::WrongType { pointer: String::new(), found: "number" });
    assert_eq!(r.extract::<Option<String>>("/z").unwrap(), None, "null reads as None");
}

#[test]
fn empty_and_non_json_bodies_are_decode_errors_without_the_body() {
    for body in ["", "  \n"] {
        assert_eq!(
            response(204, body).extract::<String>("/a").unwrap_err(),
            StepError::Decode { message: "response body is empty".into() }
        );
    }
    let error = response(502, "<html>upstream secret-page</html>").extract::<String>("/a").unwrap_err();
    assert!(matches!(&error, StepError::Decode { message } if message.contains("not valid JSON")));
    assert!(!format!("{error} {error:?}").contains("secret-page"));
}

#[test]
fn headers_are_read_case_insensitively() {
    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", HeaderValue::from_static("r-1"));
    headers.insert("x-bin", HeaderValue::from_bytes(b"\xff").unwrap());
    let r = Response::from_parts(200, headers, "");
    assert_eq!(r.header("X-Request-Id"), Some("r-1"));
    assert_eq!(r.header_text("X-REQUEST-ID").unwrap(), "r-1");
    assert_eq!(r.header_text("location").unwrap_err(), StepError::MissingHeader { name: "location" });
    assert!(matches!(r.header_text("x-bin"), Err(StepError::Decode { .. })));
    assert_eq!(r.header("x-bin"), None);
}

#[test]
fn excerpts_are_at_most_200_characters_on_char_boundaries() {
    let long = "é".repeat(500);
    let excerpt = response(500, &long).body_excerpt();
    assert_eq!(excerpt.chars().count(), EXCERPT_CHARS);
    assert!(excerpt.ends_with("..."));
    assert!(excerpt.starts_with("ééé"));

    let exact = "a".repeat(200);
    assert_eq!(response(500, &exact).body_excerpt(), exact);
    assert_eq!(response(500, "").body_excerpt(), "");
}

#[test]
fn excerpts_scrub_registered_secrets() {
    let secret = SecretString::from("sk_live_abc");
    let quoted = SecretString::from("with\"quote");
    let r = response(403, "denied for sk_live_abc; again sk_live_abc; with\"quote").redact(&secret).redact(&quoted);
    assert_eq!(r.body_excerpt(), "denied for [REDACTED]; again [REDACTED]; [REDACTED]");
    // The JSON-escaped spelling of a secret is scrubbed too.
    let json = response(400, r#"{"echo":"with\"quote","n":1}"#).redact(&quoted);
    assert_eq!(json.body_excerpt(), r#"{"echo":"[REDACTED]","n":1}"#);
}

#[test]
fn a_secret_cut_by_truncation_is_still_scrubbed() {
    let secret = SecretString::from("SECRETSECRET");
    let body = format!("{}SECRETSECRET", "x".repeat(192));
    let excerpt = response(500, &body).redact(&secret).body_excerpt();
    assert!(!excerpt.contains("SECRET"), "{excerpt}");
}

#[test]
fn longer_secrets_are_replaced_before_the_secrets_they_contain() {
    let short = SecretString::from("abc");
    let long = SecretString::from("Bearer abc");
    let r = response(401, "got Bearer abc").redact(&short).redact(&long);
    assert_eq!(r.body_excerpt(), "got [REDACTED]");
}

#[test]
fn excerpts_scrub_fields_named_like_secrets() {
    let r = response(
        201,
        r#"{"api_key_id":"id1","api_key_token":"tok1","nested":{"consumerKey":"ck","keys":["k1"]},"api_keys":[{"api_key_id":"id2","key":"k2"}],"keyName":"n"}"#,
    );
    assert_eq!(
        r.body_excerpt(),
        r#"{"api_key_id":"id1","api_key_token":"[REDACTED]","nested":{"consumerKey":"[REDACTED]","keys":["[REDACTED]"]},"api_keys":[{"api_key_id":"id2","key":"[REDACTED]"}],"keyName":"n"}"#
    );
}

#[test]
fn excerpts_replace_control_characters() {
    assert_eq!(response(500, "a\nb\r\tc").body_excerpt(), "a b  c");
}

#[test]
fn debug_shows_status_and_size_only() {
    let r = response(200, r#"{"key":"sk"}"#);
    assert_eq!(format!("{r:?}"), "Response { status: 200, body_len: 12, .. }");
}

#[test]
fn excerpts_scrub_the_secrets_the_step_reads_from_the_body() {
    let body = r#"{"value":"fresh-key-123","id":"k1"}"#;
    let response =
        Response::from_parts(500, HeaderMap::new(), body.as_bytes().to_vec()).with_secret_pointers(&["/value"]);
    assert_eq!(response.body_excerpt(), r#"{"value":"[REDACTED]","id":"k1"}"#);

    // A body that is not JSON cannot be searched: it is withheld.
    let response =
        Response::from_parts(500, HeaderMap::new(), b"value=fresh-key-123".to_vec()).with_secret_pointers(&["/value"]);
    assert_eq!(response.body_excerpt(), "[REDACTED] (not JSON)");
    // An empty body has nothing to withhold.
    let response = Response::from_parts(500, HeaderMap::new(), Vec::new()).with_secret_pointers(&["/value"]);
    assert_eq!(response.body_excerpt(), "");
}
