#!/usr/bin/env bash
# Regenerates the checked-in clients in generated/src from workflows/ with the CLI.
# The test `generated_is_fresh` fails when this would change anything.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet -p arazzo-codegen -- generate \
  workflows/*/arazzo/*.yml \
  --overlay workflows/backblaze/overlays/backblaze-credentials.overlay.yml \
  --doctest-path arazzo_generated \
  --out generated/src
