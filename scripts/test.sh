#!/usr/bin/env bash
# Every test, as CI runs it: formatting, lints, then the whole workspace's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
