#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::json;

use super::*;

const ORDER: &[u8] = b"<order id='7' status=''><item price='2.5'>tea</item><item price='1'>milk</item><note/></order>";

fn test(expression: &'static str) -> Result<bool, XPathError> {
    XPath::new(expression, Version::XPath31).test(ORDER)
}

fn select(expression: &'static str) -> Result<Value, XPathError> {
    XPath::new(expression, Version::XPath31).select(ORDER)
}

#[test]
fn the_empty_sequence_is_false() {
    assert_eq!(test("/order/missing"), Ok(false));
    assert_eq!(test("()"), Ok(false));
}

#[test]
fn a_boolean_is_itself() {
    assert_eq!(test("count(/order/item) = 2"), Ok(true));
    assert_eq!(test("count(/order/item) > 2"), Ok(false));
    assert_eq!(test("true()"), Ok(true));
    assert_eq!(test("false()"), Ok(false));
}

#[test]
fn a_number_is_true_unless_zero_or_nan() {
    assert_eq!(test("count(/order/item)"), Ok(true));
    assert_eq!(test("count(/order/missing)"), Ok(false));
    assert_eq!(test("0.0"), Ok(false));
    assert_eq!(test("-1.5e0"), Ok(true));
    assert_eq!(test("number('not a number')"), Ok(false));
    assert_eq!(test("sum(/order/item/@price)"), Ok(true));
}

#[test]
fn a_string_is_true_unless_empty() {
    assert_eq!(test("string(/order/@id)"), Ok(true));
    assert_eq!(test("string(/order/@status)"), Ok(false));
    assert_eq!(test("'false'"), Ok(true));
    assert_eq!(test("''"), Ok(false));
}

#[test]
fn a_node_is_true_even_when_empty() {
    assert_eq!(test("/order/note"), Ok(true));
    assert_eq!(test("/order/@status"), Ok(true));
    assert_eq!(test("/order/item[. = 'milk']"), Ok(true));
    assert_eq!(test("/order/item[. = 'coffee']"), Ok(false));
    // A sequence whose first item is a node is true, however long.
    assert_eq!(test("(/order/item, 0)"), Ok(true));
}

#[test]
fn results_without_an_effective_boolean_value_are_errors() {
    for expression in ["(1, 2)", "map { 'a': 1 }", "array { 1 }", "(0, /order)"] {
        let error = test(expression).unwrap_err();
        assert_eq!(
            error,
            XPathError::Evaluation { code: "FORG0006".to_string(), message: "Invalid argument type.".to_string() },
            "{expression}"
        );
    }
}

#[test]
fn evaluation_errors_name_their_xpath_code() {
    let error = test("1 div 0").unwrap_err();
    assert_eq!(error.to_string(), "evaluating it raised the XPath error FOAR0001: Division by zero.");
    // XPath 2.0 and later refuse a sequence where one value is expected (1.0 took the first node).
    assert!(
        matches!(test("string(/order/item) = 'tea'"), Err(XPathError::Evaluation { code, .. }) if code == "XPTY0004")
    );
}

#[test]
fn every_version_uses_the_same_boolean_rules() {
    for version in [Version::XPath31, Version::XPath30, Version::XPath20, Version::XPath10] {
        assert_eq!(XPath::new("/order/item", version).test(ORDER), Ok(true));
        assert_eq!(XPath::new("count(/order/missing)", version).test(ORDER), Ok(false));
        assert_eq!(XPath::new("string(/order/@status)", version).test(ORDER), Ok(false));
    }
}

