//! Parameter styles on the wire: OpenAPI's Style Examples table, hostile values and refused
//! combinations, against a loopback server.
//!
//! Expectations are written by hand from the OpenAPI 3.1.1 Style Examples table (the parameter
//! `color` with `"blue"`, `["blue", "black", "brown"]` and `{"R": 100, "G": 200, "B": 150}`), which
//! percent-encodes the `|`, `[`, `]` and space delimiters as RFC 3986 requires.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{echoed, header_values, send};

use arazzo_runtime::{Method, Request, StepError, Style};
use serde_json::{Value, json};

fn string() -> Value {
    json!("blue")
}

fn array() -> Value {
    json!(["blue", "black", "brown"])
}

fn object() -> Value {
    json!({"R": 100, "G": 200, "B": 150})
}

/// A refused request: the error names the parameter, never the value, and nothing is sent.
async fn assert_refused(server: &common::Server, request: Request<'_>, name: &str, value_marker: &str) {
    let before = server.echo_count();
    let error = send(&server.base_url, request).await.unwrap_err();
    let StepError::InvalidRequest { message } = error.error() else {
        panic!("expected an invalid request, got {error:?}");
    };
    assert!(message.contains(&format!("`{name}`")), "{message}");
    let text = format!("{error} {error:?}");
    assert!(!text.contains(value_marker), "{text}");
    assert_eq!(server.echo_count(), before, "something was sent");
}

#[tokio::test]
async fn path_styles_follow_the_style_examples_table() {
    let server = common::start().await;
    let rows = [
        (Style::Simple, false, string(), "blue"),
        (Style::Simple, false, array(), "blue,black,brown"),
        (Style::Simple, false, object(), "R,100,G,200,B,150"),
        (Style::Simple, true, string(), "blue"),
        (Style::Simple, true, array(), "blue,black,brown"),
        (Style::Simple, true, object(), "R=100,G=200,B=150"),
        (Style::Label, false, string(), ".blue"),
        (Style::Label, false, array(), ".blue,black,brown"),
        (Style::Label, false, object(), ".R,100,G,200,B,150"),
        (Style::Label, true, string(), ".blue"),
        (Style::Label, true, array(), ".blue.black.brown"),
        (Style::Label, true, object(), ".R=100.G=200.B=150"),
        (Style::Matrix, false, json!(""), ";color"),
        (Style::Matrix, false, string(), ";color=blue"),
        (Style::Matrix, false, array(), ";color=blue,black,brown"),
        (Style::Matrix, false, object(), ";color=R,100,G,200,B,150"),
        (Style::Matrix, true, json!(""), ";color"),
        (Style::Matrix, true, string(), ";color=blue"),
        (Style::Matrix, true, array(), ";color=blue;color=black;color=brown"),
        (Style::Matrix, true, object(), ";R=100;G=200;B=150"),
    ];
    for (style, explode, value, expected) in rows {
        let request =
            Request::new(Method::Get, "/echo/items/{color}/x").path_param_styled("color", &value, style, explode);
        let seen = echoed(&server.base_url, request).await;
        assert_eq!(seen["path"], format!("/echo/items/{expected}/x"), "{style:?} explode={explode} {value}");
    }

    // The empty label `.` is fine inside a segment, and refused as a whole one (a dot segment).
    for explode in [false, true] {
        let request =
            Request::new(Method::Get, "/echo/items/v{color}").path_param_styled("color", "", Style::Label, explode);
        assert_eq!(echoed(&server.base_url, request).await["path"], "/echo/items/v.");
        let request =
            Request::new(Method::Get, "/echo/items/{color}/x").path_param_styled("color", "", Style::Label, explode);
        assert_refused(&server, request, "color", "\u{0}").await;
    }
}

#[tokio::test]
async fn the_default_path_style_is_simple_and_refuses_empty_values() {
    let server = common::start().await;
    for value in [string(), array(), object()] {
        let plain = Request::new(Method::Get, "/echo/{color}").path_param("color", &value);
        let styled =
            Request::new(Method::Get, "/echo/{color}").path_param_styled("color", &value, Style::Simple, false);
        assert_eq!(echoed(&server.base_url, plain).await["path"], echoed(&server.base_url, styled).await["path"]);
    }
    // The table's simple/empty cell is an empty segment, which would change the path.
    let request = Request::new(Method::Get, "/echo/{color}/x").path_param_styled("color", "", Style::Simple, true);
    assert_refused(&server, request, "color", "\u{0}").await;
}

