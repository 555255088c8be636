//! The accounting itself, on made-up data: each way a rotation can be lost or duplicated is reported.

use super::*;

fn request(path: &str, query: Option<&str>, body: &str) -> RecordedRequest {
    RecordedRequest {
        server: "fake",
        method: "POST".into(),
        path: path.into(),
        query: query.map(str::to_owned),
        headers: Vec::new(),
        body: body.as_bytes().to_vec(),
    }
}

fn finished(index: usize) -> Finished<()> {
    (index, Duration::from_millis(1), Ok(()))
}

#[test]
fn outcomes_in_any_order_are_all_accounted_for() {
    let mut problems = Messages::default();
    let outcomes = sort_outcomes(3, vec![finished(2), finished(0), finished(1)], &mut problems);
    assert_eq!(problems.count, 0, "{:?}", problems.kept);
    assert!(outcomes.iter().all(Option::is_some));
}

#[test]
fn a_lost_a_duplicated_and_an_unknown_outcome_are_problems() {
    let mut problems = Messages::default();
    let outcomes = sort_outcomes(3, vec![finished(0), finished(0), finished(2), finished(7)], &mut problems);
    assert_eq!(
        problems.kept,
        [
            "rotation 0 finished more than once",
            "rotation 7 finished but was never started",
            "rotation 1 never finished"
        ]
    );
    assert_eq!(problems.count, 3);
    assert!(outcomes[1].is_none());
}

#[test]
fn the_owner_is_the_index_after_load_in_path_query_or_body() {
    assert_eq!(owner(&request("/v1/projects/proj-load-17/keys", None, "")), Ok(Some(17)));
    assert_eq!(owner(&request("/keys", Some("user_id=user-load-3&page_size=1"), "")), Ok(Some(3)));
    assert_eq!(owner(&request("/keys", None, r#"{"user_id":"user-load-40"}"#)), Ok(Some(40)));
    assert_eq!(owner(&request("/apps/app-load-5/keys/old-load-5", None, r#"{"k":"new-load-5"}"#)), Ok(Some(5)));
    assert_eq!(owner(&request("/b2api/v4/b2_authorize_account", None, "")), Ok(None));
    // A dash-less `load-` or no digits names nothing.
    assert_eq!(owner(&request("/x/load-4/y-load-", None, "")), Ok(None));
}

#[test]
fn a_request_naming_two_rotations_has_no_owner() {
    assert!(owner(&request("/apps/app-load-5/keys/old-load-6", None, "")).is_err());
    assert!(owner(&request("/apps/app-load-5", None, r#"{"k":"new-load-50"}"#)).is_err());
}

fn requests_for(counts: &[usize], unnamed: usize) -> Vec<RecordedRequest> {
    let mut requests = Vec::new();
    for (index, &count) in counts.iter().enumerate() {
        for _ in 0..count {
            requests.push(request(&format!("/r/res-load-{index}"), None, ""));
        }
    }
    requests.extend((0..unnamed).map(|_| request("/auth", None, "")));
    requests
}

#[test]
fn exact_request_counts_pass() {
    let mut problems = Messages::default();
    tally_requests(&requests_for(&[3, 3, 3], 0), 3, 3, 0, &mut problems);
    assert_eq!(problems.count, 0, "{:?}", problems.kept);
    tally_requests(&requests_for(&[2, 2], 2), 2, 3, 1, &mut problems);
    assert_eq!(problems.count, 0, "{:?}", problems.kept);
}

#[test]
fn a_missing_request_is_reported_as_lost() {
    let mut problems = Messages::default();
    tally_requests(&requests_for(&[3, 2, 3], 0), 3, 3, 0, &mut problems);
    assert_eq!(
        problems.kept,
        [
            "the fake received 8 requests, expected 9 (3 × 3)",
            "rotation 1: its resource received 2 requests, expected 3 (lost)"
        ]
    );
}

#[test]
fn an_extra_request_is_reported_as_duplicated_even_when_the_total_matches() {
    // Rotation 0 sent one request too many and rotation 2 one too few: the total alone would hide it.
    let mut problems = Messages::default();
    tally_requests(&requests_for(&[4, 3, 2], 0), 3, 3, 0, &mut problems);
    assert_eq!(
        problems.kept,
        [
            "rotation 0: its resource received 4 requests, expected 3 (duplicated)",
            "rotation 2: its resource received 2 requests, expected 3 (lost)"
        ]
    );
}

#[test]
fn shared_requests_must_number_one_per_rotation() {
    let mut problems = Messages::default();
    tally_requests(&requests_for(&[2, 2], 3), 2, 3, 1, &mut problems);
    assert_eq!(
        problems.kept,
        [
            "the fake received 7 requests, expected 6 (3 × 2)",
            "3 requests name no resource, expected 2 (1 per rotation)"
        ]
    );
}

#[test]
fn messages_keep_the_first_few_and_count_all() {
    let mut messages = Messages::default();
    for i in 0..20 {
        messages.push(i.to_string());
    }
    assert_eq!(messages.count, 20);
    assert_eq!(messages.kept.len(), MAX_MESSAGES);
    assert_eq!(messages.kept[0], "0");
}

#[test]
fn percentiles_use_the_nearest_rank() {
    let report = Report {
        config: LoadConfig { seed: Seed::Svix, rotations: 4, concurrency: 1 },
        steps: 3,
        succeeded: 4,
        failed: 0,
        failures: Vec::new(),
        problem_count: 0,
        problems: Vec::new(),
        distinct_secrets: 4,
        requests: 12,
        elapsed: Duration::from_secs(2),
        cpu: None,
        latencies: [10, 20, 30, 40].map(Duration::from_millis).to_vec(),
        memory_after_run: Memory::default(),
        memory_at_end: Memory::default(),
        recorded_bytes: 0,
        connections: None,
        check_time: Duration::ZERO,
    };
    // Nearest rank: ceil(p/100 * 4)th smallest.
    assert_eq!(report.latency_percentile(50.0), Some(Duration::from_millis(20)));
    assert_eq!(report.latency_percentile(51.0), Some(Duration::from_millis(30)));
    assert_eq!(report.latency_percentile(99.0), Some(Duration::from_millis(40)));
    assert_eq!(report.latency_percentile(0.0), Some(Duration::from_millis(10)));
    assert_eq!(report.rotations_per_second(), 2.0);
    assert_eq!(report.requests_per_second(), 6.0);
    assert!(report.ok());
}

#[test]
fn cpu_time_is_read_from_proc_and_grows() {
    let before = cpu_time().unwrap();
    // Busy until the kernel's 10 ms tick accounting moves (bounded, in case it never does).
    let start = Instant::now();
    let mut after = before;
    while after == before && start.elapsed() < Duration::from_secs(5) {
        std::hint::black_box((0..10_000_u64).sum::<u64>());
        after = cpu_time().unwrap();
    }
    assert!(after > before, "{before:?} -> {after:?}");
}

#[test]
fn memory_is_read_from_proc() {
    // Linux only, as the load run itself; a running test process has a resident set.
    let memory = Memory::now();
    assert!(memory.peak_kib.is_some_and(|kib| kib > 0));
    assert!(memory.current_kib <= memory.peak_kib);
}
