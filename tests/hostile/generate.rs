//! Documents too large or too deep to commit, written at run time by `tests/hostile_documents.rs`.
//! Each is listed in `README.md` like the committed ones.

use std::path::Path;

use serde_json::{Value, json};

/// A document with one source, a copy of `items.openapi.yaml` of the corpus, and the given workflows.
fn document(title: &str, workflows: Value) -> Value {
    json!({
        "arazzo": "1.0.1",
        "info": {"title": title, "version": "1.0.0"},
        "sourceDescriptions": [{"name": "items", "url": "./items.openapi.yaml"}],
        "workflows": workflows,
    })
}

/// `depth` array schemas inside each other around a string schema.
fn nested_items(depth: usize) -> Value {
    (0..depth).fold(json!({"type": "string"}), |inner, _| json!({"type": "array", "items": inner}))
}

/// `depth` object schemas inside each other, each with one property `inner`.
fn nested_properties(depth: usize) -> Value {
    (0..depth).fold(
        json!({"type": "string"}),
        |inner, _| json!({"type": "object", "required": ["inner"], "properties": {"inner": inner}}),
    )
}

/// A workflow with one input `deep` of the given schema, sent as the body of `createItem`.
fn deep_input(schema: Value) -> Value {
    json!([{
        "workflowId": "deep",
        "inputs": {"type": "object", "required": ["deep"], "properties": {"deep": schema}},
        "steps": [{"stepId": "create", "operationId": "createItem", "requestBody": {"payload": "$inputs.deep"}}],
    }])
}

/// An OpenAPI description whose response schema is a chain of `length` schemas, each a `$ref` to
/// the next through the property `next`.
fn ref_chain_openapi(length: usize) -> Value {
    let mut schemas = serde_json::Map::new();
    for index in 0..length {
        let next = if index + 1 < length {
            json!({"$ref": format!("#/components/schemas/S{}", index + 1)})
        } else {
            json!({"type": "string"})
        };
        schemas.insert(format!("S{index}"), json!({"type": "object", "properties": {"next": next}}));
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "A chain of $refs", "version": "1.0.0"},
        "servers": [{"url": "https://chain.example"}],
        "paths": {"/chain": {"get": {
            "operationId": "getChain",
            "responses": {"200": {
                "description": "The head of the chain.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}},
            }},
        }}},
        "components": {"schemas": schemas},
    })
}

fn write(dir: &Path, name: &str, value: &Value) {
    std::fs::write(dir.join(name), serde_json::to_string(value).unwrap()).unwrap();
}

/// One document written at run time.
pub struct Written {
    pub file_name: String,
    /// Whether its generated source has a golden file (not for the multi-megabyte ones).
    pub golden_source: bool,
    /// Whether its generated source is compiled: not the 2,000-step workflow, which rustc cannot
    /// compile in reasonable time and memory (see `README.md`).
    pub compile: bool,
}

