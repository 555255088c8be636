//! Rotations at scale through a real Restate server (issue 16): N rotations of the Svix seed
//! submitted through Restate's ingress to two service instances listening on the one address the
//! deployment is registered with; one instance is SIGKILLed part-way. Every side effect is counted at
//! the fake Svix: completed (the caller got the key the provider holds now), lost (a rotation the
//! caller did not get the provider's current key for) and duplicated (rotate requests beyond one per
//! integration). Then the cost of the journal per step: sequential rotations through Restate with
//! and without the journal, and in-process without Restate.
//!
//! A benchmark, not a test: it prints its figures (see docs/BENCHMARKS.md) and fails only when its
//! setup does.
//!
//! `cargo bench -p arazzo-restate --bench scale -- --rotations 10000 [--kill-at 0.5] [--sequential 100]`

// A failed setup in a benchmark is a broken run: stopping loudly is the right outcome.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arazzo_generated::svix_rotate_integration_key::{
    Config, RotateIntegrationKeyInputs, SvixApi, rotate_integration_key,
};
use arazzo_tests::svix::{self, FakeSvix, SvixApp, SvixIntegration, SvixSeed};
use serde_json::{Value, json};
use support::svix_service;
use tokio::sync::Semaphore;

const TOKEN: &str = "testsk_scale_bearer_7c41e09b";
/// Submissions in flight at once (each a short request: Restate accepts and answers at once).
const SUBMIT_CONCURRENCY: usize = 64;
/// Callers waiting for results at once.
const ATTACH_CONCURRENCY: usize = 512;

struct Args {
    rotations: usize,
    /// The share of rotations the provider has seen when one instance is killed.
    kill_at: f64,
    /// Rotations run one at a time for the per-step cost, each way.
    sequential: usize,
}

impl Args {
    fn parse() -> Self {
        let mut args = Self { rotations: 1000, kill_at: 0.5, sequential: 100 };
        let mut given = std::env::args().skip(1);
        while let Some(arg) = given.next() {
            let mut value = || given.next().unwrap_or_else(|| panic!("{arg} needs a value"));
            match arg.as_str() {
                "--rotations" => args.rotations = value().parse().expect("--rotations N"),
                "--kill-at" => args.kill_at = value().parse().expect("--kill-at FRACTION"),
                "--sequential" => args.sequential = value().parse().expect("--sequential N"),
                // `cargo bench` passes `--bench`; other harness flags mean nothing here.
                _ => {}
            }
        }
        args
    }
}

fn app(i: usize) -> String {
    format!("app_{i:05}")
}

fn integration(i: usize) -> String {
    format!("integ_{i:05}")
}

fn seed(apps: usize) -> SvixSeed {
    SvixSeed {
        tokens: vec![TOKEN.into()],
        apps: (0..apps)
            .map(|i| SvixApp {
                id: app(i),
                uid: None,
                integrations: vec![SvixIntegration {
                    id: integration(i),
                    name: format!("integration {i}"),
                    key: format!("integsk_initial_{i:05}"),
                    feature_flags: vec![],
                    created_at: "2024-03-01T10:00:00Z".into(),
                    updated_at: "2024-03-01T10:00:00Z".into(),
                }],
            })
            .collect(),
    }
}

fn inputs(i: usize) -> Value {
    json!({"appId": app(i), "integrationId": integration(i)})
}

fn main() {
    svix_service::serve_if_instance();
    let args = Args::parse();
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(run(args));
}

