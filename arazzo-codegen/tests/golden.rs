//! Generated code compared with checked-in files (`EXPECTORATE=overwrite cargo test -p arazzo-codegen
//! --test golden` to update after reviewing the diff). The golden files are also compiled, warning-free,
//! by `generated/tests/ui/pass_features_golden.rs`.

// Helpers outside `#[test]` functions fail the test by panicking, as tests do.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use arazzo_codegen::{Options, generate_file};

/// Whether `source` holds `expected`, compared without whitespace nor the trailing commas of broken
/// lists: prettyplease breaks long lines (adding those commas) where their indentation makes it.
fn has(source: &str, expected: &str) -> bool {
    let squeezed = |text: &str| {
        let squeezed: String = text.split_whitespace().collect();
        squeezed.replace(",)", ")").replace(",]", "]").replace(",}", "}").replace(",>", ">")
    };
    squeezed(source).contains(squeezed(expected).trim_end_matches(','))
}

fn generate(fixture: &str) -> arazzo_codegen::Generated {
    let path = format!("tests/fixtures/{fixture}");
    let options = Options { display_name: Some(path.clone()), ..Options::default() };
    match generate_file(Path::new(&path), &options, &[]) {
        Ok(generated) => generated,
        Err(error) => panic!("{fixture} did not generate:\n{error}"),
    }
}

/// A step that reads an earlier step's output only through a Reusable parameter waits for that step
/// (an implicit dependency, 1.1), though it is written first; a step with no such read runs beside it.
#[test]
fn a_read_through_a_reusable_parameter_is_an_implicit_dependency() {
    let source = generate("depends-on-components.arazzo.yaml").source;
    let at = |text: &str| source.find(text).unwrap_or_else(|| panic!("`{text}` not in:\n{source}"));
    assert!(at("run.step(\"first\"") < at("run.branch(\"tag\")"));
    assert!(source.contains("::arazzo_runtime::join!(tag, other)"), "{source}");
}

#[test]
fn features_document_generates_the_golden_module() {
    let generated = generate("features.arazzo.yaml");
    assert_eq!(generated.module, "features");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/features.rs", &generated.source);
}

/// A step that calls a workflow: its criteria and its actions' criteria read what the workflow returned
/// (`$outputs.<name>`, `$workflows.<id>.outputs.<name>`); its inputs come from Reusable parameters and
/// from the workflow's parameters without `in` (those with `in` go to the operation steps only).
#[test]
fn calls_document_generates_the_golden_module() {
    let generated = generate("calls.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/calls.rs", &generated.source);
    let source = &generated.source;
    for expected in [
        // The step's criterion, on the callee's output bound after the call.
        "let lookup_called_name = &called.name;",
        "::arazzo_runtime::json::value(&lookup_called_name).as_ref(),",
        // The component parameter's value, and the workflow parameter without `in` (the one with `in`
        // goes to the operation steps only).
        "pet_id: create_pet_id.clone(), greeting: ::std::format!(\"Hello {}\", inputs.name),",
        ".header(\"X-Request-Id\", \"adopt-and-check\")",
        // The failure action's criterion holds only when the callee returned.
        "::core::result::Result::Err((error, called)) => { if match &called {",
        // An action's Reusable parameter.
        "pet_id: create_pet_id.clone(), greeting: ::std::string::String::from(\"Hello again\"),",
    ] {
        // Compared without whitespace: prettyplease breaks long lines where their indentation makes it.
        assert!(has(source, expected), "missing `{expected}` in:\n{source}");
    }
}

#[test]
fn criteria_document_generates_the_golden_module() {
    let generated = generate("criteria.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/criteria.rs", &generated.source);
}

