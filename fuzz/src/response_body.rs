//! Fuzz target `response_body`: arbitrary bytes as an HTTP response body, read through the runtime's
//! public API (`arazzo_runtime::Response`, `Outputs`).
//!
//! Not part of this crate's library (`lib.rs`), whose module tree `arazzo-codegen/tests/fuzz_corpus.rs`
//! compiles without `arazzo-runtime`: `fuzz_targets/response_body.rs` and
//! `arazzo-runtime/tests/fuzz_corpus.rs` (which replays `corpus/response_body/` in CI) each include this
//! file as a module. Uses nothing but `arazzo_runtime` (and the `serde_json` it re-exports).
//!
//! Oracles, panicking on a finding:
//! - one JSON reading: whatever the pointer walk answers from the bytes (`Response::extract` and
//!   `Outputs::read` on a fresh response) equals what the full parse answers (the same calls on a
//!   response whose body a criterion parsed already), value or error, for several types;
//! - `Response::body_excerpt` does not panic, has at most `EXCERPT_CHARS` characters and no control
//!   character, and never shows a string held by a secret-named field (`key`, `token`, `password`,
//!   ...) of a JSON body, wherever the excerpt code cuts or redacts.

// A fuzz target reports a finding by panicking: that is what libFuzzer records as a crash.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Debug;

use arazzo_runtime::serde::de::DeserializeOwned;
use arazzo_runtime::serde_json::{self, Value};
use arazzo_runtime::{EXCERPT_CHARS, Outputs, Response, StepError};

/// Pointers every input is read at: the usual outputs, the whole body, array items, escapes, and
/// pointers that name nothing (invalid, below a scalar, past an end).
const FIXED: [&str; 12] = ["", "/id", "/key", "/0", "/0/id", "/a/b", "/items/1", "/a~1b", "/m~0n", "/id/0", "id", "/"];

/// Triples of pointers read as one step's outputs (`Outputs` takes static pointers), including a
/// repeated pointer and one below another.
const TRIPLES: [[&str; 3]; 4] =
    [["/id", "/key", "/0"], ["", "/id", "/n"], ["/a", "/a/b", "/a"], ["/items/0", "/token", "/x"]];

pub fn response_body(data: &[u8]) {
    let parsed = response(data, true);
    let mut pointers: Vec<String> = FIXED.iter().map(|pointer| (*pointer).to_owned()).collect();
    match parsed.json() {
        // Every node of a JSON body (the first few), so that the walk is asked for what is there.
        Ok(root) => nodes(root, String::new(), &mut pointers),
        // Else names the body spells (`"word"`), which the walk may find before the body breaks.
        Err(_) => words(data, &mut pointers),
    }
    pointers.truncate(FIXED.len() + 24);

    for pointer in &pointers {
        same::<Value>(data, &parsed, pointer);
        same::<String>(data, &parsed, pointer);
        same::<i64>(data, &parsed, pointer);
        same::<u64>(data, &parsed, pointer);
        same::<f64>(data, &parsed, pointer);
        same::<bool>(data, &parsed, pointer);
        same::<Option<String>>(data, &parsed, pointer);
        same::<Vec<Value>>(data, &parsed, pointer);
    }
    for triple in &TRIPLES {
        let walked = <(Value, String, i64) as Outputs>::read(&response(data, false), triple);
        let document = <(Value, String, i64) as Outputs>::read(&parsed, triple);
        assert_eq!(format!("{walked:?}"), format!("{document:?}"), "outputs {triple:?}");
        let walked = <(Option<String>, Value) as Outputs>::read(&response(data, false), &[triple[0], triple[1]]);
        let document = <(Option<String>, Value) as Outputs>::read(&parsed, &[triple[0], triple[1]]);
        assert_eq!(format!("{walked:?}"), format!("{document:?}"), "outputs {triple:?}");
    }

    excerpt(data, &parsed);
}

/// A response with `body`; with its body parsed first when `parsed` (as when a criterion read it).
fn response(body: &[u8], parsed: bool) -> Response {
    let response = Response::from_parts(200, Default::default(), body.to_vec());
    if parsed {
        let _ = response.json();
    }
    response
}

