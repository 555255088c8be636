use super::*;
use serde_json::json;

use Compare::{Eq, Ge, Gt, Le, Lt, Ne};

const ALL: [Compare; 6] = [Eq, Ne, Lt, Le, Gt, Ge];

/// `compare` with both operands present.
fn cmp(op: Compare, left: Value, right: Value) -> bool {
    compare(op, Some(&left), Some(&right))
}

/// The result of every operator, in the order of [`ALL`].
fn all_ops(left: Option<&Value>, right: Option<&Value>) -> [bool; 6] {
    ALL.map(|op| compare(op, left, right))
}

//                     ==     !=     <      <=     >      >=
const EQUAL: [bool; 6] = [true, false, false, true, false, true];
const LESS: [bool; 6] = [false, true, true, true, false, false];
const GREATER: [bool; 6] = [false, true, false, false, true, true];
const UNEQUAL_UNORDERED: [bool; 6] = [false, true, false, false, false, false];
const EQUAL_UNORDERED: [bool; 6] = [true, false, false, false, false, false];

#[test]
fn operators_print_as_written() {
    assert_eq!(ALL.map(Compare::as_str), ["==", "!=", "<", "<=", ">", ">="]);
}

#[test]
fn numbers_compare_by_value() {
    assert_eq!(all_ops(Some(&json!(200)), Some(&json!(200))), EQUAL);
    assert_eq!(all_ops(Some(&json!(199)), Some(&json!(200))), LESS);
    assert_eq!(all_ops(Some(&json!(201)), Some(&json!(200))), GREATER);
    assert_eq!(all_ops(Some(&json!(1)), Some(&json!(1.0))), EQUAL);
    assert_eq!(all_ops(Some(&json!(-3.5)), Some(&json!(-3))), LESS);
    assert_eq!(all_ops(Some(&json!(1.5e3)), Some(&json!(1500))), EQUAL);
    assert_eq!(all_ops(Some(&json!(0)), Some(&json!(-0.0))), EQUAL);
    // Integers beyond 2^53 compare exactly (JavaScript would call these equal).
    assert_eq!(all_ops(Some(&json!(9_007_199_254_740_993_i64)), Some(&json!(9_007_199_254_740_992_i64))), GREATER);
    assert_eq!(all_ops(Some(&json!(u64::MAX)), Some(&json!(i64::MIN))), GREATER);
    assert_eq!(all_ops(Some(&json!(u64::MAX)), Some(&json!(u64::MAX))), EQUAL);
}

#[test]
fn numeric_strings_compare_as_numbers_against_numbers() {
    assert_eq!(all_ops(Some(&json!(200)), Some(&json!("200"))), EQUAL);
    assert_eq!(all_ops(Some(&json!("30")), Some(&json!(30))), EQUAL);
    assert_eq!(all_ops(Some(&json!("9")), Some(&json!(10))), LESS);
    assert_eq!(all_ops(Some(&json!(10)), Some(&json!("9"))), GREATER);
    assert_eq!(all_ops(Some(&json!("1.0")), Some(&json!(1))), EQUAL);
    assert_eq!(all_ops(Some(&json!(" 42 ")), Some(&json!(42))), EQUAL);
    for text in ["-3.14", "+1", ".5", "5.", "1.5e3", "1E-2", "007"] {
        let number: f64 = text.parse().unwrap();
        assert!(cmp(Eq, json!(text), json!(number)), "{text}");
    }
    assert!(cmp(Eq, json!("18446744073709551615"), json!(u64::MAX)));
}

#[test]
fn non_numeric_strings_never_equal_or_order_against_numbers() {
    for text in ["", " ", "abc", "12abc", "0x10", "0b1", "1_000", "inf", "Infinity", "NaN", "1e400", "--1", "e5"] {
        assert_eq!(all_ops(Some(&json!(text)), Some(&json!(0))), UNEQUAL_UNORDERED, "{text:?}");
        assert_eq!(all_ops(Some(&json!(16)), Some(&json!(text))), UNEQUAL_UNORDERED, "{text:?}");
    }
}

