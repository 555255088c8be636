//! Arazzo 1.1 "Condition Evaluation", one row per rule, each checked by hand against the text of
//! `arazzo-1.1.0.md` (quoted in the row's note); the 1.0 result is given where the rules differ.

use super::*;
use crate::criteria::condition::Compare::{self, Eq, Ge, Gt, Le, Lt, Ne};
use serde_json::json;

/// One comparison: operator, left, right (`None` is an absent value), the 1.1 result, the 1.0 result.
type Row = (Compare, Option<Value>, Option<Value>, bool, bool, &'static str);

fn rows() -> Vec<Row> {
    let s = |text: &str| Some(json!(text));
    let n = |number: f64| Some(json!(number));
    vec![
        // "String comparisons MUST be case-insensitive."
        (Eq, s("Available"), s("available"), true, true, "case-insensitive equality"),
        (Lt, s("apple"), s("Banana"), true, true, "case-insensitive order"),
        // "`null` only equals itself (`null == null` is `true`)."
        (Eq, Some(json!(null)), Some(json!(null)), true, true, "null == null"),
        // "Comparing `null` with any other value evaluates to `false`."
        (Eq, Some(json!(null)), n(0.0), false, false, "null == 0"),
        (Eq, Some(json!(null)), s(""), false, false, "null == ''"),
        (Eq, Some(json!(null)), Some(json!(false)), false, false, "null == false"),
        (Lt, Some(json!(null)), n(1.0), false, false, "null < 1"),
        (Ge, n(1.0), Some(json!(null)), false, false, "1 >= null"),
        // `!=` is the negation of `==`: the spec's own example `$response.body.data != null` passes
        // when the body contains data.
        (Ne, s("data"), Some(json!(null)), true, true, "'data' != null"),
        // An absent value (a pointer that finds nothing) is `undefined`, compared as `null`.
        (Eq, None, Some(json!(null)), true, true, "absent == null"),
        (Ne, None, Some(json!(null)), false, false, "absent != null"),
        // "Numeric strings SHOULD be coerced to numbers when compared with numeric operators."
        (Eq, s("200"), n(200.0), true, true, "'200' == 200"),
        (Gt, s("9"), n(10.0), false, false, "'9' > 10"),
        (Gt, s("9"), s("10"), false, true, "'9' > '10': numbers under 1.1, text under 1.0"),
        (Lt, s("9"), s("10"), true, false, "'9' < '10'"),
        (Le, s("1.0"), s("1"), true, false, "'1.0' <= '1': 1 <= 1 under 1.1; under 1.0 the text '1.0' sorts after '1'"),
        (Ge, s(" 2.5e1 "), s("25"), true, false, "' 2.5e1 ' >= '25': 25 >= 25; as text a space sorts first"),
        // Equality is not a numeric operator: two strings stay text, so identifiers with leading
        // zeros stay apart.
        (Eq, s("007"), s("7"), false, false, "'007' == '7'"),
        (Ne, s("1.0"), s("1"), true, true, "'1.0' != '1'"),
        // A string that is not numeric keeps the text order against another string.
        (Lt, s("10"), s("9a"), true, true, "'10' < '9a' as text"),
        // ... and is not comparable with a number.
        (Lt, s("abc"), n(5.0), false, false, "'abc' < 5"),
    ]
}

#[test]
fn each_rule_of_the_table() {
    for (op, left, right, v1_1, v1_0, note) in rows() {
        assert_eq!(compare(op, left.as_ref(), right.as_ref()), v1_1, "1.1: {note}");
        assert_eq!(crate::criteria::condition::compare(op, left.as_ref(), right.as_ref()), v1_0, "1.0: {note}");
    }
}

#[test]
fn a_null_or_missing_context_fails_regex_and_jsonpath() {
    // "If the `context` evaluates to `null` or `undefined`, the condition MUST evaluate to fail."
    assert!(!regex_match("null", Some(&json!(null))));
    assert!(!regex_match(".*", None));
    assert!(!jsonpath_match("$", Some(&json!(null))));
    assert!(!jsonpath_match("$", None));
    assert!(!jsonpath_test("$[?@ == null]", Some(&json!(null))));
    // Under 1.0 `null` is a JSON document like any other: `$` selects it.
    assert!(crate::criteria::condition::jsonpath_match("$", Some(&json!(null))).unwrap());
    // Any other context is queried as in 1.0.
    assert!(jsonpath_match("$.pets[*]", Some(&json!({"pets": [1]}))));
    assert!(!jsonpath_match("$.pets[*]", Some(&json!({"pets": []}))));
    assert!(regex_match("^2\\d{2}$", Some(&json!(201))));
    assert!(jsonpath_test("$[?@.ok == true]", Some(&json!({"ok": true}))));
}

#[test]
fn an_evaluation_error_fails_the_criterion() {
    // "Syntax errors in the expression ... invalid regex ... the condition MUST evaluate to fail";
    // under 1.0 they are step errors.
    assert!(!regex_match("(unclosed", Some(&json!("(unclosed"))));
    assert!(crate::criteria::condition::regex_match("(unclosed", Some(&json!("x"))).is_err());
    assert!(!jsonpath_match("$[", Some(&json!([1]))));
    assert!(crate::criteria::condition::jsonpath_match("$[", Some(&json!([1]))).is_err());
    assert!(!jsonpath_test("$[?@.ok ==", Some(&json!({"ok": true}))));
}
