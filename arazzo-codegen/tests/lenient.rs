//! Tolerant readings (issue 14): idioms published documents write against the letter of Arazzo 1.0.1
//! or OpenAPI, with one meaning. Each compiles with a warning naming the specification's spelling
//! (golden text in `tests/diagnostics/lenient.txt`), the generated module is golden
//! (`tests/golden/lenient.rs`, run end to end by `tests/tests/lenient.rs`), and forms with two
//! readings are located errors saying how to write them (`tests/diagnostics/lenient-refused.txt`).

// Helpers outside `#[test]` functions fail the test by panicking, as tests do.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use arazzo_codegen::diagnostic::Renderer;
use arazzo_codegen::{GenerateError, Options, check_file, generate_file};

#[test]
fn tolerant_readings_generate_with_one_warning_each() {
    let path = "tests/fixtures/lenient.arazzo.yaml";
    let options = Options { display_name: Some(path.to_string()), ..Options::default() };
    let generated = match generate_file(Path::new(path), &options, &[]) {
        Ok(generated) => generated,
        Err(error) => panic!("{path} did not generate:\n{error}"),
    };
    expectorate::assert_contents("tests/golden/lenient.rs", &generated.source);
    expectorate::assert_contents("tests/diagnostics/lenient.txt", &Renderer::new().render_all(&generated.warnings));
    assert!(generated.warnings.iter().all(|warning| !warning.is_error()));
    // The comparison runs as a filter on the context itself; optional inputs are required by the request.
    for expected in [
        "::arazzo_runtime::condition::jsonpath_test(\n",
        "\"$[?@.ok == true && @.status == 'ready']\"",
        ".require(\"inputs.bucket\", &inputs.bucket)",
        ".require(\"inputs.note\", &inputs.note)",
    ] {
        assert!(generated.source.contains(expected), "{expected}");
    }
}

/// A step calling a workflow of an Arazzo source whose name it writes in another case reads the
/// source as an operation's reference does: one warning, and the same client as the exact name.
#[test]
fn a_called_workflow_source_named_in_another_case_is_read_with_a_warning() {
    let path = "tests/fixtures/foreign-case.arazzo.yaml";
    let options = Options { display_name: Some(path.to_string()), ..Options::default() };
    let generated = match generate_file(Path::new(path), &options, &[]) {
        Ok(generated) => generated,
        Err(error) => panic!("{path} did not generate:\n{error}"),
    };
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [format!(
            "warning: {path}:22:21: no source description is named `PetFlows`, but one is named `petFlows`; names are \
             case-sensitive. Read as `petFlows` (at workflows[0].steps[0].workflowId)"
        )]
    );
    let exact = "tests/fixtures/foreign.arazzo.yaml";
    let exact = match generate_file(Path::new(exact), &Options::default(), &[]) {
        Ok(generated) => generated,
        Err(error) => panic!("{exact} did not generate:\n{error}"),
    };
    // Past the module's header (its title and name), the two modules are the same text.
    let body =
        |source: &str| source[source.find("pub struct Config").unwrap_or(0)..].replace("foreign_case::", "foreign::");
    assert!(body(&generated.source) == body(&exact.source), "the module differs from foreign.arazzo.yaml's");
}

#[test]
fn comparisons_with_two_readings_are_refused_with_the_rfc_9535_spelling() {
    let path = "tests/diagnostics/lenient-refused.arazzo.yaml";
    let diagnostics = match check_file(Path::new(path), &Options::default(), &[]) {
        Ok(_) => panic!("{path} was accepted"),
        Err(GenerateError::Invalid { diagnostics, .. }) => diagnostics,
        Err(other) => panic!("{path}: {other}"),
    };
    expectorate::assert_contents("tests/diagnostics/lenient-refused.txt", &Renderer::new().render_all(&diagnostics));
}

/// A workflow without `inputs` reads them wherever it writes expressions (payloads, selectors' contexts,
/// criteria, the components it uses, its own `parameters` and `outputs`, and in 1.1 the values
/// embedded in regex, JSONPath and XPath texts): one warning per input, at its first use in the file.
#[test]
fn a_workflow_without_inputs_takes_every_input_it_reads() {
    let path = "tests/diagnostics/implicit-inputs.arazzo.yaml";
    let generated = match generate_file(Path::new(path), &Options::default(), &[]) {
        Ok(generated) => generated,
        Err(error) => panic!("{path} did not generate:\n{error}"),
    };
    expectorate::assert_contents(
        "tests/diagnostics/implicit-inputs.txt",
        &Renderer::new().render_all(&generated.warnings),
    );
    assert!(generated.warnings.iter().all(|warning| !warning.is_error()));
    for expected in [
        "pub tags: ::arazzo_runtime::serde_json::Value,",
        "pub stop_after_create: ::arazzo_runtime::serde_json::Value,",
        // Only ever embedded in strings: text.
        "pub run_id: ::std::string::String,",
        "pub limit: ::arazzo_runtime::serde_json::Value,",
        "pub pet: ::arazzo_runtime::serde_json::Value,",
        "pub pattern: ::arazzo_runtime::serde_json::Value,",
        "pub echo: ::arazzo_runtime::serde_json::Value,",
        // Embedded in a regex (1.1 fills it in): text; in JSONPath queries: any JSON value.
        "pub status_prefix: ::std::string::String,",
        "pub wanted_name: ::arazzo_runtime::serde_json::Value,",
        "pub wanted_tag: ::arazzo_runtime::serde_json::Value,",
    ] {
        assert!(generated.source.contains(expected), "{expected}");
    }
    // Compiled by generated/tests/ui/pass_implicit_inputs_golden.rs.
    expectorate::assert_contents("tests/golden/implicit-inputs.rs", &generated.source);
}

#[test]
fn xml_payloads_written_as_objects_generate_with_one_warning_each() {
    let path = "tests/fixtures/lenient-xml.arazzo.yaml";
    let options = Options { display_name: Some(path.to_string()), ..Options::default() };
    let generated = match generate_file(Path::new(path), &options, &[]) {
        Ok(generated) => generated,
        Err(error) => panic!("{path} did not generate:\n{error}"),
    };
    expectorate::assert_contents("tests/golden/lenient-xml.rs", &generated.source);
    expectorate::assert_contents("tests/diagnostics/lenient-xml.txt", &Renderer::new().render_all(&generated.warnings));
    assert_eq!(generated.warnings.len(), 3);
    assert!(generated.warnings.iter().all(|warning| !warning.is_error()));
    // The media type is the step's `contentType`, else the operation's (its first).
    assert_eq!(generated.source.matches(".xml_body(").count(), 3);
    for expected in [
        ".xml_body(\n",
        "\"application/xml\",\n",
        "\"text/xml\",\n",
        "(\"application/vnd.buckets.policy+xml\", &inputs.policy)",
    ] {
        assert!(generated.source.contains(expected), "{expected}");
    }
}

#[test]
fn xml_payloads_without_an_xml_form_are_refused_where_they_are_written() {
    let path = "tests/diagnostics/lenient-xml-refused.arazzo.yaml";
    let diagnostics = match check_file(Path::new(path), &Options::default(), &[]) {
        Ok(_) => panic!("{path} was accepted"),
        Err(GenerateError::Invalid { diagnostics, .. }) => diagnostics,
        Err(other) => panic!("{path}: {other}"),
    };
    expectorate::assert_contents(
        "tests/diagnostics/lenient-xml-refused.txt",
        &Renderer::new().render_all(&diagnostics),
    );
}
