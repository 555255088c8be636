//! Strings -> the runtime expression parser (`expr::parse`) and the embedded-template parser
//! (`expr::parse_template`).
//!
//! Oracles: no panic; error offsets are char boundaries inside the text; an accepted expression prints
//! back unchanged (the module's promise) and parses again to the same value; a template's parts put
//! back together (literals as they are, braced expressions inside `{}`) give the text again.

#![no_main]

use arazzo_codegen::expr::{ExprError, TemplatePart, parse, parse_template};
use arazzo_codegen_fuzz::text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    match parse(&text) {
        Ok(expr) => {
            let printed = expr.to_string();
            assert_eq!(printed, text, "an accepted expression does not print back unchanged");
            assert_eq!(parse(&printed).as_ref(), Ok(&expr));
        }
        Err(error) => check_offset(&error, &text),
    }
    match parse_template(&text) {
        Ok(parts) => {
            let mut rebuilt = String::new();
            for part in &parts {
                match part {
                    TemplatePart::Literal(literal) => rebuilt.push_str(literal),
                    TemplatePart::Expr { expr, braced, offset } => {
                        assert_eq!(text.get(*offset..*offset + 1), Some("$"), "offset {offset} is not at a `$`");
                        if *braced {
                            rebuilt.push_str(&format!("{{{expr}}}"));
                        } else {
                            rebuilt.push_str(&expr.to_string());
                        }
                    }
                }
            }
            assert_eq!(rebuilt, text, "template parts do not give the text back");
        }
        Err(error) => check_offset(&error, &text),
    }
});

fn check_offset(error: &ExprError, text: &str) {
    assert!(error.offset <= text.len(), "offset {} past the end ({})", error.offset, text.len());
    assert!(text.is_char_boundary(error.offset), "offset {} inside a character", error.offset);
}
