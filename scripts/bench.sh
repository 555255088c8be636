#!/usr/bin/env bash
# The benchmarks of docs/BENCHMARKS.md. Each sub-command prints one Markdown section:
#
#   scripts/bench.sh machine   # CPU, cores, load, rustc: say under what conditions figures were taken
#   scripts/bench.sh exec      # criterion: generated vs hand-written clients on loopback fakes
#   scripts/bench.sh allocs    # allocations per execution, generated vs hand-written
#   scripts/bench.sh instr     # instructions per execution (callgrind): independent of the machine's load
#   scripts/bench.sh gen       # generation: in process (criterion), whole process (hyperfine, peak RSS)
#   scripts/bench.sh build     # build cost of generated code (incremental cargo build) and size per step
#   scripts/bench.sh profile   # hot spots (perf, callgrind): generating workflows, running one workflow
#   scripts/bench.sh memory    # peak RSS of a run whose step gets a 30 MB body (error and success paths)
#   scripts/bench.sh all       # everything above, in that order
#
# Needs hyperfine, GNU time, perf and valgrind (Debian: apt-get install -y hyperfine time linux-perf valgrind).
# Scratch files go to $CARGO_TARGET_DIR/bench-tmp (default target/bench-tmp). The full Svix
# description is read from $ARAZZO_SHARED (default: shared/ beside the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
TMP=$TARGET/bench-tmp
SHARED=${ARAZZO_SHARED:-$ROOT/../shared}
export CRITERION_HOME=$TMP/criterion
CODEGEN=$TARGET/release/arazzo-codegen
SEEDS=(svix propelauth deepgram apigee backblaze)
OVERLAY=workflows/backblaze/overlays/backblaze-credentials.overlay.yml
mkdir -p "$TMP"

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "error: $1 is missing (apt-get install -y $2)" >&2; exit 1; }
}

# The release binaries the measurements run: the generator and the benches' helpers.
build_release() {
  cargo build --release --quiet -p arazzo-codegen --bin arazzo-codegen
  cargo build --release --quiet -p arazzo-benches --bins
}

report() { "$TARGET/release/report" "$@"; }

machine() {
  echo "## Machine"
  echo
  echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1); $(nproc) cores available"
  echo "- load average when measured: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- $(rustc --version); $(hyperfine --version 2>/dev/null || echo 'no hyperfine')"
  echo
}

exec_bench() {
  echo "## Execution"
  echo
  build_release
  cargo bench --quiet -p arazzo-benches --bench execution -- "$@" >"$TMP/exec.log" 2>&1 \
    || { cat "$TMP/exec.log" >&2; exit 1; }
  report exec "$CRITERION_HOME"
  echo
}

allocs() {
  echo "## Allocations"
  echo
  build_release
  "$TARGET/release/allocs" 1000
  echo
}

memory() {
  echo "## Memory"
  echo
  build_release
  "$TARGET/release/memory" 3
  echo
}

