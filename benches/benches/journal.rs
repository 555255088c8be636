//! The per-step cost of journaling (issue 16): the Svix seed rotation (3 steps) against its loopback
//! fake, with no journal, with the in-memory journal, and with the file journal (every record sealed,
//! appended and `fsync`ed, on the disk under `target/`). Each run has a run id of its own; the file
//! journal's files are removed outside the timed loop.
//!
//! `cargo bench -p arazzo-benches --bench journal`

// A failed run in a benchmark is a broken setup: stopping loudly is the right outcome.
#![allow(clippy::panic, clippy::expect_used)]

use std::time::{Duration, Instant};

use arazzo_benches::scenario::svix::{APP, INTEG, TOKEN, seed};
use arazzo_generated::svix_rotate_integration_key::{self as svix, RotateIntegrationKeyInputs};
use arazzo_runtime::journal::{FileJournal, JournalKey, MemoryJournal};
use arazzo_runtime::{Client, SecretString};
use criterion::{Criterion, criterion_group, criterion_main};

#[derive(Clone, Copy)]
enum Kind {
    None,
    Memory,
    File,
}

fn journal(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR").to_owned() + "/../target").expect("a directory");
    let mut group = c.benchmark_group("svix_rotation_3_steps");
    for (name, kind) in
        [("no_journal", Kind::None), ("memory_journal", Kind::Memory), ("file_journal_fsync", Kind::File)]
    {
        let dir = dir.path().to_owned();
        group.bench_function(name, |b| {
            b.to_async(&rt).iter_custom(|iters| {
                let dir = dir.clone();
                async move {
                    let fake = arazzo_tests::svix::start(seed()).await.unwrap_or_else(|error| panic!("svix: {error}"));
                    let config = svix::Config {
                        svix_api: svix::SvixApi::new(SecretString::from(TOKEN)).with_base_url(&fake.base_url),
                    };
                    let inputs = RotateIntegrationKeyInputs { app_id: APP.into(), integration_id: INTEG.into() };
                    let client = Client::new();
                    let memory = MemoryJournal::new();
                    let file = FileJournal::open(&dir, JournalKey::from_bytes([7; 32])).expect("a journal");
                    let run = async |client: &Client| svix::rotate_integration_key(client, &config, &inputs).await;
                    // One untimed run opens the pooled connection.
                    client.run_journaled(&memory, "warm-up", run).await.unwrap_or_else(|error| panic!("{error}"));
                    let started = Instant::now();
                    for iteration in 0..iters {
                        let run_id = format!("run-{iteration}");
                        let outcome = match kind {
                            Kind::None => run(&client).await.map(drop).map_err(|error| error.to_string()),
                            Kind::Memory => {
                                client.run_journaled(&memory, run_id, run).await.map(drop).map_err(|e| e.to_string())
                            }
                            Kind::File => {
                                client.run_journaled(&file, run_id, run).await.map(drop).map_err(|e| e.to_string())
                            }
                        };
                        outcome.unwrap_or_else(|error| panic!("{name}: {error}"));
                    }
                    let elapsed = started.elapsed();
                    file.prune_completed().expect("pruned");
                    elapsed
                }
            });
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5))
}

criterion_group! { name = benches; config = config(); targets = journal }
criterion_main!(benches);
