//! The official Arazzo 1.1 schema tests (`../shared/conformance/oai-1.1`): what arazzo-rs does with every
//! document, in one table.
//!
//! - `fail/` documents break the 1.1 schema: each is refused with located errors that name why (every
//!   expected line was checked by hand against the document and the schema).
//! - `pass/` documents either generate a module (its golden file is compiled under `#![deny(warnings)]` by
//!   `generated/tests/ui/pass_oai_1_1_golden.rs`) or are refused with located errors: a 1.1 feature that
//!   is not generated yet (named), AsyncAPI steps (not generated yet), or a real defect of the document
//!   (the `characterization-*` ones are schema-valid on purpose but wrong, and a few others are too).
//!
//! The remote OpenAPI descriptions the documents name do not exist; they are mapped to
//! `tests/fixtures/oai-1.1/api.openapi.yaml`, or to the OAI examples' own descriptions where the
//! document is one of the specification's examples. When a feature becomes generated, its documents
//! move from `Refused` to `Generates` here.

// Helpers outside `#[test]` functions fail the test by panicking, as tests do.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arazzo_codegen::{GenerateError, Options, generate_file};

fn suite() -> Option<PathBuf> {
    // Spelled without `..`, as the generator spells the files it reads in its messages.
    let dir = arazzo_codegen::paths::normalize(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/oai-1.1"),
    );
    dir.exists().then_some(dir)
}

/// What arazzo-rs does with a document.
enum Outcome {
    /// Generates the module of this name (golden file `tests/golden/oai-1.1/<module>.rs`).
    Generates(&'static str),
    /// Refused with exactly these errors (`line:column: message (at json path)`), warnings aside.
    Refused(&'static [&'static str]),
}

use Outcome::{Generates, Refused};

