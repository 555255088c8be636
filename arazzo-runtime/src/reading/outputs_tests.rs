use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::*;
use crate::secrets::SecretString;

fn response(body: &str) -> Response {
    Response::from_parts(200, HeaderMap::new(), body.as_bytes().to_vec())
}

const B2: &str = r#"{"accountId":"acc","authorizationToken":"tok_1","apiInfo":{"storageApi":{"apiUrl":"http://b2.test","n":[1,2]}},"a/b":{"m~n":true}}"#;

#[test]
fn values_of_several_types_are_read_in_one_walk() {
    let r = response(B2);
    let pointers = ["/accountId", "/authorizationToken", "/apiInfo/storageApi/apiUrl", "/apiInfo/storageApi/n/1"];
    let (account, token, url, n): (String, SecretString, String, i64) = Outputs::read(&r, &pointers).unwrap();
    assert_eq!((account.as_str(), token.expose_secret(), url.as_str(), n), ("acc", "tok_1", "http://b2.test", 2));
    // The walk answered every value: nothing was left to the parsed document, and nothing parsed.
    let found: (Option<String>, Option<i64>) = walk(&r, &["/accountId", "/apiInfo/storageApi/n/0"]);
    assert_eq!(found, (Some("acc".to_owned()), Some(1)));
    assert!(!r.is_parsed());
    // Escaped tokens, a whole object.
    let (flag, object): (bool, Value) = Outputs::read(&r, &["/a~1b/m~0n", "/apiInfo/storageApi"]).unwrap();
    assert!(flag);
    assert_eq!(object, json!({"apiUrl": "http://b2.test", "n": [1, 2]}));
    assert!(!r.is_parsed());
    // The whole body; the pointers below it are read from the parsed document.
    let (body, account): (Value, String) = Outputs::read(&r, &["", "/accountId"]).unwrap();
    assert_eq!((&body["accountId"], account.as_str()), (&json!("acc"), "acc"));
}

#[test]
fn a_body_parsed_already_is_read_from_the_document() {
    let r = response(B2);
    r.json().unwrap();
    let found: (Option<String>, Option<String>) = walk(&r, &["/accountId", "/authorizationToken"]);
    assert_eq!(found, (None, None));
    let (account, token): (String, SecretString) = Outputs::read(&r, &["/accountId", "/authorizationToken"]).unwrap();
    assert_eq!((account.as_str(), token.expose_secret()), ("acc", "tok_1"));
}

#[test]
fn errors_are_those_of_the_parsed_document_in_the_order_of_the_outputs() {
    let r = response(B2);
    // A missing value names its pointer.
    let error = <(String, String)>::read(&r, &["/accountId", "/missing"]).unwrap_err();
    assert!(matches!(error, StepError::MissingValue { ref pointer } if pointer == "/missing"), "{error:?}");
    // A mistyped value names the type found, never the value; the first failing output is reported.
    let error = <(i64, String)>::read(&r, &["/authorizationToken", "/missing"]).unwrap_err();
    assert!(matches!(error, StepError::WrongType { ref pointer, found: "string" } if pointer == "/authorizationToken"));
    assert!(!format!("{error} {error:?}").contains("tok_1"));
    let error = <(String, SecretString)>::read(&r, &["/accountId", "/apiInfo"]).unwrap_err();
    assert!(matches!(error, StepError::WrongType { ref pointer, found: "object" } if pointer == "/apiInfo"));
    // An invalid pointer names nothing.
    let error = <(String, String)>::read(&r, &["/accountId", "accountId"]).unwrap_err();
    assert!(matches!(error, StepError::MissingValue { ref pointer } if pointer == "accountId"));
    // A body that is not JSON, or is empty, is a decode error that quotes nothing of it.
    for body in [r#"{"accountId":"acc","#, "", "tok_1 <html>"] {
        let error = <(String, String)>::read(&response(body), &["/accountId", "/b"]).unwrap_err();
        assert!(matches!(error, StepError::Decode { .. }), "{body:?}: {error:?}");
        assert!(!format!("{error}").contains("tok_1"));
    }
}

