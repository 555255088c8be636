//! XPath (issue 15): `xpath` criteria on XML bodies and XPath replacement targets on XML payloads
//! written as text. The generated modules are golden (`tests/golden/xpath.rs`, run end to end by
//! `tests/tests/xpath.rs`, and `tests/golden/xpath-1-1.rs`), and what cannot be generated is refused
//! where it is written (`tests/diagnostics/xpath-refused.txt`).

// Helpers outside `#[test]` functions fail the test by panicking, as tests do.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use arazzo_codegen::diagnostic::Renderer;
use arazzo_codegen::{GenerateError, Generated, Options, check_file, generate_file};

fn generate(path: &str) -> Generated {
    let options = Options { display_name: Some(path.to_string()), ..Options::default() };
    match generate_file(Path::new(path), &options, &[]) {
        Ok(generated) => generated,
        Err(error) => panic!("{path} did not generate:\n{error}"),
    }
}

#[test]
fn xpath_criteria_and_replacements_of_a_1_0_document_generate_the_golden_module() {
    let generated = generate("tests/fixtures/xpath.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/xpath.rs", &generated.source);
    for expected in [
        // The module needs the runtime's `xpath` feature, and says so once.
        "::arazzo_runtime::require_xpath!();",
        // The whole body is read as XML, never as JSON; the version is the document's.
        "::arazzo_runtime::xpath::body_holds(\n",
        "\"/Envelope/Status[text()='OK']\",\n",
        "::arazzo_runtime::xpath::Version::XPath31,",
        "::arazzo_runtime::xpath::Version::XPath20,",
        "::arazzo_runtime::xpath::Version::XPath30,",
        // The criterion is quoted with what it applies to.
        "\"/Envelope/Status[text()='OK'] (xpath on $response.body)\"",
    ] {
        assert!(generated.source.contains(expected), "missing `{expected}` in:\n{}", generated.source);
    }
    assert_eq!(generated.source.matches("require_xpath!").count(), 1);
}

#[test]
fn expression_type_objects_and_target_selector_types_of_a_1_1_document_generate_the_golden_module() {
    let generated = generate("tests/fixtures/xpath-1-1.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/xpath-1-1.rs", &generated.source);
    // A context that is an input holding XML text.
    assert!(generated.source.contains("::arazzo_runtime::xpath::value_holds(\n"), "{}", generated.source);
}

