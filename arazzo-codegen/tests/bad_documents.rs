//! Bad documents give located errors, all of them at once, never a panic or a partial module.
//! Each expected line was checked by hand against the fixture (line, column and wording).

// Helpers outside `#[test]` functions fail the test by panicking, as tests do.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use arazzo_codegen::diagnostic::Renderer;
use arazzo_codegen::{Diagnostic, GenerateError, Options, check_file};

/// The rendered diagnostics of a fixture that must fail to check.
fn diagnostics(fixture: &str) -> Vec<String> {
    let path = format!("tests/fixtures/bad/{fixture}");
    match check_file(Path::new(&path), &Options::default(), &[]) {
        Ok(_) => panic!("{fixture} was accepted"),
        Err(GenerateError::Invalid { diagnostics, .. }) => diagnostics.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("{fixture}: unexpected error {other}"),
    }
}

#[test]
fn malformed_yaml_is_located() {
    assert_eq!(
        diagnostics("malformed.arazzo.yaml"),
        ["error: tests/fixtures/bad/malformed.arazzo.yaml:8:4: malformed YAML: while parsing a block collection, \
          did not find expected '-' indicator (at sourceDescriptions)"]
    );
}

/// The step's other expressions are still checked: fixing the operationId must not reveal more errors.
#[test]
fn an_unknown_operation_does_not_hide_the_steps_other_mistakes() {
    let file = "tests/fixtures/bad/unknown-operation-and-more.arazzo.yaml";
    assert_eq!(
        diagnostics("unknown-operation-and-more.arazzo.yaml"),
        [
            format!(
                "error: {file}:12:22: no source description has an operation `listPet`; closest: `listPets`, `getPet`, \
                 `createPet` (at workflows[0].steps[0].operationId)"
            ),
            format!(
                "error: {file}:16:20: `$steps.nope` names no step of this workflow; its steps are: `one` (at \
                 workflows[0].steps[0].parameters[0].value)"
            ),
            format!(
                "error: {file}:18:24: `$inputs.missing` is not a declared input; declared inputs: (none) (at \
                 workflows[0].steps[0].successCriteria[0].condition)"
            ),
        ]
    );
}

#[test]
fn unknown_operation_id_names_the_closest_ones() {
    assert_eq!(
        diagnostics("unknown-operation.arazzo.yaml"),
        ["error: tests/fixtures/bad/unknown-operation.arazzo.yaml:12:22: no source description has an operation \
          `listPet`; closest: `listPets`, `getPet`, `createPet` (at workflows[0].steps[0].operationId)"]
    );
}

#[test]
fn dangling_step_references_are_all_reported() {
    assert_eq!(
        diagnostics("dangling-step.arazzo.yaml"),
        [
            "error: tests/fixtures/bad/dangling-step.arazzo.yaml:23:20: step `create` has no output `id`; its outputs \
             are: `petId` (at workflows[0].steps[1].parameters[0].value)",
            "error: tests/fixtures/bad/dangling-step.arazzo.yaml:29:20: `$steps.nope` names no step of this workflow; \
             its steps are: `create`, `read`, `remove` (at workflows[0].steps[2].parameters[0].value)",
            "error: tests/fixtures/bad/dangling-step.arazzo.yaml:31:14: step `remove` has no output `gone`; its \
             outputs are: (none) (at workflows[0].outputs.later)",
        ]
    );
}

#[test]
fn undeclared_input_lists_the_declared_ones() {
    assert_eq!(
        diagnostics("undeclared-input.arazzo.yaml"),
        ["error: tests/fixtures/bad/undeclared-input.arazzo.yaml:20:20: `$inputs.petID` is not a declared input; \
          declared inputs: `petId` (at workflows[0].steps[0].parameters[0].value)"]
    );
}

#[test]
fn path_parameters_must_match_the_operation() {
    assert_eq!(
        diagnostics("missing-path-parameter.arazzo.yaml"),
        [
            "error: tests/fixtures/bad/missing-path-parameter.arazzo.yaml:14:11: path parameter `petId` of operation \
             `getPet` (/pets/{petId}) is not supplied (at workflows[0].steps[0].parameters)",
            "error: tests/fixtures/bad/missing-path-parameter.arazzo.yaml:14:19: operation `getPet` declares no path \
             parameter `petid`; it declares: `petId` (at workflows[0].steps[0].parameters[0].name)",
        ]
    );
}

