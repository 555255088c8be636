//! The shape check: type errors, 1.1 fields in 1.0 documents, Selector Objects.

use serde_json::json;

use super::*;

#[test]
fn every_bad_field_is_reported_and_repaired() {
    let mut value = json!({
        "arazzo": "1.0.1",
        "info": {"title": "t", "version": 1},
        "sourceDescriptions": [{"name": "s", "url": "u"}],
        "workflows": [{"workflowId": "w", "steps": [
            {"stepId": "a", "onFailure": [{"name": "r", "type": "retry", "retryLimit": "ten"}],
             "sucessCriteria": [], "successCriteria": "$statusCode == 200"},
            7,
        ]}],
    });
    let conformed = conform(&mut value, Version::V1_0);
    let pointers: Vec<&str> = conformed.problems.iter().map(|problem| problem.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/info/version",
            "/workflows/0/steps/0/successCriteria",
            "/workflows/0/steps/0/onFailure/0/retryLimit",
            "/workflows/0/steps/1"
        ]
    );
    assert_eq!(
        conformed.problems[2].message,
        "expected a non-negative integer for `retryLimit`, found the string `ten`"
    );
    assert_eq!(
        conformed.repaired,
        [
            "/info/version",
            "/workflows/0/steps/0/successCriteria",
            "/workflows/0/steps/0/onFailure/0/retryLimit",
            "/workflows/0/steps/1"
        ]
    );
    // Optional fields are dropped, required ones hold a placeholder, unknown ones stay for the checker.
    assert_eq!(value["workflows"][0]["steps"][0].get("successCriteria"), None);
    assert!(value["workflows"][0]["steps"][0].get("sucessCriteria").is_some());
    assert_eq!(value["workflows"][0]["steps"][1], json!({"stepId": ""}));
    assert!(super::super::from_value(&value).is_ok());
}

fn v1_1_document(step: Value) -> Value {
    json!({
        "arazzo": "1.0.1",
        "info": {"title": "t", "version": "1"},
        "sourceDescriptions": [{"name": "s", "url": "u", "type": "asyncapi"}],
        "workflows": [{"workflowId": "w", "steps": [step]}],
    })
}

#[test]
fn a_1_1_field_or_choice_in_a_1_0_document_names_the_upgrade() {
    let step = json!({"stepId": "a", "operationId": "o", "timeout": 5,
                      "parameters": [{"name": "q", "in": "querystring", "value": "x=1"}]});
    let mut value = v1_1_document(step.clone());
    let conformed = conform(&mut value, Version::V1_0);
    let found: Vec<(&str, &str)> =
        conformed.problems.iter().map(|problem| (problem.pointer.as_str(), problem.message.as_str())).collect();
    let upgrade = "but this document declares `arazzo: 1.0.1`; declare `arazzo: 1.1.0` to use it \
                   (`arazzo-codegen upgrade` rewrites the document)";
    assert_eq!(
        found,
        [
            ("/sourceDescriptions/0/type", format!("`asyncapi` is Arazzo 1.1, {upgrade}").as_str()),
            ("/workflows/0/steps/0/parameters/0/in", format!("`querystring` is Arazzo 1.1, {upgrade}").as_str()),
            ("/workflows/0/steps/0/timeout", format!("`timeout` is Arazzo 1.1, {upgrade}").as_str()),
        ]
    );
    assert!(super::super::from_value(&value).is_ok());
    // The same fields are fine in a 1.1 document.
    let mut value = v1_1_document(step);
    value["arazzo"] = json!("1.1.0");
    assert_eq!(conform(&mut value, Version::V1_1).problems, []);
}

#[test]
fn selector_objects_are_checked_and_kept_when_well_formed() {
    let step = json!({"stepId": "a", "operationId": "o", "outputs": {
        "fine": {"context": "$response.body", "selector": "$.id", "type": "jsonpath"},
        "broken": {"expression": "$response.body", "selector": "$.id", "type": {"type": "xpath", "version": "rfc9535"}},
    }, "parameters": [{"name": "q", "in": "query", "value": {"selector": "/id"}}]});
    let mut value = v1_1_document(step);
    value["arazzo"] = json!("1.1.0");
    let conformed = conform(&mut value, Version::V1_1);
    let found: Vec<(&str, &str)> =
        conformed.problems.iter().map(|problem| (problem.pointer.as_str(), problem.message.as_str())).collect();
    assert_eq!(
        found,
        [
            ("/workflows/0/steps/0/parameters/0/value", "missing field `context`, which a Selector Object must have"),
            ("/workflows/0/steps/0/parameters/0/value", "missing field `type`, which a Selector Object must have"),
            ("/workflows/0/steps/0/outputs/broken", "missing field `context`, which a Selector Object must have"),
            (
                "/workflows/0/steps/0/outputs/broken/type/version",
                "`rfc9535` is not a version of `xpath`; expected one of `xpath-31`, `xpath-30`, `xpath-20`, \
                 `xpath-10`"
            ),
            (
                "/workflows/0/steps/0/outputs/broken/expression",
                "unknown field `expression` in a Selector Object; its fields are `context`, `selector`, `type`"
            ),
        ]
    );
    // The well-formed one is kept for the checker; the malformed ones are placeholders.
    let step = &value["workflows"][0]["steps"][0];
    assert_eq!(step["outputs"]["fine"], json!({"context": "$response.body", "selector": "$.id", "type": "jsonpath"}));
    assert_eq!(step["outputs"]["broken"], json!(""));
    assert_eq!(step["parameters"][0]["value"], json!(null));
    let document = super::super::from_value(&value).unwrap();
    let selector = match &document.workflows[0].steps[0].outputs["fine"] {
        super::super::Output::Selector(selector) => selector.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(selector.text(), "$.id (jsonpath on $response.body)");
}

#[test]
fn versions_are_read_by_minor() {
    assert_eq!(Version::of("1.0.1"), Some(Version::V1_0));
    assert_eq!(Version::of("1.1.0"), Some(Version::V1_1));
    assert_eq!(Version::of("1.1.2-rc1"), Some(Version::V1_1));
    for other in ["1.0", "1.0.x", "1.0.1-rc1", "1.2.0", "2", "1.1.", "1.1.0-"] {
        assert_eq!(Version::of(other), None, "{other}");
    }
}

#[test]
fn repaired_fields_cover_what_is_below_them() {
    assert!(covers("workflows[0].steps[1]", "workflows[0].steps[1]"));
    assert!(covers("workflows[0].steps[1]", "workflows[0].steps[1].stepId"));
    assert!(!covers("workflows[0].steps[1]", "workflows[0].steps[10]"));
    assert!(!covers("workflows[0].steps[1]", "workflows[0].steps"));
}
