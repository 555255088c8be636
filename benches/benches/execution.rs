//! Execution benchmarks: each seed workflow run by its generated client and by the hand-written
//! reqwest function against the same loopback fake, plus one bare round trip.
//!
//! One current-thread tokio runtime runs client and fake alike, so a run is the cheapest possible
//! round trip and the client's own cost is as visible as it can be. Each sample starts a fresh
//! fake and opens its connection before timing (see `arazzo_benches::scenario::timed`).

// A failed rotation in a benchmark is a broken setup: stopping loudly is the right outcome.
#![allow(clippy::panic, clippy::expect_used)]

use std::time::{Duration, Instant};

use arazzo_benches::scenario::apigee::Apigee;
use arazzo_benches::scenario::backblaze::Backblaze;
use arazzo_benches::scenario::deepgram::Deepgram;
use arazzo_benches::scenario::propelauth::PropelAuth;
use arazzo_benches::scenario::svix::Svix;
use arazzo_benches::scenario::{Scenario, Variant, timed};
use criterion::{Criterion, criterion_group, criterion_main};
use tokio::runtime::Runtime;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime")
}

fn seed<S: Scenario>(c: &mut Criterion, rt: &Runtime) {
    let mut group = c.benchmark_group(S::NAME);
    for variant in Variant::ALL {
        group.bench_function(variant.name(), |b| {
            b.to_async(rt).iter_custom(|iters| async move {
                timed::<S>(variant, iters)
                    .await
                    .unwrap_or_else(|error| panic!("{} {}: {error}", S::NAME, variant.name()))
            });
        });
    }
    group.finish();
}

fn raw_round_trip(c: &mut Criterion, rt: &Runtime) {
    let mut group = c.benchmark_group("raw_round_trip");
    group.bench_function("svix_get", |b| {
        b.to_async(rt).iter_custom(|iters| async move {
            let fake = Svix::start().await.unwrap_or_else(|error| panic!("svix: {error}"));
            fake.raw_round_trip().await.unwrap_or_else(|error| panic!("raw: {error}"));
            let started = Instant::now();
            for _ in 0..iters {
                fake.raw_round_trip().await.unwrap_or_else(|error| panic!("raw: {error}"));
            }
            started.elapsed()
        });
    });
    group.finish();
}

fn execution(c: &mut Criterion) {
    let rt = runtime();
    raw_round_trip(c, &rt);
    seed::<Svix>(c, &rt);
    seed::<PropelAuth>(c, &rt);
    seed::<Deepgram>(c, &rt);
    seed::<Apigee>(c, &rt);
    seed::<Backblaze>(c, &rt);
}

fn config() -> Criterion {
    Criterion::default().sample_size(30).warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(5))
}

criterion_group! { name = benches; config = config(); targets = execution }
criterion_main!(benches);