#[test]
fn two_strings_compare_as_strings_even_when_numeric() {
    assert_eq!(all_ops(Some(&json!("10")), Some(&json!("10"))), EQUAL);
    assert_eq!(all_ops(Some(&json!("1.0")), Some(&json!("1"))), GREATER);
    assert_eq!(all_ops(Some(&json!("9")), Some(&json!("10"))), GREATER);
    assert_eq!(all_ops(Some(&json!("abc")), Some(&json!("abd"))), LESS);
    assert_eq!(all_ops(Some(&json!("")), Some(&json!("a"))), LESS);
}

#[test]
fn strings_compare_case_insensitively() {
    assert_eq!(all_ops(Some(&json!("Available")), Some(&json!("available"))), EQUAL);
    assert_eq!(all_ops(Some(&json!("FLUFFY")), Some(&json!("Fluffy"))), EQUAL);
    assert_eq!(all_ops(Some(&json!("Fluffy")), Some(&json!("rex"))), LESS);
    // Case-sensitive byte order would put `Z` (0x5A) before `a` (0x61).
    assert_eq!(all_ops(Some(&json!("Zebra")), Some(&json!("apple"))), GREATER);
    assert_eq!(all_ops(Some(&json!("apple")), Some(&json!("Zebra"))), LESS);
    // Unicode, not just ASCII.
    assert_eq!(all_ops(Some(&json!("ÉCOLE")), Some(&json!("école"))), EQUAL);
    assert_eq!(all_ops(Some(&json!("STRASSE")), Some(&json!("strasse"))), EQUAL);
    assert_eq!(all_ops(Some(&json!("ΑΒΓ")), Some(&json!("αβγ"))), EQUAL);
    assert_eq!(all_ops(Some(&json!("Ärger")), Some(&json!("ärger"))), EQUAL);
    // Lowercasing is not folding: `ß` has no single-character uppercase partner.
    assert!(cmp(Ne, json!("straße"), json!("STRASSE")));
    // Mixed ASCII and non-ASCII take the Unicode path and agree with the ASCII one.
    assert_eq!(all_ops(Some(&json!("ABC")), Some(&json!("abcé"))), LESS);
}

#[test]
fn null_and_absent_equal_only_each_other() {
    let null = json!(null);
    assert_eq!(all_ops(None, None), EQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&null), None), EQUAL_UNORDERED);
    assert_eq!(all_ops(None, Some(&null)), EQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&null), Some(&null)), EQUAL_UNORDERED);
    for other in [json!(0), json!(""), json!(false), json!("null"), json!([]), json!({}), json!([null])] {
        assert_eq!(all_ops(Some(&other), Some(&null)), UNEQUAL_UNORDERED, "{other}");
        assert_eq!(all_ops(Some(&null), Some(&other)), UNEQUAL_UNORDERED, "{other}");
        assert_eq!(all_ops(Some(&other), None), UNEQUAL_UNORDERED, "{other}");
        assert_eq!(all_ops(None, Some(&other)), UNEQUAL_UNORDERED, "{other}");
    }
}

#[test]
fn booleans_equal_only_booleans_and_do_not_order() {
    assert_eq!(all_ops(Some(&json!(true)), Some(&json!(true))), EQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&json!(false)), Some(&json!(false))), EQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&json!(true)), Some(&json!(false))), UNEQUAL_UNORDERED);
    for other in [json!(1), json!(0), json!("true"), json!("TRUE"), json!("1"), json!([true])] {
        assert_eq!(all_ops(Some(&json!(true)), Some(&other)), UNEQUAL_UNORDERED, "{other}");
        assert_eq!(all_ops(Some(&other), Some(&json!(false))), UNEQUAL_UNORDERED, "{other}");
    }
}

