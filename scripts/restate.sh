#!/usr/bin/env bash
# The Restate server for the tests and examples of arazzo-restate (issue 16), from the npm registry.
#
#   bash scripts/restate.sh install        installs it under target/restate/ (once; then instant) and
#                                          prints the binary's path
#   bash scripts/restate.sh run DIR        runs it in the foreground, its data in DIR, on 127.0.0.1
#                                          only, on free ports (written to DIR/endpoints.env and printed)
#   bash scripts/restate.sh start DIR      the same in the background, once it answers; its pid in
#                                          DIR/server.pid, its log in DIR/server.log
#   bash scripts/restate.sh stop DIR       stops the server `start` started
#
# It needs node and npm (node 20 or newer) to install; the server itself is one statically linked binary
# (no glibc requirement, no npx). Set RESTATE_VERSION to try another version.
set -euo pipefail

VERSION="${RESTATE_VERSION:-1.7.12}"
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
prefix="$target/restate/$VERSION"

die() {
  echo "error: $*" >&2
  exit 1
}

# The platform package npm picks among @restatedev/restate-server's optional dependencies.
platform_package() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) die "no Restate server build for $(uname -s): the npm package has Linux and macOS ones" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "no Restate server build for $(uname -m): the npm package has x86-64 and arm64 ones" ;;
  esac
  echo "@restatedev/restate-server-$os-$arch"
}

binary_path() {
  echo "$prefix/node_modules/$(platform_package)/bin/restate-server"
}

install() {
  local binary
  binary="$(binary_path)"
  if [ -x "$binary" ]; then
    echo "$binary"
    return
  fi
  command -v npm >/dev/null || die "npm is needed to install the Restate server (npm registry package @restatedev/restate-server); install Node.js 20 or newer"
  mkdir -p "$prefix"
  # --ignore-scripts: the package's only install script is an analytics ping (@scarf/scarf); the
  # server binary comes in the platform package as it is.
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
    "@restatedev/restate-server@$VERSION" >&2
  [ -x "$binary" ] || die "npm installed @restatedev/restate-server@$VERSION but not $binary"
  echo "$binary"
}

# Three free TCP ports on 127.0.0.1 (ingress, admin, node-to-node), from the system (port 0) through
# node, which the install needed anyway.
free_ports() {
  node -e '
    const net = require("net");
    const servers = [0, 1, 2].map(() => net.createServer());
    let ready = 0;
    for (const server of servers) {
      server.listen(0, "127.0.0.1", () => {
        if (++ready === servers.length) {
          console.log(servers.map((s) => s.address().port).join(" "));
          servers.forEach((s) => s.close());
        }
      });
    }'
}

# Sets the environment of a server with its data in $1 and writes $1/endpoints.env.
configure() {
  local dir="$1" ingress admin fabric
  mkdir -p "$dir"
  read -r ingress admin fabric < <(free_ports)
  export RESTATE_INGRESS__BIND_ADDRESS="127.0.0.1:$ingress"
  export RESTATE_ADMIN__BIND_ADDRESS="127.0.0.1:$admin"
  export RESTATE_BIND_ADDRESS="127.0.0.1:$fabric"
  export RESTATE_ADVERTISED_ADDRESS="http://127.0.0.1:$fabric/"
  # TCP only: no Unix sockets in the data directory.
  export RESTATE_LISTEN_MODE=tcp
  export RESTATE_NODE_NAME=arazzo
  export RESTATE_DISABLE_TELEMETRY=true
  # Sized for a test machine shared with builds (the defaults: 24 partitions, 2 GiB for RocksDB).
  export RESTATE_DEFAULT_NUM_PARTITIONS="${RESTATE_DEFAULT_NUM_PARTITIONS:-4}"
  export RESTATE_ROCKSDB_TOTAL_MEMORY_SIZE="${RESTATE_ROCKSDB_TOTAL_MEMORY_SIZE:-512MiB}"
  export RESTATE_LOG_DISABLE_ANSI_CODES=true
  cat >"$dir/endpoints.env" <<EOF
RESTATE_INGRESS_URL=http://127.0.0.1:$ingress
RESTATE_ADMIN_URL=http://127.0.0.1:$admin
EOF
}

run() {
  local dir binary
  dir="$(mkdir -p "$1" && cd "$1" && pwd)"
  binary="$(install)"
  configure "$dir"
  cat "$dir/endpoints.env"
  exec "$binary" --no-logo --base-dir "$dir"
}

start() {
  local dir binary pid admin
  dir="$(mkdir -p "$1" && cd "$1" && pwd)"
  binary="$(install)"
  configure "$dir"
  "$binary" --no-logo --base-dir "$dir" >"$dir/server.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/server.pid"
  admin="$(sed -n 's/^RESTATE_ADMIN_URL=//p' "$dir/endpoints.env")"
  for _ in $(seq 1 300); do
    if curl -sf "$admin/health" >/dev/null 2>&1; then
      cat "$dir/endpoints.env"
      return
    fi
    kill -0 "$pid" 2>/dev/null || die "the Restate server exited; see $dir/server.log"
    sleep 0.1
  done
  kill "$pid"
  die "the Restate server did not answer within 30 s; see $dir/server.log"
}

stop() {
  local dir="$1"
  [ -f "$dir/server.pid" ] || die "no $dir/server.pid: was the server started with \`start $dir\`?"
  kill "$(cat "$dir/server.pid")" 2>/dev/null || true
  rm -f "$dir/server.pid"
}

case "${1:-}" in
  install) install ;;
  run | start | stop)
    [ $# -eq 2 ] || die "usage: $0 $1 DATA_DIR"
    "$1" "$2"
    ;;
  *) die "usage: $0 install | run DATA_DIR | start DATA_DIR | stop DATA_DIR" ;;
esac
