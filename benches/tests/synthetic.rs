//! The synthetic documents must be valid Arazzo that the generator accepts without a warning,
//! and the generated code must grow with the number of steps and workflows.

// Test code: a failed setup should stop the test loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use arazzo_benches::synthetic::{self, Shape};
use arazzo_codegen::{Options, generate_file};

fn generated(shape: Shape) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = synthetic::write(dir.path(), shape).unwrap();
    let generated = generate_file(&path, &Options::default(), &[]).unwrap_or_else(|error| panic!("{error}"));
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    assert_eq!(generated.module, shape.module());
    generated.source
}

#[test]
fn every_workflow_and_step_is_generated() {
    let source = generated(Shape { workflows: 3, steps: 7, actions: false });
    for i in 0..3 {
        assert!(source.contains(&format!("pub async fn workflow{i}(")), "workflow{i} missing");
    }
    // Each step of each workflow enters its step once: 3 workflows x 7 steps.
    assert_eq!(source.matches("run.step(\"s").count(), 21);
    for (kind, count) in [("getItem", 6), ("createItem", 6), ("updateItem", 3), ("listItems", 3), ("deleteItem", 3)] {
        let calls = source.matches(&format!("\"{kind}")).count();
        assert_eq!(calls, count, "{kind}");
    }
}

#[test]
fn the_code_grows_with_steps() {
    let five = generated(Shape { workflows: 1, steps: 5, actions: false }).lines().count();
    let ten = generated(Shape { workflows: 1, steps: 10, actions: false }).lines().count();
    let twenty = generated(Shape { workflows: 1, steps: 20, actions: false }).lines().count();
    assert!(five < ten && ten < twenty, "{five} {ten} {twenty}");
}

#[test]
fn steps_with_actions_make_a_state_machine() {
    let source = generated(Shape { workflows: 1, steps: 10, actions: true });
    assert!(source.contains("enum Step"), "no state machine");
    // Every step retries on 503; the two list steps go back, the two delete steps end the workflow.
    assert_eq!(source.matches("run.retry_wait(").count(), 10);
    assert_eq!(source.matches("run.goto(\"s2\")").count(), 1);
    assert_eq!(source.matches("run.goto(\"s7\")").count(), 1);
    let straight = generated(Shape { workflows: 1, steps: 10, actions: false });
    assert!(!straight.contains("enum Step"));
}
