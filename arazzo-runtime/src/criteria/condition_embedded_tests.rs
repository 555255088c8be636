//! Values embedded in regex and JSONPath conditions are data, never syntax: each test gives a value
//! that would change the pattern or query if it were pasted into its text, and checks by hand that it
//! is matched or compared as itself.

use serde_json::json;

use super::*;

const PREFIX: &str = "^({$inputs.prefix})-[0-9]+$";

/// `^({$inputs.prefix})-[0-9]+$` with `prefix`, on `subject`.
fn prefixed(prefix: &Value, subject: &str) -> bool {
    let pieces = [Piece::Text("^("), Piece::Value(Some(prefix)), Piece::Text(")-[0-9]+$")];
    regex_match(PREFIX, &pieces, Some(&json!(subject)))
}

#[test]
fn a_regex_value_matches_as_written() {
    assert!(prefixed(&json!("ord"), "ord-42"));
    assert!(!prefixed(&json!("ord"), "order-42"));
    // Pasted, `.*` would match anything before the dash.
    assert!(prefixed(&json!(".*"), ".*-1"));
    assert!(!prefixed(&json!(".*"), "anything-1"));
    // Pasted, `)|(` would make `^()|()-[0-9]+$`, whose empty first branch matches any text.
    assert!(!prefixed(&json!(")|("), "x-1"));
    assert!(!prefixed(&json!(")|("), ""));
    assert!(prefixed(&json!(")|("), ")|(-1"));
    // Regex syntax of every kind is text: classes, anchors, escapes, braces, `#`.
    for value in ["[a-z]", "$", "\\d", "a{2}", "#", "(?i)x", "\\"] {
        assert!(prefixed(&json!(value), &format!("{value}-7")), "{value}");
        assert!(!prefixed(&json!(value), "b-7"), "{value}");
    }
}

#[test]
fn a_quantifier_after_a_value_repeats_all_of_it() {
    // `^{$inputs.word}+$`: the group makes `+` repeat the word, not its last letter.
    let word = json!("ab");
    let pieces = [Piece::Text("^"), Piece::Value(Some(&word)), Piece::Text("+$")];
    assert!(regex_match("^{$inputs.word}+$", &pieces, Some(&json!("abab"))));
    assert!(!regex_match("^{$inputs.word}+$", &pieces, Some(&json!("abb"))));
}

#[test]
fn verbose_mode_does_not_drop_white_space_from_a_value() {
    // Under `(?x)` white space and `#...` in the pattern are ignored; in a value they are text.
    let value = json!("a b #c");
    let pieces = [Piece::Text("(?x) ^ "), Piece::Value(Some(&value)), Piece::Text(" $ # the whole text")];
    assert!(regex_match("(?x) ^ {$inputs.v} $ # the whole text", &pieces, Some(&json!("a b #c"))));
    assert!(!regex_match("(?x) ^ {$inputs.v} $ # the whole text", &pieces, Some(&json!("ab"))));
}

#[test]
fn regex_values_are_their_text() {
    // 1.1: scalars as their string representation, arrays and objects as JSON.
    assert!(prefixed(&json!(42), "42-1"));
    assert!(prefixed(&json!(1.5), "1.5-1"));
    assert!(prefixed(&json!(true), "true-1"));
    assert!(prefixed(&json!(null), "null-1"));
    assert!(prefixed(&json!(["a", 1]), "[\"a\",1]-1"));
    assert!(prefixed(&json!({"k": "v"}), "{\"k\":\"v\"}-1"));
}

#[test]
fn an_absent_value_or_context_fails() {
    let pieces = [Piece::Text("^"), Piece::Value(None), Piece::Text("$")];
    assert!(!regex_match("^{$inputs.prefix}$", &pieces, Some(&json!(""))));
    let empty = json!("");
    let pieces = [Piece::Text("^"), Piece::Value(Some(&empty)), Piece::Text("$")];
    assert!(regex_match("^{$inputs.prefix}$", &pieces, Some(&json!(""))));
    assert!(!regex_match("^{$inputs.prefix}$", &pieces, Some(&json!(null))));
    assert!(!regex_match("^{$inputs.prefix}$", &pieces, None));
}

#[test]
fn a_pattern_that_cannot_compile_fails_the_criterion() {
    // The generator never writes such pieces; hand-written ones fail, as 1.1 says, instead of panicking.
    let value = json!("x");
    let pieces = [Piece::Text("("), Piece::Value(Some(&value))];
    assert!(!regex_match("({$inputs.v}", &pieces, Some(&json!("x"))));
}

/// `$.items[?@.name == {$inputs.name}]` with `name`.
fn named(name: &Value) -> bool {
    let body = json!({"items": [{"name": "tea"}, {"name": "x\" || true"}, {"name": 7}]});
    let pieces = [Piece::Text("$.items[?@.name == "), Piece::Value(Some(name)), Piece::Text("]")];
    jsonpath_match("$.items[?@.name == {$inputs.name}]", &pieces, Some(&body))
}