#[test]
fn arrays_and_objects_equal_structurally_and_do_not_order() {
    assert_eq!(all_ops(Some(&json!([1, "A", null])), Some(&json!([1.0, "a", null]))), EQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&json!([])), Some(&json!([]))), EQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&json!([1, 2])), Some(&json!([2, 1]))), UNEQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&json!([1])), Some(&json!([1, 1]))), UNEQUAL_UNORDERED);
    // Items follow the same rules, numeric strings included.
    assert!(cmp(Eq, json!([200]), json!(["200"])));
    // Members are matched by exact name, in any order; values by the same rules.
    assert_eq!(all_ops(Some(&json!({"a": 1, "b": "X"})), Some(&json!({"b": "x", "a": 1}))), EQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&json!({"a": 1})), Some(&json!({"A": 1}))), UNEQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&json!({"a": null})), Some(&json!({}))), UNEQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&json!({"a": {"b": [1]}})), Some(&json!({"a": {"b": [1]}}))), EQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&json!({})), Some(&json!([]))), UNEQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&json!([1])), Some(&json!(1))), UNEQUAL_UNORDERED);
    assert_eq!(all_ops(Some(&json!(["a"])), Some(&json!("a"))), UNEQUAL_UNORDERED);
}

#[test]
fn not_equal_is_always_the_negation_of_equal() {
    let values = [
        None,
        Some(json!(null)),
        Some(json!(true)),
        Some(json!(0)),
        Some(json!("0")),
        Some(json!("a")),
        Some(json!([0])),
        Some(json!({"a": 0})),
    ];
    for left in &values {
        for right in &values {
            assert_ne!(compare(Eq, left.as_ref(), right.as_ref()), compare(Ne, left.as_ref(), right.as_ref()));
        }
    }
}

#[test]
fn truthiness_follows_javascript_boolean() {
    for value in [json!(null), json!(false), json!(0), json!(0.0), json!(-0.0), json!("")] {
        assert!(!truthy(Some(&value)), "{value}");
    }
    assert!(!truthy(None));
    for value in
        [json!(true), json!(1), json!(-1), json!(0.5), json!(200), json!("a"), json!("false"), json!("0"), json!(" ")]
    {
        assert!(truthy(Some(&value)), "{value}");
    }
    for value in [json!([]), json!({}), json!([false]), json!({"a": null})] {
        assert!(truthy(Some(&value)), "{value}");
    }
}

#[test]
fn field_and_index_navigate_objects_and_arrays() {
    let body = json!({"data": [{"id": 42}, null], "status": "ok", "n": null});
    let data = field(Some(&body), "data");
    assert_eq!(data, Some(&json!([{"id": 42}, null])));
    assert_eq!(field(index(data, 0), "id"), Some(&json!(42)));
    assert_eq!(index(data, 1), Some(&Value::Null));
    assert_eq!(index(data, 2), None);
    assert_eq!(field(Some(&body), "n"), Some(&Value::Null));
    assert_eq!(field(Some(&body), "missing"), None);
    assert_eq!(field(field(Some(&body), "missing"), "deep"), None);
    // Only objects have members and only arrays have items.
    assert_eq!(field(Some(&body), "Status"), None);
    assert_eq!(field(Some(&json!("text")), "len"), None);
    assert_eq!(field(data, "0"), None);
    assert_eq!(index(Some(&body), 0), None);
    assert_eq!(index(Some(&json!("text")), 0), None);
    assert_eq!(index(None, 0), None);
    assert_eq!(field(Some(&Value::Null), "a"), None);
}

