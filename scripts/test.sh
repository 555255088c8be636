#!/usr/bin/env bash
# Every test, as CI runs it: formatting, lints, docs without warnings, the whole workspace's tests, and a
# build of the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
# A clean checkout never reuses incremental state: skipping it saves a third of the target folder.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
cargo test --workspace --locked
# TLS (rustls) is a default feature, tested above; the transport tests once more without it, where an https
# URL must name the feature to enable.
cargo test -p arazzo-runtime --no-default-features --test transport --locked
# The crates for crates.io package and pass the registry's checks (metadata, versions on path
# dependencies), resolved against crates.io; tests/tests/packaging.rs checks the rest. Not built again
# from their archives (`--no-verify`): that rebuilds the dependency tree, minutes on CI (docs/BENCHMARKS.md);
# run `cargo publish --workspace --dry-run` before a release.
cargo publish --workspace --dry-run --no-verify --allow-dirty --locked
# The benchmarks are built (optimized, as they run) but not run: their figures come from scripts/bench.sh.
cargo bench -p arazzo-benches --no-run --locked