#[test]
fn features_not_generated_yet_are_refused_not_ignored() {
    assert_eq!(
        diagnostics("not-yet-supported.arazzo.yaml"),
        [
            // Refused as meaningless rather than not generated: the step calls an operation, not a workflow.
            "error: tests/fixtures/bad/not-yet-supported.arazzo.yaml:14:24: `$outputs.x` reads an output of the \
             workflow a step calls (in that step's `outputs` or criteria) or an output written above (in a \
             workflow's `outputs`); a criterion has neither (at workflows[0].steps[0].successCriteria[0].condition)"
                .to_string(),
            "error: tests/fixtures/bad/not-yet-supported.arazzo.yaml:21:25: source `pets` is an OpenAPI description, \
             which has no workflows; give it `type: arazzo` if it is an Arazzo document (at workflows[0].steps[0].\
             onFailure[0].workflowId)"
                .to_string(),
        ]
    );
}

#[test]
fn version_remote_sources_and_misspelt_fields_are_errors() {
    assert_eq!(
        diagnostics("structure.arazzo.yaml"),
        [
            "error: tests/fixtures/bad/structure.arazzo.yaml:1:9: unsupported Arazzo version `2.0.0`; arazzo-rs reads \
             1.0.x and 1.1.x (at arazzo)",
            "error: tests/fixtures/bad/structure.arazzo.yaml:7:10: source description `pets` points at \
             `https://example.com/pets.yaml`, which is not a local file; arazzo-rs never fetches descriptions: map it \
             to a local copy (CLI `--source pets=PATH`, or `Builder::source`) (at sourceDescriptions[0].url)",
            "error: tests/fixtures/bad/structure.arazzo.yaml:13:9: unknown field `sucessCriteria`; fields that are not \
             in the specification must start with `x-`; did you mean `successCriteria`? (at \
             workflows[0].steps[0].sucessCriteria)",
        ]
    );
}

#[test]
fn workflows_that_call_each_other_are_refused() {
    assert_eq!(
        diagnostics("cycle.arazzo.yaml"),
        ["error: tests/fixtures/bad/cycle.arazzo.yaml:16:21: workflow `pong` calls `ping`, which calls back into it; \
          a cycle of workflow calls cannot be compiled (at workflows[1].steps[0].workflowId)"]
    );
}

#[test]
fn a_replacement_whose_target_has_no_parent_is_refused() {
    assert_eq!(
        diagnostics("replacement.arazzo.yaml"),
        ["error: tests/fixtures/bad/replacement.arazzo.yaml:17:23: `/owner/name` does not point into the payload \
          (its parent must exist) (at workflows[0].steps[0].requestBody.replacements[0].target)"]
    );
}

#[test]
fn json_pointers_never_turn_a_secret_into_plain_json() {
    assert_eq!(
        diagnostics("pointer-secret.arazzo.yaml"),
        [
            "error: tests/fixtures/bad/pointer-secret.arazzo.yaml:20:19: `$inputs.apiKey#/inner` points into a \
             secret, which would turn it into a plain value (at workflows[0].steps[0].requestBody.payload.name)",
            "error: tests/fixtures/bad/pointer-secret.arazzo.yaml:35:19: output `ownerToken` is named like a secret, \
             but a value at a JSON pointer is plain JSON that `Debug` would print; give the secret its own step \
             output (typed from the response schema) (at workflows[1].outputs.ownerToken)",
        ]
    );
}

