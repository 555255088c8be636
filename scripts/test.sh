#!/usr/bin/env bash
# Every test, as CI runs it: formatting, lints, docs without warnings, the whole workspace's tests, and a
# build of the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
# A clean checkout never reuses incremental state: skipping it saves a third of the target folder.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi
# The Restate server the arazzo-restate crash test runs (from the npm registry, into target/restate;
# nothing to do once installed). With CI=true that test fails rather than skip without it.
bash scripts/restate.sh install >/dev/null
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# build.rs users take the generator with `default-features = false` (no CLI, no XPath engine): that
# build is checked too.
cargo clippy -p arazzo-codegen --no-default-features --lib --tests --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
# rustdoc writes a link into another crate only when that crate's docs are already in target/doc as it
# starts; otherwise it prints the link's text, brackets included, and warns about nothing (the link did
# resolve). The workspace's crates are documented in parallel, so the generated clients are documented
# once more now that arazzo-runtime's docs exist (the extra flag makes cargo run rustdoc again), and a
# link left as text fails.
RUSTDOCFLAGS="-D warnings -D rustdoc::broken_intra_doc_links" cargo doc -p arazzo-generated --no-deps --locked
# A link left as text renders as `[<code>…</code>]`, or as an `href` that is a Rust path; the trait
# implementations at the end of each page are other crates' docs, and left out.
unresolved=$(find "${CARGO_TARGET_DIR:-target}/doc/arazzo_generated" -name '*.html' -print0 | xargs -0 perl -0777 -ne \
  's/id="(trait|synthetic|blanket)-implementations".*//s; print "$ARGV\n" if /\[<code>|href="(::)?[a-z_]+::/')
if [ -n "$unresolved" ]; then
  echo "error: intra-doc links left as text in:" >&2
  echo "$unresolved" >&2
  exit 1
fi
cargo test --workspace --locked
# TLS (rustls) is a default feature, tested above; the transport tests once more without it, where an https
# URL must name the feature to enable, and with native-tls (OpenSSL here), whose failed handshake must say so
# with OpenSSL's reason (about 10 s more with the dependencies built: docs/BENCHMARKS.md).
cargo test -p arazzo-runtime --no-default-features --test transport --locked
cargo test -p arazzo-runtime --no-default-features --features native-tls --test transport --locked
# The crates for crates.io package and pass the registry's checks (metadata, versions on path
# dependencies), resolved against crates.io; tests/tests/packaging.rs checks the rest. Not built again
# from their archives (`--no-verify`): that rebuilds the dependency tree, minutes on CI (docs/BENCHMARKS.md);
# run `cargo publish --workspace --dry-run` before a release.
cargo publish --workspace --dry-run --no-verify --allow-dirty --locked
# The benchmarks are built (optimized, as they run) but not run: their figures come from scripts/bench.sh.
cargo bench -p arazzo-benches --no-run --locked