#[test]
fn malformed_xml_is_an_error_not_a_result() {
    for (xml, expected) in [
        (&b"<order><item></order>"[..], "the context is not well-formed XML: Parse error: Invalid close tag:  order"),
        (
            b"{\"status\": \"OK\"}",
            "the context is not well-formed XML: Parse error: Parser error: unknown token at 1:1",
        ),
        (b"", "the context is not well-formed XML: Parse error: No element at top level"),
        (b"<a/><b/>", "the context is not well-formed XML: Parse error: Parser error: unknown token at 1:5"),
        (b"<a>\xff</a>", "the context is not well-formed XML: it is not UTF-8 (invalid byte at offset 3)"),
    ] {
        let error = XPath::new("/order", Version::XPath31).test(xml).unwrap_err();
        assert_eq!(error.to_string(), expected);
    }
}

#[test]
fn dtds_are_refused_so_no_entity_expands() {
    let xml = b"<!DOCTYPE r [<!ENTITY e 'x'>]><r>&e;</r>";
    let error = XPath::new("/r", Version::XPath31).test(xml).unwrap_err();
    assert!(matches!(error, XPathError::NotXml { .. }), "{error:?}");
}

#[test]
fn a_byte_order_mark_is_skipped() {
    assert_eq!(XPath::new("/a = 'x'", Version::XPath31).test("\u{feff}<a>x</a>".as_bytes()), Ok(true));
}

#[test]
fn namespaced_elements_match_with_a_wildcard_prefix() {
    let xml = b"<s:Envelope xmlns:s='urn:soap'><s:Body><Status>OK</Status></s:Body></s:Envelope>";
    assert_eq!(XPath::new("/*:Envelope/*:Body/Status = 'OK'", Version::XPath31).test(xml), Ok(true));
    assert_eq!(XPath::new("/Envelope", Version::XPath31).test(xml), Ok(false));
}

#[test]
fn an_expression_reads_nothing_but_its_context() {
    assert!(
        matches!(test("doc('file:///etc/passwd')"), Err(XPathError::Evaluation { code, .. }) if code == "FODC0002")
    );
    assert_eq!(test("environment-variable('PATH')"), Ok(false));
}

#[test]
fn an_invalid_expression_names_its_error_and_place() {
    let error = test("/order/item[").unwrap_err();
    assert_eq!(
        error,
        XPathError::Invalid {
            expression: "/order/item[",
            message: "XPST0003 (Parse error.) at bytes 12..12".to_string()
        }
    );
    // Compiling again gives the same answer (the failure is cached too).
    assert_eq!(test("/order/item[").unwrap_err(), error);
}

#[test]
fn selection_maps_nodes_to_their_string_values() {
    assert_eq!(select("/order/@id"), Ok(json!("7")));
    assert_eq!(select("/order"), Ok(json!("teamilk")));
    assert_eq!(select("/order/item"), Ok(json!(["tea", "milk"])));
    assert_eq!(select("/order/item/text()"), Ok(json!(["tea", "milk"])));
    assert_eq!(select("/order/note"), Ok(json!("")));
    assert_eq!(select("/order/missing"), Ok(json!(null)));
}

#[test]
fn selection_maps_atomic_values_to_json() {
    assert_eq!(select("count(/order/item)"), Ok(json!(2)));
    assert_eq!(select("sum(/order/item/@price)"), Ok(json!(3.5)));
    assert_eq!(select("1.25"), Ok(json!(1.25)));
    assert_eq!(select("count(/order/item) = 2"), Ok(json!(true)));
    assert_eq!(select("'text'"), Ok(json!("text")));
    assert_eq!(select("xs:date('2024-02-29')"), Ok(json!("2024-02-29")));
    assert_eq!(select("99999999999999999999"), Ok(json!("99999999999999999999")));
    assert_eq!(select("xs:double('NaN')"), Ok(json!("NaN")));
    assert_eq!(select("(1, 'a', true())"), Ok(json!([1, "a", true])));
    assert_eq!(
        XPath::new("/order/item/@price", Version::XPath31).select_items(ORDER),
        Ok(vec![json!("2.5"), json!("1")])
    );
}

