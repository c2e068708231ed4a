#!/usr/bin/env bash
# Runs the browser tests against a real `hoistway demo` server.
# Builds nothing: pass the hoistway binary (default
# $CARGO_TARGET_DIR/debug/hoistway, else target/debug/hoistway). Starts the
# demo on a free port in a throwaway data dir, waits for /healthz, runs
# `node --test`, and stops the server. Extra arguments go to node --test
# (e.g. a test file).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-${HOISTWAY_BIN:-${CARGO_TARGET_DIR:-$here/../target}/debug/hoistway}}"
shift || true
if [ ! -x "$bin" ]; then
  echo "e2e: no hoistway binary at $bin (build it first: cargo build -p hoistway)" >&2
  exit 1
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
data="$(mktemp -d)"
port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
HOISTWAY_DATA_DIR="$data" "$bin" demo --fresh --no-twin --bind "127.0.0.1:$port" >"$data/server.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 1 240); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "e2e: the server exited:" >&2
    cat "$data/server.log" >&2
    exit 1
  fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "e2e: server not healthy" >&2; cat "$data/server.log" >&2; exit 1; }
cd "$here"
status=0
HOISTWAY_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 "${@:-tests/}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: tests failed; server log tail:" >&2
  tail -n 40 "$data/server.log" >&2
fi
exit "$status"
