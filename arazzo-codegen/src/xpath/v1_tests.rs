#![allow(clippy::unwrap_used, clippy::panic)]

use xee_xpath::context::{StaticContextBuilder, Variables};
use xee_xpath::{Documents, Itemable, Queries, Query, Sequence};
use xot::xmlname::OwnedName;

use crate::plan::XPathVersion;
use crate::xpath::{Problem, check, for_version};

/// `expression` (XPath 1.0) translated; the 3.1 text is checked to compile.
fn translate(expression: &str) -> String {
    let translated = for_version(expression, XPathVersion::XPath10, &[], &[])
        .unwrap_or_else(|problem| panic!("{expression}: {problem:?}"));
    check(&translated, 0).unwrap_or_else(|problem| panic!("{translated}: {problem:?}"));
    translated
}

fn refused(expression: &str) -> Problem {
    match for_version(expression, XPathVersion::XPath10, &[], &[]) {
        Ok(translated) => panic!("{expression} was translated: {translated}"),
        Err(problem) => problem,
    }
}

/// The translation of `expression` evaluated on `xml` with `variables` bound, as the string
/// values of its items joined by `|`, and its effective boolean value.
fn evaluate_with(expression: &str, xml: &str, variables: Vec<Sequence>) -> (String, bool) {
    let text_variables = vec![false; variables.len()];
    let translated = for_version(expression, XPathVersion::XPath10, &text_variables, &[])
        .unwrap_or_else(|problem| panic!("{expression}: {problem:?}"));
    let mut context = StaticContextBuilder::default();
    let names: Vec<OwnedName> =
        (1..=variables.len()).map(|position| OwnedName::name(&format!("arazzo_v{position}"))).collect();
    context.variable_names(names.clone());
    let query = Queries::new(context).sequence(&translated).unwrap_or_else(|error| panic!("{translated}: {error:?}"));
    let mut documents = Documents::new();
    let document = documents.add_string_without_uri(xml).unwrap();
    let item = document.to_item(&documents).unwrap();
    let mut bound = Variables::default();
    for (name, value) in names.into_iter().zip(variables) {
        bound.insert(name, value);
    }
    let result = query
        .execute_build_context(&mut documents, |context| {
            context.context_item(item);
            context.variables(bound);
        })
        .unwrap_or_else(|error| panic!("{expression} → {translated}: {error:?}"));
    let texts: Vec<String> = result.iter().map(|item| item.string_value(documents.xot()).unwrap()).collect();
    (texts.join("|"), result.effective_boolean_value().unwrap())
}

fn evaluate(expression: &str, xml: &str) -> (String, bool) {
    evaluate_with(expression, xml, Vec::new())
}

const NODES: &str = "<r><n>abc</n><n>1</n><a>one</a><a>two x</a><p>10</p><p>9</p></r>";

