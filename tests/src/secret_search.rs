//! Looking for secrets where they must not be (a journal directory, Restate's data), in every form a
//! store could hold them in: the crash tests of the file journal and of Restate share it.

use std::path::Path;

use base64::Engine;
use serde_json::Value;

/// The forms `secret` could be stored in: as written, JSON-escaped, and in base64 (standard and
/// URL-safe alphabets, at each of the three alignments it can take inside a longer base64 text:
/// the characters that encode the secret's bytes alone, whatever surrounds it).
pub fn encodings(secret: &str) -> Vec<Vec<u8>> {
    let mut forms = vec![secret.as_bytes().to_vec()];
    let escaped = serde_json::to_string(secret).unwrap_or_default();
    forms.push(escaped.trim_matches('"').as_bytes().to_vec());
    for engine in [&base64::engine::general_purpose::STANDARD, &base64::engine::general_purpose::URL_SAFE] {
        for offset in 0..3 {
            let mut bytes = vec![0u8; offset];
            bytes.extend_from_slice(secret.as_bytes());
            let text = engine.encode(&bytes);
            // The first group holds padding bytes when offset > 0; the last may hold what follows.
            let start = if offset == 0 { 0 } else { 4 };
            let end = text.len().saturating_sub(4);
            if end > start + 8 {
                forms.push(text.as_bytes()[start..end].to_vec());
            }
        }
    }
    forms.sort();
    forms.dedup();
    forms
}

/// How many times `needle` occurs in the files under `dir`, subfolders included.
pub fn occurrences(dir: &Path, needle: &[u8]) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut count = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            count += occurrences(&path, needle);
        } else if let Ok(bytes) = std::fs::read(&path) {
            count += bytes.windows(needle.len()).filter(|window| *window == needle).count();
        }
    }
    count
}

/// Every string in `value`, at any depth, appended to `into`.
pub fn json_strings(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::String(text) => into.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| json_strings(item, into)),
        Value::Object(fields) => fields.values().for_each(|field| json_strings(field, into)),
        _ => {}
    }
}