/// Updates that target what earlier updates added would grow the document without bound.
#[test]
fn an_overlay_that_grows_the_document_without_bound_is_refused() {
    let overlay = arazzo_codegen::Overlay::load(Path::new("tests/fixtures/bad/growing.overlay.yml")).unwrap();
    let path = Path::new("tests/fixtures/features.arazzo.yaml");
    let result = check_file(path, &Options::default(), &[overlay]);
    let Err(GenerateError::Invalid { diagnostics, .. }) = result else { panic!("accepted") };
    let refused = diagnostics.iter().map(ToString::to_string).find(|line| line.contains("larger than"));
    assert!(
        refused.as_deref().is_some_and(|line| line.starts_with("error: tests/fixtures/bad/growing.overlay.yml:")),
        "{diagnostics:?}"
    );
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let result = check_file(Path::new("tests/fixtures/bad/does-not-exist.yaml"), &Options::default(), &[]);
    let Err(GenerateError::Invalid { diagnostics, .. }) = result else { panic!("accepted a missing file") };
    assert_eq!(diagnostics.len(), 1);
    assert!(
        diagnostics[0].to_string().starts_with("error: tests/fixtures/bad/does-not-exist.yaml: "),
        "{}",
        diagnostics[0]
    );
}

/// Every diagnostic of a document that must fail to check, as `check_file` returns them.
fn failing(path: &str) -> Vec<Diagnostic> {
    match check_file(Path::new(path), &Options::default(), &[]) {
        Ok(_) => panic!("{path} was accepted"),
        Err(GenerateError::Invalid { diagnostics, .. }) => diagnostics,
        Err(other) => panic!("{path}: unexpected error {other}"),
    }
}

/// The rustc-like text and the JSON lines of each case are golden files in `tests/diagnostics/`
/// (`EXPECTORATE=overwrite` rewrites them; each was checked by hand: line, column, underline, hints).
fn assert_rendered(case: &str, path: &str) {
    let diagnostics = failing(path);
    let mut renderer = Renderer::new();
    expectorate::assert_contents(format!("tests/diagnostics/{case}.txt"), &renderer.render_all(&diagnostics));
    let json: Vec<String> = diagnostics.iter().map(|diagnostic| renderer.json(diagnostic).to_string()).collect();
    expectorate::assert_contents(format!("tests/diagnostics/{case}.jsonl"), &(json.join("\n") + "\n"));
    // The JSON carries the same text, uncolored, and the same position as the one-line form.
    for (diagnostic, line) in diagnostics.iter().zip(&json) {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(renderer.render_all(std::slice::from_ref(diagnostic)).starts_with(value["rendered"].as_str().unwrap()));
        let location = diagnostic.location.unwrap();
        assert_eq!(
            (value["line"].as_u64(), value["column"].as_u64()),
            (Some(location.line as u64), Some(location.column as u64))
        );
    }
}

#[test]
fn a_dangling_step_output_shows_the_outputs_the_step_has() {
    assert_rendered("dangling-step", "tests/fixtures/bad/dangling-step.arazzo.yaml");
}

#[test]
fn an_unknown_operation_id_shows_the_closest_ones() {
    assert_rendered("unknown-operation", "tests/fixtures/bad/unknown-operation.arazzo.yaml");
}

#[test]
fn an_undeclared_input_shows_the_declared_ones() {
    assert_rendered("undeclared-input", "tests/fixtures/bad/undeclared-input.arazzo.yaml");
}

#[test]
fn malformed_yaml_points_at_the_parser_error() {
    assert_rendered("malformed", "tests/fixtures/bad/malformed.arazzo.yaml");
}

#[test]
fn a_field_of_the_wrong_type_is_underlined() {
    assert_rendered("type-error", "tests/diagnostics/type-error.arazzo.yaml");
}

/// Expressions inside longer strings and conditions are underlined exactly when the string maps one
/// to one onto the source (plain, quoted without escapes); an escaped or folded string is underlined
/// whole. Warnings and errors come sorted by position.
#[test]
fn expressions_inside_longer_strings_are_underlined_exactly() {
    assert_rendered("embedded", "tests/diagnostics/embedded.arazzo.yaml");
    assert_rendered("embedded-json", "tests/diagnostics/embedded.arazzo.json");
}

/// A syntax error points at the character where the parser stopped, inside the string.
#[test]
fn syntax_errors_point_at_the_character_the_parser_stopped_at() {
    assert_rendered("syntax", "tests/diagnostics/syntax.arazzo.yaml");
}

