//! Unit tests of request preparation (no network).

use super::*;
use crate::error::StepError;
use reqwest::header;
use serde_json::json;

const BASE: &str = "http://127.0.0.1:9/";

fn prepare(request: Request) -> Prepared {
    request.prepare(BASE).unwrap()
}

fn header<'a>(prepared: &'a Prepared, name: &str) -> Vec<&'a str> {
    prepared.headers.get_all(name).iter().map(|v| v.to_str().unwrap()).collect()
}

fn secrets(prepared: &Prepared) -> Vec<&str> {
    prepared.secrets.iter().map(SecretString::expose_secret).collect()
}

#[test]
fn method_names_are_upper_case() {
    assert_eq!(Method::Get.to_string(), "GET");
    assert_eq!(Method::Patch.as_str(), "PATCH");
    assert_eq!(Method::Trace.to_reqwest(), reqwest::Method::TRACE);
    assert_eq!(prepare(Request::new(Method::Put, "/x")).method, reqwest::Method::PUT);
}

#[test]
fn path_and_query_are_encoded_into_the_url() {
    let prepared = prepare(
        Request::new(Method::Get, "/apps/{app_id}/keys")
            .path_param("app_id", "a b/c")
            .query_param("user_id", "u&x=1")
            .query_param("page", &None::<i64>)
            .query_param("scope", &vec!["r".to_owned(), "w".to_owned()]),
    );
    assert_eq!(prepared.url.as_str(), "http://127.0.0.1:9/apps/a%20b%2Fc/keys?user_id=u%26x%3D1&scope=r&scope=w");
}

#[test]
fn the_last_value_of_a_path_parameter_wins() {
    let prepared = prepare(Request::new(Method::Get, "/k/{id}").path_param("id", "old").path_param("id", "new"));
    assert_eq!(prepared.url.path(), "/k/new");
}

#[test]
fn a_path_parameter_set_to_none_has_no_value() {
    let error = Request::new(Method::Get, "/k/{id}").path_param("id", &None::<String>).prepare(BASE).err();
    assert_eq!(error, Some(StepError::InvalidRequest { message: "path parameter `id` has no value".into() }));
}

#[test]
fn header_values_are_sent_as_is_and_secrets_marked_sensitive() {
    let token = SecretString::from("tok-1");
    let prepared = prepare(
        Request::new(Method::Get, "/")
            .header("X-Plain", "a b;c")
            .header("X-Count", &3_i64)
            .header("X-List", &vec!["a".to_owned(), "b".to_owned()])
            .header("X-Secret", &token)
            .header("X-Absent", &None::<String>),
    );
    assert_eq!(header(&prepared, "x-plain"), ["a b;c"]);
    assert_eq!(header(&prepared, "x-count"), ["3"]);
    assert_eq!(header(&prepared, "x-list"), ["a,b"]);
    assert!(!prepared.headers["x-plain"].is_sensitive());
    assert!(prepared.headers["x-secret"].is_sensitive());
    assert!(!prepared.headers.contains_key("x-absent"));
    assert_eq!(secrets(&prepared), ["tok-1"]);
}

#[test]
fn authorization_and_cookie_headers_are_always_sensitive() {
    let prepared =
        prepare(Request::new(Method::Get, "/").header("Authorization", "Token plain-string").header("Cookie", "a=b"));
    assert!(prepared.headers[header::AUTHORIZATION].is_sensitive());
    assert!(prepared.headers[header::COOKIE].is_sensitive());
}

#[test]
fn header_values_with_line_breaks_are_refused_without_quoting_them() {
    for value in ["a\r\nX-Injected: 1", "a\nb", "a\rb", "nul\0"] {
        let error = Request::new(Method::Get, "/").header("X-Note", value).prepare(BASE).err().unwrap();
        let text = error.to_string();
        assert!(text.contains("`x-note`"), "{text}");
        assert!(!text.contains("Injected") && !text.contains("nul"), "{text}");
    }
    let error = Request::new(Method::Get, "/").header("Bad Name", "v").prepare(BASE).err();
    assert!(matches!(error, Some(StepError::InvalidRequest { message }) if message.contains("Bad Name")));
}