#[test]
fn maps_and_arrays_have_no_json_form() {
    let error = select("[1, 2]").unwrap_err();
    assert!(matches!(error, XPathError::Evaluation { code, .. } if code == "XPTY0004"));
}

#[test]
fn a_criterion_on_the_body_fails_the_step_when_the_body_is_not_xml() {
    let xpath = XPath::new("/order", Version::XPath31);
    assert_eq!(body_holds(xpath, ORDER), Ok(true));
    assert_eq!(
        body_holds(xpath, b"{}"),
        Err(StepError::CriterionNotEvaluated {
            criterion: "/order",
            message: "the context is not well-formed XML: Parse error: Parser error: unknown token at 1:1".to_string()
        })
    );
    let invalid = XPath::new("/order[", Version::XPath31);
    assert!(matches!(body_holds(invalid, ORDER), Err(StepError::InvalidCriterion { criterion: "/order[", .. })));
}

#[test]
fn a_criterion_on_a_value_reads_its_text() {
    let xpath = XPath::new("/order/item", Version::XPath31);
    let text = json!(std::str::from_utf8(ORDER).unwrap());
    assert_eq!(value_holds(xpath, Some(&text)), Ok(true));
    // No context, or a null one, does not hold (Arazzo 1.1: the condition fails).
    assert_eq!(value_holds(xpath, None), Ok(false));
    assert_eq!(value_holds(xpath, Some(&json!(null))), Ok(false));
    assert_eq!(
        value_holds(xpath, Some(&json!(42))),
        Err(StepError::CriterionNotEvaluated {
            criterion: "/order/item",
            message: "the context is a number, not XML text".to_string()
        })
    );
}

#[test]
fn a_context_longer_than_the_limit_is_not_parsed() {
    let mut xml = b"<a>".to_vec();
    xml.resize(DEFAULT_MAX_DOCUMENT_BYTES - 4, b'x');
    xml.extend_from_slice(b"</a>");
    assert_eq!(XPath::new("/a", Version::XPath31).test(&xml), Ok(true));
    xml.insert(3, b'x');
    assert_eq!(
        XPath::new("/a", Version::XPath31).test(&xml),
        Err(XPathError::TooLarge { bytes: DEFAULT_MAX_DOCUMENT_BYTES + 1, limit: DEFAULT_MAX_DOCUMENT_BYTES })
    );
}

#[test]
fn documents_nested_deeper_than_the_limit_are_not_parsed() {
    let nested = |depth: usize| format!("{}{}", "<a x='>'>".repeat(depth), "</a>".repeat(depth));
    assert_eq!(XPath::new("count(//a)", Version::XPath31).select(nested(MAX_DEPTH).as_bytes()), Ok(json!(MAX_DEPTH)));
    let error = XPath::new("count(//a)", Version::XPath31).test(nested(50_000).as_bytes()).unwrap_err();
    assert_eq!(
        error,
        XPathError::NotXml { message: format!("elements nest more than 256 levels deep (at byte {})", 256 * 9) }
    );
}

#[test]
fn the_depth_scan_skips_what_is_not_a_start_tag() {
    let wrapped = |inner: &str| format!("<r>{inner}</r>");
    for text in
        ["<!-- <a><a><a> -->", "<![CDATA[<a><a><a>]]>", "<?pi <a><a>?>", "<a/><a/><a/>", "<a b='<c>' c=\"/>\"/>"]
    {
        assert_eq!(too_deep(wrapped(text).as_bytes(), 1), None, "{text}");
    }
    assert_eq!(too_deep(b"<r><a></a><a><b/></a></r>", 2), None);
    assert_eq!(too_deep(b"<r><a><b></b></a></r>", 2), Some(6));
    // Unfinished markup is the parser's to report.
    assert_eq!(too_deep(b"<r><a", 1), None);
}

