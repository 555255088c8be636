//! The specification's own examples (`../shared/conformance/oai-examples`): each either generates a
//! module that compiles (its golden file is compiled by `generated/tests/ui/pass_oauth_golden.rs`) or
//! is refused with located errors that name real defects of the document, as listed in the
//! conformance README. Every expected line was checked by hand against the example's text.

// Helpers outside `#[test]` functions fail the test by panicking, as tests do.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arazzo_codegen::{GenerateError, Options, check_file, generate_file};

fn examples() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/oai-examples");
    dir.exists().then_some(dir)
}

fn options(name: &str, sources: &[(&str, PathBuf)]) -> Options {
    Options {
        sources: sources.iter().map(|(source, path)| (source.to_string(), path.clone())).collect::<BTreeMap<_, _>>(),
        display_name: Some(format!("oai-examples/{name}")),
        ..Options::default()
    }
}

/// The diagnostics of an example that must be refused, with the examples folder shortened away.
fn refused(name: &str, sources: &[(&str, PathBuf)]) -> Vec<String> {
    let Some(dir) = examples() else { return Vec::new() };
    match check_file(&dir.join(name), &options(name, sources), &[]) {
        Ok(_) => panic!("{name} was accepted"),
        Err(GenerateError::Invalid { diagnostics, .. }) => diagnostics
            .iter()
            .map(|diagnostic| diagnostic.to_string().replace(&format!("{}/", dir.display()), ""))
            .collect(),
        Err(other) => panic!("{name}: {other}"),
    }
}

fn assert_has(diagnostics: &[String], expected: &str) {
    assert!(
        diagnostics.iter().any(|line| line == expected),
        "missing\n  {expected}\nin\n  {}",
        diagnostics.join("\n  ")
    );
}

#[test]
fn oauth_generates_the_golden_module() {
    let Some(dir) = examples() else { return };
    let generated = generate_file(&dir.join("oauth.arazzo.yaml"), &options("oauth.arazzo.yaml", &[]), &[])
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(generated.module, "oauth");
    expectorate::assert_contents("tests/golden/oauth.rs", &generated.source);
    // Form bodies, a nested workflow whose outputs come through `$outputs.*`, and jsonpath criteria.
    for expected in [".form_body(", "let called = match self::authorization_code_flow(", "jsonpath_match("] {
        assert!(generated.source.contains(expected), "missing `{expected}`");
    }
}

#[test]
fn bnpl_is_refused_for_its_broken_references() {
    let Some(dir) = examples() else { return };
    let found = refused("bnpl-arazzo.yaml", &[("BnplApi", dir.join("bnpl-openapi.yaml"))]);
    // The step feeds its own parameter from itself...
    assert_has(
        &found,
        "error: bnpl-arazzo.yaml:231:16: step `authenticateCustomerAndAuthorizeLoan` cannot use its own output \
         `redirectAuthToken`: it does not exist before the step has run (at workflows[0].steps[4].parameters[0].value)",
    );
    // ...under a name the operation does not declare.
    assert_has(
        &found,
        "warning: bnpl-arazzo.yaml:229:15: operation `getAuthorization` declares no query parameter \
         `redirectAuthToken`; it declares: `AuthorizationToken` (at workflows[0].steps[4].parameters[0].name)",
    );
    // An output that is never declared, used twice.
    for (line, step) in [(242, 5), (253, 6)] {
        assert_has(
            &found,
            &format!(
                "error: bnpl-arazzo.yaml:{line}:16: step `initiateBnplTransaction` has no output `loanTransactionId`; \
                 its outputs are: `redirectAuthToken`, `loanTransactionResourceUrl` (at workflows[0].steps[{step}].\
                 parameters[0].value)"
            ),
        );
    }
    // A workflow output without `.outputs.`.
    assert_has(
        &found,
        "error: bnpl-arazzo.yaml:260:27: `$steps.retrieveFinalizedPaymentPlan.finalizedPaymentPlan` does not name a \
         step output; write `$steps.retrieveFinalizedPaymentPlan.outputs.<name>` (at workflows[0].outputs.\
         finalizedPaymentPlan)",
    );
}

#[test]
fn pet_coupons_is_refused_for_its_parameter_names_and_status_criteria() {
    let found = refused("pet-coupons.arazzo.yaml", &[]);
    if found.is_empty() {
        return;
    }
    assert_has(
        &found,
        "warning: pet-coupons.arazzo.yaml:26:19: operation `findPetsByTags` declares no query parameter `pet_tags`; \
         it declares: `tags` (at workflows[0].steps[0].parameters[0].name)",
    );
    assert_has(
        &found,
        "error: pet-coupons.arazzo.yaml:40:19: operation `getPetCoupons` declares no path parameter `pet_id`; it \
         declares: `petId` (at workflows[0].steps[1].parameters[0].name)",
    );
    for (line, workflow, step) in [(56, 0, 2), (91, 1, 1)] {
        assert_has(
            &found,
            &format!(
                "error: pet-coupons.arazzo.yaml:{line}:24: a step that calls a workflow has no HTTP response: \
                 `$statusCode`, `$response` and regex or jsonpath criteria on them cannot apply (at \
                 workflows[{workflow}].steps[{step}].successCriteria[0].condition)"
            ),
        );
    }
}

#[test]
fn fapi_par_is_refused_for_its_misspelt_operation_id() {
    let found = refused("FAPI-PAR.arazzo.yaml", &[]);
    if found.is_empty() {
        return;
    }
    assert_has(
        &found,
        "error: FAPI-PAR.arazzo.yaml:102:22: source `auth-api` has no operation `PAR` (operationIds are \
         case-sensitive); closest: `Par`, `JWKS`, `Token` (at workflows[0].steps[0].operationId)",
    );
}

#[test]
fn login_and_retrieve_pets_is_refused_for_an_operation_path_without_a_method() {
    let petstore = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conformance/petstore.openapi.yaml");
    let found = refused("LoginAndRetrievePets.arazzo.yaml", &[("petStoreDescription", petstore)]);
    if found.is_empty() {
        return;
    }
    assert_eq!(
        found,
        [
            // The petstore's server is relative: the generated client cannot guess where it lives.
            "warning: LoginAndRetrievePets.arazzo.yaml:10:8: the first server of source `petStoreDescription` is \
             `/api/v3`, a relative URL: set its base URL (`with_base_url`) before running the workflows (at \
             sourceDescriptions[0].url)",
            "error: LoginAndRetrievePets.arazzo.yaml:46:20: `#/paths/~1pet~1findByStatus` does not point at an \
             operation of source `petStoreDescription` (it must end in a method such as `/get`) (at workflows[0].\
             steps[1].operationPath)",
        ]
    );
}

#[test]
fn extended_parameters_example_is_refused_for_its_missing_source() {
    let found = refused("ExtendedParametersExample.arazzo.yaml", &[]);
    if found.is_empty() {
        return;
    }
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "error: ExtendedParametersExample.arazzo.yaml:8:10: cannot load the OpenAPI description of source \
             `animals`: "
        ),
        "{found:?}"
    );
}
