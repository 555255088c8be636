//! Mermaid flowcharts of workflows: golden files for the seeds and for documents with actions and
//! nested calls (`EXPECTORATE=overwrite cargo test -p arazzo-codegen --test diagrams` updates them).

// A test fails by panicking.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use arazzo_codegen::{Options, check_file, diagram};

fn chart(path: &str) -> String {
    let options = Options { display_name: Some(path.to_string()), ..Options::default() };
    match check_file(Path::new(path), &options, &[]) {
        Ok(checked) => diagram::module(&checked.plan),
        Err(error) => panic!("{path} did not check:\n{error}"),
    }
}

#[test]
fn seed_flows_are_straight_lines() {
    let svix = chart("../workflows/svix/arazzo/svix-rotate-integration-key-workflow.yml");
    expectorate::assert_contents("tests/diagrams/svix.mmd", &svix);
    // Three steps, each moving on when its criterion holds and failing the workflow otherwise.
    for edge in [
        "start --> s0",
        "s0 -->|\"$statusCode == 200\"| s1",
        "s1 -->|\"$statusCode == 200\"| s2",
        "s2 -->|\"$statusCode == 200\"| done",
        "s2 -.->|\"failure\"| failed",
    ] {
        assert!(svix.contains(edge), "missing {edge} in\n{svix}");
    }
    let deepgram = chart("../workflows/deepgram/arazzo/deepgram-rotate-project-key-workflow.yml");
    expectorate::assert_contents("tests/diagrams/deepgram.mmd", &deepgram);
}

#[test]
fn actions_draw_goto_retry_and_end_edges() {
    let actions = chart("tests/fixtures/actions.arazzo.yaml");
    expectorate::assert_contents("tests/diagrams/actions.mmd", &actions);
    for needle in ["retry up to 3x", ": end", ": goto"] {
        assert!(actions.contains(needle), "missing {needle} in\n{actions}");
    }
}

#[test]
fn nested_calls_are_subroutine_nodes() {
    let nested = chart("tests/fixtures/nested.arazzo.yaml");
    expectorate::assert_contents("tests/diagrams/nested.mmd", &nested);
    assert!(nested.contains("[[\"lookup<br/>calls get-pet-name\"]]"), "{nested}");
}