/// Every document of the suite and what happens to it.
const EXPECTED: &[(&str, Outcome)] = &[
    (
        "fail/async-both-operationId-and-channelPath.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `eventAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "12:9: a step needs exactly one of `operationId`, `operationPath`, `channelPath` and `workflowId` (at workflows[0].steps[0])",
        ]),
    ),
    (
        "fail/async-channelPath-without-action.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `eventAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "12:9: a step that sends or receives AsyncAPI messages needs `action` (`send` or `receive`) (at workflows[0].steps[0])",
            "13:22: `orders` is not of the form `{$sourceDescriptions.<name>.url}#/channels/<channel>` naming an AsyncAPI source description (at workflows[0].steps[0].channelPath)",
        ]),
    ),
    (
        "fail/async-depends-on-duplicate-values.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `eventAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:17: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[0].action)",
            "17:17: arazzo-rs does not generate code for AsyncAPI steps (`action: receive`) yet, so this document cannot be compiled (at workflows[0].steps[1].action)",
            "20:13: `sendEvent` is listed twice in `dependsOn` (at workflows[0].steps[1].dependsOn[1])",
        ]),
    ),
    (
        "fail/async-depends-on-empty.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `eventAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:17: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[0].action)",
            "17:17: arazzo-rs does not generate code for AsyncAPI steps (`action: receive`) yet, so this document cannot be compiled (at workflows[0].steps[1].action)",
            "18:20: `dependsOn` must list at least one step; leave it out if there is none (at workflows[0].steps[1].dependsOn)",
        ]),
    ),
    (
        "fail/async-depends-on-invalid-reference.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `eventAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:17: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[0].action)",
            "17:17: arazzo-rs does not generate code for AsyncAPI steps (`action: receive`) yet, so this document cannot be compiled (at workflows[0].steps[1].action)",
            "22:13: `$steps.sendEvent` is not a step reference: write a `stepId` of this workflow, `$workflows.<workflowId>.steps.<stepId>` or `$sourceDescriptions.<name>.<workflowId>.steps.<stepId>` (at workflows[0].steps[1].dependsOn[0])",
        ]),
    ),
    (
        "fail/channel-path-is-invalid-for-openapi.arazzo.yaml",
        Refused(&[
            "12:9: a step that sends or receives AsyncAPI messages needs `action` (`send` or `receive`) (at workflows[0].steps[0])",
            "13:22: `channelPath` points into an AsyncAPI description, but no source description of this document has `type: asyncapi` (at workflows[0].steps[0].channelPath)",
        ]),
    ),
    (
        "fail/invalid-arazzo-version.yaml",
        Refused(&[
            "1:9: expected a string for `arazzo`, found the number `2` (at arazzo)",
            "11:5: a step needs exactly one of `operationId`, `operationPath`, `channelPath` and `workflowId` (at workflows[0].steps[0])",
        ]),
    ),
    (
        "fail/invalid-async-correlation-id-non-receive-action.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `exampleAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "15:24: `correlationId` selects the message a step receives; it does not apply to `action: send` (at workflows[0].steps[0].correlationId)",
        ]),
    ),
    (
        "fail/invalid-async-parameter-without-in.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `eventAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "16:13: parameter `correlationId` needs `in` on a step that calls an operation (at workflows[0].steps[0].parameters[0].in)",
        ]),
    ),
    (
        "fail/invalid-async.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `exampleAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:17: expected one of `send`, `receive` for `action`, found the string `invalid` (at workflows[0].steps[0].action)",
        ]),
    ),
    (
        "fail/invalid-expression-type-object.arazzo.yaml",
        Refused(&[
            "16:13: missing field `context`, which a Selector Object must have (at workflows[0].steps[0].outputs.brokenSelector)",
            "16:25: unknown field `expression` in a Selector Object; its fields are `context`, `selector`, `type` (at workflows[0].steps[0].outputs.brokenSelector.expression)",
            "20:24: `rfc9535` is not a version of `xpath`; expected one of `xpath-31`, `xpath-30`, `xpath-20`, `xpath-10` (at workflows[0].steps[0].outputs.brokenSelector.type.version)",
        ]),
    ),
    (
        "fail/invalid-openapi-parameter-without-in.arazzo.yaml",
        Refused(&[
            "15:13: parameter `limit` needs `in` (path, query, header or cookie) on a step that calls an operation (at workflows[0].steps[0].parameters[0].in)",
        ]),
    ),
    (
        "fail/invalid-openapi-success-criteria.arazzo.yaml",
        Refused(&[
            "14:26: `successCriteria` must hold at least one criterion when it is present; leave it out to require a 2xx status (at workflows[0].steps[0].successCriteria)",
        ]),
    ),
    (
        "fail/invalid-querystring-without-value.arazzo.yaml",
        Refused(&[
            "15:13: missing field `value`, which a Parameter Object must have (at workflows[0].steps[0].parameters[0])",
        ]),
    ),
    (
        "fail/invalid-selector-object.arazzo.yaml",
        Refused(&[
            "16:13: missing field `context`, which a Selector Object must have (at workflows[0].steps[0].outputs.brokenOutput)",
            "16:13: missing field `type`, which a Selector Object must have (at workflows[0].steps[0].outputs.brokenOutput)",
            "16:25: unknown field `expression` in a Selector Object; its fields are `context`, `selector`, `type` (at workflows[0].steps[0].outputs.brokenOutput.expression)",
        ]),
    ),
    (
        "fail/invalid-self-fragment.arazzo.yaml",
        Refused(&[
            "2:8: `$self` must not contain a fragment (`#...`): it is the URI of the whole document, and the base its relative references resolve against (at $self)",
        ]),
    ),
    (
        "fail/invalid-targetSelectorType.arazzo.yaml",
        Refused(&[
            "17:13: `replacements` set values inside the `payload`, and this request body has no `payload` (at workflows[0].steps[0].requestBody.replacements)",
            "18:35: expected a selector type: `jsonpointer`, `jsonpath`, `xpath` or an Expression Type Object for `targetSelectorType`, found the string `jmespath` (at workflows[0].steps[0].requestBody.replacements[0].targetSelectorType)",
        ]),
    ),
    (
        "fail/invalid-workflow-step-with-operationId.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `exampleAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "12:9: a step needs exactly one of `operationId`, `operationPath`, `channelPath` and `workflowId` (at workflows[0].steps[0])",
            "19:9: a step that sends or receives AsyncAPI messages needs `action` (`send` or `receive`) (at workflows[1].steps[0])",
        ]),
    ),
    (
        "fail/invalid-workflow-success-criteria.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `exampleAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:26: `successCriteria` must hold at least one criterion when it is present; leave it out to require a 2xx status (at workflows[0].steps[0].successCriteria)",
            "17:9: a step that sends or receives AsyncAPI messages needs `action` (`send` or `receive`) (at workflows[1].steps[0])",
        ]),
    ),
    ("fail/not-an-object.yaml", Refused(&["1:1: expected an Arazzo document (a mapping), found a list"])),
    (
        "fail/openapi-both-operationId-and-operationPath.arazzo.yaml",
        Refused(&[
            "12:9: a step needs exactly one of `operationId`, `operationPath`, `channelPath` and `workflowId` (at workflows[0].steps[0])",
        ]),
    ),
    (
        "fail/openapi-duplicate-parameters.arazzo.yaml",
        Refused(&["18:19: parameter `limit` in query is given twice (at workflows[0].steps[0].parameters[1].name)"]),
    ),
    (
        "fail/openapi-missing-operation-target.arazzo.yaml",
        Refused(&[
            "12:9: a step needs exactly one of `operationId`, `operationPath`, `channelPath` and `workflowId` (at workflows[0].steps[0])",
        ]),
    ),
    (
        "fail/workflow-duplicate-parameters.arazzo.yaml",
        Refused(&["17:19: input `userId` is given twice (at workflows[0].steps[0].parameters[1].name)"]),
    ),
    (
        "fail/workflow-missing-workflowId.arazzo.yaml",
        Refused(&[
            "12:9: a step needs exactly one of `operationId`, `operationPath`, `channelPath` and `workflowId` (at workflows[0].steps[0])",
        ]),
    ),
    (
        "fail/workflow-step-with-action.arazzo.yaml",
        Refused(&[
            "14:17: `action: send` is for steps that send or receive AsyncAPI messages, but this step calls a workflow (at workflows[0].steps[0].action)",
        ]),
    ),
    (
        "fail/workflow-step-with-channelPath.arazzo.yaml",
        Refused(&[
            "12:9: a step needs exactly one of `operationId`, `operationPath`, `channelPath` and `workflowId` (at workflows[0].steps[0])",
        ]),
    ),
    (
        "pass/async-correlation-id-for-receive-action.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `exampleAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:17: arazzo-rs does not generate code for AsyncAPI steps (`action: receive`) yet, so this document cannot be compiled (at workflows[0].steps[0].action)",
        ]),
    ),
    (
        "pass/async-depends-on-across-document.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `localAsyncApi`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "10:10: source description `otherWorkflowDoc` points at `https://example.com/other.arazzo.yaml`, which is not a local file; arazzo-rs never fetches descriptions: map it to a local copy (CLI `--source otherWorkflowDoc=PATH`, or `Builder::source`) (at sourceDescriptions[1].url)",
            "17:17: arazzo-rs does not generate code for AsyncAPI steps (`action: receive`) yet, so this document cannot be compiled (at workflows[0].steps[0].action)",
            "22:17: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[1].action)",
            "27:17: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[2].action)",
        ]),
    ),
    (
        "pass/async-depends-on-cross-workflow.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `exampleAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:17: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[0].action)",
            "17:17: arazzo-rs does not generate code for AsyncAPI steps (`action: receive`) yet, so this document cannot be compiled (at workflows[0].steps[1].action)",
            "26:17: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[1].steps[0].action)",
        ]),
    ),
    (
        "pass/async-depends-on.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `exampleAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:17: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[0].action)",
            "17:17: arazzo-rs does not generate code for AsyncAPI steps (`action: receive`) yet, so this document cannot be compiled (at workflows[0].steps[1].action)",
            "24:17: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[2].action)",
        ]),
    ),
    (
        "pass/async-parameter-reusable-reference.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `eventAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "20:17: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[0].action)",
        ]),
    ),
    (
        "pass/async-parameter-with-in.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `eventAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:17: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[0].action)",
        ]),
    ),
    (
        "pass/async-receive-without-correlation-id.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `eventAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:17: arazzo-rs does not generate code for AsyncAPI steps (`action: receive`) yet, so this document cannot be compiled (at workflows[0].steps[0].action)",
        ]),
    ),
    (
        "pass/async-with-channel-path.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `exampleAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "13:22: `createUser` is not of the form `{$sourceDescriptions.<name>.url}#/channels/<channel>` naming an AsyncAPI source description (at workflows[0].steps[0].channelPath)",
        ]),
    ),
    (
        "pass/asyncapi-success-criteria.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `UserAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:17: arazzo-rs does not generate code for AsyncAPI steps (`action: receive`) yet, so this document cannot be compiled (at workflows[0].steps[0].action)",
        ]),
    ),
    (
        "pass/bnpl-example.yaml",
        Refused(&[
            "144:25: `$response.body#/products` can never hold a value: `/products` names nothing in the response schema of `findEligibleProducts` (200); the schema allows no other property; its properties are: `existingCustomerNotEligible`, `productCodes`, `eligibilityCheckRequired`, `totalAmount`; note: the schema is closed here (`additionalProperties: false`) (../oai-examples/bnpl-openapi.yaml:256:39) (at workflows[0].steps[0].outputs.eligibleProducts)",
            "180:9: the payload is not valid JSON once its expressions are filled in: expected `,` or `}` at line 6 column 3 (at workflows[0].steps[2].requestBody.payload)",
            "207:9: `$inputs.customer.uri` is not a declared input: an input name may hold dots, so this reads an input named `customer.uri`, not a member of input `customer`; write `$inputs.customer#/uri` to read inside `customer`; declared inputs: `customer`, `products` (at workflows[0].steps[3].requestBody.payload)",
            "242:16: step `authenticateCustomerAndAuthorizeLoan` cannot use its own output `redirectAuthToken`: it does not exist before the step has run (at workflows[0].steps[4].parameters[0].value)",
            "253:16: step `initiateBnplTransaction` has no output `loanTransactionId`; its outputs are: `redirectAuthToken`, `loanTransactionResourceUrl` (at workflows[0].steps[5].parameters[0].value)",
            "264:16: step `initiateBnplTransaction` has no output `loanTransactionId`; its outputs are: `redirectAuthToken`, `loanTransactionResourceUrl` (at workflows[0].steps[6].parameters[0].value)",
            "267:16: the request body of `updateBnplLoanTransactionStatus` lacks the property `status`, and its schema requires it; note: the schema's `required` list is here (../oai-examples/bnpl-openapi.yaml:196:17) (at workflows[0].steps[6].requestBody.payload)",
        ]),
    ),
    (
        "pass/characterization-async-invalid-channelPath-string.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `eventAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "15:22: `definitely-not-a-runtime-expression` is not of the form `{$sourceDescriptions.<name>.url}#/channels/<channel>` naming an AsyncAPI source description (at workflows[0].steps[0].channelPath)",
        ]),
    ),
    (
        "pass/characterization-asyncapi-operationId-without-action.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `eventAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:9: a step that sends or receives AsyncAPI messages needs `action` (`send` or `receive`) (at workflows[0].steps[0])",
        ]),
    ),
    (
        "pass/characterization-openapi-invalid-operationPath-string.arazzo.yaml",
        Refused(&[
            "15:24: `definitely-not-a-runtime-expression` is not of the form `{$sourceDescriptions.<name>.url}#/paths/<escaped path>/<method>` (at workflows[0].steps[0].operationPath)",
        ]),
    ),
    (
        "pass/characterization-openapi-operationId-with-action.arazzo.yaml",
        Refused(&[
            "16:17: `action: send` is for steps that send or receive AsyncAPI messages, but `$sourceDescriptions.userAPI.listUsers` is an operation of an OpenAPI source description (at workflows[0].steps[0].action)",
        ]),
    ),
    (
        "pass/characterization-openapi-receive-with-correlationId.arazzo.yaml",
        Refused(&[
            "16:17: `action: receive` is for steps that send or receive AsyncAPI messages, but `$sourceDescriptions.userAPI.listUsers` is an operation of an OpenAPI source description (at workflows[0].steps[0].action)",
            "17:24: `correlationId` is for steps that receive AsyncAPI messages, but `$sourceDescriptions.userAPI.listUsers` is an operation of an OpenAPI source description (at workflows[0].steps[0].correlationId)",
        ]),
    ),
    (
        "pass/characterization-workflow-step-with-requestBody.arazzo.yaml",
        Refused(&[
            "18:11: a step that calls a workflow sends no request body; pass values as parameters (the workflow's inputs) (at workflows[0].steps[0].requestBody)",
        ]),
    ),
    ("pass/criterion-with-extended-xpath.arazzo.yaml", Generates("criterion_with_extended_xpath")),
    (
        "pass/minimal-async.arazzo.yaml",
        Refused(&[
            "8:11: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `exampleAPI`) yet, so this document cannot be compiled (at sourceDescriptions[0].type)",
            "14:17: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[0].action)",
        ]),
    ),
    ("pass/minimal-with-self.arazzo.yaml", Generates("minimal_with_self")),
    ("pass/minimal.arazzo.yaml", Generates("minimal")),
    ("pass/oauth-example.yaml", Generates("oauth_example")),
    (
        "pass/openapi-and-asyncapi.arazzo.yaml",
        Refused(&[
            "14:9: arazzo-rs does not generate code for AsyncAPI source descriptions (`type: asyncapi`, source `AsyncOrderApi`) yet, so this document cannot be compiled (at sourceDescriptions[2].type)",
            "50:14: `$inputs.getUserLocation.userEmail` is not a declared input: an input name may hold dots, so this reads an input named `getUserLocation.userEmail`, not a member of input `getUserLocation`; write `$inputs.getUserLocation#/userEmail` to read inside `getUserLocation`; declared inputs: `createOrderSend`, `getUserLocation` (at workflows[0].steps[0].parameters[0].value)",
            "74:13: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[2].action)",
            "88:13: arazzo-rs does not generate code for AsyncAPI steps (`action: receive`) yet, so this document cannot be compiled (at workflows[0].steps[3].action)",
            "105:13: arazzo-rs does not generate code for AsyncAPI steps (`action: receive`) yet, so this document cannot be compiled (at workflows[0].steps[5].action)",
            "110:13: arazzo-rs does not generate code for AsyncAPI steps (`action: send`) yet, so this document cannot be compiled (at workflows[0].steps[6].action)",
        ]),
    ),
    ("pass/openapi-operation-path.arazzo.yaml", Generates("openapi_operation_path")),
    ("pass/openapi-parameter-reusable-reference.arazzo.yaml", Generates("openapi_parameter_reusable_reference")),
    ("pass/openapi-parameter-with-in.arazzo.yaml", Generates("openapi_parameter_with_in")),
    ("pass/openapi-success-criteria.arazzo.yaml", Generates("openapi_success_criteria")),
    (
        "pass/parameter-with-querystring-and-runtime-expr.arazzo.yaml",
        Generates("parameter_with_querystring_and_runtime_expr"),
    ),
    ("pass/parameter-with-selector.arazzo.yaml", Generates("parameter_with_selector")),
    ("pass/parameter-with-static-querystring.arazzo.yaml", Generates("parameter_with_static_querystring")),
    (
        "pass/payload-replacement-using-selector.arazzo.yaml",
        // Its selector is generated; the document replaces inside a payload it does not have, with a selector
        // whose context names no step (`previous`) and no output.
        Refused(&[
            "17:13: `replacements` set values inside the `payload`, and this request body has no `payload` (at workflows[0].steps[0].requestBody.replacements)",
            "19:26: `$steps.previous.outputs` does not name a step output: it reads step `previous`, which this workflow does not have (a step id in an expression ends at the first character that is not a letter, digit, `_` or `-`) (at workflows[0].steps[0].requestBody.replacements[0].value.context)",
        ]),
    ),
    (
        "pass/pet-coupons-example.yaml",
        Refused(&[
            "39:11: path parameter `petId` of operation `getPetCoupons` (/pet/{petId}/coupons) is not supplied (at workflows[0].steps[1].parameters)",
            "39:19: operation `getPetCoupons` declares no path parameter `pet_id`; it declares: `petId` (at workflows[0].steps[1].parameters[0].name)",
            "54:24: a step that calls a workflow has no HTTP response: `$statusCode`, `$response` and regex or jsonpath criteria on them cannot apply (at workflows[0].steps[2].successCriteria[0].condition)",
            "87:24: a step that calls a workflow has no HTTP response: `$statusCode`, `$response` and regex or jsonpath criteria on them cannot apply (at workflows[1].steps[1].successCriteria[0].condition)",
        ]),
    ),
    ("pass/workflow-minimal-step.arazzo.yaml", Generates("workflow_minimal_step")),
    ("pass/workflow-parameter-reusable-reference.arazzo.yaml", Generates("workflow_parameter_reusable_reference")),
    ("pass/workflow-parameter-without-in.arazzo.yaml", Generates("workflow_parameter_without_in")),
    ("pass/workflow-success-criteria.arazzo.yaml", Generates("workflow_success_criteria")),
];

