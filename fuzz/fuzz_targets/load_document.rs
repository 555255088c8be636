//! Bytes -> the YAML/JSON loader with line and column (`load::load_str`).
//!
//! Oracles: no panic; every reported position is inside the text, and no span ends before it
//! starts; on success every span names a node of the value, every node has a span (JSON, and YAML
//! without aliases, whose copies are located at the alias only), and JSON is read exactly as
//! `serde_json` reads it (the loader's own scan must agree with it, rejecting only duplicate keys).

#![no_main]

use std::path::Path;

use arazzo_codegen::load::load_str;
use arazzo_codegen_fuzz::{Lines, check_diagnostic, is_json, text};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let path = Path::new("fuzz.yaml");
    let json = is_json(&text);
    let lines = Lines::new(&text);
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let serde: Option<Value> = if json { serde_json::from_str(body).ok() } else { None };
    match load_str(path, &text) {
        Ok(loaded) => {
            let mut pointers = Vec::new();
            nodes(&loaded.value, String::new(), &mut pointers);
            let complete = json || !text.contains('*');
            for pointer in &pointers {
                let span = loaded.spans.get(pointer);
                if complete {
                    assert!(span.is_some(), "node {pointer:?} has no span");
                }
                let key = loaded.spans.key(pointer);
                let ranges = [("value", span, loaded.spans.end(pointer)), ("key", key, loaded.spans.key_end(pointer))];
                for (what, start, end) in ranges {
                    if let Some(start) = start {
                        lines.check(start, || format!("{what} of {pointer:?}"));
                    }
                    if let Some(end) = end {
                        lines.check(end, || format!("end of the {what} of {pointer:?}"));
                        assert!(start.is_some_and(|start| start <= end), "{what} of {pointer:?} ends before it starts");
                    }
                }
            }
            // Spans are keyed by pointer, so at most one per node; with all nodes present, exactly one.
            assert!(loaded.spans.len() <= pointers.len(), "{} spans for {} nodes", loaded.spans.len(), pointers.len());
            if complete {
                assert_eq!(loaded.spans.len(), pointers.len(), "spans that name no node");
            }
            if json {
                assert_eq!(Some(&loaded.value), serde.as_ref(), "the loader and serde_json read different values");
            }
        }
        Err(diagnostic) => {
            check_diagnostic(&diagnostic, path, &lines);
            if serde.is_some() {
                assert!(
                    diagnostic.message.contains("duplicate key"),
                    "serde_json accepts this JSON but the loader refused it: {diagnostic}"
                );
            }
        }
    }
});

/// Every node's JSON pointer, the root included.
fn nodes(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                nodes(item, format!("{pointer}/{index}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                nodes(item, format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        _ => {}
    }
    out.push(pointer);
}