/// What 1.0 says each evaluates to (§3.4, §3.5, §4), on [`NODES`]: string value, boolean.
#[test]
fn where_xpath_1_0_and_3_1_differ_the_answer_is_1_0s() {
    for (expression, value, holds) in [
        // Strings compared with `<`/`>` are numbers (3.1: as strings, '10' < '9').
        ("'10' > '9'", "true", true),
        // A node-set and a number: some node's number() equals it; `abc` is NaN, not a cast error.
        ("//n = 1", "true", true),
        ("//n = 2", "false", false),
        // Relational on node-sets: numbers of their string values (10 > 9).
        ("//p[1] > //p[2]", "true", true),
        ("//p > 9", "true", true),
        // string() of several nodes is the first's (3.1: an error).
        ("string(//n)", "abc", true),
        ("contains(//a, 'x')", "false", false),
        ("contains(//a[2], 'x')", "true", true),
        ("string-length(//a)", "3", true),
        // Doubles: 1 div 0 is Infinity (3.1: integers, an error).
        ("1 div 0 > 1", "true", true),
        ("string(-1 div 0)", "-Infinity", true),
        ("string(0 div 0)", "NaN", true),
        ("5 mod 0 = 5 mod 0", "false", false),
        ("string(0.5 + 0.25)", "0.75", true),
        // sum() of a non-number is NaN (3.1: a cast error); NaN compares false, except `!=`.
        ("sum(//n) > 0", "false", false),
        ("sum(//n) < 0", "false", false),
        ("sum(//n) = sum(//n)", "false", false),
        ("sum(//n) != 0", "true", true),
        // `!=` holds for a node whose number is NaN (`abc`), `=` for none of them.
        ("//n != 1", "true", true),
        ("//n[1] != 1", "true", true),
        ("//n[1] = 1", "false", false),
        ("//n[1] < 1 or //n[1] >= 1", "false", false),
        // Brackets written are kept: 1 - (2 - 3) is 2.
        ("1 - (2 - 3)", "2", true),
        ("1 - 2 - 3", "-4", true),
        ("-(1 + 1) * 3", "-6", true),
        ("sum(//p)", "19", true),
        ("sum(//zz)", "0", false),
        // number() reads only 1.0's numbers.
        ("number(' -1.5 ')", "-1.5", true),
        ("number('1e3') = number('1e3')", "false", false),
        ("number('+1') > 0", "false", false),
        ("number('INF') > 0", "false", false),
        ("-'2'", "-2", true),
        // string() of a number: no exponent, no `-0`, Infinity.
        ("string(1000000)", "1000000", true),
        ("string(1 * 100000000000000000000000)", "100000000000000000000000", true),
        ("string(0.0000001)", "0.0000001", true),
        ("string(-0)", "0", true),
        ("string(-1234567.5)", "-1234567.5", true),
        ("concat('a', 1.5, true())", "a1.5true", true),
        // A boolean and anything: both booleans; relational: both numbers.
        ("//n = true()", "true", true),
        ("//zz = false()", "true", true),
        ("true() > false()", "true", true),
        ("'0' = false()", "false", false),
        ("0 = false()", "true", true),
        // Predicates: a number is a position.
        ("//a[2]", "two x", true),
        ("//a[last()]", "two x", true),
        ("(//a | //n)[1]", "abc", true),
        ("//p[number('x')]", "", false),
        ("count(//a) = 2", "true", true),
        ("substring('12345', 1.5, 2.6)", "234", true),
        ("substring('12345', 0 div 0, 3)", "", false),
        ("substring('12345', -42, 1 div 0)", "12345", true),
        ("round(-0.5) = 0", "true", true),
        ("name(//a)", "a", true),
        ("not(//n)", "false", false),
        ("/", "abc1onetwo x109", true),
    ] {
        assert_eq!(evaluate(expression, NODES), (value.to_string(), holds), "{expression}");
    }
}

#[test]
fn a_number_needing_more_digits_than_the_engine_writes_fails_rather_than_differ() {
    // 1.0 writes 0.30000000000000004 (the engine: 0.3) and 0.3333333333333333 (16 digits).
    for expression in ["string(0.1 + 0.2)", "string(1 div 3)"] {
        let translated = translate(expression);
        let mut documents = Documents::new();
        let document = documents.add_string_without_uri(NODES).unwrap();
        let error = Queries::default().sequence(&translated).unwrap().execute(&mut documents, document).unwrap_err();
        assert_eq!(error.error.code(), "FOER0000", "{expression}");
    }
    assert_eq!(evaluate("string(0.1)", NODES).0, "0.1");
    assert_eq!(evaluate("string(123456.789)", NODES).0, "123456.789");
    assert_eq!(evaluate("string(0.000123)", NODES).0, "0.000123");
}

/// Translations, checked by hand against 1.0's rules.
#[test]
fn translations_make_1_0s_conversions_explicit() {
    for (expression, translated) in [
        ("string(//n)", "string((//n)[1])"),
        ("contains(//a, 'x')", "contains(string((//a)[1]), 'x')"),
        ("count(//a) = 2", "number(count(//a)) = 2e0"),
        ("//a | //n", "(//a | //n)"),
        ("/", "(/)"),
        ("../@id", "parent::node()/@id"),
        ("./a/./b//.", "./a/./b//."),
        ("(//a)[1]//b", "((//a)[1e0])//b"),
        ("//a[2]", "//a[2e0]"),
        ("1 div 0", "1e0 div 0e0"),
        ("-2", "-2e0"),
        ("not(/r) or true()", "not(/r) or true()"),
        ("//*[local-name() = 'Envelope']", "//*[local-name() = 'Envelope']"),
        ("boolean(//a) = true()", "boolean(//a) = true()"),
        ("string('it\"s')", "'it\"s'"),
        ("descendant::a/following-sibling::*[1]", "descendant::a/following-sibling::*[1e0]"),
        ("processing-instruction('x')", "processing-instruction('x')"),
        // NaN is filtered out of a relational comparison: xee-xpath orders it above every number.
        ("1 div 0 > 1", "(1e0 div 0e0)[. = .] > 1e0"),
        // Some node's string value equals the string.
        ("//p = 'x'", "//p = 'x'"),
        // Some node's number() is greater (a node that is not a number, NaN, would not be).
        ("//p > 9", "//p[matches(., '^\\s*-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)\\s*$')]/number(.) > 9e0"),
        // `!=` holds for NaN: every node's number().
        ("//p != 9", "(//p)/number(string(.)[matches(., '^\\s*-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)\\s*$')]) != 9e0"),
        (
            "sum(//p) > 0",
            "sum((//p)/number(string(.)[matches(., '^\\s*-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)\\s*$')]), 0e0)[. = .] > 0e0",
        ),
        // A string literal is read as a number here, as 1.0 reads it.
        ("number('1')", "1e0"),
        ("number(' -1.5 ')", "-1.5e0"),
        ("number('5.')", "5.e0"),
        ("number('1e3')", "xs:double('NaN')"),
        ("'10' > '9'", "10e0 > 9e0"),
        // A count is never NaN: no test for it.
        ("count(//a) > 1", "number(count(//a)) > 1e0"),
        ("number(.)", "number(.[1][matches(., '^\\s*-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)\\s*$')])"),
    ] {
        assert_eq!(translate(expression), translated, "{expression}");
    }
}

