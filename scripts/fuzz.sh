#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ one after another, FUZZ_SECONDS each, and prints per target the
# executions, speed, corpus, coverage and findings (the figures in docs/RELIABILITY.md).
#
#   scripts/fuzz.sh                      # every target, 300 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh generate load_document
#
# Settings (environment):
#   FUZZ_SECONDS    run time per target (default 300)
#   FUZZ_SANITIZER  address (default) or none: AddressSanitizer catches memory errors in the C code
#                   libFuzzer links and in any `unsafe` of the dependencies, at about half the speed
#   FUZZ_TIMEOUT    seconds one input may take before it counts as a hang (default 10)
#   FUZZ_RSS_MB     memory limit in MiB before an input counts as running out of memory (default 2048)
#
# Inputs that crash, hang or run out of memory are saved in fuzz/artifacts/<target>/; reproduce one
# with `cargo fuzz run <target> <file>` (in fuzz/, with RUSTC_BOOTSTRAP=1) and turn it into a test in
# arazzo-codegen/tests/fuzz_regressions.rs (for `response_body`: in arazzo-runtime's unit tests). The
# corpus libFuzzer grows goes to fuzz/target/corpus/<target>/ (ignored by git); fuzz/corpus/<target>/
# holds the committed seeds, read only.
# Exits non-zero when any target found something.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

# cargo-fuzz compiles with nightly-only flags (-Zsanitizer=address, sanitizer-coverage passes). The
# project's machines have a stable toolchain only; RUSTC_BOOTSTRAP=1 makes stable rustc accept
# unstable flags. That is acceptable for a local test tool; nothing that ships is built this way.
export RUSTC_BOOTSTRAP=1
# cargo-fuzz keeps its own build in fuzz/target; a CARGO_TARGET_DIR meant for the workspace must not move it.
unset CARGO_TARGET_DIR

seconds="${FUZZ_SECONDS:-300}"
sanitizer="${FUZZ_SANITIZER:-address}"
timeout="${FUZZ_TIMEOUT:-10}"
rss_mb="${FUZZ_RSS_MB:-2048}"
all_targets=(load_document expression condition generate generate_openapi response_body)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

dictionary() {
    case "$1" in
        expression) echo dict/expression.dict ;;
        condition) echo dict/condition.dict ;;
        response_body) echo dict/json.dict ;;
        *) echo dict/document.dict ;;
    esac
}

mkdir -p target/logs
# Built once up front, so that build time is not counted as fuzzing time.
for target in "${targets[@]}"; do
    cargo fuzz build --sanitizer "$sanitizer" "$target"
done

found=0
summary=()
for target in "${targets[@]}"; do
    log="target/logs/$target.log"
    mkdir -p "target/corpus/$target" "artifacts/$target"
    before=$(ls "artifacts/$target" | wc -l)
    start=$(date +%s)
    status=0
    # The binary `cargo fuzz run` would start, started directly so that a source file changed since
    # the build above cannot trigger a rebuild inside the timed run. One fuzzer process at a time
    # (no -jobs/-workers): the machines have two cores. New inputs go to the first corpus folder.
    "target/x86_64-unknown-linux-gnu/release/$target" "target/corpus/$target" "corpus/$target" \
        -dict="$(dictionary "$target")" -max_total_time="$seconds" -timeout="$timeout" \
        -rss_limit_mb="$rss_mb" -artifact_prefix="artifacts/$target/" -print_final_stats=1 >"$log" 2>&1 ||
        status=$?
    elapsed=$(($(date +%s) - start))
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    # The last status line: `#N DONE cov: C ft: F corp: K/SIZE ...`.
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    coverage=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1 edges, \2 features/p' <<<"$last")
    corpus=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
    new_artifacts=$(($(ls "artifacts/$target" | wc -l) - before))
    result="no findings"
    if [[ $status -ne 0 || $new_artifacts -gt 0 ]]; then
        found=1
        result="FOUND (exit $status, $new_artifacts new in fuzz/artifacts/$target; see fuzz/$log)"
    fi
    summary+=("$(printf '%-17s %6ss %10s execs %7s/s  corpus %-12s cov %-28s %s' "$target" "$elapsed" \
        "${executions:-?}" "${speed:-?}" "${corpus:-?}" "${coverage:-?}" "$result")")
    echo "${summary[-1]}"
done

echo
echo "sanitizer: $sanitizer, $seconds s per target, timeout ${timeout} s, memory limit ${rss_mb} MiB"
printf '%s\n' "${summary[@]}"
exit "$found"