#[test]
fn a_jsonpath_value_is_a_literal() {
    assert!(named(&json!("tea")));
    assert!(!named(&json!("milk")));
    assert!(named(&json!(7)));
    assert!(!named(&json!(true)));
    // Pasted inside quotes, `x" || true` would end the string and make the filter always true; as a
    // literal it is compared, and matches only the item whose name it is.
    assert!(named(&json!("x\" || true")));
    let body = json!({"items": [{"name": "tea"}]});
    let value = json!("x\" || true");
    let pieces = [Piece::Text("$.items[?@.name == "), Piece::Value(Some(&value)), Piece::Text("]")];
    assert!(!jsonpath_match("$.items[?@.name == {$inputs.name}]", &pieces, Some(&body)));
}

#[test]
fn a_jsonpath_value_in_a_string_literal_cannot_end_it() {
    // The 1.1 specification's own example: `$[?(@.status == "{$inputs.expectedStatus}")]`.
    let body = json!([{"status": "done"}, {"status": "x\" || true"}, {"status": "it's"}]);
    let check = |quote: char, value: &Value, text_before: &'static str, text_after: &'static str| {
        let pieces = [Piece::Text(text_before), Piece::Quoted(quote, Some(value)), Piece::Text(text_after)];
        jsonpath_match("$[?(@.status == \"{$inputs.expectedStatus}\")]", &pieces, Some(&body))
    };
    let (before_double, after_double) = ("$[?(@.status == \"", "\")]");
    let (before_single, after_single) = ("$[?(@.status == '", "')]");
    assert!(check('"', &json!("done"), before_double, after_double));
    assert!(!check('"', &json!("nope"), before_double, after_double));
    // Would always hold if pasted; is the one status it spells.
    let hostile = json!("x\" || true");
    assert!(check('"', &hostile, before_double, after_double));
    assert!(check('\'', &hostile, before_single, after_single));
    let body_without = json!([{"status": "done"}]);
    let pieces = [Piece::Text(before_double), Piece::Quoted('"', Some(&hostile)), Piece::Text(after_double)];
    assert!(!jsonpath_match("q", &pieces, Some(&body_without)));
    // Quotes, backslashes and control characters are escaped for the literal's own quote.
    assert!(check('\'', &json!("it's"), before_single, after_single));
    assert!(check('"', &json!("it's"), before_double, after_double));
    let body = json!([{"status": "a\\b\n\"c\u{1}"}]);
    let value = json!("a\\b\n\"c\u{1}");
    for (quote, before, after) in [('"', before_double, after_double), ('\'', before_single, after_single)] {
        let pieces = [Piece::Text(before), Piece::Quoted(quote, Some(&value)), Piece::Text(after)];
        assert!(jsonpath_match("q", &pieces, Some(&body)), "{quote}");
    }
    // A number in a string literal is its text.
    let number = json!(42);
    let pieces = [Piece::Text("$[?@ == '"), Piece::Quoted('\'', Some(&number)), Piece::Text("']")];
    assert!(jsonpath_match("q", &pieces, Some(&json!(["42"]))));
    assert!(!jsonpath_match("q", &pieces, Some(&json!([42]))));
}

#[test]
fn numbers_and_null_are_jsonpath_literals() {
    let body = json!({"items": [{"price": 12}, {"price": 7.5}, {"price": null}]});
    let query = |value: &Value, comparison: &'static str| {
        let pieces = [Piece::Text(comparison), Piece::Value(Some(value)), Piece::Text("]")];
        jsonpath_match("q", &pieces, Some(&body))
    };
    assert!(query(&json!(10), "$.items[?@.price < "));
    assert!(!query(&json!(7), "$.items[?@.price < "));
    assert!(query(&json!(7.5), "$.items[?@.price == "));
    assert!(query(&json!(-1e-3), "$.items[?@.price > "));
    assert!(query(&json!(1e300), "$.items[?@.price < "));
    assert!(query(&json!(u64::MAX), "$.items[?@.price < "));
    assert!(query(&json!(null), "$.items[?@.price == "));
}

#[test]
fn arrays_objects_and_absent_values_fail_a_jsonpath_criterion() {
    let body = json!({"items": [{"tags": ["a"]}]});
    for value in [json!(["a"]), json!({"a": 1})] {
        let pieces = [Piece::Text("$.items[?@.tags == "), Piece::Value(Some(&value)), Piece::Text("]")];
        assert!(!jsonpath_match("q", &pieces, Some(&body)));
    }
    assert_eq!(
        jsonpath_query(&[Piece::Text("$[?@ == "), Piece::Value(Some(&json!({}))), Piece::Text("]")]),
        Err("embedded value 1 is an object, which is not a JSONPath literal (a string, a number, true, false or \
             null)"
            .to_string())
    );
    let pieces = [Piece::Text("$[?@ == "), Piece::Value(None), Piece::Text("]")];
    assert!(!jsonpath_match("q", &pieces, Some(&json!([null]))));
    // A `null` context fails, as 1.1 says.
    let value = json!(1);
    let pieces = [Piece::Text("$[?@ == "), Piece::Value(Some(&value)), Piece::Text("]")];
    assert!(jsonpath_match("q", &pieces, Some(&json!([1]))));
    assert!(!jsonpath_match("q", &pieces, Some(&json!(null))));
}