/// Arazzo 1.1 Selector Objects: a selector that is not valid for its type (an XPath one included,
/// with its nesting bound) is underlined at the character where it goes wrong; a context a selector
/// cannot read (an XPath selector on a JSON pointer of the body), a selection inside a secret, a
/// list of JSON values or an XPath result named like a secret, a JSONPath replacement target that
/// selects nothing, and replacements without a payload are each refused where they are written; a
/// JSON pointer selector is checked against the response schema as `$response.body#/...` is. (A
/// selector over the outputs of a called workflow, refused before, is generated now.)
#[test]
fn selectors_that_cannot_work_are_refused_where_they_are_written() {
    assert_rendered("selectors", "tests/diagnostics/selectors.arazzo.yaml");
}

#[test]
fn problems_in_the_document_and_in_its_openapi_description_are_each_located_in_their_file() {
    assert_rendered("two-files", "tests/diagnostics/two-files.arazzo.yaml");
}

/// A field of the wrong type is reported at its value, in plain words, and the rest of the document
/// is still checked: the misspelt `sucessCriteria` next to it is reported in the same run.
#[test]
fn a_wrong_type_does_not_hide_the_other_mistakes() {
    let file = "tests/fixtures/bad/wrong-type-and-typo.arazzo.yaml";
    assert_eq!(
        diagnostics("wrong-type-and-typo.arazzo.yaml"),
        [
            format!(
                "error: {file}:13:9: unknown field `sucessCriteria`; fields that are not in the specification must \
                 start with `x-`; did you mean `successCriteria`? (at workflows[0].steps[0].sucessCriteria)"
            ),
            format!(
                "error: {file}:18:25: expected a non-negative integer for `retryLimit`, found the string `ten` (at \
                 workflows[0].steps[0].onFailure[0].retryLimit)"
            ),
            format!(
                "error: {file}:25:23: expected a list of criteria for `criteria`, found the string `$statusCode == \
                 200` (at workflows[0].steps[1].onSuccess[0].criteria)"
            ),
            format!(
                "error: {file}:28:17: expected a runtime expression (a string) for `flag`, found `true` (at \
                 workflows[0].steps[1].outputs.flag)"
            ),
        ]
    );
}

/// A value that does not fit the schema it goes into (a string input for an integer property, a
/// literal outside an `enum`, an object payload without a required property, a list in a path
/// parameter) is refused where it is written, with notes where it comes from (the input's
/// declaration, the step output) and at the schema it does not fit.
#[test]
fn values_that_do_not_fit_the_operations_schemas_name_both_places() {
    assert_rendered("strict-types", "tests/diagnostics/strict-types.arazzo.yaml");
}

/// Arazzo 1.1's whole query strings, step timeouts and action parameters: what cannot be sent as
/// written (a `#`, JSON that is not JSON, query parameters beside a query string, a timeout of 0) and
/// what action parameters cannot give (an unknown input, `in`, a value of the wrong type, a required
/// input left out) are located errors; in a 1.0 document each is an error that says to declare 1.1.0.
#[test]
fn arazzo_1_1_query_strings_timeouts_and_action_parameters_are_checked_where_they_are_written() {
    assert_rendered("v1-1-requests-refused", "tests/diagnostics/v1-1-requests-refused.arazzo.yaml");
    assert_rendered("v1-0-requests", "tests/diagnostics/v1-0-requests.arazzo.yaml");
}

/// A step that calls a workflow: a component parameter with `in` (reported at the reference), one that
/// does not exist, an output the called workflow does not have; `$outputs.*` in a step that calls an
/// operation; a workflow parameter without `in` that no step can pass on.
#[test]
fn what_a_step_that_calls_a_workflow_cannot_be_given_or_read_is_located() {
    assert_rendered("calls-refused", "tests/diagnostics/calls-refused.arazzo.yaml");
}