/// Documents that generate with warnings (lenient readings of what they write against the letter of 1.1),
/// each warning as `line:column: message (at json path)`; every other generated document has none.
const WARNINGS: &[(&str, &[&str])] = &[
    (
        "pass/parameter-with-querystring-and-runtime-expr.arazzo.yaml",
        &[
            "22:29: `$inputs.filter` is an optional input embedded in a string, which has no value without it; list the input in `required`. Accepted: the step fails with `StepError::InvalidRequest` before anything is sent when the input is `None` (at workflows[0].steps[0].parameters[0].value)",
        ],
    ),
    (
        "pass/oauth-example.yaml",
        &[
            "63:24: `$.access_token != null` is not an RFC 9535 JSONPath query (a comparison belongs in a filter); RFC 9535 writes it `$[?$.access_token != null]`. Read as a test of the context `$response.body`: the criterion holds when the comparison holds (at workflows[0].steps[1].successCriteria[1].condition)",
            "103:24: `$.access_token != null` is not an RFC 9535 JSONPath query (a comparison belongs in a filter); RFC 9535 writes it `$[?$.access_token != null]`. Read as a test of the context `$response.body`: the criterion holds when the comparison holds (at workflows[1].steps[0].successCriteria[1].condition)",
            "153:24: `$.access_token != null` is not an RFC 9535 JSONPath query (a comparison belongs in a filter); RFC 9535 writes it `$[?$.access_token != null]`. Read as a test of the context `$response.body`: the criterion holds when the comparison holds (at workflows[2].steps[0].successCriteria[1].condition)",
            "173:24: `$.access_token != null` is not an RFC 9535 JSONPath query (a comparison belongs in a filter); RFC 9535 writes it `$[?$.access_token != null]`. Read as a test of the context `$response.body`: the criterion holds when the comparison holds (at workflows[2].steps[1].successCriteria[1].condition)",
        ],
    ),
    (
        "pass/openapi-operation-path.arazzo.yaml",
        &[
            "13:24: `$sourceDescriptions.userAPI#/paths/~1users/get` is not a runtime expression template: Arazzo writes it `{$sourceDescriptions.userAPI.url}#/paths/~1users/get`. Read as that (at workflows[0].steps[0].operationPath)",
        ],
    ),
    (
        "pass/openapi-success-criteria.arazzo.yaml",
        &[
            "13:22: no source description is named `userAPI`, but one is named `UserAPI`; names are case-sensitive. Read as `UserAPI` (at workflows[0].steps[0].operationId)",
        ],
    ),
    (
        "pass/parameter-with-selector.arazzo.yaml",
        &[
            "18:24: workflow `workflowWithSelector` declares no `inputs`, but reads `$inputs.user`. Accepted as a required input `user` holding any JSON value (`serde_json::Value`); declare it in the workflow's `inputs` (`type: object`, a property `user` with its schema, listed in `required`) to give it a type (at workflows[0].steps[0].parameters[0].value.context)",
        ],
    ),
    (
        "pass/workflow-success-criteria.arazzo.yaml",
        &[
            "19:22: no source description is named `userAPI`, but one is named `UserAPI`; names are case-sensitive. Read as `UserAPI` (at workflows[1].steps[0].operationId)",
        ],
    ),
];