#[test]
fn duplicates_and_overlapping_pointers_read_what_the_parsed_document_holds() {
    // The last of duplicate keys wins, also when the earlier one held what a pointer named.
    let r = response(r#"{"id":"first","a":{"b":1},"id":"second","a":2}"#);
    let (id, a): (String, i64) = Outputs::read(&r, &["/id", "/a"]).unwrap();
    assert_eq!((id.as_str(), a), ("second", 2));
    let error = <(String, i64)>::read(&r, &["/id", "/a/b"]).unwrap_err();
    assert!(matches!(error, StepError::MissingValue { ref pointer } if pointer == "/a/b"));
    // The same pointer twice, and a pointer below another: each gets its value.
    let r = response(r#"{"key":{"id":"k1","secret":"s"}}"#);
    let (id, again, key): (String, SecretString, Value) = Outputs::read(&r, &["/key/id", "/key/id", "/key"]).unwrap();
    assert_eq!((id.as_str(), again.expose_secret()), ("k1", "k1"));
    assert_eq!(key, json!({"id": "k1", "secret": "s"}));
}

#[test]
fn twelve_values_at_once() {
    let r = response(r#"{"a":[0,1,2,3,4,5,6,7,8,9,10,11]}"#);
    let pointers = ["/a/0", "/a/1", "/a/2", "/a/3", "/a/4", "/a/5", "/a/6", "/a/7", "/a/8", "/a/9", "/a/10", "/a/11"];
    type Twelve = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, f64);
    let read: Twelve = Outputs::read(&r, &pointers).unwrap();
    assert_eq!((read.0, read.5, read.10, read.11), (0, 5, 10, 11.0));
}

/// A response with `body` and, when `parsed`, its body parsed already (as when a criterion read it).
fn read_by(body: &[u8], parsed: bool) -> Response {
    let r = Response::from_parts(200, HeaderMap::new(), body.to_vec());
    if parsed {
        let _ = r.json();
    }
    r
}

#[test]
fn a_byte_order_mark_is_ignored_on_every_path() {
    let body = b"\xEF\xBB\xBF{\"id\":\"k1\",\"key\":\"sk_1\",\"n\":3}";
    for parsed in [false, true] {
        let r = read_by(body, parsed);
        assert_eq!(r.extract::<String>("/id").unwrap(), "k1", "parsed: {parsed}");
        let (id, key, n): (String, SecretString, i64) = Outputs::read(&r, &["/id", "/key", "/n"]).unwrap();
        assert_eq!((id.as_str(), key.expose_secret(), n), ("k1", "sk_1", 3), "parsed: {parsed}");
        // What criteria read: `$response.body` and `$response.body#/id`.
        assert_eq!(r.body_value(), Some(&json!({"id": "k1", "key": "sk_1", "n": 3})));
        assert_eq!(r.body_at("/id"), Some(&json!("k1")));
    }
    // A secret read from such a body is scrubbed from later excerpts like any other.
    let mut handled = crate::run::handled_secrets::HandledSecrets::default();
    handled.add_in_body(&bytes::Bytes::from_static(body), &["/key"]);
    assert!(handled.all().iter().any(|secret| secret.expose_secret() == "sk_1"));
    // A mark alone is an empty body; an error on the first line counts the mark's bytes in its column.
    let error = read_by(b"\xEF\xBB\xBF", false).extract::<String>("/id").unwrap_err();
    assert!(matches!(error, StepError::Decode { ref message } if message.contains("empty")), "{error:?}");
    let error = read_by(b"\xEF\xBB\xBF{\"id\":}", false).json().unwrap_err();
    let plain = read_by(b"{\"id\":}", false).json().unwrap_err();
    assert!(error.to_string().contains("line 1, column 10"), "{error}");
    assert!(plain.to_string().contains("line 1, column 7"), "{plain}");
}

#[test]
fn a_lone_surrogate_anywhere_fails_every_path_alike() {
    // The full parse refuses the body; before, the walk answered `/id` of it, so the outcome
    // depended on whether a criterion had parsed the body first.
    for body in
        [&br#"{"id":"k1","x":"\ud800"}"#[..], br#"{"id":"k1","\udc00":1}"#, br#"{"id":"k1","x":["\ud800\u0041"]}"#]
    {
        for parsed in [false, true] {
            let r = read_by(body, parsed);
            let error = r.extract::<String>("/id").unwrap_err();
            assert!(matches!(error, StepError::Decode { .. }), "{error:?}");
            let error = <(String, i64)>::read(&r, &["/id", "/x"]).unwrap_err();
            assert!(matches!(error, StepError::Decode { .. }), "{error:?}");
            assert_eq!(r.body_at("/id"), None);
        }
    }
    // A surrogate pair is one character, read alike by both.
    let body = br#"{"id":"k1","x":"\ud83d\ude00"}"#;
    for parsed in [false, true] {
        let (id, x): (String, String) = Outputs::read(&read_by(body, parsed), &["/id", "/x"]).unwrap();
        assert_eq!((id.as_str(), x.as_str()), ("k1", "\u{1f600}"));
    }
}