/// `$response.body#/...` that no response schema of the step's success can reach: an error where
/// the schema is closed (`additionalProperties: false`, a string, an array read by name), a warning
/// with the closest property otherwise; the response of the expected status is the one that
/// counts (`404` below). A jsonpath filter on an object root can never match: a warning that says
/// how to test the root's field.
#[test]
fn response_pointers_and_filters_no_response_can_satisfy_are_reported() {
    assert_rendered("strict-pointers", "tests/diagnostics/strict-pointers.arazzo.yaml");
}

/// `requried` or `type: intger` would silently change the generated inputs.
#[test]
fn misspellings_inside_the_inputs_schema_are_refused_at_the_keyword() {
    assert_rendered("strict-inputs", "tests/diagnostics/strict-inputs.arazzo.yaml");
}

/// What is legitimately compatible passes without a word: an integer into a number or a string, a
/// schema without `type`, `format`s, `null`, a `oneOf` branch that fits, a scalar where a list is
/// expected, a `readOnly` required property left out, pointers through `allOf`, `$ref`s and array
/// items, filters over arrays, JSON Schema keywords of every draft OpenAPI uses and extensions.
#[test]
fn compatible_values_and_reachable_pointers_are_accepted_silently() {
    let path = Path::new("tests/diagnostics/strict-valid.arazzo.yaml");
    let checked = check_file(path, &Options::default(), &[]).unwrap_or_else(|error| panic!("{error}"));
    let warnings: Vec<String> = checked.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings, Vec::<String>::new());
}

#[test]
fn expressions_that_name_nothing_where_they_are_written_say_why() {
    let file = "tests/fixtures/bad/meaningless-expressions.arazzo.yaml";
    assert_eq!(
        diagnostics("meaningless-expressions.arazzo.yaml"),
        [
            format!(
                "error: {file}:15:53: `$response.header.X-Next` reads the response of this step, which does not exist \
                 while its request is being built; read an earlier step's output instead (`$steps.<id>.outputs.<name>`) \
                 (at workflows[0].steps[0].parameters[0].value)"
            ),
            format!(
                "error: {file}:17:49: `$url` reads the request this step sends, which is still being built: it has no \
                 value yet (write the value itself, or read an earlier step's `$request.*` output) (at workflows[0].\
                 steps[0].parameters[2].value[0])"
            ),
            format!(
                "error: {file}:24:17: `$self` is an Arazzo 1.1 expression, but this document declares `arazzo: 1.0.1`; \
                 declare `arazzo: 1.1.0` to use it (`arazzo-codegen upgrade` rewrites the document) (at workflows[0].steps[1].outputs.self)"
            ),
            format!(
                "error: {file}:25:20: `$request.header.X-Missing` reads a header this step does not send; the headers \
                 it sets: `X-Request-Id` (at workflows[0].steps[1].outputs.missing)"
            ),
            format!(
                "error: {file}:26:18: `$request.query.limit` reads a value the request leaves out when it is absent \
                 (an optional input, or a JSON pointer that may find nothing), so the step would fail then; make the \
                 input required (at workflows[0].steps[1].outputs.limit)"
            ),
            format!(
                "error: {file}:27:22: `$sourceDescriptions.pets.listPets` names the operation `listPets` of source \
                 `pets` (an operationId comes before the source's fields), which is not a value (at workflows[0].\
                 steps[1].outputs.operation)"
            ),
            format!(
                "error: {file}:28:21: `$components.parameters.page` names a reusable object of `components` (for \
                 `reference`), not a value (at workflows[0].steps[1].outputs.reusable)"
            ),
            format!(
                "error: {file}:30:15: `$statusCode` reads one step's request or response, but a workflow output \
                 belongs to no step; give the step an output `$statusCode` and read it here as `$steps.<id>.outputs.\
                 <name>` (at workflows[0].outputs.status)"
            ),
        ]
    );
}