/// `line:column: message (at path)` of a diagnostic of the document at `path`.
fn short(diagnostic: &arazzo_codegen::diagnostic::Diagnostic, path: &Path, suite: &Path) -> String {
    // The file is the document and the level is implied; notes name other files relative to the suite.
    let line = diagnostic.short().replacen(": error: ", ": ", 1).replacen(": warning: ", ": ", 1);
    let line = line.strip_prefix(&format!("{}:", path.display())).unwrap_or(&line).to_string();
    let line = line.replace(&format!("{}/", suite.display()), "");
    match suite.parent() {
        Some(parent) => line.replace(&format!("{}/", parent.display()), "../"),
        None => line,
    }
}

/// The local stand-in for each source description the document names (remote or missing ones).
fn sources(suite: &Path, document: &Path) -> BTreeMap<String, PathBuf> {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/oai-1.1/api.openapi.yaml");
    let examples = suite.join("../oai-examples");
    let loaded = arazzo_codegen::load::load_file(document).map(|loaded| loaded.value).unwrap_or_default();
    let mut sources = BTreeMap::new();
    for source in loaded.get("sourceDescriptions").and_then(|sources| sources.as_array()).into_iter().flatten() {
        let (Some(name), Some(url)) = (source["name"].as_str(), source["url"].as_str()) else { continue };
        let kind = source["type"].as_str().unwrap_or("openapi");
        if kind != "openapi" {
            continue;
        }
        // The specification's examples come with their descriptions.
        let path = match url.rsplit('/').next().unwrap_or_default() {
            file @ ("bnpl-openapi.yaml" | "oauth.openapi.yaml" | "pet-coupons.openapi.yaml") => examples.join(file),
            _ => fixture.clone(),
        };
        sources.insert(name.to_string(), path);
    }
    sources
}

