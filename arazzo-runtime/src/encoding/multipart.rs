//! `multipart/form-data` bodies (RFC 7578) built from a JSON object.
//!
//! Written here rather than with reqwest's `multipart` feature: that feature picks a random
//! boundary (bodies could not be compared byte for byte) and only streams its parts, while here
//! the whole body is known up front, so the boundary can be derived from the content and checked
//! against it.

use serde_json::Value;

/// An encoded body and the boundary that separates its parts.
pub(crate) struct FormData {
    pub(crate) boundary: String,
    pub(crate) body: Vec<u8>,
}

/// One part: its header lines (each ending with CRLF) and its content.
struct Part {
    head: Vec<u8>,
    content: Vec<u8>,
}

/// Encodes a JSON object as `multipart/form-data`: strings, numbers and booleans as text parts,
/// each item of an array as a part of the same name, objects (and arrays inside arrays) as
/// `application/json` parts; nulls are left out. The error message says why it cannot be done.
pub(crate) fn form_data(value: &Value) -> Result<FormData, String> {
    let Value::Object(fields) = value else {
        return Err("a multipart body must be a JSON object".into());
    };
    let mut parts = Vec::new();
    for (name, item) in fields {
        match item {
            Value::Array(items) => items.iter().for_each(|item| push_part(&mut parts, name, item)),
            _ => push_part(&mut parts, name, item),
        }
    }
    let boundary = choose_boundary(seed(&parts), &parts)
        .ok_or_else(|| "no multipart boundary could be found that the body does not contain".to_owned())?;

    let mut body = Vec::new();
    for part in &parts {
        body.extend_from_slice(b"--");
        body.extend_from_slice(boundary.as_bytes());
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.head);
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--");
    body.extend_from_slice(boundary.as_bytes());
    body.extend_from_slice(b"--\r\n");
    Ok(FormData { boundary, body })
}

fn push_part(parts: &mut Vec<Part>, name: &str, item: &Value) {
    let (content_type, content) = match item {
        Value::Null => return,
        Value::String(text) => (None, text.clone()),
        Value::Number(_) | Value::Bool(_) => (None, item.to_string()),
        Value::Array(_) | Value::Object(_) => (Some("application/json"), item.to_string()),
    };
    let mut head = format!("Content-Disposition: form-data; name=\"{}\"\r\n", escape_name(name));
    if let Some(content_type) = content_type {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    parts.push(Part { head: head.into_bytes(), content: content.into_bytes() });
}

/// A field name inside the quoted `name` parameter, escaped as browsers do (HTML's
/// multipart/form-data encoding algorithm): `"` as `%22`, CR as `%0D`, LF as `%0A`, so that a name
/// can neither end the quoted string nor start another header line.
fn escape_name(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

/// FNV-1a (64-bit) over every part, so the same body always gets the same boundary.
fn seed(parts: &[Part]) -> u64 {
    let mut hash = crate::journal::Fnv1a::new();
    for part in parts {
        hash.write(&part.head);
        hash.write(&part.content);
        hash.write(b"\r\n");
    }
    hash.finish()
}

/// The first candidate boundary that occurs in no part.
///
/// Candidates all have the same length and differ, so content of `n` bytes contains at most `n`
/// of them and one of the first `n + 1` is free. A boundary absent from every part cannot be
/// found across a part and the delimiter that follows it either: the delimiter starts with CR,
/// which boundaries do not contain.
fn choose_boundary(seed: u64, parts: &[Part]) -> Option<String> {
    (0..=u32::MAX).map(|attempt| format!("arazzo-{seed:016x}-{attempt:08x}")).find(|candidate| {
        let needle = candidate.as_bytes();
        !parts.iter().any(|part| contains(&part.head, needle) || contains(&part.content, needle))
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(form: &FormData) -> String {
        String::from_utf8(form.body.clone()).unwrap()
    }

    #[test]
    fn fields_become_text_repeated_and_json_parts() {
        let form =
            form_data(&json!({"name": "Rex", "age": 3, "ok": true, "tags": ["a", null, {"k": 1}], "meta": {"x": [1]}, "gone": null}))
                .unwrap();
        let b = &form.boundary;
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nRex\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"age\"\r\n\r\n3\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"ok\"\r\n\r\ntrue\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\na\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\nContent-Type: application/json\r\n\r\n{{\"k\":1}}\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"x\":[1]}}\r\n\
             --{b}--\r\n"
        );
        assert_eq!(text(&form), expected);
    }

    #[test]
    fn the_boundary_is_deterministic_and_well_formed() {
        let value = json!({"a": "x"});
        let first = form_data(&value).unwrap();
        assert_eq!(first.boundary, form_data(&value).unwrap().boundary);
        assert_ne!(first.boundary, form_data(&json!({"a": "y"})).unwrap().boundary);
        assert_eq!(first.boundary.len(), 32);
        assert!(first.boundary.starts_with("arazzo-") && first.boundary.ends_with("-00000000"));
        assert!(first.boundary.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    }

    #[test]
    fn a_boundary_found_in_the_content_is_skipped() {
        let part = |content: &str| Part { head: b"h\r\n".to_vec(), content: content.as_bytes().to_vec() };
        let taken0 = "arazzo-00000000000000ab-00000000";
        let taken1 = "arazzo-00000000000000ab-00000001";
        let parts = [part(&format!("x{taken0}y")), part(&format!("--{taken1}--"))];
        assert_eq!(choose_boundary(0xab, &parts).as_deref(), Some("arazzo-00000000000000ab-00000002"));
        assert_eq!(choose_boundary(0xab, &[]).as_deref(), Some(taken0));
    }

    #[test]
    fn content_holding_its_own_first_boundary_gets_another() {
        // Whatever the content, the boundary chosen never occurs in the body except as delimiter.
        let probe = form_data(&json!({"f": "x"})).unwrap().boundary;
        let value = json!({"f": format!("\r\n--{probe}\r\n"), "g": probe.clone()});
        let form = form_data(&value).unwrap();
        let body = text(&form);
        let delimiters = body.matches(&format!("--{}", form.boundary)).count();
        assert_eq!(delimiters, 3, "{body}");
        assert!(body.contains(&probe));
    }

    #[test]
    fn names_cannot_break_out_of_their_header() {
        let form = form_data(&json!({"a\"b\r\nX-Evil: 1": "v"})).unwrap();
        assert!(text(&form).contains("name=\"a%22b%0D%0AX-Evil: 1\"\r\n\r\nv\r\n"));
    }

    #[test]
    fn empty_objects_and_non_objects() {
        let form = form_data(&json!({})).unwrap();
        assert_eq!(text(&form), format!("--{}--\r\n", form.boundary));
        for value in [json!([1]), json!("s"), json!(null)] {
            assert_eq!(form_data(&value).err().as_deref(), Some("a multipart body must be a JSON object"));
        }
    }
}