#[test]
fn regex_searches_strings_numbers_and_booleans() {
    assert_eq!(regex_match("^200$", Some(&json!(200))), Ok(true));
    assert_eq!(regex_match("^2\\d\\d$", Some(&json!(204))), Ok(true));
    assert_eq!(regex_match("^2\\d\\d$", Some(&json!(404))), Ok(false));
    assert_eq!(regex_match("^1.5$", Some(&json!(1.5))), Ok(true));
    assert_eq!(regex_match("^true$", Some(&json!(true))), Ok(true));
    assert_eq!(regex_match("^false$", Some(&json!(false))), Ok(true));
    // Searched anywhere, like RegExp.prototype.test.
    assert_eq!(regex_match("ok", Some(&json!("it is OK and ok"))), Ok(true));
    assert_eq!(regex_match("^ok$", Some(&json!("it is ok"))), Ok(false));
    // Case-sensitive unless the pattern says otherwise.
    assert_eq!(regex_match("^available$", Some(&json!("Available"))), Ok(false));
    assert_eq!(regex_match("(?i)^available$", Some(&json!("Available"))), Ok(true));
    assert_eq!(regex_match("^é+$", Some(&json!("éé"))), Ok(true));
}

#[test]
fn regex_never_matches_absent_null_arrays_or_objects() {
    for value in [json!(null), json!(["a"]), json!({"a": "a"}), json!([])] {
        assert_eq!(regex_match(".*", Some(&value)), Ok(false), "{value}");
    }
    assert_eq!(regex_match(".*", None), Ok(false));
    // The empty string is a string.
    assert_eq!(regex_match("^$", Some(&json!(""))), Ok(true));
}

#[test]
fn invalid_regex_is_an_error_every_time() {
    for _ in 0..2 {
        let error = regex_match("(unclosed", Some(&json!("x"))).unwrap_err();
        let StepError::InvalidCriterion { criterion, message } = &error else { panic!("{error:?}") };
        assert_eq!(*criterion, "(unclosed");
        assert!(message.contains("unclosed group"), "{message}");
        assert!(!message.contains('\n'), "{message}");
        assert!(error.to_string().starts_with("the criterion `(unclosed` is not valid: "), "{error}");
    }
    // ECMA-262 features the `regex` crate does not have are rejected, not reinterpreted.
    for pattern in ["(a)\\1", "a(?=b)", "a(?!b)", "(?<=a)b"] {
        assert!(
            matches!(regex_match(pattern, Some(&json!("ab"))), Err(StepError::InvalidCriterion { .. })),
            "{pattern}"
        );
    }
}

#[test]
fn jsonpath_passes_on_a_non_empty_node_list() {
    let body = json!({"pets": [{"name": "a"}, {"name": "b"}], "count": 2});
    assert_eq!(jsonpath_match("$[?count(@.pets) > 0]", Some(&json!([{"pets": [1]}]))), Ok(true));
    assert_eq!(jsonpath_match("$.pets[?@.name == 'b']", Some(&body)), Ok(true));
    assert_eq!(jsonpath_match("$.pets[?@.name == 'c']", Some(&body)), Ok(false));
    assert_eq!(jsonpath_match("$.missing", Some(&body)), Ok(false));
    assert_eq!(jsonpath_match("$.count", Some(&body)), Ok(true));
    assert_eq!(jsonpath_match("$[?@.count == 2]", Some(&json!({"x": {"count": 2}}))), Ok(true));
    assert_eq!(jsonpath_match("$", Some(&Value::Null)), Ok(true));
    assert_eq!(jsonpath_match("$", None), Ok(false));
}