#[test]
fn what_xpath_1_0_does_not_have_is_refused_where_it_is_written() {
    for (expression, what, since, range) in [
        ("for $x in //a return $x", "`for`", "2.0", 0..23),
        ("if (//a) then 1 else 2", "`if`", "2.0", 0..22),
        ("some $x in //a satisfies $x", "`some`/`every`", "2.0", 0..27),
        ("(1, 2)", "a sequence `(a, b)`", "2.0", 0..6),
        ("count(())", "the empty sequence `()`", "2.0", 6..8),
        ("//a instance of element()", "`instance of`", "2.0", 0..25),
        ("upper-case('a')", "the function `upper-case()`", "2.0", 0..10),
        ("head(//a)", "the function `head()`", "3.0", 0..4),
        ("'a' || 'b'", "the string concatenation operator `||`", "3.0", 0..10),
        ("//a ! string()", "the simple map operator `!`", "3.0", 0..14),
        ("//a => count()", "the arrow operator `=>`", "3.1", 0..14),
        ("map { 'a': 1 }", "a map constructor", "3.1", 0..14),
        ("[1]", "an array constructor", "3.1", 0..3),
        ("1 eq 1", "a value comparison (`eq`, `ne`, `lt`, `le`, `gt`, `ge`)", "2.0", 0..6),
        ("1e3 > 1", "a number with an exponent (`1e3`)", "2.0", 0..3),
        ("//a (: note :)", "a comment `(: ... :)`", "2.0", 4..6),
        ("//*:a", "the name test `*:name` (1.0 writes `*[local-name() = 'name']`)", "2.0", 2..5),
        ("//a union //b", "the `union` operator (1.0 writes `|`)", "2.0", 0..13),
        ("5 idiv 2", "`idiv`", "2.0", 0..8),
        ("count(1 to 3)", "the range operator `to`", "2.0", 6..12),
        ("let $x := 1 return $x", "`let`", "3.0", 0..21),
        ("fn:count(//a)", "a function name with a prefix (`fn:count`)", "2.0", 0..8),
        ("'it''s'", "a doubled quote inside a string literal", "2.0", 0..7),
        ("round(1.5, 1)", "`round()` with 2 argument(s)", "3.0", 0..5),
        ("+1", "the unary `+`", "2.0", 0..2),
        ("//a/(b)", "a step that is not an axis step (`a/(b)`, `a/f()`)", "2.0", 4..7),
        ("//a except //b", "`intersect` and `except`", "2.0", 0..14),
        ("//a is //a", "a node comparison (`is`, `<<`, `>>`)", "2.0", 0..10),
        ("//a treat as node()*", "`treat as`", "2.0", 0..20),
        ("count#1", "a named function reference (`name#arity`)", "3.0", 0..7),
        ("element()", "this kind test (`element()`, `attribute()`, `document-node()`, ...)", "2.0", 0..9),
        ("a/Q{}*/b", "a `Q{uri}*` name test", "3.0", 2..6),
        ("/Q{http://www.w3.org/XML/1998/namespace}*[1]", "a `Q{uri}*` name test", "3.0", 1..44),
    ] {
        let problem = refused(expression);
        let declare = match since {
            "2.0" => "xpath-20",
            "3.0" => "xpath-30",
            _ => "xpath-31",
        };
        assert_eq!(
            problem,
            Problem {
                message: format!(
                    "{what} is not XPath 1.0: it came with XPath {since}; declare `version: {declare}` (or later) \
                     to use it"
                ),
                range: Some(range),
            },
            "{expression}"
        );
    }
}