#[test]
fn criteria_compile_to_runtime_calls() {
    let source = generate("criteria.arazzo.yaml").source;
    for expected in [
        // `$statusCode == 200` stays a plain comparison.
        "run.check(response.status() == 200, \"$statusCode == 200\", &response)?;",
        // Operands from the body, inputs and step outputs, compared with Arazzo's rules.
        "::arazzo_runtime::condition::Compare::Eq,\n                response.body_part(\"/pets/0/name\").as_deref(),\n                \
         ::arazzo_runtime::json::value(&inputs.name).as_ref(),",
        // `!` of a comparison, `||` inside `&&` only where precedence needs it.
        "&& !::arazzo_runtime::condition::compare(",
        // Navigation after an expression.
        "::arazzo_runtime::condition::field(\n                                response.body_part(\"\").as_deref(),\n                                \"pets\",",
        "0usize,\n                        ),\n                        \"vaccinated\",",
        // A pointer after an input.
        ".and_then(|value| value.pointer(\"/kind\"))",
        // jsonpath and regex criteria with their context.
        "::arazzo_runtime::condition::jsonpath_match(\n                    \"$.pets[?@.age > 1]\",\n                    \
         response.body_part(\"\").as_deref(),",
        "::arazzo_runtime::condition::regex_match(\n                    \"^/pets\\\\?page=\\\\d+$\",\n                    \
         response.header_value(\"X-Next\").as_ref(),",
        "run.check(true, \"true\", &response)?;",
        // What was sent: `$method`, `$url` and `$request.*`.
        "::arazzo_runtime::serde_json::Value::from(response.request_method()),",
        "response.request_path(\"petId\").as_ref(),",
        "response.request_header(\"X-Api-Key\").as_ref(),",
        "response.request_query(\"missing\").as_ref(),",
        // Criteria reading inputs keep the `inputs` parameter named.
        "        inputs: &CheckPetsInputs,",
        // A regex or jsonpath criterion is quoted with what it applies to.
        "\"$.pets[?@.age > 1] (jsonpath on $response.body)\",",
    ] {
        assert!(has(&source, expected), "missing `{expected}` in:\n{source}");
    }
}

#[test]
fn selectors_document_generates_the_golden_module() {
    let generated = generate("selectors.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/selectors.rs", &generated.source);
}

#[test]
fn selectors_compile_to_pointer_reads_and_runtime_queries() {
    let source = generate("selectors.arazzo.yaml").source;
    for expected in [
        // Parameters: a JSONPath selector over an input, a JSON pointer selector as the pointer it is.
        ".query_param( \"id\", &run .jsonpath_node( \"$.id\", ::core::option::Option::Some(&inputs.account), )?, )",
        // Inside an input held as JSON, without building its JSON again.
        ".header(\"X-Team\", &inputs.account.pointer(\"/team\").cloned())",
        // Step outputs on the response body: a pointer selector is a pointer output, typed; a singular
        // query is typed from the schema; any other gives the node list.
        "let get_user_user_id: i64 = run.output(&response, \"/user/id\")?;",
        "let get_user_email: ::std::string::String = run .select(&response, \"\", \"$.user.email\")?;",
        "let get_user_last_role: ::std::string::String = run .select(&response, \"/roles\", \"$[-1].name\")?;",
        "> = run.select_all(&response, \"\", \"$.roles[?@.active == true].name\")?;",
        "let create_key_key_id: ::std::string::String = run.output(&response, \"/key/id\")?;",
        // A secret selected from the body stays a secret, is scrubbed from excerpts and kept on failure.
        "let create_key_api_key: ::arazzo_runtime::SecretString = run .select(&response, \"\", \"$.key.secret\")?;",
        ".secrets_in_response(&[\"/key/secret\"])",
        "partial.api_key = response.select(\"\", \"$.key.secret\").ok();",
        // The payload: a selector node, a replacement value, a JSONPath target replacing every match.
        "\"role\", &run .jsonpath_node( \"$[0]\",",
        "\"label\", &run .jsonpath_node( \"$.name\",",
        "(\"scope\", &\"read\"), (\"level\", &\"admin\"),",
        "(\"scope\", &\"write\"), (\"level\", &\"admin\"),",
        // The node list as a parameter, and the whole of a secret as itself.
        ".query_param( \"roles\", &run .jsonpath_nodes( \"$[*]\",",
        ".header(\"X-Api-Key\", &create_key_api_key)",
        // Workflow outputs.
        "pub first_role: ::core::option::Option<::arazzo_runtime::serde_json::Value>,",
        "pub active_roles: ::std::vec::Vec<::arazzo_runtime::serde_json::Value>,",
        // A value embedded in a filter (1.1): the query's text and the value apart, a node list.
        "> = run .select_all_with( &response, \"\", \"$.history[?@ == {$steps.getUser.outputs.lastRole}]\", &[ \
         ::arazzo_runtime::condition::embedded::Piece::Text( \"$.history[?@ == \", ), \
         ::arazzo_runtime::condition::embedded::Piece::Value( \
         ::arazzo_runtime::json::value(&get_user_last_role).as_ref(), ), \
         ::arazzo_runtime::condition::embedded::Piece::Text(\"]\"), ], )?;",
    ] {
        assert!(has(&source, expected), "missing `{expected}` in:\n{source}");
    }
    // The keep-on-failure hook is a plain `fn`: it cannot hold the value, and leaves that output out.
    let flat = source.split_whitespace().collect::<Vec<_>>().join(" ");
    let keep = flat.split("run.keep_on_failure(").nth(1).and_then(|rest| rest.split("});").next());
    assert_eq!(keep, Some("|partial, response| { partial.api_key = response.select(\"\", \"$.key.secret\").ok(); "));
}