#[test]
fn jsonpath_filter_on_an_object_root_tests_its_member_values() {
    // The oauth example's criterion, per RFC 9535: `@` is each member value of the root.
    let path = "$[?@.access_token != null]";
    assert_eq!(jsonpath_match(path, Some(&json!({"access_token": "t", "token_type": "bearer"}))), Ok(true));
    // No member value has an `access_token`, yet each yields nothing, and nothing != null.
    assert_eq!(jsonpath_match(path, Some(&json!({"error": "invalid_grant"}))), Ok(true));
    assert_eq!(jsonpath_match(path, Some(&json!({"access_token": null}))), Ok(true));
    assert_eq!(jsonpath_match(path, Some(&json!({}))), Ok(false));
    // A member value that is itself an object with `access_token: null` is filtered out.
    assert_eq!(jsonpath_match(path, Some(&json!({"a": {"access_token": null}}))), Ok(false));
    assert_eq!(jsonpath_match(path, Some(&json!({"a": {"access_token": "t"}}))), Ok(true));
    // On an array root it tests the items.
    assert_eq!(jsonpath_match(path, Some(&json!([{"access_token": "t"}]))), Ok(true));
    assert_eq!(jsonpath_match(path, Some(&json!([{"access_token": null}]))), Ok(false));
    // Selecting the member itself also selects a `null` member; a filter needs children.
    assert_eq!(jsonpath_match("$.access_token", Some(&json!({"access_token": "t"}))), Ok(true));
    assert_eq!(jsonpath_match("$.access_token", Some(&json!({"access_token": null}))), Ok(true));
    assert_eq!(jsonpath_match("$.access_token", Some(&json!({}))), Ok(false));
    assert_eq!(jsonpath_match("$[?@ != null]", Some(&json!("t"))), Ok(false));
}

#[test]
fn invalid_jsonpath_is_an_error() {
    for path in ["$[", "pets", "$.pets[?@.name ==]", "$..", ""] {
        let error = jsonpath_match(path, Some(&json!({}))).unwrap_err();
        assert!(matches!(&error, StepError::InvalidCriterion { criterion, .. } if *criterion == path), "{error:?}");
    }
    // Also when the subject is absent: the path is checked first.
    assert!(jsonpath_match("$[", None).is_err());
}

#[test]
fn a_jsonpath_ending_inside_an_escape_is_an_error_not_a_panic() {
    // serde_json_path 0.7 reaches `unreachable!` on these (found by fuzzing the generator).
    for query in ["$['\\u", "$['\\u0", "$[?@ == '\\u"] {
        let result = std::panic::catch_unwind(|| jsonpath_match(query, Some(&json!({}))));
        let error = result.unwrap_or_else(|_| panic!("{query} panicked")).unwrap_err();
        assert!(matches!(error, StepError::InvalidCriterion { criterion, .. } if criterion == query), "{query}");
    }
    // An escaped backslash followed by `u` is text, not an escape: the usual parse error.
    assert!(jsonpath_match("$['\\\\u", Some(&json!({}))).is_err());
}

#[test]
fn jsonpath_test_applies_a_filter_to_the_subject_itself() {
    let body = json!({"ok": true, "count": 3, "status": "ready", "items": []});
    assert_eq!(jsonpath_test("$[?@.ok == true]", Some(&body)), Ok(true));
    assert_eq!(jsonpath_test("$[?@.ok == false]", Some(&body)), Ok(false));
    assert_eq!(jsonpath_test("$[?@.count > 0 && @.status == 'ready']", Some(&body)), Ok(true));
    // RFC 9535 compares strings exactly, unlike simple conditions.
    assert_eq!(jsonpath_test("$[?@.status == 'Ready']", Some(&body)), Ok(false));
    assert_eq!(jsonpath_test("$[?length(@.items) > 0]", Some(&body)), Ok(false));
    // A subject without members still has the comparison tested (RFC 9535 would select nothing).
    assert_eq!(jsonpath_test("$[?@.error != 'x']", Some(&json!({}))), Ok(true));
    assert_eq!(jsonpath_test("$[?@ == 5]", Some(&json!(5))), Ok(true));
    assert_eq!(jsonpath_test("$[?@.ok == true]", None), Ok(false));
    // A `null` subject has nothing to compare: the comparison does not hold, whatever it says.
    assert_eq!(jsonpath_test("$[?@.access_token != null]", Some(&json!(null))), Ok(false));
    assert_eq!(jsonpath_test("$[?@ == null]", Some(&json!(null))), Ok(false));
}