#[test]
fn type_errors_of_xpath_1_0_are_refused_too() {
    for (expression, message, range) in [
        ("count('a')", "`count()` takes a node-set, and this is not one (in XPath 1.0 too)", 6..9),
        ("sum(1)", "`sum()` takes a node-set, and this is not one (in XPath 1.0 too)", 4..5),
        ("//a | 'b'", "`|` joins node-sets, and this is not one (in XPath 1.0 too)", 6..9),
        (
            "-//a | //b",
            "`|` joins node-sets, and this is not one: XPath 1.0 reads `-a | b` as `-(a | b)`, XPath 3.1 as \
             `(-a) | b`; write the brackets",
            0..4,
        ),
        ("('a')[1]", "a predicate filters a node-set, and this is not one (in XPath 1.0 too)", 0..5),
        ("/xs:a", "the namespace prefix `xs` is not declared (XPath 1.0 knows only `xml` here)", 1..5),
        ("//xs:*[1]", "the namespace prefix `xs` is not declared (XPath 1.0 knows only `xml` here)", 2..9),
        ("a/child::fn:*", "the namespace prefix `fn` is not declared (XPath 1.0 knows only `xml` here)", 2..13),
    ] {
        assert_eq!(refused(expression), Problem { message: message.to_string(), range: Some(range) }, "{expression}");
    }
    assert!(refused("id('a')").message.starts_with("`id()` finds elements by the ID attributes a DTD declares"));
    // `xml` is declared in 1.0.
    assert_eq!(translate("//a[@xml:lang = 'en']"), "//a[@xml:lang = 'en']");
    assert_eq!(translate("//a/@xml:*"), "//a/@xml:*");
}

/// An embedded value is a string, a number or a boolean, known at run time: each operation on it
/// follows 1.0's rule for the type it has then.
#[test]
fn embedded_values_are_compared_by_their_type_at_run_time() {
    let check = |variable: Sequence, expression: &str, expected: bool| {
        assert_eq!(evaluate_with(expression, NODES, vec![variable]).1, expected, "{expression}");
    };
    // A number: //p's numbers compared with it; a string: '10' > '9' as numbers too.
    check(Sequence::from(9.0f64), "//p > $arazzo_v1", true);
    check(Sequence::from("9"), "//p > $arazzo_v1", true);
    check(Sequence::from("10"), "//p = $arazzo_v1", true);
    check(Sequence::from(10.0f64), "//p = $arazzo_v1", true);
    check(Sequence::from("1.0"), "//n = $arazzo_v1", false);
    check(Sequence::from(1.0f64), "//n = $arazzo_v1", true);
    // A boolean: the node-set's boolean().
    check(Sequence::from(true), "//zz = $arazzo_v1", false);
    check(Sequence::from(false), "//zz = $arazzo_v1", true);
    // As a string argument: a number is written as 1.0 writes it.
    check(Sequence::from(1.0f64), "concat('n', $arazzo_v1) = 'n1'", true);
    check(Sequence::from("x"), "contains(//a[2], $arazzo_v1)", true);
    // As a number: a string is read as 1.0 reads it.
    check(Sequence::from("1e3"), "$arazzo_v1 + 0 = $arazzo_v1 + 0", false);
    // A value written inside a string literal is text, concatenated.
    let translated =
        for_version("//a[. = ('two ' || $arazzo_v1)]", XPathVersion::XPath10, &[true], std::slice::from_ref(&(8..30)))
            .unwrap();
    assert_eq!(translated, "//a[. = concat('two ', $arazzo_v1)]");
}

/// The 3.1 parser's time doubles with each level of brackets: the translation adds none around
/// operations, so an expression nested as deeply as allowed (10 levels) translates into one that
/// parses in well under a second (brackets around each comparison made a 7-level one take 80 s in a
/// debug build); one whose conversions nest too deeply is refused rather than left to the parser.
#[test]
fn deeply_nested_expressions_translate_into_ones_that_parse_quickly() {
    for expression in [
        "//a[b[c[d[e[f[g[h[i[j > 1] > 1] > 1] > 1] > 1] > 1] > 1] > 1] > 1]",
        "//a[string(b[number(c[number(d) > 1]) < 3]) = string(1 div 3)]",
    ] {
        let started = std::time::Instant::now();
        let translated = for_version(expression, XPathVersion::XPath10, &[], &[]).unwrap();
        crate::xpath::check_translated(&translated, 0).unwrap();
        // A hang bound (as the robustness tests'), not a speed target: the machine may be busy.
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "{expression}: {:?}", started.elapsed());
        println!("{expression}: {:?}", started.elapsed());
    }
}

#[test]
fn a_translation_nesting_too_deeply_is_refused() {
    let expression = "//a[string(b[number(c[number(d[number(e[number(f) > 1]) > 1]) > 1]) < 3])]";
    let translated = for_version(expression, XPathVersion::XPath10, &[], &[]).unwrap();
    let problem = crate::xpath::check_translated(&translated, 0).unwrap_err();
    assert!(problem.message.starts_with("its XPath 3.1 translation nests brackets more than 14 levels deep"));
    assert_eq!(problem.range, None);
}