#[test]
fn a_secret_header_value_with_a_line_break_is_not_echoed() {
    let error =
        Request::new(Method::Get, "/").bearer_auth(&SecretString::from("sk\r\nX-Evil: 1")).prepare(BASE).err().unwrap();
    assert!(error.to_string().contains("`authorization`"));
    assert!(!format!("{error} {error:?}").contains("Evil"));
}

#[test]
fn credentials_are_applied_when_the_request_does_not_set_them() {
    let basic = BasicCredentials::new("Aladdin", "open sesame");
    let key = SecretString::from("k-1");
    let prepared = prepare(
        Request::new(Method::Get, "/")
            .basic_auth(&basic)
            .api_key_header("X-Api-Key", &key)
            .api_key_query("api_key", &key)
            .api_key_cookie("session", &key),
    );
    assert_eq!(header(&prepared, "authorization"), ["Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="]);
    assert_eq!(header(&prepared, "x-api-key"), ["k-1"]);
    assert!(prepared.headers["x-api-key"].is_sensitive());
    assert_eq!(prepared.url.query(), Some("api_key=k-1"));
    assert_eq!(header(&prepared, "cookie"), ["session=k-1"]);
    let registered = secrets(&prepared);
    assert!(registered.contains(&"open sesame"));
    assert!(registered.contains(&"QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
    assert!(registered.contains(&"k-1"));
}

#[test]
fn a_step_that_sets_authorization_itself_wins_whatever_the_order() {
    let token = SecretString::from("config-token");
    let own = SecretString::from("Token step-token");
    let before = prepare(Request::new(Method::Get, "/").bearer_auth(&token).header("authorization", &own));
    let after = prepare(Request::new(Method::Get, "/").header("AUTHORIZATION", &own).bearer_auth(&token));
    for prepared in [before, after] {
        assert_eq!(header(&prepared, "authorization"), ["Token step-token"]);
    }
}

#[test]
fn api_key_credentials_yield_to_the_same_parameter() {
    let key = SecretString::from("config-key");
    let prepared = prepare(
        Request::new(Method::Get, "/")
            .api_key_header("x-api-key", &key)
            .header("X-API-KEY", "step-key")
            .api_key_query("key", &key)
            .query_param("key", "step-q")
            .api_key_cookie("sid", &key)
            .cookie("sid", "step-c")
            .raw_auth_header("Authorization", &key)
            .header("Authorization", "raw-step"),
    );
    assert_eq!(header(&prepared, "x-api-key"), ["step-key"]);
    assert_eq!(prepared.url.query(), Some("key=step-q"));
    assert_eq!(header(&prepared, "cookie"), ["sid=step-c"]);
    assert_eq!(header(&prepared, "authorization"), ["raw-step"]);
}

#[test]
fn raw_auth_header_sends_the_token_as_is() {
    let token = SecretString::from("4_002_raw");
    let prepared = prepare(Request::new(Method::Post, "/").raw_auth_header("Authorization", &token));
    assert_eq!(header(&prepared, "authorization"), ["4_002_raw"]);
    assert!(prepared.headers[header::AUTHORIZATION].is_sensitive());
}

#[test]
fn cookies_share_one_header_with_encoded_values() {
    let prepared = prepare(
        Request::new(Method::Get, "/")
            .header("Cookie", "pre=1")
            .cookie("a", "x; evil=1")
            .cookie("b", &2_i64)
            .cookie("gone", &None::<String>),
    );
    assert_eq!(header(&prepared, "cookie"), ["pre=1; a=x%3B%20evil%3D1; b=2"]);
    let error = Request::new(Method::Get, "/").cookie("bad;name", "v").prepare(BASE).err();
    assert!(matches!(error, Some(StepError::InvalidRequest { .. })));
}

#[test]
fn json_bodies_set_the_content_type_unless_given() {
    let prepared = prepare(Request::new(Method::Post, "/").json_body(&json!({"a": [1, "b"]})));
    assert_eq!(prepared.body.as_deref(), Some(br#"{"a":[1,"b"]}"#.as_slice()));
    assert_eq!(header(&prepared, "content-type"), ["application/json"]);

    let custom = prepare(
        Request::new(Method::Post, "/").header("Content-Type", "application/vnd.api+json").json_body(&Some(json!({}))),
    );
    assert_eq!(header(&custom, "content-type"), ["application/vnd.api+json"]);

    let none = prepare(Request::new(Method::Post, "/").json_body(&None::<Value>));
    assert!(none.body.is_none());
    assert!(!none.headers.contains_key(header::CONTENT_TYPE));
}

#[test]
fn form_bodies_are_urlencoded() {
    let prepared = prepare(Request::new(Method::Post, "/").form_body(&json!({"a": "x y", "b": [1, 2]})));
    assert_eq!(prepared.body.as_deref(), Some(b"a=x+y&b=1&b=2".as_slice()));
    assert_eq!(header(&prepared, "content-type"), ["application/x-www-form-urlencoded"]);
    // An expression holding something else has no fields: refused, not sent empty.
    let error = Request::new(Method::Post, "/").form_body(&json!(["a"])).prepare(BASE).err();
    assert!(matches!(error, Some(StepError::InvalidRequest { message }) if message.contains("JSON object")));
}

#[test]
fn xml_bodies_are_written_from_the_json_form_with_their_media_type() {
    let key = SecretString::from("k<&\"1");
    let status = "Enabled";
    let body = crate::encoding::json::object([("Status", &status), ("Key", &key)]);
    let root = crate::encoding::json::object([("Config", &body)]);
    let prepared = prepare(Request::new(Method::Put, "/").xml_body("text/xml", &root));
    assert_eq!(
        prepared.body.as_deref(),
        Some(b"<Config><Status>Enabled</Status><Key>k&lt;&amp;&quot;1</Key></Config>".as_slice())
    );
    assert_eq!(header(&prepared, "content-type"), ["text/xml"]);
    assert_eq!(secrets(&prepared), ["k<&\"1"]);
    let none = prepare(Request::new(Method::Put, "/").xml_body("application/xml", &None::<Value>));
    assert!(none.body.is_none() && !none.headers.contains_key(header::CONTENT_TYPE));
}

#[test]
fn an_xml_body_without_an_xml_form_fails_before_sending_without_its_values() {
    let key = SecretString::from("sk_live_\u{7}");
    let config = crate::encoding::json::object([("Key", &key)]);
    let root = crate::encoding::json::object([("Config", &config)]);
    let request = Request::new(Method::Put, "/").xml_body("application/xml", &root);
    assert!(!format!("{request:?}").contains("sk_live"));
    let Err(StepError::InvalidRequest { message }) = request.prepare(BASE) else { panic!("not refused") };
    assert_eq!(message, "the value at `/Config/Key` contains U+0007, which XML 1.0 cannot carry");
    let Err(StepError::InvalidRequest { message }) =
        Request::new(Method::Put, "/").xml_body("application/xml", &json!({"a": 1, "b": 2})).prepare(BASE)
    else {
        panic!("not refused")
    };
    assert!(message.contains("one member, its root element"), "{message}");
}

#[test]
fn redact_and_secret_params_register_secrets() {
    let body_secret = SecretString::from("in-body");
    let listed = vec![SecretString::from("s1"), SecretString::from("s2")];
    let prepared = prepare(
        Request::new(Method::Post, "/{p}")
            .path_param("p", &SecretString::from("in-path"))
            .query_param("q", &listed)
            .redact(&body_secret),
    );
    let registered = secrets(&prepared);
    for expected in ["in-path", "s1", "s2", "in-body"] {
        assert!(registered.contains(&expected), "{expected} missing");
    }
}

#[test]
fn debug_shows_names_but_no_values() {
    let request = Request::new(Method::Get, "/{id}")
        .path_param("id", "path-value")
        .query_param("q", "query-value")
        .header("X-H", "header-value")
        .cookie("c", "cookie-value")
        .bearer_auth(&SecretString::from("token-value"))
        .json_body(&json!({"k": "body-value"}));
    let debug = format!("{request:?}");
    assert!(debug.contains("\"X-H\"") && debug.contains("\"q\""), "{debug}");
    assert!(!debug.contains("-value"), "{debug}");
}

#[test]
fn the_unstyled_builders_are_the_default_styles() {
    let value = json!({"R": 100, "G": [1, 2]});
    let plain = prepare(
        Request::new(Method::Get, "/{p}")
            .path_param("p", &value)
            .query_param("q", &value)
            .header("X-H", &value)
            .cookie("c", &value),
    );
    let styled = prepare(
        Request::new(Method::Get, "/{p}")
            .path_param_styled("p", &value, Style::Simple, false)
            .query_param_styled("q", &value, Style::Form, true)
            .header_styled("X-H", &value, Style::Simple, false)
            .cookie_styled("c", &value, Style::Form, true),
    );
    assert_eq!(plain.url, styled.url);
    assert_eq!(plain.headers, styled.headers);
    assert_eq!(plain.url.as_str(), "http://127.0.0.1:9/R,100,G,%5B1%2C2%5D?R=100&G=%5B1%2C2%5D");
    assert_eq!(header(&plain, "x-h"), ["R,100,G,[1,2]"]);
    assert_eq!(header(&plain, "cookie"), ["R=100; G=%5B1%2C2%5D"]);
}

#[test]
fn styled_secrets_are_sensitive_and_registered() {
    let token = SecretString::from("tok-styled");
    let listed = vec![SecretString::from("s1"), SecretString::from("s2")];
    let prepared = prepare(
        Request::new(Method::Get, "/{p}")
            .path_param_styled("p", &listed, Style::Label, true)
            .header_styled("X-Secret", &token, Style::Simple, true)
            .header_styled("X-Plain", "plain", Style::Simple, true)
            .query_param_styled("q", &listed, Style::PipeDelimited, false)
            .cookie_styled("c", &token, Style::Form, false),
    );
    assert!(prepared.headers["x-secret"].is_sensitive());
    assert!(!prepared.headers["x-plain"].is_sensitive());
    assert!(prepared.headers[header::COOKIE].is_sensitive());
    let registered = secrets(&prepared);
    for expected in ["tok-styled", "s1", "s2"] {
        assert!(registered.contains(&expected), "{expected} missing");
    }
}

#[test]
fn credentials_yield_to_styled_parameters_of_the_same_name() {
    let key = SecretString::from("config-key");
    let prepared = prepare(
        Request::new(Method::Get, "/")
            .api_key_query("key", &key)
            .query_param_styled("key", &json!({"a": 1}), Style::DeepObject, true)
            .api_key_cookie("sid", &key)
            .cookie_styled("ids", &json!({"sid": "mine"}), Style::Form, true),
    );
    assert_eq!(prepared.url.query(), Some("key%5Ba%5D=1"));
    assert_eq!(header(&prepared, "cookie"), ["sid=mine"]);
}

#[test]
fn a_styled_cookie_header_joins_the_cookies() {
    let prepared =
        prepare(
            Request::new(Method::Get, "/")
                .header_styled("Cookie", &json!({"a": "1"}), Style::Simple, true)
                .cookie_styled("b", &vec![1_i64, 2], Style::Form, false),
        );
    assert_eq!(header(&prepared, "cookie"), ["a=1; b=1,2"]);
}

#[test]
fn invalid_styles_fail_before_anything_else_naming_the_parameter() {
    let error = Request::new(Method::Get, "/{missing}")
        .query_param_styled("filter", "v", Style::Matrix, false)
        .prepare(BASE)
        .err();
    assert_eq!(
        error,
        Some(StepError::InvalidRequest {
            message: "query parameter `filter` cannot use style `matrix`: query parameters allow `form`, \
                      `spaceDelimited`, `pipeDelimited`, `deepObject`"
                .into()
        })
    );
    let error =
        Request::new(Method::Get, "/").query_param_styled("ids", &5_i64, Style::SpaceDelimited, false).prepare(BASE);
    assert_eq!(
        error.err(),
        Some(StepError::InvalidRequest {
            message: "query parameter `ids` uses style `spaceDelimited`, which needs an array or object value".into()
        })
    );
}

#[test]
fn raw_bodies_are_sent_as_is_with_their_media_type_unless_given() {
    let prepared = prepare(Request::new(Method::Put, "/").raw_body("application/xml", "<a>é</a>"));
    assert_eq!(prepared.body.as_deref(), Some("<a>é</a>".as_bytes()));
    assert_eq!(header(&prepared, "content-type"), ["application/xml"]);

    let given = prepare(
        Request::new(Method::Put, "/")
            .header("Content-Type", "application/xml; charset=utf-8")
            .raw_body("application/xml", vec![0_u8, 255]),
    );
    assert_eq!(given.body.as_deref(), Some([0_u8, 255].as_slice()));
    assert_eq!(header(&given, "content-type"), ["application/xml; charset=utf-8"]);

    let empty = prepare(Request::new(Method::Put, "/").raw_body("text/plain", Vec::new()));
    assert_eq!(empty.body.as_deref(), Some([].as_slice()));

    let error = Request::new(Method::Put, "/").raw_body("text/plain\r\nX-Evil: 1", "x").prepare(BASE).err().unwrap();
    assert!(matches!(&error, StepError::InvalidRequest { .. }));
    assert!(!error.to_string().contains("Evil"));
}

#[test]
fn the_last_body_wins() {
    let prepared = prepare(Request::new(Method::Post, "/").json_body(&json!({"a": 1})).raw_body("text/plain", "x"));
    assert_eq!(prepared.body.as_deref(), Some(b"x".as_slice()));
    assert_eq!(header(&prepared, "content-type"), ["text/plain"]);
}

#[test]
fn multipart_bodies_always_carry_their_boundary() {
    let prepared = prepare(
        Request::new(Method::Post, "/")
            .header("Content-Type", "multipart/form-data")
            .multipart_body(&json!({"a": "1"})),
    );
    let content_type = header(&prepared, "content-type");
    assert_eq!(content_type.len(), 1);
    let boundary = content_type[0].strip_prefix("multipart/form-data; boundary=").unwrap();
    let expected = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--{boundary}--\r\n");
    assert_eq!(prepared.body.as_deref(), Some(expected.as_bytes()));

    let none = prepare(Request::new(Method::Post, "/").multipart_body(&None::<Value>));
    assert!(none.body.is_none() && !none.headers.contains_key(header::CONTENT_TYPE));

    let error = Request::new(Method::Post, "/").multipart_body(&json!(["not", "an", "object"])).prepare(BASE).err();
    assert_eq!(error, Some(StepError::InvalidRequest { message: "a multipart body must be a JSON object".into() }));
}

#[test]
fn debug_shows_styled_parameter_names_only() {
    let query = json!({"k": "query-value"});
    let request = Request::new(Method::Get, "/{id}")
        .path_param_styled("id", "path-value", Style::Matrix, true)
        .query_param_styled("q", &query, Style::DeepObject, true)
        .header_styled("X-H", "header-value", Style::Simple, true)
        .cookie_styled("c", "cookie-value", Style::Form, false)
        .multipart_body(&json!({"k": "body-value"}));
    let debug = format!("{request:?}");
    assert!(debug.contains("\"X-H\"") && debug.contains("\"q\"") && debug.contains("has_body: true"), "{debug}");
    assert!(!debug.contains("-value"), "{debug}");
}

#[test]
fn prepare_keeps_the_method_path_values_and_json_body_for_criteria() {
    let prepared = prepare(
        Request::new(Method::Patch, "/a/{id}")
            .path_param("id", "x y")
            .path_param("unused", &None::<String>)
            .json_body(&json!({"k": [1]}))
            .keep_sent(),
    );
    assert_eq!(prepared.method_sent, Method::Patch);
    let sent = prepared.sent.as_deref().unwrap();
    assert_eq!(sent.path("id"), Some(json!("x y")));
    assert_eq!(sent.path("unused"), None);
    assert_eq!(sent.body_at("/k/0"), Some(&json!(1)));
    // The transport fills these in.
    assert_eq!(sent.url(), "");
    assert!(sent.headers.is_empty());

    let raw = prepare(Request::new(Method::Post, "/a").raw_body("application/json", "{}").keep_sent());
    assert_eq!(raw.sent.unwrap().body_at(""), None);
}

#[test]
fn json_text_is_sent_as_written_and_kept_as_json() {
    let text = "{\n  \"name\": \"rex\", \"tags\": [\"a\"]\n}";
    let prepared =
        prepare(Request::new(Method::Post, "/a").json_text_body("application/vnd.pets+json", text).keep_sent());
    assert_eq!(prepared.body.as_deref(), Some(text.as_bytes()));
    assert_eq!(prepared.headers["content-type"], "application/vnd.pets+json");
    let sent = prepared.sent.as_deref().unwrap();
    assert_eq!(sent.body_at("/tags/0"), Some(&json!("a")));
    // Text that is not JSON is still sent; it reads as absent.
    let broken = prepare(Request::new(Method::Post, "/a").json_text_body("application/json", "{").keep_sent());
    assert_eq!(broken.body.as_deref(), Some(&b"{"[..]));
    assert_eq!(broken.sent.unwrap().body_at(""), None);
    // Kept only when asked.
    let unkept = prepare(Request::new(Method::Post, "/a").json_text_body("application/json", "{}"));
    assert!(unkept.sent.is_none());
}

#[test]
fn prepare_keeps_only_the_method_unless_asked() {
    let prepared =
        prepare(Request::new(Method::Patch, "/a/{id}").path_param("id", "x y").json_body(&json!({"k": [1]})));
    assert!(prepared.sent.is_none());
    assert_eq!(prepared.method_sent, Method::Patch);
}

#[test]
fn a_required_value_that_is_absent_fails_before_sending() {
    let absent: Option<String> = None;
    let request = Request::new(Method::Get, "/apps/{id}").path_param("id", &absent).require("inputs.app_id", &absent);
    let Err(StepError::InvalidRequest { message }) = request.prepare(BASE) else { panic!("prepared") };
    assert!(message.starts_with("`inputs.app_id` is `None`"), "{message}");
    let present = Some("app_1".to_string());
    let request = Request::new(Method::Get, "/apps/{id}").path_param("id", &present).require("inputs.app_id", &present);
    assert_eq!(prepare(request).url.path(), "/apps/app_1");
}

#[test]
fn a_query_string_is_the_whole_query_and_api_keys_follow_it() {
    let key = SecretString::from("k 1");
    let prepared = prepare(
        Request::new(Method::Get, "/items").query_string("filter=active&sort=a b").api_key_query("api_key", &key),
    );
    assert_eq!(prepared.url.as_str(), "http://127.0.0.1:9/items?filter=active&sort=a%20b&api_key=k+1");
    let prepared = prepare(Request::new(Method::Get, "/items").query_string_escaped(r#"{"a":1}"#));
    assert_eq!(prepared.url.query(), Some("%7B%22a%22%3A1%7D"));
    // An absent value sends no query string at all.
    let prepared = prepare(Request::new(Method::Get, "/items").query_string(&None::<String>));
    assert_eq!(prepared.url.as_str(), "http://127.0.0.1:9/items");
}

#[test]
fn a_secret_query_string_is_a_secret_of_the_request() {
    let secret = SecretString::from("token=s3cret");
    let prepared = prepare(Request::new(Method::Get, "/items").query_string(&secret));
    assert_eq!(secrets(&prepared), ["token=s3cret"]);
    assert!(!format!("{:?}", Request::new(Method::Get, "/").query_string(&secret)).contains("s3cret"));
}