async fn run(args: Args) {
    if support::restate_server("the Restate scale benchmark").is_none() {
        return;
    }
    support::install_crypto_provider();
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("restate-scale");
    let server = support::start_server(&work.join("data"), support::Storage::Default).await;
    // The scale run's apps, then those of the sequential runs (three ways).
    let fake = Arc::new(svix::start(seed(args.rotations + 3 * args.sequential)).await.unwrap());
    let addr = support::free_port();
    let instance = |name: &str| {
        let command = svix_service::instance_command(&[], addr, &fake.base_url, TOKEN);
        let log = work.join(format!("{name}.log"));
        async move { support::start_instance(command, addr, &log).await }
    };
    let first = instance("instance-1").await;
    let second = instance("instance-2").await;
    server.register(addr).await;
    let http = reqwest::Client::builder().pool_max_idle_per_host(ATTACH_CONCURRENCY).build().unwrap();

    println!(
        "{} rotations through Restate, two service instances, one killed at {:.0}%",
        args.rotations,
        args.kill_at * 100.0
    );
    let started = Instant::now();
    let killer = tokio::spawn(kill_part_way(
        first,
        {
            let fake = fake.clone();
            move || fake.rotations()
        },
        (args.rotations as f64 * args.kill_at) as u64,
    ));
    let ids = submit(&http, &server.ingress, args.rotations).await;
    let submitted = started.elapsed();
    let results = attach(&http, &server.ingress, ids).await;
    let elapsed = started.elapsed();
    let killed_at = killer.await.unwrap();

    let count = count(&fake, &results, args.rotations);
    println!(
        "submitted in {:.1} s; instance 1 killed after {:.1} s",
        submitted.as_secs_f64(),
        killed_at.map_or(f64::NAN, |t| (t - started).as_secs_f64())
    );
    println!(
        "completed {} / lost {} / duplicated {} (failed invocations {}), in {:.1} s: {:.1} rotations/s",
        count.completed,
        count.lost,
        count.duplicated,
        count.failed,
        elapsed.as_secs_f64(),
        args.rotations as f64 / elapsed.as_secs_f64()
    );
    let attempts = |name: &str| {
        let log = std::fs::read_to_string(work.join(format!("{name}.log"))).unwrap_or_default();
        log.lines().filter(|line| *line == svix_service::ATTEMPT_LINE).count()
    };
    println!(
        "attempts at an invocation: {} by instance 1 (killed), {} by instance 2",
        attempts("instance-1"),
        attempts("instance-2")
    );
    for (status, text) in count.failures.iter().take(3) {
        println!("  a failed invocation: {status} {text}");
    }

    if args.sequential > 0 {
        per_step_cost(&http, &server.ingress, &fake, args.rotations, args.sequential).await;
    }
    drop(second);
    drop(server);
    let _ = std::fs::remove_dir_all(&work);
}

/// SIGKILLs `instance` once the provider has done `after` rotations; returns when.
async fn kill_part_way(instance: support::Process, rotations: impl Fn() -> u64, after: u64) -> Option<Instant> {
    let deadline = Instant::now() + Duration::from_secs(3600);
    while rotations() < after {
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    instance.kill();
    Some(Instant::now())
}

/// Sends every rotation to the ingress (`/send`: Restate answers with the invocation's id once it is
/// stored), each with an idempotency key, so that a submission retried after a lost answer is one
/// invocation.
async fn submit(http: &reqwest::Client, ingress: &str, rotations: usize) -> Vec<String> {
    let permits = Arc::new(Semaphore::new(SUBMIT_CONCURRENCY));
    let tasks: Vec<_> = (0..rotations)
        .map(|i| {
            let (http, permits) = (http.clone(), permits.clone());
            let url = format!("{ingress}/SvixRotation/rotate/send");
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                for attempt in 0.. {
                    let sent = http
                        .post(&url)
                        .header("idempotency-key", format!("rotation-{i}"))
                        .json(&inputs(i))
                        .send()
                        .await;
                    match sent {
                        Ok(response) if response.status().is_success() => {
                            let body: Value = response.json().await.unwrap();
                            return body["invocationId"].as_str().unwrap().to_owned();
                        }
                        other if attempt < 5 => {
                            eprintln!("submitting rotation {i}: {other:?}; again");
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                        other => panic!("submitting rotation {i}: {other:?}"),
                    }
                }
                unreachable!()
            })
        })
        .collect();
    let mut ids = Vec::with_capacity(rotations);
    for task in tasks {
        ids.push(task.await.unwrap());
    }
    ids
}