/// Peak memory and time of one evaluation on a large document (docs/BENCHMARKS.md, "XPath"):
/// `XML_BYTES=4000000 XML_SHAPE=keys|empty cargo test --release -p arazzo-runtime --features xpath
/// --lib xpath::tests::large_document_cost -- --ignored --nocapture`, one shape per process.
#[test]
#[ignore]
fn large_document_cost() {
    fn peak_mib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|line| line.starts_with("VmHWM")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() / 1024
    }
    let size: usize = std::env::var("XML_BYTES").unwrap().parse().unwrap();
    let item = match std::env::var("XML_SHAPE").unwrap().as_str() {
        "keys" => "<key><id>k_0123456789</id><name>key number</name><value>v_abcdefghijklmnop</value></key>",
        _ => "<e/>",
    };
    let mut xml = String::from("<list>");
    while xml.len() < size {
        xml.push_str(item);
    }
    xml.push_str("</list>");
    set_max_document_bytes(xml.len());
    let before = peak_mib();
    let start = std::time::Instant::now();
    let held = XPath::new("count(/list/*) > 0", Version::XPath31).test(xml.as_bytes()).unwrap();
    println!("{} KiB: peak {before} -> {} MiB, {:?}, {held}", xml.len() / 1024, peak_mib(), start.elapsed());
}

/// `expression` (with `$arazzo_v1`, ... for embedded expressions) on [`ORDER`], with `variables`.
fn test_with(expression: &'static str, variables: &[Variable<'_>]) -> Result<Option<bool>, XPathError> {
    XPath::new(expression, Version::XPath31).test_with(ORDER, variables)
}

#[test]
fn an_embedded_value_is_a_variable_never_text_of_the_expression() {
    // `//item[text() = '{$inputs.name}']`, written as a variable in a string context.
    let expression = "/order/item[text() = ($arazzo_v1)]";
    assert_eq!(test_with(expression, &[Variable::Text(Some(&json!("tea")))]), Ok(Some(true)));
    assert_eq!(test_with(expression, &[Variable::Text(Some(&json!("coffee")))]), Ok(Some(false)));
    // Pasted into the quotes, `' or '1'='1` would make the predicate always true; bound, it is the
    // string compared with each item's text.
    let hostile = json!("' or '1'='1");
    assert_eq!(test_with(expression, &[Variable::Text(Some(&hostile))]), Ok(Some(false)));
    assert_eq!(test_with(expression, &[Variable::Value(Some(&hostile))]), Ok(Some(false)));
    let with_quotes = b"<order><item>' or '1'='1</item></order>";
    let holds = XPath::new(expression, Version::XPath31).test_with(with_quotes, &[Variable::Text(Some(&hostile))]);
    assert_eq!(holds, Ok(Some(true)));
}

#[test]
fn values_are_bound_by_their_json_type() {
    // `/order/item[@price > {$inputs.min}]`: a number compares as a number.
    let above = "/order/item[@price > $arazzo_v1]";
    assert_eq!(test_with(above, &[Variable::Value(Some(&json!(2)))]), Ok(Some(true)));
    assert_eq!(test_with(above, &[Variable::Value(Some(&json!(2.5)))]), Ok(Some(false)));
    assert_eq!(test_with(above, &[Variable::Value(Some(&json!(u64::MAX)))]), Ok(Some(false)));
    // A string compares as a string: no price exceeds the number 10, but the text `2.5` sorts after `10`.
    assert_eq!(test_with(above, &[Variable::Value(Some(&json!(10)))]), Ok(Some(false)));
    assert_eq!(test_with(above, &[Variable::Value(Some(&json!("10")))]), Ok(Some(true)));
    assert_eq!(test_with("$arazzo_v1 instance of xs:string", &[Variable::Value(Some(&json!("10")))]), Ok(Some(true)));
    assert_eq!(test_with("$arazzo_v1 instance of xs:integer", &[Variable::Value(Some(&json!(10)))]), Ok(Some(true)));
    assert_eq!(test_with("$arazzo_v1 instance of xs:double", &[Variable::Value(Some(&json!(1.5)))]), Ok(Some(true)));
    assert_eq!(test_with("$arazzo_v1 instance of xs:boolean", &[Variable::Value(Some(&json!(false)))]), Ok(Some(true)));
    assert_eq!(test_with("empty($arazzo_v1)", &[Variable::Value(Some(&json!(null)))]), Ok(Some(true)));
    assert_eq!(test_with("$arazzo_v1 = '[1,2]'", &[Variable::Value(Some(&json!([1, 2])))]), Ok(Some(true)));
    // In a string literal, every value is its text.
    assert_eq!(test_with("$arazzo_v1 = '42'", &[Variable::Text(Some(&json!(42)))]), Ok(Some(true)));
    assert_eq!(test_with("$arazzo_v1 = 'null'", &[Variable::Text(Some(&json!(null)))]), Ok(Some(true)));
    // Several variables, in order.
    let both = "/order/item[@price = $arazzo_v1 and text() = $arazzo_v2]";
    let variables = [Variable::Value(Some(&json!(1))), Variable::Value(Some(&json!("milk")))];
    assert_eq!(test_with(both, &variables), Ok(Some(true)));
}

