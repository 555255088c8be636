//! Synthetic documents for the generation and build-cost benchmarks: `workflows` workflows of
//! `steps` steps each, over an OpenAPI description with five operations per workflow, so that the
//! input grows linearly in both dimensions.
//!
//! Each step calls one of five operation kinds in turn (get, create with a header and a JSON body,
//! update with a JSON body, list with query parameters, delete), takes the id the previous step
//! produced, checks its status and produces `id`; each workflow outputs the last id. That is the
//! shape of the seed rotations, at any size.
//!
//! With `actions`, every step also has success and failure actions, so the workflow is generated as
//! a state machine (`arazzo-codegen/src/emit/machine.rs`) rather than straight-line code: each step
//! retries up to three times on a 503, a list step goes back to the step before it while the list is
//! empty, and a delete step ends the workflow once the item it deleted says so. That is the shape of
//! the compile-time benchmark of issue 17 (`benches/src/bin/compile_time.rs`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How big a synthetic document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub workflows: usize,
    pub steps: usize,
    /// Whether each step has success and failure actions (a state machine), or none (straight-line code).
    pub actions: bool,
}

impl Shape {
    /// The file stem of the Arazzo document, also (in snake case) the generated module's name.
    pub fn stem(self) -> String {
        let actions = if self.actions { "-actions" } else { "" };
        format!("synthetic{actions}-{}x{}", self.workflows, self.steps)
    }

    /// The generated module's name.
    pub fn module(self) -> String {
        self.stem().replace('-', "_")
    }
}

/// The five operation kinds, in the order steps use them.
const KINDS: [&str; 5] = ["get", "create", "update", "list", "delete"];

/// The OpenAPI 3.1 description: for every workflow `i`, `/r{i}/items` and `/r{i}/items/{id}` with
/// five operations.
pub fn openapi(workflows: usize) -> String {
    let mut out = String::from(concat!(
        "openapi: 3.1.0\n",
        "info:\n  title: Synthetic items API\n  version: 1.0.0\n",
        "servers:\n- url: https://api.example.com/v1\n",
        "security:\n- bearer: []\n",
        "components:\n",
        "  securitySchemes:\n    bearer:\n      type: http\n      scheme: bearer\n",
        "  schemas:\n",
        "    Item:\n      type: object\n      required: [id, name, status]\n      properties:\n",
        "        id: {type: string}\n        name: {type: string}\n        status: {type: string}\n",
        "        updatedAt: {type: string, format: date-time}\n",
        "    ItemInput:\n      type: object\n      properties:\n",
        "        name: {type: string}\n        status: {type: string}\n",
        "    ItemList:\n      type: object\n      required: [items]\n      properties:\n",
        "        items: {type: array, items: {$ref: '#/components/schemas/Item'}}\n        total: {type: integer}\n",
        "paths:\n",
    ));
    let item = "{application/json: {schema: {$ref: '#/components/schemas/Item'}}}";
    let input = "{application/json: {schema: {$ref: '#/components/schemas/ItemInput'}}}";
    let list = "{application/json: {schema: {$ref: '#/components/schemas/ItemList'}}}";
    let id = "{name: id, in: path, required: true, schema: {type: string}}";
    for i in 0..workflows {
        // `write!` to a String cannot fail.
        let _ = write!(
            out,
            "  /r{i}/items:\n\
             \x20   get:\n\
             \x20     operationId: listItems{i}\n\
             \x20     parameters:\n\
             \x20     - {{name: q, in: query, schema: {{type: string}}}}\n\
             \x20     - {{name: limit, in: query, schema: {{type: integer}}}}\n\
             \x20     responses:\n\
             \x20       '200': {{description: The matching items., content: {list}}}\n\
             \x20   post:\n\
             \x20     operationId: createItem{i}\n\
             \x20     parameters:\n\
             \x20     - {{name: X-Request-Id, in: header, schema: {{type: string}}}}\n\
             \x20     requestBody: {{required: true, content: {input}}}\n\
             \x20     responses:\n\
             \x20       '201': {{description: The created item., content: {item}}}\n\
             \x20 /r{i}/items/{{id}}:\n\
             \x20   get:\n\
             \x20     operationId: getItem{i}\n\
             \x20     parameters: [{id}]\n\
             \x20     responses:\n\
             \x20       '200': {{description: The item., content: {item}}}\n\
             \x20   put:\n\
             \x20     operationId: updateItem{i}\n\
             \x20     parameters: [{id}]\n\
             \x20     requestBody: {{required: true, content: {input}}}\n\
             \x20     responses:\n\
             \x20       '200': {{description: The updated item., content: {item}}}\n\
             \x20   delete:\n\
             \x20     operationId: deleteItem{i}\n\
             \x20     parameters: [{id}]\n\
             \x20     responses:\n\
             \x20       '200': {{description: The deleted item., content: {item}}}\n"
        );
    }
    out
}