/// Writes every document into `dir` (and the OpenAPI descriptions they use).
pub fn write_all(dir: &Path) -> Vec<Written> {
    let items = Path::new(env!("CARGO_MANIFEST_DIR")).join("hostile/items.openapi.yaml");
    std::fs::copy(items, dir.join("items.openapi.yaml")).unwrap();
    let mut cases = Vec::new();
    let mut add = |name: &str, value: Value, golden_source: bool| {
        write(dir, name, &value);
        let compile = !name.starts_with("huge-2000-steps");
        cases.push(Written { file_name: name.to_string(), golden_source, compile });
    };

    // 2,000 steps, each reading the output of the one before.
    let steps: Vec<Value> = (0..2_000)
        .map(|index| {
            let id = if index == 0 { json!("first") } else { json!(format!("$steps.s{}.outputs.id", index - 1)) };
            json!({
                "stepId": format!("s{index}"),
                "operationId": "getItem",
                "parameters": [{"name": "id", "in": "path", "value": id}],
                "outputs": {"id": "$response.body#/id"},
            })
        })
        .collect();
    let workflows = json!([{"workflowId": "long", "steps": steps, "outputs": {"last": "$steps.s1999.outputs.id"}}]);
    add("huge-2000-steps.arazzo.json", document("2,000 steps in a chain", workflows), false);

    // A description of 10 MB, with comment and string breakers on every line.
    let line = "*/ fn injected_huge() {} /* \"#; r#\" } { ``` \t tab\n";
    let description: String = line.repeat(10_000_000 / line.len() + 1);
    let mut huge = document(
        "A 10 MB description",
        json!([{"workflowId": "w", "steps": [{"stepId": "s", "operationId": "listItems"}]}]),
    );
    huge["info"]["description"] = Value::String(description);
    add("huge-10mb-description.arazzo.json", huge, false);

    // An input whose schema enumerates 100,000 values.
    let values: Vec<String> =
        (0..100_000).map(|index| format!("value-{index}\"); fn injected_enum() {{}} (\"")).collect();
    let workflows = json!([{
        "workflowId": "pick",
        "inputs": {"type": "object", "required": ["choice"], "properties": {"choice": {"type": "string", "enum": values}}},
        "steps": [{"stepId": "list", "operationId": "listItems", "parameters": [{"name": "q", "in": "query", "value": "$inputs.choice"}]}],
    }]);
    add("huge-100k-enum.arazzo.json", document("An enum of 100,000 values", workflows), true);

    // 5,000 workflows, each calling the next, the last calling the first.
    let workflows: Vec<Value> = (0..5_000)
        .map(|index| json!({"workflowId": format!("w{index}"), "steps": [{"stepId": "call", "workflowId": format!("w{}", (index + 1) % 5_000)}]}))
        .collect();
    add(
        "huge-call-cycle-5000.arazzo.json",
        document("5,000 workflows calling each other in a ring", json!(workflows)),
        false,
    );

    // Ids of 10,000 characters.
    let long = "a-".repeat(5_000);
    let workflows = json!([{
        "workflowId": long,
        "inputs": {"type": "object", "required": [long.clone()], "properties": {long.clone(): {"type": "string"}}},
        "steps": [{"stepId": long, "operationId": "getItem", "parameters": [{"name": "id", "in": "path", "value": format!("$inputs.{long}")}], "outputs": {long.clone(): "$response.body#/id"}}],
        "outputs": {long.clone(): format!("$steps.{long}.outputs.{long}")},
    }]);
    add("huge-10k-character-ids.arazzo.json", document("Ids of 10,000 characters", workflows), false);

    // Input schemas nested 30 (generates), 100 (beyond the generator's 32 levels), 200 and 1,000 (beyond
    // the loader's 128 levels) arrays deep,
    // and 60 objects deep (120 levels of nesting in the file).
    add(
        "deep-schema-items-30.arazzo.json",
        document("An input schema 30 arrays deep", deep_input(nested_items(30))),
        true,
    );
    add(
        "deep-schema-items-100.arazzo.json",
        document("An input schema 100 arrays deep", deep_input(nested_items(100))),
        true,
    );
    add(
        "deep-schema-items-200.arazzo.json",
        document("An input schema 200 arrays deep", deep_input(nested_items(200))),
        true,
    );
    add(
        "deep-schema-items-1000.arazzo.json",
        document("An input schema 1,000 arrays deep", deep_input(nested_items(1_000))),
        true,
    );
    add(
        "deep-schema-properties-60.arazzo.json",
        document("An input schema 60 objects deep", deep_input(nested_properties(60))),
        true,
    );

    // A response schema that is a chain of 1,000 `$ref`s, read at its end.
    write(dir, "ref-chain-1000.openapi.json", &ref_chain_openapi(1_000));
    let pointer = "/next".repeat(999);
    let workflows = json!([{
        "workflowId": "chain",
        "steps": [{"stepId": "get", "operationId": "getChain", "outputs": {"head": "$response.body#/next", "end": format!("$response.body#{pointer}")}}],
        "outputs": {"end": "$steps.get.outputs.end"},
    }]);
    let mut chain = document("A response schema that is a chain of 1,000 $refs", workflows);
    chain["sourceDescriptions"] = json!([{"name": "chain", "url": "./ref-chain-1000.openapi.json"}]);
    add("deep-ref-chain-1000.arazzo.json", chain, true);

    // Reusable inputs that `$ref` each other 1,000 deep.
    let mut inputs = serde_json::Map::new();
    for index in 0..1_000 {
        let schema = if index + 1 < 1_000 {
            json!({"$ref": format!("#/components/inputs/i{}", index + 1)})
        } else {
            json!({"type": "object", "properties": {"id": {"type": "string"}}})
        };
        inputs.insert(format!("i{index}"), schema);
    }
    let workflows = json!([{
        "workflowId": "refs",
        "inputs": {"$ref": "#/components/inputs/i0"},
        "steps": [{"stepId": "get", "operationId": "listItems", "parameters": [{"name": "q", "in": "query", "value": "$inputs.id"}]}],
    }]);
    let mut refs = document("Reusable inputs that $ref each other 1,000 deep", workflows);
    refs["components"] = json!({"inputs": inputs});
    add("deep-input-ref-chain-1000.arazzo.json", refs, true);

    cases
}