#[test]
fn actions_document_generates_the_golden_module() {
    let generated = generate("actions.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/actions.rs", &generated.source);
}

#[test]
fn actions_become_a_bounded_state_machine() {
    let source = generate("actions.arazzo.yaml").source;
    for expected in [
        "enum Step { Create, Poll, Remove, }",
        "run.transition()?;",
        // One method per step, called from the loop, which type-checks each step on its own.
        "Step::Create => steps.create(&mut run, config, inputs).await?,",
        "Step::Poll => steps.poll(&mut run, config).await?,",
        "async fn poll(&mut self, run: &mut ::arazzo_runtime::Run<AdoptWhenReadyPartial>, config: &Config,)",
        // The step's outputs and retry counter are fields of `Steps`.
        "self.create_pet_id = ::core::option::Option::Some(run.output(&response, \"/id\")?,);",
        "let create_pet_id = run.available(&self.create_pet_id, \"$steps.create.outputs.petId\")?;",
        // A retry applies only to its criteria and until its limit is used up.
        "if self.create_retries < 3u64 && (match &response {",
        "self.create_retries += 1;",
        // A goto back to the same step, when its criteria hold.
        "run.goto(\"poll\"); ::core::option::Option::Some(Step::Poll)",
        // The workflow-level `finished` end applies after every step; the referenced `give-up` end fails.
        "} else if response.status() == 204 { ::core::option::Option::None",
        // An output every path to the end produces is plain; one an early `end` can skip is an Option.
        "let Steps { create_pet_id, poll_name, .. } = steps;",
        "pet_id: run.available(&create_pet_id, \"$steps.create.outputs.petId\")?,",
        "pub name: ::core::option::Option<::std::string::String>,",
        // A step that calls a workflow can have actions too: the whole called workflow is retried.
        "let checked = match self::first_pet_name(",
        "if self.lookup_retries < 2u64 {",
        // `goto` a workflow hands over to it; `retry` with a workflow runs it before retrying.
        "run.goto(\"workflow first-pet-name\");",
        "run.partial.read_refresh_then_retry_partial = ::core::option::Option::Some(",
        "run.partial.read_hand_over_partial = ::core::option::Option::Some(",
    ] {
        // Compared without whitespace: prettyplease breaks long lines where their indentation makes it.
        assert!(has(&source, expected), "missing `{expected}` in:\n{source}");
    }
}

#[test]
fn reuse_document_generates_the_golden_module() {
    let generated = generate("reuse.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/reuse.rs", &generated.source);
    let source = generated.source;
    for expected in [
        // Inputs through `$ref` to components.inputs, nested.
        "pub page_size: i64,",
        "pub request_id: ::core::option::Option<::std::string::String>,",
        // Workflow parameters apply to every step; a step parameter with the same name and location
        // replaces one, and a reusable parameter's `value` replaces the component's.
        ".header(\"X-Request-Id\", &inputs.request_id)\n                    .query_param(\"limit\", &5i64)",
        ".header(\"X-Request-Id\", &inputs.request_id)\n                    .query_param(\"limit\", &inputs.page_size)",
    ] {
        assert!(has(&source, expected), "missing `{expected}` in:\n{source}");
    }
}

#[test]
fn nested_document_generates_the_golden_module() {
    let generated = generate("nested.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/nested.rs", &generated.source);
    let source = generated.source;
    for expected in [
        // The callee's typed inputs, from the step's parameters (a template becomes a String).
        "&GetPetNameInputs {\n                    pet_id: create_pet_id.clone(),\n                    \
         greeting: ::std::format!(\"Hello {}\", inputs.name),",
        // A failed callee fails the step, and what it produced is kept.
        "run.partial.lookup_partial = ::core::option::Option::Some(partial);",
        "pub lookup_partial: ::core::option::Option<GetPetNamePartial>,",
        // `$outputs.name` and `$workflows.get-pet-name.outputs.greeting` read the callee's outputs.
        "let lookup_name: ::std::string::String = called.name.clone();",
        "let lookup_greeting: ::std::string::String = called.greeting.clone();",
        // Criteria of a workflow step have no response to quote.
        "run.holds(",
        // `dependsOn` runs the dependency before the first step; its outputs are readable.
        "run.step(\"get-pet-name\", \"workflow get-pet-name\");",
        ".header(\n                        \"X-Request-Id\",\n                        &::arazzo_runtime::concat([&\"after-\", &get_pet_name_name]),",
        // A criterion on a dependency's output, and a step output at a pointer into another.
        "::arazzo_runtime::json::value(&get_pet_name_name).as_ref(),",
        "let pick_first_pet_id: ::arazzo_runtime::serde_json::Value = list_pets\n            .first()\n            .and_then(|value| value.pointer(\"/id\"))",
        // Credentials follow the description's order of security schemes, whatever order the
        // workflows were checked in (the callee, which needs `apiKey`, is checked first).
        "pub fn new(\n            bearer: impl ::core::convert::Into<::arazzo_runtime::SecretString>,\n            \
         api_key: impl",
    ] {
        assert!(has(&source, expected), "missing `{expected}` in:\n{source}");
    }
}

