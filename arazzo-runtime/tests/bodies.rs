//! Raw and multipart request bodies on the wire, against a loopback server.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{echoed, header_values, send};

use arazzo_runtime::{Method, Request, StepError};
use serde_json::{Value, json};

fn body_bytes(seen: &Value) -> Vec<u8> {
    seen["body_bytes"].as_array().unwrap().iter().map(|b| u8::try_from(b.as_u64().unwrap()).unwrap()).collect()
}

/// The boundary announced in a `multipart/form-data` content type.
fn boundary(seen: &Value) -> String {
    let content_type = header_values(seen, "content-type");
    assert_eq!(content_type.len(), 1, "{content_type:?}");
    let boundary = content_type[0].strip_prefix("multipart/form-data; boundary=").unwrap().to_owned();
    assert!(boundary.len() <= 70 && boundary.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    boundary
}

#[tokio::test]
async fn raw_bodies_arrive_byte_for_byte_with_their_media_type() {
    let server = common::start().await;

    let seen = echoed(
        &server.base_url,
        Request::new(Method::Post, "/echo").raw_body("text/plain; charset=utf-8", "héllo\r\n"),
    )
    .await;
    assert_eq!(seen["body"], "héllo\r\n");
    assert_eq!(header_values(&seen, "content-type"), ["text/plain; charset=utf-8"]);
    assert_eq!(header_values(&seen, "content-length"), ["8"]);

    let bytes = vec![0_u8, 255, 13, 10, 128, b'-', b'-'];
    let seen = echoed(
        &server.base_url,
        Request::new(Method::Put, "/echo").raw_body("application/octet-stream", bytes.clone()),
    )
    .await;
    assert_eq!(body_bytes(&seen), bytes);
    assert_eq!(header_values(&seen, "content-type"), ["application/octet-stream"]);

    let xml = "<pet><name>Rex &amp; co</name></pet>";
    let seen = echoed(
        &server.base_url,
        Request::new(Method::Post, "/echo")
            .header("Content-Type", "application/xml; charset=utf-8")
            .raw_body("application/xml", xml),
    )
    .await;
    assert_eq!(seen["body"], xml);
    assert_eq!(header_values(&seen, "content-type"), ["application/xml; charset=utf-8"]);
}

#[tokio::test]
async fn a_raw_body_with_an_invalid_media_type_is_not_sent() {
    let server = common::start().await;
    let error = send(&server.base_url, Request::new(Method::Post, "/echo").raw_body("text/plain\nX-Evil: 1", "body"))
        .await
        .unwrap_err();
    assert!(matches!(error.error(), StepError::InvalidRequest { .. }), "{error:?}");
    assert!(!format!("{error} {error:?}").contains("Evil"));
    assert_eq!(server.echo_count(), 0);
}

#[tokio::test]
async fn multipart_bodies_arrive_exactly() {
    let server = common::start().await;
    let seen = echoed(
        &server.base_url,
        Request::new(Method::Post, "/echo").multipart_body(&json!({
            "name": "Rex \"the\" dog",
            "age": 3,
            "weight": 4.5,
            "vaccinated": false,
            "tags": ["good", "boy", null, 7],
            "owner": {"id": "o1", "emails": ["a@b.c"]},
            "note": "",
            "gone": null,
            "multi\r\nline\"name": "é\r\n--not-a-boundary--\r\n"
        })),
    )
    .await;
    let b = boundary(&seen);
    let expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nRex \"the\" dog\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"age\"\r\n\r\n3\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"weight\"\r\n\r\n4.5\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"vaccinated\"\r\n\r\nfalse\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\ngood\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nboy\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\n7\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"owner\"\r\nContent-Type: application/json\r\n\r\n\
         {{\"id\":\"o1\",\"emails\":[\"a@b.c\"]}}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"multi%0D%0Aline%22name\"\r\n\r\né\r\n--not-a-boundary--\r\n\r\n\
         --{b}--\r\n"
    );
    assert_eq!(seen["body"], expected);
    assert_eq!(header_values(&seen, "content-length"), [expected.len().to_string()]);
}

#[tokio::test]
async fn multipart_bodies_are_deterministic_and_replace_a_bare_content_type() {
    let server = common::start().await;
    let body = json!({"file": "contents", "meta": {"k": 1}});
    let first = echoed(
        &server.base_url,
        Request::new(Method::Post, "/echo").header("Content-Type", "multipart/form-data").multipart_body(&body.clone()),
    )
    .await;
    let second = echoed(&server.base_url, Request::new(Method::Post, "/echo").multipart_body(&body)).await;
    assert_eq!(boundary(&first), boundary(&second));
    assert_eq!(first["body"], second["body"]);
}

#[tokio::test]
async fn content_quoting_a_multipart_delimiter_cannot_end_its_part() {
    let server = common::start().await;
    let probe = boundary(
        &echoed(&server.base_url, Request::new(Method::Post, "/echo").multipart_body(&json!({"f": "x"}))).await,
    );
    // The boundary of a similar body, and a whole forged part: the boundary chosen for this body
    // is checked against its content (the retry itself is unit-tested in `multipart.rs`).
    let hostile = format!("\r\n--{probe}\r\nContent-Disposition: form-data; name=\"evil\"\r\n\r\nx\r\n--{probe}--\r\n");
    let seen = echoed(
        &server.base_url,
        Request::new(Method::Post, "/echo").multipart_body(&json!({"f": hostile.clone(), "g": [probe.clone()]})),
    )
    .await;
    let b = boundary(&seen);
    let body = seen["body"].as_str().unwrap();
    assert!(!hostile.contains(&b) && b != probe);
    assert_eq!(body.matches(&format!("--{b}")).count(), 3, "{body}");
    assert_eq!(
        body,
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n{hostile}\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"g\"\r\n\r\n{probe}\r\n--{b}--\r\n"
        )
    );
}

#[tokio::test]
async fn a_multipart_body_that_is_not_an_object_is_not_sent() {
    let server = common::start().await;
    for value in [json!("text"), json!([1, 2]), json!(null)] {
        let error =
            send(&server.base_url, Request::new(Method::Post, "/echo").multipart_body(&value)).await.unwrap_err();
        assert_eq!(
            error.error(),
            &StepError::InvalidRequest { message: "a multipart body must be a JSON object".into() }
        );
    }
    assert_eq!(server.echo_count(), 0);
}
