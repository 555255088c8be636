//! The load run at CI size: 300 concurrent Svix rotations, 100 of each other seed, against their fakes,
//! every one accounted for. `cargo run --release -p arazzo-tests --example load -- --rotations 10000`
//! runs the full size and prints the figures.

// A test: failing loudly on an unexpected error is its job.
#![allow(clippy::unwrap_used)]

#[path = "../load/mod.rs"]
mod load;

use arazzo_tests::Failure;
use load::{LoadConfig, Report, Seed};

// Debug builds on two shared cores: these sizes keep the whole file to a few seconds.
const ROTATIONS: usize = 300;
const OTHER_ROTATIONS: usize = 100;
const CONCURRENCY: usize = 32;

async fn run(seed: Seed, rotations: usize) -> Report {
    let report = load::run(LoadConfig { seed, rotations, concurrency: CONCURRENCY }).await.unwrap();
    println!("{report}");
    report
}

#[track_caller]
fn assert_all_accounted_for(report: &Report, rotations: usize) {
    assert!(report.ok(), "{report}");
    assert_eq!(report.succeeded, rotations);
    assert_eq!(report.distinct_secrets, rotations);
    assert_eq!(report.requests, report.steps * rotations);
    assert_eq!(report.latencies.len(), rotations);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn svix_rotations_are_all_accounted_for() {
    assert_all_accounted_for(&run(Seed::Svix, ROTATIONS).await, ROTATIONS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn propelauth_rotations_are_all_accounted_for() {
    assert_all_accounted_for(&run(Seed::PropelAuth, OTHER_ROTATIONS).await, OTHER_ROTATIONS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deepgram_rotations_are_all_accounted_for() {
    assert_all_accounted_for(&run(Seed::Deepgram, OTHER_ROTATIONS).await, OTHER_ROTATIONS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apigee_rotations_are_all_accounted_for() {
    assert_all_accounted_for(&run(Seed::Apigee, OTHER_ROTATIONS).await, OTHER_ROTATIONS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backblaze_rotations_are_all_accounted_for() {
    assert_all_accounted_for(&run(Seed::Backblaze, OTHER_ROTATIONS).await, OTHER_ROTATIONS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_step_is_reported_with_the_requests_it_did_not_send() {
    // One first step fails with 500: that rotation stops there, so its resource misses two requests and
    // the total is two short. Which rotation it is depends on scheduling.
    let config = LoadConfig { seed: Seed::Svix, rotations: 40, concurrency: 8 };
    let report = load::run_prepared(config, |recorder| {
        recorder.fail_operation_times("v1.integration.get", 1, Failure::status(500))
    })
    .await
    .unwrap();
    assert!(!report.ok());
    assert_eq!(report.failed, 1, "{report}");
    assert_eq!(report.succeeded, 39);
    assert_eq!(report.requests, 3 * 40 - 2);
    let problems = report.problems.join("\n");
    assert!(problems.contains("the fake received 118 requests, expected 120 (3 × 40)"), "{problems}");
    assert!(problems.contains("requests, expected 3 (lost)"), "{problems}");
    assert_eq!(report.problem_count, 2, "{problems}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_whose_last_step_fails_leaves_a_rotated_key_the_fake_counted() {
    // The key is rotated (step 2) but reading it back (step 3) fails: the workflow fails, all three
    // requests were sent, and the fake counts one rotation more than succeeded.
    let config = LoadConfig { seed: Seed::Svix, rotations: 20, concurrency: 4 };
    let report = load::run_prepared(config, |recorder| {
        recorder.fail_operation_times("v1.integration.get-key", 1, Failure::status(503))
    })
    .await
    .unwrap();
    assert_eq!(report.failed, 1, "{report}");
    assert_eq!(report.requests, 60);
    assert_eq!(report.problems, ["rotations counted by the fake: 20, expected 19"], "{report}");
}