#[test]
fn the_1_1_expression_grammar_is_checked_in_1_1_documents() {
    let file = "tests/fixtures/bad/expressions-1-1.arazzo.yaml";
    assert_eq!(
        diagnostics("expressions-1-1.arazzo.yaml"),
        [
            format!(
                "error: {file}:15:53: `$inputs.a b` is not an Arazzo 1.1 runtime expression: an input name `a b` must \
                 be letters, digits, `.`, `-` or `_` (1.1's `identifier`) (at workflows[0].steps[0].parameters[0].\
                 value)"
            ),
            format!(
                "error: {file}:17:24: `$self` has no value: this document declares no `$self` field, and the path of \
                 the file on this machine is not a URI generated code may depend on; declare `$self` with the \
                 document's URI (at workflows[0].steps[0].successCriteria[0].condition)"
            ),
            format!(
                "error: {file}:21:20: arazzo-rs does not generate code for AsyncAPI message expressions \
                 (`$message.payload`) yet, so this document cannot be compiled (at workflows[0].steps[1].outputs.\
                 message)"
            ),
        ]
    );
}

/// Arazzo 1.1 step `dependsOn` that cannot be met: a cycle (named, through an output read too), a
/// dependency written after its step in a workflow with actions, a `goto` that skips a dependency,
/// a step of a workflow that does not run in the same run, an unknown step, and (without any
/// `dependsOn`) a forward reference, which the sequential model refuses.
#[test]
fn step_dependencies_that_cannot_be_met_are_located() {
    let file = "tests/fixtures/bad/depends-on.arazzo.yaml";
    assert_eq!(
        diagnostics("depends-on.arazzo.yaml"),
        [
            format!(
                "error: {file}:13:21: these steps wait for each other, so none of them can ever start: `a` waits for \
                 `c` (lists it in `dependsOn`), `c` waits for `b` (lists it in `dependsOn`), `b` waits for `a` \
                 (reads its outputs) (at workflows[0].steps[0].dependsOn[0])"
            ),
            format!(
                "error: {file}:31:21: step `first` depends on step `second`, which is written after it: this workflow \
                 has success or failure actions, so its steps run one at a time in the order written; move `second` \
                 before `first` (at workflows[1].steps[0].dependsOn[0])"
            ),
            format!(
                "error: {file}:56:21: step `key` depends on step `eu`, but an action can lead to `key` without step \
                 `eu` having succeeded (at workflows[2].steps[2].dependsOn[0])"
            ),
            format!(
                "error: {file}:62:13: `$workflows.cycle.steps.b` is a step of workflow `cycle`, which does not run in \
                 a run of this workflow: a generated workflow cannot wait for another run. List `cycle` in the \
                 workflow's `dependsOn`, or depend on a step of this workflow that calls it (at \
                 workflows[3].steps[0].dependsOn[0])"
            ),
            format!(
                "error: {file}:63:13: `missing` names no step of workflow `other-run` (at \
                 workflows[3].steps[0].dependsOn[1])"
            ),
            format!(
                "error: {file}:64:13: `$workflows.skipped-by-goto.steps.nope` names no step of workflow \
                 `skipped-by-goto` (at workflows[3].steps[0].dependsOn[2])"
            ),
            format!(
                "error: {file}:72:20: `$steps.two.outputs.id` is used before step `two` has run (at \
                 workflows[4].steps[0].parameters[0].value)"
            ),
        ]
    );
}

