//! Strings -> the `simple` criterion condition parser (`condition::parse_condition`), and the two
//! validators the checker runs on `regex` and `jsonpath` criteria (`regex_syntax`,
//! `condition::parse_jsonpath`).
//!
//! Oracles: no panic; error offsets are char boundaries inside the text; the canonical print of an
//! accepted condition parses again to the same tree (the `Display` impl's promise).

#![no_main]

use arazzo_codegen::condition::{parse_condition, parse_jsonpath};
use arazzo_codegen_fuzz::text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    match parse_condition(&text) {
        Ok(condition) => {
            let printed = condition.to_string();
            match parse_condition(&printed) {
                Ok(again) => assert_eq!(again, condition, "`{text}` prints as `{printed}`, which reads differently"),
                Err(error) => panic!("`{text}` prints as `{printed}`, which does not parse: {error}"),
            }
        }
        Err(error) => {
            assert!(error.offset <= text.len(), "offset {} past the end ({})", error.offset, text.len());
            assert!(text.is_char_boundary(error.offset), "offset {} inside a character", error.offset);
        }
    }
    // The checker validates `regex` and `jsonpath` criteria with these calls (check/criteria.rs).
    let _ = regex_syntax::Parser::new().parse(&text);
    let _ = parse_jsonpath(&text);
});