/// `extract::<T>(pointer)` from the bytes and from the parsed document agree, value or error.
fn same<T: DeserializeOwned + Debug>(data: &[u8], parsed: &Response, pointer: &str) {
    let walked: Result<T, StepError> = response(data, false).extract(pointer);
    let document: Result<T, StepError> = parsed.extract(pointer);
    assert_eq!(
        format!("{walked:?}"),
        format!("{document:?}"),
        "{} at {pointer:?}: the walk and the full parse disagree",
        std::any::type_name::<T>()
    );
}

/// The pointer of every node of `value`, up to 24.
fn nodes(value: &Value, pointer: String, out: &mut Vec<String>) {
    if out.len() >= FIXED.len() + 24 {
        return;
    }
    match value {
        Value::Object(fields) => {
            for (name, field) in fields {
                nodes(field, format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                nodes(item, format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(pointer);
}

/// `/word` for each quoted run without a backslash or quote in `data` (the first 16): the keys a
/// broken body may still have.
fn words(data: &[u8], out: &mut Vec<String>) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('"').skip(1).step_by(2);
    for _ in 0..16 {
        let Some(word) = parts.next() else { return };
        if !word.contains('\\') {
            out.push(format!("/{}", word.replace('~', "~0").replace('/', "~1")));
        }
    }
}

/// Whether a field's name says it holds a credential: the rule of the excerpt code (names ending in
/// key, token, secret, password, ... once case and separators are ignored). Names it might add to
/// that list do not matter here: only strings under these are checked.
fn is_secret_field(name: &str) -> bool {
    let normalized: String = name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    let stem = normalized.strip_suffix('s').unwrap_or(&normalized);
    ["key", "token", "secret", "password", "passwd", "credential", "authorization", "cookie"]
        .iter()
        .any(|suffix| stem.ends_with(suffix))
}

/// The strings a secret-named field holds (itself, or the items of an array it holds), and every
/// other string and key of the document.
fn strings(value: &Value, secret: bool, secrets: &mut Vec<String>, others: &mut Vec<String>) {
    match value {
        Value::String(text) if secret => secrets.push(text.clone()),
        Value::String(text) => others.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| strings(item, secret, secrets, others)),
        Value::Object(fields) => {
            for (name, field) in fields {
                others.push(name.clone());
                strings(field, is_secret_field(name), secrets, others);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The excerpt oracles, on a fresh response and on a parsed one.
fn excerpt(data: &[u8], parsed: &Response) {
    for response in [&response(data, false), parsed] {
        let excerpt = response.body_excerpt();
        let chars = excerpt.chars().count();
        assert!(chars <= EXCERPT_CHARS, "excerpt of {chars} characters: {excerpt:?}");
        assert!(!excerpt.chars().any(char::is_control), "control character in the excerpt {excerpt:?}");
        let Ok(root) = parsed.json() else { continue };
        let (mut secrets, mut others) = (Vec::new(), Vec::new());
        strings(root, false, &mut secrets, &mut others);
        // A value counts as shown when its text (as JSON spells it, quotes aside) is in the excerpt,
        // unless that text is short or shows anyway: in a number, a name or another string (the
        // full document with the secrets left out says which), or in the redaction marker.
        let mut shown_anyway = root.clone();
        blank_secrets(&mut shown_anyway, false);
        let shown_anyway = shown_anyway.to_string();
        for secret in &secrets {
            let spelled = serde_json::to_string(secret).unwrap();
            let spelled = &spelled[1..spelled.len() - 1];
            if spelled.len() < 8
                || shown_anyway.contains(spelled)
                || others.iter().any(|other| other.contains(secret.as_str()))
                || "[REDACTED]".contains(spelled)
            {
                continue;
            }
            assert!(!excerpt.contains(spelled), "the excerpt {excerpt:?} shows the secret {secret:?}");
        }
    }
}

/// Empties the strings [`strings`] counts as secrets.
fn blank_secrets(value: &mut Value, secret: bool) {
    match value {
        Value::String(text) if secret => text.clear(),
        Value::Array(items) => items.iter_mut().for_each(|item| blank_secrets(item, secret)),
        Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                let secret = is_secret_field(name);
                blank_secrets(field, secret);
            }
        }
        _ => {}
    }
}
