//! Unit tests of parameter and URL encoding.

use super::*;
use serde_json::json;
use std::borrow::Cow;

#[test]
fn percent_encoding_keeps_only_unreserved_characters() {
    assert_eq!(percent_encode("aZ09-._~"), "aZ09-._~");
    assert_eq!(percent_encode("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
    assert_eq!(percent_encode("é"), "%C3%A9");
    assert_eq!(percent_encode("\r\n+&="), "%0D%0A%2B%26%3D");
}

fn simple(value: Value) -> Option<String> {
    path_value("p", &value, Style::Simple, false)
}

#[test]
fn simple_style_joins_arrays_and_objects_with_commas() {
    assert_eq!(simple(json!("a b")).as_deref(), Some("a%20b"));
    assert_eq!(simple(json!(42)).as_deref(), Some("42"));
    assert_eq!(simple(json!(true)).as_deref(), Some("true"));
    assert_eq!(simple(json!(["a,b", 1, null])).as_deref(), Some("a%2Cb,1"));
    assert_eq!(header_text(&json!({"r": 1, "g": "x,y"}), false).as_deref(), Some("r,1,g,x,y"));
    assert_eq!(header_text(&json!({"r": 1, "g": null}), true).as_deref(), Some("r=1"));
    assert_eq!(simple(json!(null)), None);
    assert_eq!(simple(json!([])), None);
    assert_eq!(simple(json!([null])), None);
    assert_eq!(simple(json!({})), None);
    assert_eq!(simple(json!([[1, "a"], {"k": "v"}])).as_deref(), Some("%5B1%2C%22a%22%5D,%7B%22k%22%3A%22v%22%7D"));
}

fn query(name: &'static str, value: Value, style: Style, explode: bool) -> Result<Vec<String>, StepError> {
    let mut out = Vec::new();
    query_pairs(Cow::Borrowed(name), &value, style, explode, &mut out)?;
    Ok(out.into_iter().map(|pair| pair.encoded).collect())
}

#[test]
fn query_styles_keep_data_delimiters_encoded() {
    let hostile = json!(["a b", "c,d", "e|f", "g[h]", "i&j=k", "l+m%"]);
    assert_eq!(
        query("x", hostile.clone(), Style::Form, false).unwrap(),
        ["x=a+b,c%2Cd,e%7Cf,g%5Bh%5D,i%26j%3Dk,l%2Bm%25"]
    );
    assert_eq!(
        query("x", hostile.clone(), Style::PipeDelimited, false).unwrap(),
        ["x=a+b%7Cc%2Cd%7Ce%7Cf%7Cg%5Bh%5D%7Ci%26j%3Dk%7Cl%2Bm%25"]
    );
    assert_eq!(
        query("x", hostile, Style::SpaceDelimited, false).unwrap(),
        ["x=a+b%20c%2Cd%20e%7Cf%20g%5Bh%5D%20i%26j%3Dk%20l%2Bm%25"]
    );
    assert_eq!(query("a b", json!({"[k]": "v&"}), Style::DeepObject, false).unwrap(), ["a+b%5B%5Bk%5D%5D=v%26"]);
    assert_eq!(query("x", json!(null), Style::DeepObject, true).unwrap(), Vec::<String>::new());
}

#[test]
fn query_styles_refuse_values_they_cannot_carry_by_name() {
    for (style, value) in [
        (Style::SpaceDelimited, json!("secret-a")),
        (Style::PipeDelimited, json!(7)),
        (Style::DeepObject, json!(["secret-b"])),
        (Style::DeepObject, json!("secret-c")),
    ] {
        let error = query("color", value, style, false).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("`color`") && text.contains(style.as_str()), "{text}");
        assert!(!text.contains("secret") && !text.contains('7'), "{text}");
    }
}

#[test]
fn styles_are_checked_against_their_location() {
    let allowed = [
        (Location::Path, Style::Simple),
        (Location::Path, Style::Label),
        (Location::Path, Style::Matrix),
        (Location::Query, Style::Form),
        (Location::Query, Style::SpaceDelimited),
        (Location::Query, Style::PipeDelimited),
        (Location::Query, Style::DeepObject),
        (Location::Header, Style::Simple),
        (Location::Cookie, Style::Form),
    ];
    let styles = [
        Style::Simple,
        Style::Label,
        Style::Matrix,
        Style::Form,
        Style::SpaceDelimited,
        Style::PipeDelimited,
        Style::DeepObject,
    ];
    for location in [Location::Path, Location::Query, Location::Header, Location::Cookie] {
        for style in styles {
            let result = check_style(location, "p", style);
            assert_eq!(result.is_ok(), allowed.contains(&(location, style)), "{location:?} {style:?}");
        }
    }
    assert_eq!(
        check_style(Location::Header, "X-Color", Style::DeepObject),
        Err(StepError::InvalidRequest {
            message: "header parameter `X-Color` cannot use style `deepObject`: header parameters allow `simple`"
                .into()
        })
    );
}

#[test]
fn cookie_pairs_explode_into_separate_cookies() {
    let pairs = |value: Value, explode: bool| {
        let mut out = Vec::new();
        cookie_pairs("c", &value, explode, &mut out);
        out.into_iter().map(|(name, text)| format!("{name}={text}")).collect::<Vec<_>>()
    };
    assert_eq!(pairs(json!("a b;"), true), ["c=a%20b%3B"]);
    assert_eq!(pairs(json!(["a,b", "c"]), true), ["c=a%2Cb", "c=c"]);
    assert_eq!(pairs(json!(["a,b", "c"]), false), ["c=a%2Cb,c"]);
    assert_eq!(pairs(json!({"k;": "v=", "n": null}), true), ["k%3B=v%3D"]);
    assert_eq!(pairs(json!({"k": 1, "j": 2}), false), ["c=k,1,j,2"]);
    assert_eq!(pairs(json!(null), true), Vec::<String>::new());
}

#[test]
fn form_pairs_repeat_arrays_and_spread_objects() {
    let mut pairs = Vec::new();
    form_pairs("scope", &json!(["a", "b"]), &mut pairs);
    form_pairs("n", &json!(3), &mut pairs);
    form_pairs("gone", &json!(null), &mut pairs);
    form_pairs("obj", &json!({"x": "1", "y": [2]}), &mut pairs);
    let expected = [("scope", "a"), ("scope", "b"), ("n", "3"), ("x", "1"), ("y", "[2]")];
    let expected: Vec<(String, String)> = expected.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    assert_eq!(pairs, expected);
}

fn fill(template: &str, values: &[(&str, Value)]) -> Result<String, StepError> {
    fill_styled(template, values, Style::Simple, false)
}

fn fill_styled(template: &str, values: &[(&str, Value)], style: Style, explode: bool) -> Result<String, StepError> {
    fill_path_template(template, |name| {
        let (_, value) = values.iter().find(|(n, _)| *n == name)?;
        path_value(name, value, style, explode).map(Cow::Owned)
    })
}

#[test]
fn label_and_matrix_values_cannot_make_dot_segments() {
    // `.` is label's delimiter, so a `.` in the data is `%2E`, which the URL standard
    // would still resolve as a dot segment: `.%2E` must be refused like `..`.
    for (value, explode) in [(json!(""), false), (json!("."), false), (json!(["", ""]), true)] {
        let error = fill_styled("/x/{id}/y", &[("id", value.clone())], Style::Label, explode).unwrap_err();
        assert!(matches!(&error, StepError::InvalidRequest { message } if message.contains("`id`")), "{value}");
    }
    assert_eq!(fill_styled("/x/{id}", &[("id", json!(".."))], Style::Label, true), Ok("/x/.%2E%2E".into()));
    assert_eq!(fill_styled("/x/{id}/y", &[("id", json!(["", ""]))], Style::Label, false), Ok("/x/.,/y".into()));
    assert_eq!(fill_styled("/x/v{id}", &[("id", json!(""))], Style::Label, true), Ok("/x/v.".into()));
    assert_eq!(fill_styled("/x/{id}", &[("id", json!(""))], Style::Matrix, true), Ok("/x/;id".into()));
    assert_eq!(
        fill_styled("/x/{id}", &[("id", json!("../a;b=c,d/e?f#g"))], Style::Matrix, false),
        Ok("/x/;id=..%2Fa%3Bb%3Dc%2Cd%2Fe%3Ff%23g".into())
    );
    assert!(is_dot_segment(b"%2e%2E") && is_dot_segment(b".") && is_dot_segment(b"%2E"));
    assert!(!is_dot_segment(b"") && !is_dot_segment(b"...") && !is_dot_segment(b"%252e") && !is_dot_segment(b".a"));
}

#[test]
fn path_values_are_single_segments() {
    assert_eq!(
        fill("/apps/{app}/keys/{key}", &[("app", json!("a/../b?c#d")), ("key", json!(7))]),
        Ok("/apps/a%2F..%2Fb%3Fc%23d/keys/7".to_owned())
    );
    assert_eq!(fill("/x/{v}", &[("v", json!("..."))]), Ok("/x/...".to_owned()));
    assert_eq!(fill("/x/{v}", &[("v", json!("%2e%2e"))]), Ok("/x/%252e%252e".to_owned()));
    // A value of dots next to dots of the template, or to another such value, makes a dot segment too.
    for (template, values) in [
        ("/x/{a}./y", vec![("a", json!("."))]),
        ("/x/%2E{a}", vec![("a", json!("."))]),
        ("/x/{a}{b}/y", vec![("a", json!(".")), ("b", json!("."))]),
    ] {
        let error = fill(template, &values).unwrap_err();
        assert!(matches!(&error, StepError::InvalidRequest { message } if message.contains("`a`")), "{template}");
    }
    assert_eq!(fill("/x/{a}.json", &[("a", json!("."))]), Ok("/x/..json".to_owned()));
}

#[test]
fn dot_segments_and_missing_values_are_refused_by_name() {
    for value in [json!("."), json!(".."), json!(""), json!(null)] {
        let error = fill("/x/{key_id}/y", &[("key_id", value)]).unwrap_err();
        assert!(matches!(&error, StepError::InvalidRequest { message } if message.contains("`key_id`")), "{error:?}");
    }
    // The parameter named is the one whose segment became a dot segment, wherever it is.
    let error = fill("/a/{x}/b{z}/{y}", &[("x", json!("1")), ("z", json!("2")), ("y", json!(".."))]).unwrap_err();
    assert_eq!(error.to_string(), fill("/{y}", &[("y", json!(".."))]).unwrap_err().to_string());
    assert!(matches!(&error, StepError::InvalidRequest { message } if message.contains("`y`")), "{error:?}");
    let error = fill("/a/{x}{z}/c", &[("x", json!(".")), ("z", json!("."))]).unwrap_err();
    assert!(matches!(&error, StepError::InvalidRequest { message } if message.contains("`x`")), "{error:?}");
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
    assert_eq!(join("http://h/v1/", ""), Ok("http://h/v1/".into()));
    // A path that starts like a network-path reference stays a path on the same host.
    assert_eq!(join("http://h", "//evil.test/x"), Ok("http://h//evil.test/x".into()));
    // Backslashes are slashes in `http` URLs; a path not starting with `/` gets one first.
    assert_eq!(join("http://h", "\\\\evil.test/x"), Ok("http://h///evil.test/x".into()));
    assert_eq!(join("http://h/v1", "//x"), Ok("http://h/v1//x".into()));
}

#[test]
fn query_parameters_follow_the_path_and_replace_a_query_written_in_it() {
    let pair = |name: &'static str, text: &str| form_pair(Cow::Borrowed(name), text);
    let query = [pair("a", "1 2"), pair("b", "x&y")];
    let join = |base: &str, path: &str, query: &[QueryPair]| build_url(base, path, query).map(|u| u.to_string());
    assert_eq!(join("http://h/v1", "/p", &query), Ok("http://h/v1/p?a=1+2&b=x%26y".into()));
    assert_eq!(join("http://h/v1", "/p?fixed=1", &[]), Ok("http://h/v1/p?fixed=1".into()));
    assert_eq!(join("http://h/v1", "/p?fixed=1", &query), Ok("http://h/v1/p?a=1+2&b=x%26y".into()));
    assert_eq!(join("http://h", "/p#top", &query), Ok("http://h/p?a=1+2&b=x%26y#top".into()));
}

#[test]
fn form_components_turn_only_real_spaces_into_plus() {
    assert_eq!(form_component("100%20 off"), "100%2520+off");
    assert_eq!(form_component(" a  b "), "+a++b+");
    assert_eq!(form_component("aZ09*-._~+é"), "aZ09*-._%7E%2B%C3%A9");
    assert_eq!(form_component(""), "");
}

#[test]
fn query_pairs_are_form_urlencoded() {
    let mut query = Vec::new();
    query_pairs(Cow::Borrowed("user id"), &json!("a&b=c d+é~*'"), Style::Form, true, &mut query).unwrap();
    query_pairs(Cow::Borrowed("scope"), &json!("x"), Style::Form, true, &mut query).unwrap();
    let url = build_url("http://h", "/p", &query).unwrap();
    assert_eq!(url.query(), Some("user+id=a%26b%3Dc+d%2B%C3%A9%7E*%27&scope=x"));
    // The same bytes as the `url` crate's own form-urlencoded serializer.
    let mut expected = Url::parse("http://h/p").unwrap();
    expected.query_pairs_mut().append_pair("user id", "a&b=c d+é~*'").append_pair("scope", "x");
    assert_eq!(url, expected);
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
fn base_urls_with_a_user_name_or_password_are_refused_without_the_url() {
    for base in ["https://user:pw-secret@host/", "https://pw-secret@host/v1", "http://:pw-secret@host"] {
        let error = parse_base_url(base).unwrap_err();
        let StepError::InvalidBaseUrl { reason } = &error else { panic!("{base}: {error:?}") };
        assert!(reason.contains("must not carry a user name or password"), "{reason}");
        assert!(reason.contains("credential fields"), "{reason}");
        assert!(!format!("{error} {error:?}").contains("pw-secret"));
    }
    // An empty user info (`@` alone) carries nothing, and the URL parser drops it.
    assert_eq!(parse_base_url("https://@host/").unwrap().as_str(), "https://host/");
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