#[test]
fn an_absent_value_evaluates_nothing() {
    assert_eq!(test_with("true()", &[Variable::Value(None)]), Ok(None));
    assert_eq!(body_holds_with(XPath::new("true()", Version::XPath31), &[Variable::Text(None)], ORDER), Ok(false));
    let xpath = XPath::new("/order/item[text() = $arazzo_v1]", Version::XPath31);
    assert_eq!(xpath.select_with(ORDER, &[Variable::Value(None)]), Ok(json!(null)));
    assert_eq!(xpath.select_with(ORDER, &[Variable::Value(Some(&json!("milk")))]), Ok(json!("milk")));
    let xml = json!("<order><item>milk</item></order>");
    assert_eq!(select_value_with(xpath, &[Variable::Value(None)], Some(&xml)), Ok(None));
    assert_eq!(select_value_with(xpath, &[Variable::Value(Some(&json!("milk")))], Some(&xml)), Ok(Some(json!("milk"))));
    assert_eq!(value_holds_with(xpath, &[Variable::Value(Some(&json!("tea")))], Some(&xml)), Ok(false));
}

#[test]
fn the_same_expression_compiles_with_and_without_variables() {
    // The cache keys on the number of variables declared: `$arazzo_v1` is unknown without one.
    assert!(matches!(test("$arazzo_v1 = 1"), Err(XPathError::Invalid { .. })));
    assert_eq!(test_with("$arazzo_v1 = 1", &[Variable::Value(Some(&json!(1)))]), Ok(Some(true)));
}

/// XPath 1.0 has only doubles and no `null`: for `Version::XPath10` an integer is bound as an
/// `xs:double` (so `div 0` is infinity, not an error) and `null` is an absent value.
#[test]
fn xpath_1_0_values_are_bound_as_1_0_has_them() {
    let xml = b"<a/>";
    let xpath = XPath::new("$arazzo_v1 div 0 > 1 and $arazzo_v1 instance of xs:double", Version::XPath10);
    assert_eq!(xpath.test_with(xml, &[Variable::Value(Some(&json!(2)))]), Ok(Some(true)));
    let integer = XPath::new("$arazzo_v1 instance of xs:integer", Version::XPath31);
    assert_eq!(integer.test_with(xml, &[Variable::Value(Some(&json!(2)))]), Ok(Some(true)));
    let empty = "empty($arazzo_v1)";
    assert_eq!(XPath::new(empty, Version::XPath10).test_with(xml, &[Variable::Value(Some(&json!(null)))]), Ok(None));
    assert_eq!(
        XPath::new(empty, Version::XPath31).test_with(xml, &[Variable::Value(Some(&json!(null)))]),
        Ok(Some(true))
    );
}