/// The Arazzo 1.0.1 document, whose one source description is `openapi_url`.
pub fn arazzo(shape: Shape, openapi_url: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "arazzo: 1.0.1\n\
         info:\n  title: Synthetic {w} x {s}\n  summary: {w} workflows of {s} steps each.\n  version: 1.0.0\n\
         sourceDescriptions:\n- name: itemsApi\n  url: {openapi_url}\n  type: openapi\n\
         workflows:\n",
        w = shape.workflows,
        s = shape.steps,
    );
    for i in 0..shape.workflows {
        let _ = write!(
            out,
            "- workflowId: workflow{i}\n\
             \x20 summary: Walks item resource {i} through {s} calls.\n\
             \x20 inputs:\n\
             \x20   type: object\n\
             \x20   required: [itemId, name, requestId]\n\
             \x20   properties:\n\
             \x20     itemId: {{type: string, description: The item the first step reads.}}\n\
             \x20     name: {{type: string}}\n\
             \x20     requestId: {{type: string}}\n\
             \x20 steps:\n",
            s = shape.steps,
        );
        for j in 0..shape.steps {
            step(&mut out, i, j);
            if shape.actions {
                actions(&mut out, j);
            }
        }
        if shape.steps > 0 {
            let _ = write!(out, "  outputs:\n    lastId: $steps.s{}.outputs.id\n", shape.steps - 1);
        }
    }
    out
}

/// One step: kind `j % 5` on resource `i`, reading the id step `j - 1` produced.
fn step(out: &mut String, i: usize, j: usize) {
    let kind = KINDS[j % KINDS.len()];
    let previous = if j == 0 { "$inputs.itemId".to_owned() } else { format!("$steps.s{}.outputs.id", j - 1) };
    let path_id = format!("    - {{name: id, in: path, value: {previous}}}\n");
    let (operation, parameters, body, status, pointer) = match kind {
        "get" => (format!("getItem{i}"), path_id, String::new(), 200, "/id"),
        "create" => (
            format!("createItem{i}"),
            "    - {name: X-Request-Id, in: header, value: $inputs.requestId}\n".to_owned(),
            format!(
                "    requestBody:\n      contentType: application/json\n      payload:\n\
                 \x20       name: $inputs.name\n        status: 'created by step {j} after {{{previous}}}'\n"
            ),
            201,
            "/id",
        ),
        "update" => (
            format!("updateItem{i}"),
            path_id,
            format!(
                "    requestBody:\n      contentType: application/json\n      payload:\n\
                 \x20       status: updated-{j}\n"
            ),
            200,
            "/id",
        ),
        "list" => (
            format!("listItems{i}"),
            "    - {name: q, in: query, value: $inputs.name}\n    - {name: limit, in: query, value: 10}\n".to_owned(),
            String::new(),
            200,
            "/items/0/id",
        ),
        _ => (format!("deleteItem{i}"), path_id, String::new(), 200, "/id"),
    };
    let _ = write!(
        out,
        "  - stepId: s{j}\n\
         \x20   description: Step {j} ({kind}) of workflow {i}.\n\
         \x20   operationId: {operation}\n\
         \x20   parameters:\n{parameters}{body}\
         \x20   successCriteria:\n    - condition: $statusCode == {status}\n\
         \x20   outputs:\n      id: $response.body#{pointer}\n"
    );
}

/// The actions of step `j`: a retry on 503 for every step; on success, a list step (`j % 5 == 3`)
/// goes back to the step before it while the list is empty, a delete step ends the workflow once the
/// item it deleted says so.
fn actions(out: &mut String, j: usize) {
    match KINDS[j % KINDS.len()] {
        "list" => {
            let _ = write!(
                out,
                "    onSuccess:\n\
                 \x20   - name: empty-{j}\n      type: goto\n      stepId: s{previous}\n\
                 \x20     criteria:\n      - condition: $response.body#/total == 0\n",
                previous = j - 1,
            );
        }
        "delete" => {
            let _ = write!(
                out,
                "    onSuccess:\n\
                 \x20   - name: gone-{j}\n      type: end\n\
                 \x20     criteria:\n      - condition: $response.body#/status == 'deleted'\n"
            );
        }
        _ => {}
    }
    let _ = write!(
        out,
        "    onFailure:\n\
         \x20   - name: busy-{j}\n      type: retry\n      retryAfter: 0.5\n      retryLimit: 3\n\
         \x20     criteria:\n      - condition: $statusCode == 503\n"
    );
}

/// Writes the description and the document into `dir`; returns the document's path.
pub fn write(dir: &Path, shape: Shape) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let openapi_name = format!("synthetic-api-{}.yaml", shape.workflows);
    std::fs::write(dir.join(&openapi_name), openapi(shape.workflows))?;
    let path = dir.join(format!("{}.yml", shape.stem()));
    std::fs::write(&path, arazzo(shape, &format!("./{openapi_name}")))?;
    Ok(path)
}