#[test]
fn bodies_document_generates_the_golden_module() {
    let generated = generate("bodies.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/bodies.rs", &generated.source);
    let source = generated.source;
    for expected in [
        // JSON text: values inside strings are escaped as string content, others written as JSON.
        "::arazzo_runtime::json::string_content(& inputs.name),",
        "::arazzo_runtime::json::text(& inputs.nickname),",
        ".raw_body(\n                        \"text/plain; charset=utf-8\",",
        ".multipart_body(",
        // A pointer into an input held as JSON reads inside it.
        "(\"name\", &inputs.owner.pointer(\"/pet/name\").cloned()),",
        // `$outputs.x` in the workflow's outputs reads an output written above it.
        "created_again: json_text_created.pointer(\"/id\").cloned(),",
        // A nested input object is a struct that knows how to become JSON, secrets included.
        "pub struct SendBodiesPetOwner {",
        "pub owner: ::core::option::Option<SendBodiesPetOwner>,",
        "impl ::arazzo_runtime::ParamValue for SendBodiesPet {",
        ".json_body(&inputs.pet)\n                    .redact(&inputs.pet),",
    ] {
        assert!(has(&source, expected), "missing `{expected}` in:\n{source}");
    }
}

#[test]
fn colliding_names_generate_the_golden_module() {
    let generated = generate("tricky-names.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/tricky-names.rs", &generated.source);
    let source = generated.source;
    for expected in [
        // Workflow functions are called through `self::`, so no local variable can hide them.
        "match self::request(run.client(), config, &RequestInputs {}",
        "match self::get_id(run.client(), config, &GetIdInputs {}",
        // Names the generated code uses itself are not given to step outputs.
        "next_2: ::core::option::Option<::std::string::String>,",
        "self.next_2 = ::core::option::Option::Some(outputs.0);",
    ] {
        // Compared without whitespace: prettyplease breaks long calls over several lines.
        assert!(has(&source, expected), "missing `{expected}` in:\n{source}");
    }
}

#[test]
fn nullable_response_fields_are_options() {
    let source = generate("nullable.arazzo.yaml").source;
    for expected in [
        "pub name: ::std::string::String,",
        // `type: [string, "null"]` (3.1) and `nullable: true` (3.0): `None` for `null`.
        "pub nickname: ::core::option::Option<::std::string::String>,",
        "pub legacy: ::core::option::Option<::std::string::String>,",
        // A secret stays a secret, `null` allowed.
        "pub secret_key: ::core::option::Option<::arazzo_runtime::SecretString>,",
    ] {
        assert!(source.contains(expected), "missing `{expected}` in:\n{source}");
    }
}

/// Values whose schema allows `null` are `Option`s, string enums are Rust enums (open, with
/// `Unknown(String)`, for values read from responses; closed for inputs), and both flow into
/// parameters, bodies, criteria, partial outputs and the inputs of called workflows.
#[test]
fn types_document_generates_the_golden_module() {
    let generated = generate("types.arazzo.yaml");
    // The required query parameter `region` given a value that may be `null`: generated, guarded at
    // run time (`require_not_null` below), and said at build time.
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["warning: tests/fixtures/types.arazzo.yaml:39:46: required parameter `region` cannot be `null`, but this \
          value may be `null` (its schema allows it). Accepted: the step fails with `StepError::InvalidRequest` \
          before anything is sent when it is `null`; declare the input without `null` if it always has a value, or \
          check that the value is not `null` in the `successCriteria` of the step that produces it (at \
          workflows[0].steps[1].parameters[1].value)"]
    );
    expectorate::assert_contents("tests/golden/types.rs", &generated.source);
    let source = &generated.source;
    for expected in [
        // A required input that may be `null`; an optional one is one `Option` (`None` leaves it out).
        "pub note: ::core::option::Option<::std::string::String>,",
        "pub retries: ::core::option::Option<i64>,",
        // An input enum is closed, an output enum open.
        "pub plan: ReviewAccountPlan,",
        "type Err = ::arazzo_runtime::UnknownValue;",
        "#[serde(untagged)]\n        Unknown(::std::string::String),",
        // `enum: [free, pro, null]`, `anyOf: [string, null]`, `oneOf: [null, number]`, nullable items.
        "pub tier: ::core::option::Option<ReviewAccountTier>,",
        "pub parent: ::core::option::Option<::std::string::String>,",
        "pub score: ::core::option::Option<f64>,",
        "pub labels: ::std::vec::Vec<::core::option::Option<::std::string::String>>,",
        // Values that are not identifiers get deterministic variant names.
        "#[serde(rename = \"2fa\")]\n        X2fa,",
        "#[serde(rename = \"a_b\")]\n        AB2,",
        "#[serde(rename = \"\")]\n        Empty,",
        "#[serde(rename = \"unknown\")]\n        Unknown2,",
        // A value that may be `null` in a required parameter or a string fails the step when it is.
        ".require_not_null(\"$steps.get.outputs.parent\", &get_parent)",
        // ... is left out of a parameter that is not required ...
        ".header(\"X-Tier\", &get_tier)",
        // ... and is `null` in a JSON body and in criteria.
        "(\"parent\", &::arazzo_runtime::json::or_null(&get_parent)),",
        "::arazzo_runtime::json::value(\n                        &::arazzo_runtime::json::or_null(&get_tier),",
        // Partial outputs: `Some(None)` is a `null` the step produced; a secret that may be `null` is one `Option`.
        "pub expires_in: ::core::option::Option<::core::option::Option<i64>>,",
        "run.partial.rotate_api_key = rotate_api_key.clone();",
        // A string literal for an enum input is its variant; an input enum passed on is the same type.
        "plan: ReviewAccountPlan::Pro,",
        "plan: inputs.plan.clone(),",
        "channel: ::core::option::Option::Some(ReviewAccountChannel::Sms),",
    ] {
        assert!(has(source, expected), "missing `{expected}` in:\n{source}");
    }
}