/// Waits for every invocation's result (`/restate/invocation/{id}/attach`): its status and body.
async fn attach(http: &reqwest::Client, ingress: &str, ids: Vec<String>) -> Vec<(u16, String)> {
    let permits = Arc::new(Semaphore::new(ATTACH_CONCURRENCY));
    let tasks: Vec<_> = ids
        .into_iter()
        .map(|id| {
            let (http, permits) = (http.clone(), permits.clone());
            let url = format!("{ingress}/restate/invocation/{id}/attach");
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                loop {
                    match http.get(&url).send().await {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            return (status, response.text().await.unwrap_or_default());
                        }
                        Err(error) => {
                            eprintln!("attaching to {id}: {error}; again");
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    }
                }
            })
        })
        .collect();
    let mut results = Vec::with_capacity(tasks.len());
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

#[derive(Default)]
struct Count {
    completed: usize,
    lost: usize,
    duplicated: usize,
    failed: usize,
    failures: Vec<(u16, String)>,
}

/// Side effects as the fake saw them, against what the callers got.
fn count(fake: &FakeSvix, results: &[(u16, String)], rotations: usize) -> Count {
    let mut rotate_requests: HashMap<String, usize> = HashMap::new();
    for request in fake.requests() {
        if request.method == "POST" && request.path.ends_with("/key/rotate") {
            *rotate_requests.entry(request.path).or_default() += 1;
        }
    }
    let mut count = Count::default();
    for (i, (status, text)) in results.iter().enumerate().take(rotations) {
        let path = format!("/api/v1/app/{}/integration/{}/key/rotate", app(i), integration(i));
        let requests = rotate_requests.get(&path).copied().unwrap_or(0);
        count.duplicated += requests.saturating_sub(1);
        let current = fake.current_key(&app(i), &integration(i));
        let returned = (*status == 200)
            .then(|| serde_json::from_str::<Value>(text).ok())
            .flatten()
            // The key as the caller gets it: opened with the journal key.
            .and_then(|answer| svix_service::open_outputs(&answer)["integrationKey"].as_str().map(str::to_owned));
        if *status != 200 {
            count.failed += 1;
            count.failures.push((*status, text.clone()));
        }
        if requests > 0 && returned.is_some() && returned == current {
            count.completed += 1;
        } else if requests > 0 {
            // The provider rotated, and the caller does not hold the key it rotated to.
            count.lost += 1;
        }
    }
    count
}

/// Sequential rotations three ways: through Restate with the journal (`rotate`), through Restate
/// without it (`rotateUnjournaled`), and in this process with the generated client alone. The first
/// two differ by what the journal costs; each rotation has three steps.
async fn per_step_cost(http: &reqwest::Client, ingress: &str, fake: &FakeSvix, first: usize, runs: usize) {
    let (client, config) =
        (arazzo_runtime::Client::new(), Config { svix_api: SvixApi::new(TOKEN).with_base_url(&fake.base_url) });
    let mut means = Vec::new();
    for (way, handler) in [(0, Some("rotate")), (1, Some("rotateUnjournaled")), (2, None)] {
        let apps = first + way * runs..first + (way + 1) * runs;
        let started = Instant::now();
        for i in apps {
            match handler {
                Some(handler) => {
                    let response =
                        http.post(format!("{ingress}/SvixRotation/{handler}")).json(&inputs(i)).send().await.unwrap();
                    assert!(response.status().is_success(), "{handler}: {}", response.text().await.unwrap());
                }
                None => {
                    let inputs = RotateIntegrationKeyInputs { app_id: app(i), integration_id: integration(i) };
                    rotate_integration_key(&client, &config, &inputs).await.unwrap();
                }
            }
        }
        means.push(started.elapsed() / runs as u32);
    }
    let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
    println!(
        "one at a time ({runs} each): through Restate, journaled {:.2} ms, not journaled {:.2} ms; in process {:.2} ms",
        ms(means[0]),
        ms(means[1]),
        ms(means[2])
    );
    println!(
        "the Restate journal per step (3 steps a rotation): {:.2} ms",
        ms(means[0].saturating_sub(means[1])) / 3.0
    );
}
