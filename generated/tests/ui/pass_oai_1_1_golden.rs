//! The modules generated from the Arazzo 1.1 conformance documents that arazzo-rs compiles (see
//! `arazzo-codegen/tests/conformance_1_1.rs`) compile under `#![deny(warnings)]` (a binary crate sees
//! unused `pub` items as dead code; a library would not).
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/oai-1.1/criterion_with_extended_xpath.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/minimal.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/minimal_with_self.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/oauth_example.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/openapi_operation_path.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/openapi_parameter_reusable_reference.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/openapi_parameter_with_in.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/openapi_success_criteria.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/parameter_with_querystring_and_runtime_expr.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/parameter_with_selector.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/parameter_with_static_querystring.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/workflow_minimal_step.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/workflow_parameter_reusable_reference.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/workflow_parameter_without_in.rs");
include!("../../../arazzo-codegen/tests/golden/oai-1.1/workflow_success_criteria.rs");

fn main() {
    let _ = criterion_with_extended_xpath::xml_workflow;
    let _ = minimal::basic_workflow;
    let _ = minimal_with_self::basic_workflow;
    let _ = oauth_example::refresh_token_flow;
    let _ = openapi_operation_path::openapi_workflow;
    let _ = openapi_parameter_reusable_reference::openapi_workflow;
    let _ = openapi_parameter_with_in::openapi_workflow;
    let _ = openapi_success_criteria::openapi_workflow;
    let _ = parameter_with_querystring_and_runtime_expr::test_querystring_expr;
    let _ = parameter_with_selector::workflow_with_selector;
    let _ = parameter_with_static_querystring::test_querystring;
    let _ = workflow_minimal_step::parent_workflow;
    let _ = workflow_parameter_reusable_reference::parent_workflow;
    let _ = workflow_parameter_without_in::parent_workflow;
    let _ = workflow_success_criteria::parent_workflow;
}
