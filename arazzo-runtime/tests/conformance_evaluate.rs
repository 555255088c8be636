//! The conformance vectors of `conditions/evaluate.json`, evaluated as compiled conditions.
//!
//! The runtime has no condition parser, so each condition is written here as the Rust that
//! `arazzo-codegen` emits for it: [`compare`], [`truthy`], [`field`] and [`index`] over the
//! resolved runtime-expression values, combined with `!`, `&&` and `||`.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use arazzo_runtime::condition::{Compare, compare, field, index, truthy};
use serde_json::{Value, json};

use Compare::{Eq, Ge, Gt, Lt, Ne};

/// The values the vectors' `resolve` map gives each runtime expression.
struct Resolve<'a>(&'a serde_json::Map<String, Value>);

impl Resolve<'_> {
    /// The value of a runtime expression; absent when the map does not list it.
    fn get(&self, expression: &str) -> Option<&Value> {
        self.0.get(expression)
    }

    fn status_code(&self) -> Option<&Value> {
        self.get("$statusCode")
    }

    fn body(&self) -> Option<&Value> {
        self.get("$response.body")
    }
}

type Compiled = fn(&Resolve<'_>) -> bool;

/// Every case's condition and the code generated for it.
const TABLE: &[(&str, Compiled)] = &[
    ("$statusCode == 200", |r| compare(Eq, r.status_code(), Some(&json!(200)))),
    ("$statusCode == 201", |r| compare(Eq, r.status_code(), Some(&json!(201)))),
    ("$statusCode != 201", |r| compare(Ne, r.status_code(), Some(&json!(201)))),
    ("$response.body.status == 'available'", |r| compare(Eq, field(r.body(), "status"), Some(&json!("available")))),
    ("$inputs.name == 'FLUFFY'", |r| compare(Eq, r.get("$inputs.name"), Some(&json!("FLUFFY")))),
    ("$inputs.name == 'rex'", |r| compare(Eq, r.get("$inputs.name"), Some(&json!("rex")))),
    ("$statusCode == '200'", |r| compare(Eq, r.status_code(), Some(&json!("200")))),
    ("$inputs.age == 30", |r| compare(Eq, r.get("$inputs.age"), Some(&json!(30)))),
    ("$response.body.missing == null", |r| compare(Eq, field(r.body(), "missing"), Some(&Value::Null))),
    ("$statusCode == null", |r| compare(Eq, r.status_code(), Some(&Value::Null))),
    ("$response.body.data != null", |r| compare(Ne, field(r.body(), "data"), Some(&Value::Null))),
    ("$statusCode >= 200 && $statusCode < 300", |r| {
        compare(Ge, r.status_code(), Some(&json!(200))) && compare(Lt, r.status_code(), Some(&json!(300)))
    }),
    ("$statusCode > 199", |r| compare(Gt, r.status_code(), Some(&json!(199)))),
    ("$statusCode < 200", |r| compare(Lt, r.status_code(), Some(&json!(200)))),
    ("$response.body.missing > 0", |r| compare(Gt, field(r.body(), "missing"), Some(&json!(0)))),
    ("$response.body.data[0].id > 10", |r| {
        compare(Gt, field(index(field(r.body(), "data"), 0), "id"), Some(&json!(10)))
    }),
    ("$response.body.data[0].id == 42", |r| {
        compare(Eq, field(index(field(r.body(), "data"), 0), "id"), Some(&json!(42)))
    }),
    ("$response.body.count == 0", |r| compare(Eq, field(r.body(), "count"), Some(&json!(0)))),
    ("$response.body.nope.deep", |r| truthy(field(field(r.body(), "nope"), "deep"))),
    ("$statusCode == 200 && $response.body.data != null", |r| {
        compare(Eq, r.status_code(), Some(&json!(200))) && compare(Ne, field(r.body(), "data"), Some(&Value::Null))
    }),
    ("$statusCode == 500 || $statusCode == 200", |r| {
        compare(Eq, r.status_code(), Some(&json!(500))) || compare(Eq, r.status_code(), Some(&json!(200)))
    }),
    ("!$response.body.active", |r| !truthy(field(r.body(), "active"))),
    ("!($statusCode == 200)", |r| !compare(Eq, r.status_code(), Some(&json!(200)))),
    ("true", |_| truthy(Some(&Value::Bool(true)))),
    ("false", |_| truthy(Some(&Value::Bool(false)))),
    ("null", |_| truthy(Some(&Value::Null))),
    ("$statusCode", |r| truthy(r.status_code())),
    ("$response.body.active", |r| truthy(field(r.body(), "active"))),
];

fn vectors() -> Option<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/conditions/evaluate.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).unwrap()),
        Err(error) => {
            eprintln!("skipped: cannot read {} ({error})", path.display());
            None
        }
    }
}

#[test]
fn every_evaluate_vector_holds() {
    let Some(vectors) = vectors() else { return };
    let resolve = Resolve(vectors["resolve"].as_object().unwrap());
    let cases = vectors["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 28, "evaluate.json has 28 cases");

    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    for case in cases {
        let condition = case["condition"].as_str().unwrap();
        let expected = case["expected"].as_bool().unwrap();
        let Some((_, compiled)) = TABLE.iter().find(|(written, _)| *written == condition) else {
            panic!("no compiled form in TABLE for `{condition}`");
        };
        seen.insert(condition);
        let actual = compiled(&resolve);
        if actual != expected {
            failures.push(format!("`{condition}`: expected {expected}, got {actual}"));
        }
    }
    assert!(failures.is_empty(), "failing vectors:\n{}", failures.join("\n"));
    // Every table entry is a case, once.
    assert_eq!(seen.len(), TABLE.len(), "TABLE has entries that are not cases, or duplicates");
    assert_eq!(seen.len(), cases.len(), "evaluate.json repeats a condition");
}

#[test]
fn unparseable_conditions_are_listed() {
    // Raising an error on these is the generator's job (at build time); the runtime sees none.
    let Some(vectors) = vectors() else { return };
    let unparseable: Vec<&str> =
        vectors["unparseable"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(unparseable, ["== 200"]);
    assert!(TABLE.iter().all(|(written, _)| !unparseable.contains(written)));
}