/// Arazzo 1.1 fills runtime expressions embedded in regex, jsonpath and xpath conditions in before
/// evaluating; generated code fills them in as values, so each must stand where a value can. Where one
/// cannot, the error is at the expression, or at the character of the condition the problem is at.
#[test]
fn expressions_embedded_where_no_value_can_stand_are_refused_where_they_are_written() {
    let file = "tests/fixtures/bad/embedded-in-conditions.arazzo.yaml";
    assert_eq!(
        diagnostics("embedded-in-conditions.arazzo.yaml"),
        [
            format!(
                "error: {file}:22:27: `{{$inputs.prefix}}` stands for its value's text, matched literally as a \
                 whole, so it cannot stand inside a character class (`[...]`), a repetition (`{{n,m}}`), after a \
                 `\\` or in a comment (at workflows[0].steps[0].successCriteria[0].condition)"
            ),
            format!(
                "error: {file}:25:43: invalid regular expression: unclosed group (at \
                 workflows[0].steps[0].successCriteria[1].condition)"
            ),
            format!(
                "error: {file}:28:26: `{{$inputs.prefix` opens an embedded expression that is never closed with \
                 `}}` (at workflows[0].steps[0].successCriteria[2].condition)"
            ),
            format!(
                "error: {file}:31:38: `{{$inputs.prefix}}` cannot stand here: an expression embedded in a \
                 JSONPath query stands for a value in a filter, compared (`@.price < {{$inputs.max}}`) or passed \
                 to a function (`match(@.id, {{$inputs.pattern}})`), or inside a string literal there (`@.name \
                 == '{{$inputs.name}}'`); not in a name, an index or a slice (at \
                 workflows[0].steps[0].successCriteria[3].condition)"
            ),
            format!(
                "error: {file}:34:34: `{{$inputs.index}}` cannot stand here: an expression embedded in a \
                 JSONPath query stands for a value in a filter, compared (`@.price < {{$inputs.max}}`) or passed \
                 to a function (`match(@.id, {{$inputs.pattern}})`), or inside a string literal there (`@.name \
                 == '{{$inputs.name}}'`); not in a name, an index or a slice (at \
                 workflows[0].steps[0].successCriteria[4].condition)"
            ),
            format!(
                "error: {file}:37:47: `{{$inputs.tags}}` holds a list, which is not a JSONPath literal (a \
                 string, a number, true, false or null); compare one of its members, or put it in a string \
                 literal to compare its JSON text (at workflows[0].steps[0].successCriteria[5].condition)"
            ),
            format!(
                "error: {file}:45:43: `$inputs.nope` is not a declared input; declared inputs: `prefix`, \
                 `index`, `tags`, `apiToken` (at workflows[0].steps[1].successCriteria[0].condition)"
            ),
            format!(
                "error: {file}:48:63: `/receipt[@order = 'x{{$inputs.prefix}}']]` is not a valid XPath \
                 expression: Parse error (XPST0003) (at workflows[0].steps[1].successCriteria[1].condition)"
            ),
            format!(
                "error: {file}:55:71: `$inputs.apiToken` is or may hold a secret, which an XPath selector cannot \
                 embed: what it selects is plain JSON, which could be the secret's text; compare it in a success \
                 criterion instead (at workflows[0].steps[2].outputs.secret.selector)"
            ),
            format!(
                "error: {file}:56:75: `$statusCode` cannot be embedded in a selector; it may read the workflow's \
                 inputs (`$inputs.<name>`), earlier steps' outputs (`$steps.<id>.outputs.<name>`) and the \
                 outputs of `dependsOn` workflows (at workflows[0].steps[2].outputs.status.selector)"
            ),
        ]
    );
}

/// In a 1.0 document `{$...}` is not an embedded expression in a condition: the XPath error says to
/// declare 1.1.0 (regex and JSONPath conditions of 1.0 documents read the braces as written).
#[test]
fn an_expression_embedded_in_an_xpath_condition_of_a_1_0_document_asks_for_1_1() {
    let file = "tests/fixtures/bad/embedded-in-1-0-xpath.arazzo.yaml";
    assert_eq!(
        diagnostics("embedded-in-1-0-xpath.arazzo.yaml"),
        [format!(
            "error: {file}:21:42: `{{$inputs.min}}` embeds a runtime expression in an `xpath` condition, \
                 which is Arazzo 1.1, but this document declares `arazzo: 1.0.1`; declare `arazzo: 1.1.0` to use \
                 it (`arazzo-codegen upgrade` rewrites the document) (at \
                 workflows[0].steps[0].successCriteria[0].condition)"
        ),]
    );
}

/// Arazzo 1.1 pointers that can never hold a value, each located at the expression: a property an
/// input struct does not have (with the closest one), a member of a string, an array read by name, a
/// member of an integer or a property a closed schema excludes inside an input held as JSON (one an
/// open schema does not declare is a warning), an object holding a secret; `$request.body#/...` of a
/// payload written as JSON text at nothing or at a value that may be absent; and a step output reading
/// a called workflow's output it may not produce, or a member of a string output.
#[test]
fn pointers_that_can_never_hold_a_value_are_located() {
    assert_rendered("typed-pointers", "tests/diagnostics/typed-pointers.arazzo.yaml");
}