/// The outcome of one document: the module generated, or its errors.
fn outcome(suite: &Path, name: &str) -> Result<arazzo_codegen::Generated, Vec<String>> {
    let path = suite.join(name);
    let options =
        Options { sources: sources(suite, &path), display_name: Some(format!("oai-1.1/{name}")), ..Options::default() };
    match generate_file(&path, &options, &[]) {
        Ok(generated) => Ok(generated),
        Err(GenerateError::Invalid { diagnostics, .. }) => Err(diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .map(|diagnostic| short(diagnostic, &path, suite))
            .collect()),
        Err(other) => panic!("{name}: {other}"),
    }
}

fn documents(suite: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for folder in ["fail", "pass"] {
        for entry in std::fs::read_dir(suite.join(folder)).unwrap() {
            names.push(format!("{folder}/{}", entry.unwrap().file_name().to_string_lossy()));
        }
    }
    names.sort();
    names
}

/// `CONFORMANCE_PRINT=1` prints the table as it is now, to be read by hand before it replaces [`EXPECTED`].
#[test]
fn every_document_has_its_outcome() {
    let Some(suite) = suite() else { return };
    let mut failures = Vec::new();
    for name in documents(&suite) {
        let found = outcome(&suite, &name);
        if std::env::var_os("CONFORMANCE_PRINT").is_some() {
            match &found {
                Ok(generated) => println!("(\"{name}\", Generates(\"{}\")),", generated.module),
                Err(errors) => {
                    println!("(\"{name}\", Refused(&[");
                    for error in errors {
                        println!("    {error:?},");
                    }
                    println!("])),");
                }
            }
            continue;
        }
        let Some((_, expected)) = EXPECTED.iter().find(|(listed, _)| *listed == name) else {
            failures.push(format!("{name}: not in the table"));
            continue;
        };
        match (expected, found) {
            (Generates(module), Ok(generated)) => {
                assert_eq!(generated.module, *module, "{name}");
                expectorate::assert_contents(format!("tests/golden/oai-1.1/{module}.rs"), &generated.source);
                let path = suite.join(&name);
                let warnings: Vec<String> =
                    generated.warnings.iter().map(|warning| short(warning, &path, &suite)).collect();
                let expected = WARNINGS.iter().find(|(listed, _)| *listed == name).map_or(&[][..], |(_, w)| *w);
                if warnings != expected {
                    failures.push(format!(
                        "{name}: expected warnings\n    {}\nfound\n    {}",
                        expected.join("\n    "),
                        warnings.join("\n    ")
                    ));
                }
            }
            (Refused(errors), Err(found)) if found == *errors => {}
            (Refused(errors), Err(found)) => failures.push(format!(
                "{name}: expected\n    {}\nfound\n    {}",
                errors.join("\n    "),
                found.join("\n    ")
            )),
            (Generates(_), Err(found)) => failures.push(format!("{name}: refused\n    {}", found.join("\n    "))),
            (Refused(_), Ok(_)) => failures.push(format!("{name}: generated, but the table expects a refusal")),
        }
    }
    for (name, _) in EXPECTED {
        if !suite.join(name).exists() {
            failures.push(format!("{name}: in the table, but not in the suite"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each `fail/` document is refused, and each refusal names a place in it.
#[test]
fn every_failing_document_is_refused_at_a_place() {
    for (name, outcome) in EXPECTED {
        if name.starts_with("fail/") {
            let Refused(errors) = outcome else { panic!("{name} must be refused") };
            assert!(!errors.is_empty(), "{name}");
            for error in *errors {
                let place = error.split(": ").next().unwrap_or_default();
                assert!(place.split(':').all(|part| part.parse::<u32>().is_ok()), "{name}: `{error}` has no place");
            }
        }
    }
}

/// Every generated module's golden file is compiled under `#![deny(warnings)]`: each is included by
/// `generated/tests/ui/pass_oai_1_1_golden.rs`, and no golden file is left over from a document that no
/// longer generates.
#[test]
fn every_generated_module_is_compiled() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let compiled = std::fs::read_to_string(root.join("../generated/tests/ui/pass_oai_1_1_golden.rs")).unwrap();
    let mut expected: Vec<&str> = EXPECTED
        .iter()
        .filter_map(|(_, outcome)| if let Generates(module) = outcome { Some(*module) } else { None })
        .collect();
    expected.sort_unstable();
    for module in &expected {
        let include = format!("include!(\"../../../arazzo-codegen/tests/golden/oai-1.1/{module}.rs\");");
        assert!(compiled.contains(&include), "pass_oai_1_1_golden.rs does not include {module}.rs");
    }
    let mut goldens: Vec<String> = std::fs::read_dir(root.join("tests/golden/oai-1.1"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    goldens.sort_unstable();
    assert_eq!(goldens, expected, "golden files of tests/golden/oai-1.1 and generating documents differ");
}
