//! In-process generation benchmarks: load, check and emit each seed document (what a `build.rs`
//! pays), the Svix seed against the full 1.5 MB Svix description, and synthetic documents.

// A seed that no longer generates is a broken setup: stopping loudly is the right outcome.
#![allow(clippy::panic, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use arazzo_benches::synthetic::{self, Shape};
use arazzo_codegen::{Options, Overlay, generate_file};
use criterion::{Criterion, criterion_group, criterion_main};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The five seeds: (name, document, overlays).
fn seeds() -> Vec<(&'static str, PathBuf, Vec<PathBuf>)> {
    let workflows = root().join("workflows");
    let doc = |provider: &str, file: &str| workflows.join(provider).join("arazzo").join(file);
    vec![
        ("svix", doc("svix", "svix-rotate-integration-key-workflow.yml"), vec![]),
        ("propelauth", doc("propelauth", "propelauth-rotate-user-api-key-workflow.yml"), vec![]),
        ("deepgram", doc("deepgram", "deepgram-rotate-project-key-workflow.yml"), vec![]),
        ("apigee", doc("apigee", "apigee-rotate-app-key-workflow.yml"), vec![]),
        (
            "backblaze",
            doc("backblaze", "backblaze-rotate-application-key-workflow.yml"),
            vec![workflows.join("backblaze/overlays/backblaze-credentials.overlay.yml")],
        ),
    ]
}

fn generate(path: &Path, options: &Options, overlays: &[Overlay]) -> usize {
    match generate_file(path, options, overlays) {
        Ok(generated) => generated.source.len(),
        Err(error) => panic!("{}: {error}", path.display()),
    }
}

fn generation(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    for (name, path, overlay_paths) in seeds() {
        let overlays: Vec<Overlay> = overlay_paths
            .iter()
            .map(|p| Overlay::load(p).unwrap_or_else(|_| panic!("overlay {}", p.display())))
            .collect();
        let options = Options::default();
        group.bench_function(name, |b| b.iter(|| generate(&path, &options, &overlays)));
    }

    // The full Svix description (shared/ beside the repository, or ARAZZO_SHARED).
    let shared = std::env::var_os("ARAZZO_SHARED").map(PathBuf::from).unwrap_or_else(|| root().join("../shared"));
    let full_svix = shared.join("openapi/svix/svix-openapi.json");
    if full_svix.is_file() {
        let path = root().join("workflows/svix/arazzo/svix-rotate-integration-key-workflow.yml");
        let mut options = Options::default();
        options.sources.insert("svixApi".into(), full_svix);
        group.bench_function("svix_full_description", |b| b.iter(|| generate(&path, &options, &[])));
    } else {
        eprintln!("skipping svix_full_description: {} not found", full_svix.display());
    }

    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("bench-tmp/criterion-synthetic");
    for workflows in [10, 100] {
        let shape = Shape { workflows, steps: 5, actions: false };
        let path = synthetic::write(&dir, shape).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
        let options = Options::default();
        group.bench_function(format!("synthetic_{workflows}x5"), |b| b.iter(|| generate(&path, &options, &[])));
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4))
}

criterion_group! { name = benches; config = config(); targets = generation }
criterion_main!(benches);