#[tokio::test]
async fn query_styles_follow_the_style_examples_table() {
    let server = common::start().await;
    let rows = [
        (Style::Form, false, json!(""), "color="),
        (Style::Form, false, string(), "color=blue"),
        (Style::Form, false, array(), "color=blue,black,brown"),
        (Style::Form, false, object(), "color=R,100,G,200,B,150"),
        (Style::Form, true, json!(""), "color="),
        (Style::Form, true, string(), "color=blue"),
        (Style::Form, true, array(), "color=blue&color=black&color=brown"),
        (Style::Form, true, object(), "R=100&G=200&B=150"),
        (Style::SpaceDelimited, false, array(), "color=blue%20black%20brown"),
        (Style::SpaceDelimited, false, object(), "color=R%20100%20G%20200%20B%20150"),
        (Style::PipeDelimited, false, array(), "color=blue%7Cblack%7Cbrown"),
        (Style::PipeDelimited, false, object(), "color=R%7C100%7CG%7C200%7CB%7C150"),
        (Style::DeepObject, true, object(), "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
        // Cells the table leaves undefined: exploded delimited styles repeat the name like
        // exploded form, and deepObject does not depend on `explode`.
        (Style::SpaceDelimited, true, array(), "color=blue&color=black&color=brown"),
        (Style::PipeDelimited, true, object(), "R=100&G=200&B=150"),
        (Style::DeepObject, false, object(), "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
    ];
    for (style, explode, value, expected) in rows {
        let seen = echoed(
            &server.base_url,
            Request::new(Method::Get, "/echo").query_param_styled("color", &value, style, explode),
        )
        .await;
        assert_eq!(seen["query"], expected, "{style:?} explode={explode} {value}");
    }
}

#[tokio::test]
async fn query_params_of_several_styles_share_one_query_string() {
    let server = common::start().await;
    let seen = echoed(
        &server.base_url,
        Request::new(Method::Get, "/echo")
            .query_param("page", &2_i64)
            .query_param_styled("ids", &vec![1_i64, 2], Style::PipeDelimited, false)
            .query_param_styled("filter", &json!({"state": "open", "gone": null}), Style::DeepObject, true)
            .query_param_styled("absent", &None::<Vec<String>>, Style::SpaceDelimited, false)
            .query_param_styled("tags", &json!([]), Style::Form, false)
            .query_param_styled("sort", &vec!["a".to_owned(), "b".to_owned()], Style::Form, false),
    )
    .await;
    assert_eq!(seen["query"], "page=2&ids=1%7C2&filter%5Bstate%5D=open&sort=a,b");
}

#[tokio::test]
async fn header_styles_follow_the_style_examples_table() {
    let server = common::start().await;
    let rows = [
        (false, json!(""), ""),
        (false, string(), "blue"),
        (false, array(), "blue,black,brown"),
        (false, object(), "R,100,G,200,B,150"),
        (true, string(), "blue"),
        (true, array(), "blue,black,brown"),
        (true, object(), "R=100,G=200,B=150"),
    ];
    for (explode, value, expected) in rows {
        let seen = echoed(
            &server.base_url,
            Request::new(Method::Get, "/echo").header_styled("X-Color", &value, Style::Simple, explode),
        )
        .await;
        assert_eq!(header_values(&seen, "x-color"), [expected], "explode={explode} {value}");
    }
}

#[tokio::test]
async fn cookie_styles_follow_the_table_with_cookie_separators() {
    let server = common::start().await;
    let rows = [
        (false, json!(""), "color="),
        (false, string(), "color=blue"),
        (false, array(), "color=blue,black,brown"),
        (false, object(), "color=R,100,G,200,B,150"),
        (true, json!(""), "color="),
        (true, string(), "color=blue"),
        // Cookies are separated by `; `, never form's `&` (OpenAPI 3.1.1, Appendix D).
        (true, array(), "color=blue; color=black; color=brown"),
        (true, object(), "R=100; G=200; B=150"),
    ];
    for (explode, value, expected) in rows {
        let seen = echoed(
            &server.base_url,
            Request::new(Method::Get, "/echo").cookie_styled("color", &value, Style::Form, explode),
        )
        .await;
        assert_eq!(header_values(&seen, "cookie"), [expected], "explode={explode} {value}");
        let default = Request::new(Method::Get, "/echo").cookie("color", &value);
        if explode {
            assert_eq!(header_values(&echoed(&server.base_url, default).await, "cookie"), [expected]);
        }
    }
}

#[tokio::test]
async fn hostile_values_stay_in_their_slots_in_every_style() {
    let server = common::start().await;
    let items = json!(["a/b", "c.d", "e;f=g,h", "%2e", "?#", "..", "sp ace"]);
    let fields = json!({"k/1": "v;2", "k=3": "..", "n": null, "[x]": "&y=1"});
    let deep = json!({"a]&x=1": "b&c=d", "e[f]": "g h"});
    let cookies = json!(["x; evil=1", "y,z"]);
    let request = Request::new(Method::Get, "/echo/{label}/{matrix}/{simple}")
        .path_param_styled("label", &items, Style::Label, true)
        .path_param_styled("matrix", &fields, Style::Matrix, true)
        .path_param_styled("simple", &fields, Style::Simple, true)
        .query_param_styled("deep", &deep, Style::DeepObject, true)
        .query_param_styled("pipes", &items, Style::PipeDelimited, false)
        .query_param_styled("form", &items, Style::Form, false)
        .header_styled("X-Fields", &fields, Style::Simple, true)
        .cookie_styled("c", &cookies, Style::Form, true)
        .cookie_styled("d", &cookies, Style::Form, false);
    let seen = echoed(&server.base_url, request).await;
    assert_eq!(
        seen["path"],
        "/echo/.a%2Fb.c%2Ed.e%3Bf%3Dg%2Ch.%252e.%3F%23.%2E%2E.sp%20ace\
         /;k%2F1=v%3B2;k%3D3=..;%5Bx%5D=%26y%3D1\
         /k%2F1=v%3B2,k%3D3=..,%5Bx%5D=%26y%3D1"
    );
    assert_eq!(
        seen["query"],
        "deep%5Ba%5D%26x%3D1%5D=b%26c%3Dd&deep%5Be%5Bf%5D%5D=g+h\
         &pipes=a%2Fb%7Cc.d%7Ce%3Bf%3Dg%2Ch%7C%252e%7C%3F%23%7C..%7Csp+ace\
         &form=a%2Fb,c.d,e%3Bf%3Dg%2Ch,%252e,%3F%23,..,sp+ace"
    );
    assert_eq!(header_values(&seen, "x-fields"), ["k/1=v;2,k=3=..,[x]=&y=1"]);
    assert_eq!(header_values(&seen, "cookie"), ["c=x%3B%20evil%3D1; c=y%2Cz; d=x%3B%20evil%3D1,y%2Cz"]);
}

#[tokio::test]
async fn dot_segments_are_refused_in_every_path_style() {
    let server = common::start().await;
    let cases = [
        (Style::Simple, false, json!("..")),
        (Style::Simple, true, json!(".")),
        (Style::Label, false, json!("")),
        (Style::Label, true, json!(".")),
        (Style::Label, true, json!(["", ""])),
    ];
    for (style, explode, value) in cases {
        let request =
            Request::new(Method::Delete, "/echo/keys/{key_id}").path_param_styled("key_id", &value, style, explode);
        assert_refused(&server, request, "key_id", "\u{0}").await;
    }
}

#[tokio::test]
async fn header_items_with_line_breaks_are_refused_by_name() {
    let server = common::start().await;
    let items = json!(["ok", "bad\r\nX-Injected: yes"]);
    let request = Request::new(Method::Get, "/echo").header_styled("X-List", &items, Style::Simple, false);
    assert_refused(&server, request, "x-list", "Injected").await;
}

#[tokio::test]
async fn combinations_outside_the_style_values_table_are_refused_by_name() {
    let server = common::start().await;
    let get = || Request::new(Method::Get, "/echo");
    let (object, array) = (object(), array());
    let refused = [
        (
            "p_form",
            Request::new(Method::Get, "/echo/{p_form}").path_param_styled("p_form", "secret-1", Style::Form, true),
        ),
        (
            "p_deep",
            Request::new(Method::Get, "/echo/{p_deep}").path_param_styled("p_deep", &object, Style::DeepObject, true),
        ),
        ("q_simple", get().query_param_styled("q_simple", "secret-1", Style::Simple, false)),
        ("q_label", get().query_param_styled("q_label", "secret-1", Style::Label, false)),
        ("h_form", get().header_styled("h_form", "secret-1", Style::Form, false)),
        ("h_deep", get().header_styled("h_deep", &object, Style::DeepObject, true)),
        ("c_simple", get().cookie_styled("c_simple", "secret-1", Style::Simple, false)),
        ("c_deep", get().cookie_styled("c_deep", &object, Style::DeepObject, true)),
        ("c_matrix", get().cookie_styled("c_matrix", "secret-1", Style::Matrix, true)),
        // Refused even when the value is absent: the combination itself is wrong.
        ("q_absent", get().query_param_styled("q_absent", &None::<String>, Style::Matrix, false)),
        // Values the style cannot carry.
        ("q_space", get().query_param_styled("q_space", "secret-1", Style::SpaceDelimited, false)),
        ("q_pipe", get().query_param_styled("q_pipe", &7_i64, Style::PipeDelimited, true)),
        ("q_deep", get().query_param_styled("q_deep", &array, Style::DeepObject, true)),
        ("q_deep2", get().query_param_styled("q_deep2", "secret-1", Style::DeepObject, false)),
    ];
    for (name, request) in refused {
        assert_refused(&server, request, name, "secret-1").await;
    }
}