# seed name -> its Arazzo document (and the overlay Backblaze needs)
seed_args() {
  local file
  file=$(ls workflows/"$1"/arazzo/*.yml)
  if [ "$1" = backblaze ]; then echo "$file --overlay $OVERLAY"; else echo "$file"; fi
}

# whole-process time (hyperfine) and peak RSS (GNU time) of one generator command
process_case() {
  local label=$1; shift
  local out=$TMP/process/out-$label
  mkdir -p "$out"
  hyperfine -N --style none --warmup 2 --min-runs 10 --export-json "$TMP/process/$label.json" \
    "$CODEGEN generate $* --out $out" >/dev/null
  /usr/bin/time -f %M -o "$TMP/process/$label.rss" "$CODEGEN" generate "$@" --out "$out" >/dev/null
}

gen() {
  need hyperfine hyperfine
  [ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }
  echo "## Generation"
  echo
  build_release
  cargo bench --quiet -p arazzo-benches --bench generation >"$TMP/gen.log" 2>&1 || { cat "$TMP/gen.log" >&2; exit 1; }
  report gen "$CRITERION_HOME"
  echo
  rm -rf "$TMP/process" && mkdir -p "$TMP/process"
  local labels=()
  for seed in "${SEEDS[@]}"; do
    # shellcheck disable=SC2046 # the document and its overlay are separate arguments
    process_case "$seed" $(seed_args "$seed")
    labels+=("$seed")
  done
  # shellcheck disable=SC2046
  process_case all-five-seeds workflows/*/arazzo/*.yml --overlay "$OVERLAY"
  labels+=(all-five-seeds)
  local svix_full=$SHARED/openapi/svix/svix-openapi.json
  if [ -f "$svix_full" ]; then
    process_case svix-full-description "$(seed_args svix)" --source "svixApi=$svix_full"
    labels+=(svix-full-description)
  else
    echo "(skipped svix-full-description: $svix_full not found)" >&2
  fi
  for n in 10 100 1000; do
    local doc
    doc=$("$TARGET/release/synthetic" "$n" 5 "$TMP/synthetic")
    process_case "synthetic-${n}x5" "$doc"
    labels+=("synthetic-${n}x5")
  done
  report process "$TMP/process" "${labels[@]}"
  echo
}

# A scratch library crate using arazzo-runtime, with or without one generated module.
scratch_crate() {
  local dir=$1 module=$2
  mkdir -p "$dir/src"
  cat >"$dir/Cargo.toml" <<EOF
[package]
name = "bench-build-$(basename "$dir")"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
arazzo-runtime = { path = "$ROOT/arazzo-runtime" }

# Not a member of the arazzo-rs workspace.
[workspace]
EOF
  cp Cargo.lock "$dir/Cargo.lock"
  if [ -n "$module" ]; then
    cp "$module" "$dir/src/generated.rs"
    printf 'mod generated;\npub use generated::*;\n' >"$dir/src/lib.rs"
  else
    printf 'pub fn client() -> arazzo_runtime::Client {\n    arazzo_runtime::Client::new()\n}\n' >"$dir/src/lib.rs"
  fi
}

# rebuild of the crate in $1 after touching $2, 5 runs: incremental (rustc reuses what did not
# change, as after an edit elsewhere in the crate) and with CARGO_INCREMENTAL=0 (the whole crate,
# generated code included, is compiled again, as after the generated code changed)
rebuild_case() {
  local dir=$1 touched=$2 label=$3 mode
  for mode in incremental full; do
    local target=$TMP/build/target-$mode incremental=1 suffix=""
    [ "$mode" = full ] && incremental=0 && suffix=-full
    CARGO_INCREMENTAL=$incremental CARGO_TARGET_DIR=$target \
      cargo build --quiet --offline --manifest-path "$dir/Cargo.toml"
    CARGO_INCREMENTAL=$incremental CARGO_TARGET_DIR=$target \
      hyperfine -N --style none --warmup 1 --runs 5 --prepare "touch $dir/$touched" \
      --export-json "$TMP/build/$label$suffix.json" "cargo build --quiet --offline --manifest-path $dir/Cargo.toml" \
      >/dev/null
  done
}

build() {
  need hyperfine hyperfine
  echo "## Build cost"
  echo
  build_release
  rm -rf "$TMP/build/crate-"* "$TMP/build/gen-"* && mkdir -p "$TMP/build"
  local steps=(1 5 20 50)
  scratch_crate "$TMP/build/crate-base" ""
  rebuild_case "$TMP/build/crate-base" src/lib.rs build-base
  for k in "${steps[@]}"; do
    local doc
    doc=$("$TARGET/release/synthetic" 1 "$k" "$TMP/build/docs")
    "$CODEGEN" generate "$doc" --out "$TMP/build/gen-$k-out" >/dev/null
    cp "$TMP/build/gen-$k-out/synthetic_1x$k.rs" "$TMP/build/gen-$k.rs"
    scratch_crate "$TMP/build/crate-$k" "$TMP/build/gen-$k.rs"
    rebuild_case "$TMP/build/crate-$k" src/generated.rs "build-$k"
  done
  report build "$TMP/build" "${steps[@]}"
  echo
}

# instructions of the client thread (the main thread: callgrind's file -01) for RUNS executions
client_instructions() {
  local out=$TMP/callgrind/$1-$2-$3
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$out" \
    "$TARGET/release/allocs" loop "$1" "$2" "$3" >/dev/null 2>&1
  sed -n 's/^totals: //p' "$out-01"
}

# instructions per execution: the difference between 2,100 and 100 runs, so start-up cancels out;
# over 2,000 runs, rare costs that land on some runs and not others (the allocator consolidating
# free chunks) average out.
per_execution() {
  local few many
  few=$(client_instructions "$1" "$2" 100)
  many=$(client_instructions "$1" "$2" 2100)
  echo $(((many - few) / 2000))
}

instructions() {
  need valgrind valgrind
  echo "## Instructions per execution (callgrind, client thread only)"
  echo
  build_release
  rm -rf "$TMP/callgrind" && mkdir -p "$TMP/callgrind"
  local raw
  raw=$(per_execution raw handwritten)
  echo "Counted instructions do not depend on the machine's load. Raw round trip (one bare reqwest GET): $((raw / 1000)) k."
  echo
  echo "| seed | steps | hand-written (k instr) | generated (k instr) | generated / hand-written | (gen − hand) / steps (k) |"
  echo "|---|---:|---:|---:|---:|---:|"
  local seed steps hand gen
  for seed in "${SEEDS[@]}"; do
    steps=3 && [ "$seed" = apigee ] && steps=4
    hand=$(per_execution "$seed" handwritten)
    gen=$(per_execution "$seed" generated)
    awk -v s="$seed" -v k="$steps" -v h="$hand" -v g="$gen" \
      'BEGIN { printf "| %s | %d | %.1f | %.1f | %.3f | %.1f |\n", s, k, h / 1000, g / 1000, g / h, (g - h) / k / 1000 }'
  done
  echo
}

# top symbols of a perf profile (self time), as a Markdown table
hot_spots() {
  echo "| self % | symbol |"
  echo "|---:|---|"
  perf report -i "$1" --stdio --no-children --sort symbol --percent-limit 2 2>/dev/null \
    | awk '/^ +[0-9.]+%/ { pct=$1; $1=""; $2=""; sub(/^ +/, ""); sub(/[ -]+$/, ""); print "| " pct " | `" substr($0, 1, 110) "` |" }' \
    | head -12
}

# functions matching $2 in a callgrind profile, by inclusive instructions per $3 (e.g. per step)
inclusive() {
  echo "| k instr per $4 | incl. % | function |"
  echo "|---:|---:|---|"
  callgrind_annotate --inclusive=yes "$1" 2>/dev/null | grep -E "$2" | head -"${5:-14}" | sed -E 's/\( +/(/' \
    | awk -v n="$3" '{ ir=$1; gsub(",", "", ir); pct=$2; gsub(/[()]/, "", pct); $1=""; $2="";
        sub(/^ +\?\?\?:/, ""); sub(/ \[.*$/, "");
        printf "| %.1f | %s | `%s` |\n", ir / n / 1000, pct, substr($0, 1, 100) }'
}

profile() {
  need perf linux-perf
  need valgrind valgrind
  echo "## Hot spots"
  echo
  build_release
  local doc
  doc=$("$TARGET/release/synthetic" 1000 5 "$TMP/synthetic")
  perf record -q -F 999 -o "$TMP/perf-gen.data" "$CODEGEN" generate "$doc" --out "$TMP/perf-out" >/dev/null 2>&1
  echo "### Generating 1,000 workflows x 5 steps: perf, self time"
  echo
  hot_spots "$TMP/perf-gen.data"
  echo
  doc=$("$TARGET/release/synthetic" 100 5 "$TMP/synthetic")
  valgrind --tool=callgrind --callgrind-out-file="$TMP/callgrind-gen-100.out" "$CODEGEN" generate "$doc" \
    --out "$TMP/perf-out" >/dev/null 2>&1
  echo "### Generating 100 workflows x 5 steps: callgrind, inclusive"
  echo
  inclusive "$TMP/callgrind-gen-100.out" \
    'arazzo_codegen::(emit::emit|check::check_with|load::load_str|emit::workflow::emit|check::plan_document|emit::docs|emit::ident)|syn::parse::Parser>::parse2|prettyplease::unparse|drop_in_place<syn::file::File>|__rust_(alloc|dealloc) ' \
    100 workflow
  echo
  local cg=$TMP/callgrind-exec
  mkdir -p "$cg"
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$cg/apigee" \
    "$TARGET/release/allocs" loop apigee generated 300 >/dev/null 2>&1
  echo "### Apigee rotation, generated client (4 steps, 300 runs): callgrind, client thread, inclusive"
  echo
  inclusive "$cg/apigee-01" \
    'arazzo_runtime::|url::ParseOptions::parse |serde_json::de::from_trait|tracing::instrument|reqwest::async_impl::client::Client::execute ' \
    1200 step 22
  echo
}

case "${1:-}" in
  machine) machine ;;
  exec) shift; exec_bench "$@" ;;
  allocs) allocs ;;
  instr) instructions ;;
  gen) gen ;;
  build) build ;;
  profile) profile ;;
  memory) memory ;;
  all) machine; exec_bench; allocs; instructions; gen; build; profile; memory ;;
  *) sed -n '2,15p' "$0" >&2; exit 2 ;;
esac
