//! Runtime expressions, embedded templates and simple conditions against the public conformance
//! data in `shared/conformance` (see its README). The lists were extracted from libraries that
//! implement Arazzo 1.1; the parser reads both grammars, and `v1_1_problem` says what 1.1 refuses.

// clippy's test allowances only cover `#[test]` functions, not the helpers of an integration test.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use arazzo_codegen::condition::parse_condition;
use arazzo_codegen::expr::{TemplatePart, parse, parse_template, v1_1_problem};

fn conformance(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance").join(relative)
}

fn read(relative: &str) -> String {
    let path = conformance(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One string per line, LF endings, never trimmed (`conditions/valid.txt` has a line with
/// significant leading and trailing spaces).
fn lines(relative: &str, expected_count: usize) -> Vec<String> {
    let text = read(relative);
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    assert_eq!(lines.len(), expected_count, "{relative}: line count (see the README)");
    lines
}

// ---- runtime expressions ----

#[test]
fn valid_expressions_parse_and_print_back() {
    for line in lines("expressions/valid.txt", 74) {
        let expr = parse(&line).unwrap_or_else(|e| panic!("`{line}` should parse: {e}"));
        assert_eq!(expr.to_string(), line);
    }
}

#[test]
fn invalid_expressions_are_refused() {
    for line in lines("expressions/invalid.txt", 5) {
        assert!(parse(&line).is_err(), "`{line}` should be refused");
    }
    assert!(parse("").is_err(), "the empty string is an upstream invalid case");
}

#[test]
fn one_point_one_only_expressions_parse_and_print_back() {
    // `$self` and `$message.*` were added in Arazzo 1.1.0. The parser reads both grammars; the checker
    // refuses them in a 1.0 document (`bad_documents.rs`).
    for line in lines("expressions/valid-1.1-only.txt", 9) {
        let expr = parse(&line).unwrap_or_else(|e| panic!("`{line}` is Arazzo 1.1: {e}"));
        assert_eq!(expr.to_string(), line);
        assert_eq!(v1_1_problem(&expr), None, "`{line}`");
    }
}

#[test]
fn braces_in_names_and_pointers_are_valid_1_0_1_but_not_1_1() {
    // 1.1 rejects these; the 1.0.1 ABNF (`name = *CHAR`, pointer `unescaped`) admits `{` and `}`.
    for line in lines("expressions/invalid-1.1-only.txt", 6) {
        let expr = parse(&line).unwrap_or_else(|e| panic!("`{line}` matches the 1.0.1 ABNF: {e}"));
        assert_eq!(expr.to_string(), line);
        assert!(v1_1_problem(&expr).is_some(), "`{line}` is not Arazzo 1.1");
    }
}

#[test]
fn expressions_valid_in_both_versions_pass_the_1_1_rules() {
    for line in lines("expressions/valid.txt", 74) {
        assert_eq!(v1_1_problem(&parse(&line).unwrap()), None, "`{line}`");
    }
}

// ---- embedded templates ----

/// What we do differently from the 1.1 library for lines of `embedded.tsv`. Under 1.1 a stray
/// `{` or `}` anywhere makes the whole string unparseable, so it extracts nothing; our 1.0.1
/// scanner extracts every `{$...}` and keeps other braces as text (needed for the JSON-text
/// payloads of the OAI `bnpl` and `FAPI-PAR` examples). And a braced text that starts like an
/// expression but is not one is an error for us, not silent text.
enum Ours {
    Extracts(&'static [&'static str]),
    Error,
}

const DIFFERENCES: [(&str, Ours); 4] = [
    ("{{$url}}", Ours::Extracts(&["$url"])),
    ("{$url}}", Ours::Extracts(&["$url"])),
    (r#"{"x":1}-{$inputs.username}"#, Ours::Extracts(&["$inputs.username"])),
    ("{$unknown.type}", Ours::Error),
];

fn extracted(parts: &[TemplatePart]) -> Vec<String> {
    parts
        .iter()
        .filter_map(|part| match part {
            TemplatePart::Expr { expr, .. } => Some(expr.to_string()),
            TemplatePart::Literal(_) => None,
        })
        .collect()
}

/// Puts the parts back together; must give the original text.
fn reassemble(parts: &[TemplatePart]) -> String {
    parts
        .iter()
        .map(|part| match part {
            TemplatePart::Literal(text) => text.clone(),
            TemplatePart::Expr { expr, braced: true, .. } => format!("{{{expr}}}"),
            TemplatePart::Expr { expr, braced: false, .. } => expr.to_string(),
        })
        .collect()
}

#[test]
fn embedded_expressions_are_extracted() {
    let mut differences_seen = 0;
    for line in lines("expressions/embedded.tsv", 39) {
        let mut fields = line.split('\t');
        let template = fields.next().unwrap_or_default();
        let library: Vec<&str> = fields.collect();
        let result = parse_template(template);
        match DIFFERENCES.iter().find(|(t, _)| *t == template) {
            Some((_, ours)) => {
                differences_seen += 1;
                assert!(library.is_empty(), "`{template}`: the 1.1 library extracts nothing here");
                match (ours, &result) {
                    (Ours::Extracts(expected), Ok(parts)) => assert_eq!(extracted(parts), *expected),
                    (Ours::Error, Err(_)) => {}
                    _ => panic!("`{template}`: unexpected {result:?}"),
                }
            }
            None => {
                let parts = result.unwrap_or_else(|e| panic!("`{template}`: {e}"));
                assert_eq!(extracted(&parts), library, "`{template}`");
                // Every listed template writes its expressions in braces.
                assert!(parts.iter().all(|p| !matches!(p, TemplatePart::Expr { braced: false, .. })));
            }
        }
        if let Ok(parts) = parse_template(template) {
            assert_eq!(reassemble(&parts), template);
        }
    }
    assert_eq!(differences_seen, DIFFERENCES.len(), "every documented difference is in the data");
}

#[test]
fn templates_without_expressions_are_one_literal() {
    for text in ["no expressions here", "{}", "text with { in it", r#"{"a":1}"#] {
        assert_eq!(parse_template(text).unwrap(), vec![TemplatePart::Literal(text.to_owned())]);
    }
}

// ---- simple conditions ----

#[test]
fn valid_conditions_parse_and_print_canonically() {
    for line in lines("conditions/valid.txt", 40) {
        let condition = parse_condition(&line).unwrap_or_else(|e| panic!("`{line}` should parse: {e}"));
        let canonical = condition.to_string();
        assert_eq!(parse_condition(&canonical).as_ref(), Ok(&condition), "`{line}` -> `{canonical}`");
    }
}

#[test]
fn invalid_conditions_are_refused() {
    for line in lines("conditions/invalid.txt", 8) {
        assert!(parse_condition(&line).is_err(), "`{line}` should be refused");
    }
    assert!(parse_condition("").is_err(), "the empty string is an upstream invalid case");
}

#[test]
fn one_point_one_only_conditions_parse() {
    // `$self == null`: `$self` is Arazzo 1.1, refused by the checker in a 1.0 document.
    for line in lines("conditions/valid-1.1-only.txt", 1) {
        let condition = parse_condition(&line).unwrap_or_else(|e| panic!("`{line}` should parse: {e}"));
        assert_eq!(condition.to_string(), line);
    }
}

#[test]
fn evaluation_vectors_parse_with_the_expected_operands() {
    let text = read("conditions/evaluate.json");
    let data: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The evaluator resolves exactly these expression strings and navigates from them, so our
    // split between expression and navigation must produce the same strings.
    let resolvable: Vec<&str> = data["resolve"].as_object().unwrap().keys().map(String::as_str).collect();
    for key in &resolvable {
        assert_eq!(parse(key).unwrap().to_string(), *key);
    }
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 28);
    for case in cases {
        let condition_text = case["condition"].as_str().unwrap();
        let condition = parse_condition(condition_text).unwrap_or_else(|e| panic!("`{condition_text}`: {e}"));
        for expr in condition.expressions() {
            let text = expr.to_string();
            assert!(resolvable.contains(&text.as_str()), "`{condition_text}` reads `{text}`");
        }
    }
    let unparseable = data["unparseable"].as_array().unwrap();
    assert!(!unparseable.is_empty());
    for text in unparseable {
        let text = text.as_str().unwrap();
        assert!(parse_condition(text).is_err(), "`{text}` should be refused");
    }
}

// ---- robustness ----

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: [&str; 48] = [
    "$",
    "{",
    "}",
    "#",
    "/",
    "~",
    "~0",
    "~1",
    ".",
    "[",
    "]",
    "(",
    ")",
    "'",
    "''",
    "=",
    "==",
    "!",
    "!=",
    "<",
    ">=",
    "&&",
    "||",
    " ",
    "\t",
    "\n",
    "é",
    "日本",
    "😀",
    "\u{3000}",
    "0",
    "9",
    "-",
    "e",
    "url",
    "$url",
    "$inputs.",
    "$steps.a.outputs.",
    "$response.body",
    "$request.header.",
    "$sourceDescriptions.s.",
    "$components.parameters.",
    "$workflows.w.inputs.",
    "outputs",
    "true",
    "null",
    "'x'",
    "1.5e3",
];

/// Parses `text` every way we can; checks the round-trip properties of whatever is accepted.
/// Any panic inside the parsers fails the test.
fn exercise(text: &str) {
    if let Ok(expr) = parse(text) {
        assert_eq!(expr.to_string(), text, "expression display of {text:?}");
    }
    if let Ok(parts) = parse_template(text) {
        assert_eq!(reassemble(&parts), text, "template parts of {text:?}");
    }
    if let Ok(condition) = parse_condition(text) {
        let canonical = condition.to_string();
        assert_eq!(parse_condition(&canonical).as_ref(), Ok(&condition), "condition {text:?} -> {canonical:?}");
    }
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let at = boundaries[rng.below(boundaries.len())];
    let next = boundaries.iter().copied().find(|&b| b > at).unwrap_or(at);
    let piece = PIECES[rng.below(PIECES.len())];
    match rng.below(3) {
        0 => format!("{}{piece}{}", &text[..at], &text[at..]),
        1 => format!("{}{}", &text[..at], &text[next..]),
        _ => format!("{}{piece}{}", &text[..at], &text[next..]),
    }
}

#[test]
fn random_and_mutated_inputs_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let len = rng.below(12);
        let text: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        exercise(&text);
    }
    let mut seeds = lines("expressions/valid.txt", 74);
    seeds.extend(lines("conditions/valid.txt", 40));
    seeds.extend(read("expressions/embedded.tsv").lines().map(|l| l.split('\t').next().unwrap_or_default().to_owned()));
    for seed in &seeds {
        let mut text = seed.clone();
        for _ in 0..200 {
            text = if rng.below(4) == 0 { seed.clone() } else { mutate(&mut rng, &text) };
            exercise(&text);
        }
    }
}