/// A module whose only XPath is a Selector Object (no `xpath` criterion) still needs the runtime's
/// `xpath` feature, and says so once: with a selector as a step output, and as a parameter value.
#[test]
fn a_module_using_xpath_only_in_a_selector_requires_the_xpath_feature() {
    const STEP_OUTPUT: &str = "        outputs:
          id: {context: $response.body, selector: /order/@id, type: xpath}
";
    const PARAMETER: &str = "          - name: receipt
            in: query
            value: {context: $inputs.xml, selector: string(/receipt/@number), type: xpath}
";
    let openapi = format!("{}/tests/fixtures/xpath.openapi.yaml", env!("CARGO_MANIFEST_DIR"));
    for (what, parameter, output) in [("a step output", "", STEP_OUTPUT), ("a parameter", PARAMETER, "")] {
        let text = format!(
            "arazzo: 1.1.0
info: {{title: Selectors only, version: 1.0.0}}
sourceDescriptions:
  - {{name: orders, url: {openapi}}}
workflows:
  - workflowId: only-selectors
    inputs:
      type: object
      properties:
        xml: {{type: string}}
    steps:
      - stepId: put
        operationId: putOrder
        parameters:
          - {{name: orderId, in: path, value: '1'}}
{parameter}        requestBody: {{contentType: application/xml, payload: <order/>}}
{output}"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("selectors-only.arazzo.yaml");
        std::fs::write(&path, &text).unwrap();
        let generated = generate(path.to_str().unwrap());
        let source = &generated.source;
        assert!(!source.contains("_holds("), "{what}: no xpath criterion");
        assert!(source.contains("::arazzo_runtime::xpath::XPath::new("), "{what}:\n{source}");
        assert_eq!(source.matches("::arazzo_runtime::require_xpath!();").count(), 1, "{what}:\n{source}");
    }
}

/// `xpath-10` criteria are translated into the XPath 3.1 expressions with their 1.0 meaning, with
/// no warning: the golden module is run end to end by `tests/tests/xpath.rs`.
#[test]
fn xpath_10_criteria_generate_the_golden_module_with_their_1_0_meaning() {
    let generated = generate("tests/fixtures/xpath-10.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/xpath-10.rs", &generated.source);
    for expected in [
        // Named as written, evaluated as translated: the attribute and '9' compared as numbers, the
        // first Item's text.
        "::arazzo_runtime::xpath::XPath::xpath_10(\n",
        "\"/Envelope/Queue/@size > '9' and starts-with(/Envelope/Queue/Item, 'first')\",\n",
        "9e0",
        "starts-with(string((/Envelope/Queue/Item)[1]), 'first')",
        "starts-with(/Envelope/Queue/Item, 'first') (xpath on $response.body)",
    ] {
        assert!(generated.source.contains(expected), "missing `{expected}` in:\n{}", generated.source);
    }
    // The seed fixture's `xpath-20` criterion declared `xpath-10` generates without a warning too.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("tests/fixtures/xpath.arazzo.yaml")
        .unwrap()
        .replace("version: xpath-20", "version: xpath-10")
        .replace("./xpath.openapi.yaml", &format!("{}/tests/fixtures/xpath.openapi.yaml", env!("CARGO_MANIFEST_DIR")));
    let path = dir.path().join("xpath-10.arazzo.yaml");
    std::fs::write(&path, text).unwrap();
    let generated = generate(path.to_str().unwrap());
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    assert!(generated.source.contains("\"number(count(/Envelope/Queue/Item)) < 10e0\""), "{}", generated.source);
}

#[test]
fn xpath_that_cannot_be_generated_is_refused_where_it_is_written() {
    let path = "tests/diagnostics/xpath-refused.arazzo.yaml";
    let diagnostics = match check_file(Path::new(path), &Options::default(), &[]) {
        Ok(_) => panic!("{path} was accepted"),
        Err(GenerateError::Invalid { diagnostics, .. }) => diagnostics,
        Err(other) => panic!("{path}: {other}"),
    };
    expectorate::assert_contents("tests/diagnostics/xpath-refused.txt", &Renderer::new().render_all(&diagnostics));
}

/// Runtime expressions embedded in regex, jsonpath and xpath conditions and in JSONPath and XPath
/// selectors (Arazzo 1.1) are values, never text of the pattern or query: the golden module is run
/// end to end by `tests/tests/embedded.rs`.
#[test]
fn expressions_embedded_in_conditions_and_selectors_generate_the_golden_module() {
    let generated = generate("tests/fixtures/embedded-1-1.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/embedded-1-1.rs", &generated.source);
    for expected in [
        // The pattern's text and the value, apart.
        "::arazzo_runtime::condition::embedded::regex_match(\n",
        "::arazzo_runtime::condition::embedded::Piece::Text(\"^\"),\n",
        "::arazzo_runtime::condition::embedded::Piece::Value(\n",
        "::arazzo_runtime::condition::embedded::Piece::Quoted(\n",
        // XPath variables: the expression names them, the values are bound.
        "\"/receipt[@order = ($arazzo_v1) and total >= $arazzo_v2]\"",
        "::arazzo_runtime::xpath::Variable::Text(\n",
        ".xpath_output_with(",
        // JSONPath selectors: the query's text and the value, apart; a node list.
        ".select_all_with(\n",
        "::arazzo_runtime::condition::embedded::Piece::Text(\"].price\"),\n",
        ".jsonpath_nodes_with(\n",
        "'\\'',\n",
        // The criterion is named as written, embedded expressions and all.
        "\"^{$inputs.batch}-[0-9]+$ (regex on $response.header.X-Batch)\"",
    ] {
        assert!(generated.source.contains(expected), "missing `{expected}` in:\n{}", generated.source);
    }
}

/// In a 1.1 document an `xpath-10` condition may embed runtime expressions: a value alone is a
/// variable whose type the translation tests at run time, one inside a string literal is text joined
/// to the literal's (the generator's own `||`, written as `concat()`).
#[test]
fn an_xpath_10_condition_with_embedded_expressions_is_translated() {
    let openapi = format!("{}/tests/fixtures/xpath.openapi.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = format!(
        "arazzo: 1.1.0
info: {{title: Embedded in XPath 1.0, version: 1.0.0}}
sourceDescriptions:
  - {{name: orders, url: {openapi}}}
workflows:
  - workflowId: embedded
    inputs:
      type: object
      properties:
        id: {{type: string}}
        size: {{type: integer}}
    steps:
      - stepId: status
        operationId: getStatus
        successCriteria:
          - context: $response.body
            condition: \"/Envelope/Queue[@id = 'q-{{$inputs.id}}' and @size > {{$inputs.size}}]\"
            type: {{type: xpath, version: xpath-10}}
"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("embedded-xpath-10.arazzo.yaml");
    std::fs::write(&path, &text).unwrap();
    let generated = generate(path.to_str().unwrap());
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    for expected in [
        "\"/Envelope/Queue[@id = ('q-' || $arazzo_v1) and @size > $arazzo_v2]\",\n",
        "concat('q-', $arazzo_v1)",
        "if ($arazzo_v2 instance of xs:boolean)",
        "::arazzo_runtime::xpath::Variable::Text(",
    ] {
        assert!(generated.source.contains(expected), "missing `{expected}` in:\n{}", generated.source);
    }
}