#[test]
fn workflows_of_an_arazzo_source_join_the_module() {
    let generated = generate("foreign.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/foreign.rs", &generated.source);
    let source = generated.source;
    for expected in [
        // The other document's sources join `Config`, its names prefixed with the source's name.
        "pub pet_flows_pets: PetFlowsPets,",
        "pub async fn pet_flows_get_pet_name(",
        // `$sourceDescriptions.petFlows.get-pet-name` calls it.
        "let called = match self::pet_flows_get_pet_name(",
    ] {
        assert!(source.contains(expected), "missing `{expected}` in:\n{source}");
    }
}

#[test]
fn generation_is_deterministic() {
    let first = generate("features.arazzo.yaml").source;
    for _ in 0..3 {
        assert_eq!(generate("features.arazzo.yaml").source, first);
    }
}

#[test]
fn generated_files_start_with_the_header() {
    let source = generate("features.arazzo.yaml").source;
    assert!(
        source.starts_with("// @generated by arazzo-codegen from tests/fixtures/features.arazzo.yaml. Do not edit.\n"),
        "{}",
        &source[..100]
    );
}

#[test]
fn document_text_stays_in_docs_and_literals() {
    let source = generate("features.arazzo.yaml").source;
    // The description holds `"`, `\`, `*/` and braces: it must come out as doc text, escaped where needed.
    assert!(source.contains(r#"//! Quotes " and backslashes \ and */ and braces {} in docs stay text."#), "{source}");
    // A Rust keyword as an input name becomes `type_`, keeping the original for serde.
    assert!(source.contains("#[serde(rename = \"type\")]\n        pub type_:"), "{source}");
}

#[test]
fn the_features_module_uses_what_the_plan_says() {
    let source = generate("features.arazzo.yaml").source;
    for expected in [
        // Qualified operationId and operationPath resolve to the right operations and sources.
        "run.step(\"list\", \"listPets\");",
        "run.step(\"create\", \"createPet\");",
        "let response = run\n            .send(\n                &config.store.base_url,",
        // Every parameter location, and credentials of three kinds.
        ".query_param(\"tags\", &inputs.tags)",
        ".cookie(\"session\", &inputs.session)",
        // A non-default OpenAPI style is honoured.
        ".query_param_styled(\n                        \"fields\",\n                        &::arazzo_runtime::json::array([&\"id\", &\"name\"]),",
        "::arazzo_runtime::Style::PipeDelimited,\n                        false,",
        // A template in a parameter is written when sent, piece by piece.
        ".header(\n                        \"X-Request-Id\",\n                        &::arazzo_runtime::concat([&\"adopt-\", &inputs.name, &\"-1\"]),",
        ".api_key_header(\"X-Api-Key\", &config.pets.api_key)",
        ".api_key_query(\"api_key\", &config.store.store_key)",
        ".bearer_auth(&config.pets.bearer)",
        // A flipped comparison keeps its meaning, and a step without criteria expects 2xx.
        "run.check(response.status() < 300, \"300 > $statusCode\", &response)?;",
        "(200..300).contains(&response.status())",
        // Server variables are filled with their defaults.
        "pub const DEFAULT_BASE_URL: &'static str = \"https://eu.pets.example/v2\";",
        // writeOnly and format: password make secrets.
        "pub owner_password: ::core::option::Option<::arazzo_runtime::SecretString>,",
        // A step's body outputs are read together, in one walk of the body, each as its type; a JSON
        // one that nothing reads is checked to be there without being built.
        "): (::std::string::String, ::arazzo_runtime::SecretString) = run\n            .outputs(&response, [\"/id\", \"/ownerToken\"])?;\n        run.unread(&response, \"\")?;",
        // A POST that fails after its response arrived keeps what the response holds in the partial
        // outputs; the GET before it does not (its request is sent again on resume).
        "run.step(\"create\", \"createPet\");\n        run.keep_on_failure(|partial, response| {\n            partial.pet_id = response.extract(\"/id\").ok();\n            partial.create_owner_token = response.extract(\"/ownerToken\").ok();\n        });",
        // A secret minted by a step is kept in the partial outputs even though no workflow output carries it.
        "run.partial.create_owner_token = ::core::option::Option::Some(",
        ".redact(&inputs.owner_password)",
        // A secret the step reads from the response is scrubbed from error excerpts.
        ".secrets_in_response(&[\"/ownerToken\"])",
    ] {
        assert!(has(&source, expected), "missing `{expected}` in:\n{source}");
    }
}

/// goto, end, retry and workflow transfers on success and failure, with and without criteria, to
/// steps that call operations or workflows: generated without unused bindings (an unconditional
/// failure `goto` does not read the error), compiled under `#![deny(warnings)]` by
/// `generated/tests/ui/pass_action_shapes_golden.rs`.
#[test]
fn action_shapes_generate_the_golden_module() {
    let generated = generate("action-shapes.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/action-shapes.rs", &generated.source);
}

/// Two versions of a document, the second with an optional input added: the same builder call compiles
/// against both (`generated/tests/ui/pass_evolving_inputs.rs`). The second is generated with attributes
/// added through the hooks, and a doctest path.
#[test]
fn evolving_documents_generate_the_golden_modules() {
    let v1 = generate("evolving-v1.arazzo.yaml");
    expectorate::assert_contents("tests/golden/evolving-v1.rs", &v1.source);
    let path = "tests/fixtures/evolving-v2.arazzo.yaml";
    let mut builder_settings = arazzo_codegen::emit::Settings {
        doctest_path: Some("my_crate::clients".into()),
        ..arazzo_codegen::emit::Settings::default()
    };
    let attributes = &mut builder_settings.attributes;
    attributes.derive(".", "PartialEq").unwrap();
    attributes.type_attribute("evolving_v2::GetPetNameOutputs", "#[serde(rename_all = \"UPPERCASE\")]").unwrap();
    attributes.field_attribute("evolving_v2::GetPetNameInputs.session", "#[serde(alias = \"cookie\")]").unwrap();
    attributes.field_attribute("other_module", "#[serde(skip)]").unwrap();
    let options = Options { display_name: Some(path.to_owned()), emit: builder_settings, ..Options::default() };
    let v2 = generate_file(Path::new(path), &options, &[]).unwrap();
    expectorate::assert_contents("tests/golden/evolving-v2.rs", &v2.source);
    for expected in [
        "#[derive(Clone, Debug, ::arazzo_runtime::serde::Deserialize)]\n    #[serde(crate = \"::arazzo_runtime::serde\")]\n    #[derive(PartialEq)]\n    pub struct GetPetNameInputs",
        "#[serde(alias = \"cookie\")]\n        pub session:",
        "#[derive(PartialEq)]\n    #[serde(rename_all = \"UPPERCASE\")]\n    pub struct GetPetNameOutputs",
        "/// ```no_run",
        "/// use my_crate::clients::evolving_v2::{Config, Pets, GetPetNameInputs, get_pet_name};",
    ] {
        assert!(v2.source.contains(expected), "missing `{expected}` in:\n{}", v2.source);
    }
    assert!(!v2.source.contains("#[serde(skip)]"));
    assert!(v1.source.contains("/// ```ignore"));
}

/// A string enum takes the type attributes and derives whose path names it (`"."`, its module, or
/// `module::Enum`), without the traits it derives itself: `derive(".", "PartialEq, PartialOrd")`
/// puts both on the structs and only `PartialOrd` on the enum, which already derives `PartialEq`.
/// `struct_attribute` and `enum_attribute` reach one kind of type alone.
/// `generated/tests/ui/pass_enum_attributes_golden.rs` compiles it and uses what was derived.
#[test]
fn attributes_reach_string_enums_without_repeating_their_derives() {
    let path = "tests/fixtures/enum-attributes.arazzo.yaml";
    let mut settings = arazzo_codegen::emit::Settings::default();
    let attributes = &mut settings.attributes;
    attributes.derive(".", "PartialEq, PartialOrd").unwrap();
    attributes.derive("enum_attributes::GetPetNameSession", "Copy, Ord").unwrap();
    attributes.type_attribute("enum_attributes::GetPetNameSession", "#[doc(alias = \"kind\")]").unwrap();
    attributes.struct_attribute(".", "#[doc(alias = \"data\")]").unwrap();
    attributes.enum_attribute(".", "#[doc(alias = \"choice\")]").unwrap();
    let options = Options { display_name: Some(path.to_owned()), emit: settings, ..Options::default() };
    let generated = generate_file(Path::new(path), &options, &[]).unwrap();
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/enum-attributes.rs", &generated.source);
    let expected = "#[serde(crate = \"::arazzo_runtime::serde\")]\n    #[derive(PartialOrd)]\n    #[derive(Copy, Ord)]\n    \
                    #[doc(alias = \"kind\")]\n    #[doc(alias = \"choice\")]\n    pub enum GetPetNameSession {";
    assert!(generated.source.contains(expected), "missing `{expected}` in:\n{}", generated.source);
    let expected = "#[derive(PartialEq, PartialOrd)]\n    #[doc(alias = \"data\")]\n    pub struct GetPetNameInputs";
    assert!(generated.source.contains(expected), "missing `{expected}` in:\n{}", generated.source);
    // Each kind's attribute reaches that kind alone.
    assert_eq!(generated.source.matches("alias = \"choice\"").count(), 1);
    assert!(!generated.source.contains("alias = \"data\")]\n    pub enum"));
}

/// An object input handed back whole as an output: its struct (and the structs it holds) derive
/// `Serialize`, secrets through the runtime's redaction, absent optional fields left out.
/// `generated/tests/ui/pass_input_object_outputs_golden.rs` compiles it and serializes the outputs.
#[test]
fn an_object_input_used_whole_as_an_output_generates_the_golden_module() {
    let generated = generate("input-object-outputs.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/input-object-outputs.rs", &generated.source);
}

#[test]
fn arazzo_1_1_requests_generate_the_golden_module() {
    let generated = generate("v1-1-requests.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/v1-1-requests.rs", &generated.source);
    for expected in [
        // A form query string: its text as written, embedded values form-encoded.
        "\"term={}&limit={}&sort=desc\",\n                            ::arazzo_runtime::form_encoded(& inputs.term),",
        // An object as the query string's form fields.
        ".query_string(&inputs.filters)",
        // JSON text: values JSON-encoded (as string content inside a string), the whole percent-encoded.
        ".query_string_escaped(",
        "::arazzo_runtime::json::string_content(& inputs.term)",
        ".query_string_escaped(\"$.items[?@.name == 'x']\")",
        // The step's timeout bounds each attempt of its request, and a called workflow's whole run.
        ".timeout(::std::time::Duration::from_millis(200u64))",
        ".within_step(\"call\", ::std::time::Duration::from_millis(300u64)),",
        // Action parameters: a literal and a template for the inputs they give, a shared input for the rest.
        "who: ::std::string::String::from(\"on-call\"),",
        "attempts: inputs.attempts,",
        "reason: ::std::format!(\"retrying {}'s probe\", inputs.who),",
    ] {
        assert!(has(&generated.source, expected), "missing `{expected}` in:\n{}", generated.source);
    }
}

#[test]
fn sent_document_generates_the_golden_module() {
    let generated = generate("sent.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/sent.rs", &generated.source);
}

#[test]
fn arazzo_1_1_expressions_generate_the_golden_module() {
    // `$self` is an https URI, which makes the relative source URL remote: mapped to the local file.
    let path = "tests/fixtures/expressions-1-1.arazzo.yaml";
    let sources = [("pets".to_string(), std::path::PathBuf::from("tests/fixtures/pets.openapi.yaml"))].into();
    let options = Options { display_name: Some(path.to_string()), sources, ..Options::default() };
    let generated = match generate_file(Path::new(path), &options, &[]) {
        Ok(generated) => generated,
        Err(error) => panic!("{path} did not generate:\n{error}"),
    };
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/expressions-1-1.rs", &generated.source);
}

/// Arazzo 1.1 step `dependsOn`: independent steps (a level of three), a diamond written out of
/// order, a workflow with actions (one step at a time, in the order written), a branch that calls a
/// workflow with concurrent steps of its own, and steps of other workflows.
#[test]
fn depends_on_document_generates_the_golden_module() {
    let generated = generate("depends-on.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/depends_on.rs", &generated.source);
}

#[test]
fn independent_steps_are_joined_on_branches_of_the_run() {
    let source = generate("depends-on.arazzo.yaml").source;
    for expected in [
        // One branch per step of the level, joined in the workflow's task, merged in the order written.
        "let mut eu_branch = run.branch(\"eu\");",
        "let (eu, us, ap) = ::arazzo_runtime::join!(eu, us, ap);",
        "run.merge([eu_branch, us_branch, ap_branch]);",
        "let eu_count = run.joined(eu)?;",
        // What a step produced reaches the run's partial outputs, failed or not.
        "run.partial.key_id = ::core::mem::take(&mut create_key_branch.partial.key_id);",
        // The diamond: `publish`, written first, runs last.
        "= ::arazzo_runtime::join!(\n            create_key, stock_eu, stock_us\n        );",
    ] {
        assert!(source.contains(expected), "missing `{expected}` in:\n{source}");
    }
    // The workflow with actions stays a state machine, without branches.
    let with_actions = &source[source.find("pub async fn with_actions(").unwrap()..];
    let with_actions = &with_actions[..with_actions.find("pub async fn resume_with_actions(").unwrap()];
    assert!(with_actions.contains("enum Step") && !with_actions.contains("branch"), "{with_actions}");
}

/// Arazzo 1.1 pointers and selectors typed where the schema says: a pointer into an input is typed from
/// the inputs schema and read in place (fields of its structs, items of its lists, inside what it holds
/// as JSON, decoded to the type an `allOf` gives); a payload written as JSON text is sent so that
/// `$request.body#/...` reads it back, typed like a structured payload; a called workflow's outputs
/// are read at a pointer and through Selector Objects.
#[test]
fn typed_pointers_document_generates_the_golden_module() {
    let generated = generate("typed-pointers.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/typed-pointers.rs", &generated.source);
    for expected in [
        // A required field of nested structs, in place; an optional list; an integer inside JSON.
        "::arazzo_runtime::concat([&\"city-\", &inputs.owner.address.city])",
        ".query_param(\"tags\", &inputs.owner.tags.clone())",
        "first_tag: inputs .owner .tags .as_ref() .and_then(|value| value.first()) .cloned(),",
        "::arazzo_runtime::json::part::< i64, >(\"$inputs.profile#/age\", inputs.profile.pointer(\"/age\"))",
        // The JSON text is kept for `$request.body#/...`, typed.
        ".json_text_body(",
        "let create_sent_name: ::std::string::String = run .sent_output::<",
        "let create_sent_weight: f64 = run .sent_output::< f64, >( &response, \"$request.body#/weight\",",
        // The called workflow's output, at a pointer and selected.
        "let describe_pet_id: ::arazzo_runtime::serde_json::Value = called .pet .pointer(\"/id\")",
        ".jsonpath_node(\"$.name\", ::core::option::Option::Some(&called.pet))?",
        // Workflow outputs typed from the inputs schema.
        "pub city: ::std::string::String,",
        // A nested object of the inputs, as JSON.
        "pub address: ::core::option::Option<::arazzo_runtime::serde_json::Value>,",
        "pub zip: ::core::option::Option<::std::string::String>,",
        "pub age: ::core::option::Option<i64>,",
        "zip: inputs.owner.address.zip.clone(),",
    ] {
        assert!(has(&generated.source, expected), "missing `{expected}` in:\n{}", generated.source);
    }
}

#[test]
fn straight_line_steps_are_functions_called_in_order() {
    let generated = generate("many-reads.arazzo.yaml");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    expectorate::assert_contents("tests/golden/many-reads.rs", &generated.source);
    let source = &generated.source;
    for expected in [
        // A step returns the outputs later steps or the workflow's outputs read.
        "async fn session( run: &mut ::arazzo_runtime::Run<SixRegionsPartial>, config: &Config, ) -> \
         ::core::result::Result< ::std::string::String, ::arazzo_runtime::WorkflowError<SixRegionsPartial>, > {",
        "let session_session_id = session(&mut run, config).await?;",
        // An earlier output is copied into each reader but the last, which takes it.
        "let eu_count = eu(&mut run, config, session_session_id.clone()).await?;",
        "let us_count = us(&mut run, config, session_session_id).await?;",
        // Run, configuration and six earlier outputs: more arguments than clippy allows by default.
        "#[allow(clippy::too_many_arguments)] async fn report(",
        "let report_report_id = report( &mut run, config, eu_count, us_count, ap_count, af_count, sa_count, me_count, ).await?;",
    ] {
        assert!(has(source, expected), "missing `{expected}` in:\n{source}");
    }
    // Only the step with that many arguments is allowed them.
    assert_eq!(source.matches("too_many_arguments").count(), 1, "{source}");
}
