//! Step `dependsOn` (Arazzo 1.1): three independent steps that each take 200 ms at the server, run
//! concurrently by the generated `three_regions` (one level of three, joined in the workflow's task)
//! and chained by `three_regions_chained` (the same steps without `dependsOn`), each followed by the
//! step that reads all three. Against the loopback fake Stock API, on one current-thread runtime.
//!
//! `cargo bench -p arazzo-benches --bench concurrency`

// A failed run in a benchmark is a broken setup: stopping loudly is the right outcome.
#![allow(clippy::panic, clippy::expect_used)]

include!("../../arazzo-codegen/tests/golden/depends_on.rs");

use std::time::{Duration, Instant};

use arazzo_runtime::Client;
use arazzo_tests::stock::{self, StockSeed};
use criterion::{Criterion, criterion_group, criterion_main};
use depends_on::{Config, Stock, ThreeRegionsChainedInputs, ThreeRegionsInputs, three_regions, three_regions_chained};

const DELAY: Duration = Duration::from_millis(200);

fn concurrency(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let mut group = c.benchmark_group("depends_on_3x200ms");
    for concurrent in [true, false] {
        let name = if concurrent { "concurrent" } else { "chained" };
        group.bench_function(name, |b| {
            b.to_async(&rt).iter_custom(|iters| async move {
                let seed = StockSeed { bearer: "bench".into(), delay: DELAY, ..StockSeed::default() };
                let fake = stock::start(seed).await.unwrap_or_else(|error| panic!("stock: {error}"));
                let config = Config { stock: Stock::new("bench").with_base_url(&fake.fake.base_url) };
                let client = Client::new();
                let started = Instant::now();
                for _ in 0..iters {
                    let outcome = if concurrent {
                        three_regions(&client, &config, &ThreeRegionsInputs {})
                            .await
                            .map(|_| ())
                            .map_err(|e| e.to_string())
                    } else {
                        three_regions_chained(&client, &config, &ThreeRegionsChainedInputs {})
                            .await
                            .map(|_| ())
                            .map_err(|e| e.to_string())
                    };
                    outcome.unwrap_or_else(|error| panic!("{name}: {error}"));
                }
                started.elapsed()
            });
        });
    }
    group.finish();
}

fn config() -> Criterion {
    // Each run takes 200 to 600 ms: the fewest samples criterion takes, over a short measurement.
    Criterion::default().sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(8))
}

criterion_group! { name = benches; config = config(); targets = concurrency }
criterion_main!(benches);