/// Values that may be `null` and string enums where they cannot go: a comparison of an input enum
/// with a value it does not list (a warning: the comparison is constant), an enum input given a
/// literal it does not list, a string, or a value that may be `null` for an input that may not be;
/// warnings for a value that may be `null` in a path or required parameter (the step fails before
/// sending when it is) and in a JSON body property whose schema does not allow `null` (sent as
/// `null`), and nothing for an optional parameter (left out), a property that allows `null`, or a
/// `null` literal.
#[test]
fn enums_and_nullable_values_that_cannot_fit_are_located() {
    assert_rendered("types-refused", "tests/diagnostics/types-refused.arazzo.yaml");
}

/// Runtime expressions embedded in JSONPath Selector Objects (1.1) stand where they may in `jsonpath`
/// criteria, and read what an XPath selector's may: each one elsewhere is refused at the expression
/// (a name, an index, a list standing alone, `$statusCode`, a secret, in step and workflow outputs,
/// with the draft version too), and a query that does not parse at the character it breaks at.
#[test]
fn expressions_embedded_in_jsonpath_selectors_are_refused_where_no_value_can_stand() {
    let file = "tests/fixtures/bad/embedded-in-jsonpath-selector.arazzo.yaml";
    let where_values_stand = "cannot stand here: an expression embedded in a JSONPath query stands for a value in a \
                              filter, compared (`@.price < {$inputs.max}`) or passed to a function (`match(@.id, \
                              {$inputs.pattern})`), or inside a string literal there (`@.name == '{$inputs.name}'`); \
                              not in a name, an index or a slice";
    let secret = "is or may hold a secret, which a JSONPath selector cannot embed: what it selects is plain JSON, \
                  which could be the secret's text; compare it in a success criterion instead";
    assert_eq!(
        diagnostics("embedded-in-jsonpath-selector.arazzo.yaml"),
        [
            format!(
                "error: {file}:21:69: `{{$inputs.wanted}}` {where_values_stand} (at \
                 workflows[0].steps[0].outputs.byName.selector)"
            ),
            format!(
                "error: {file}:22:66: `{{$inputs.index}}` {where_values_stand} (at \
                 workflows[0].steps[0].outputs.byIndex.selector)"
            ),
            format!(
                "error: {file}:23:74: `{{$inputs.tags}}` holds a list, which is not a JSONPath literal (a string, \
                 a number, true, false or null); compare one of its members, or put it in a string literal to \
                 compare its JSON text (at workflows[0].steps[0].outputs.tagged.selector)"
            ),
            format!("error: {file}:24:74: `$inputs.token` {secret} (at workflows[0].steps[0].outputs.secret.selector)"),
            format!(
                "error: {file}:25:77: `$statusCode` cannot be embedded in a selector; it may read the workflow's \
                 inputs (`$inputs.<name>`), earlier steps' outputs (`$steps.<id>.outputs.<name>`) and the outputs \
                 of `dependsOn` workflows (at workflows[0].steps[0].outputs.status.selector)"
            ),
            format!(
                "error: {file}:26:92: `$.orders[?@.id == {{$inputs.wanted}}` is not a JSONPath query (RFC 9535): \
                 at position 34, in long-hand segment, expected closing ']' (at \
                 workflows[0].steps[0].outputs.unclosed.selector)"
            ),
            format!(
                "error: {file}:29:33: `{{$inputs.index}}` {where_values_stand} (at \
                 workflows[0].steps[0].outputs.draft.selector)"
            ),
            format!("error: {file}:33:82: `$inputs.token` {secret} (at workflows[0].outputs.secretStatus.selector)"),
        ]
    );
}

/// What an `xpath-10`, `xpath-20` or `xpath-30` expression uses that its version does not have is
/// refused at the construct, naming the version that brought it: in criteria, XPath Selector Objects
/// and replacement targets.
#[test]
fn xpath_constructs_newer_than_the_declared_version_are_located() {
    assert_rendered("xpath-versions", "tests/diagnostics/xpath-versions.arazzo.yaml");
}
