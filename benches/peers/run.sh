#!/usr/bin/env bash
# Peer comparison (not run in CI): installs Redocly CLI (`respect`) and respect-core from npm and arazzo-runner
# from PyPI into benches/peers/.work/, builds the fake server and our runner in release mode, runs the five seed
# workflows with each tool against fresh fakes on 127.0.0.1, and prints a Markdown table and the observed
# differences (also written to .work/results.md; raw figures in .work/results.json).
#
#   bash benches/peers/run.sh [--runs 10] [--warmup 5] [--steady 50] [--seeds svix ...] [--tools arazzo-runner respect]
#
# Needs node >= 20.19 with npm, python3 >= 3.11 with venv, and a Rust toolchain.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$here/.work"
mkdir -p "$work"

echo "== installing peers into $work" >&2
cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error >&2)
if [[ ! -x "$work/venv/bin/python" ]]; then
    python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2

echo "== building fake_server and peer_ours (release)" >&2
(cd "$repo" && cargo build --release --quiet -p arazzo-tests --bin fake_server --example peer_ours >&2)
target="${CARGO_TARGET_DIR:-$repo/target}/release"

{
    echo "Versions: $("$work/node_modules/.bin/redocly" --version 2>/dev/null | tail -1) (@redocly/cli)," \
        "respect-core $(node -p "require('$work/node_modules/@redocly/respect-core/package.json').version")," \
        "$("$work/venv/bin/pip" show arazzo-runner | sed -n 's/^Version: /arazzo-runner /p')," \
        "node $(node --version), $("$work/venv/bin/python" --version), $(rustc --version | cut -d' ' -f1-2)."
    echo
    "$work/venv/bin/python" "$here/peers.py" --work "$work" --fake "$target/fake_server" \
        --ours "$target/examples/peer_ours" "$@"
} | tee "$work/results.md"
