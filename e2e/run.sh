#!/usr/bin/env bash
# Runs the browser tests and the KONE API example clients against a real
# `hoistway demo` server. Builds nothing: pass the hoistway binary (default
# $CARGO_TARGET_DIR/debug/hoistway, else target/debug/hoistway). Starts the
# demo on a free port in a throwaway data dir, with HTTPS on a second free
# port (a `hoistway dev-cert` certificate) and a 1.5 s KONE WebSocket idle
# timeout (so the example scripts exit by themselves), waits for /healthz,
# runs `node --test`, and stops the server. Extra arguments go to node --test
# (e.g. a test file). E-mail goes to a local SMTP sink (smtp-sink.js) whose
# mailbox directory the tests read as HOISTWAY_MAILBOX.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-${HOISTWAY_BIN:-${CARGO_TARGET_DIR:-$here/../target}/debug/hoistway}}"
shift || true
if [ ! -x "$bin" ]; then
  echo "e2e: no hoistway binary at $bin (build it first: cargo build -p hoistway)" >&2
  exit 1
fi
missing=0
for m in playwright-core ws axios axe-core smtp-server mailparser; do
  [ -d "$here/node_modules/$m" ] || missing=1
done
if [ "$missing" = 1 ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
data="$(mktemp -d)"
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
port="$(free_port)"
tls_port="$(free_port)"
while [ "$tls_port" = "$port" ]; do tls_port="$(free_port)"; done
smtp_port="$(free_port)"
"$bin" dev-cert --out-dir "$data/certs" >/dev/null
node "$here/smtp-sink.js" "$data/mailbox" "$smtp_port" >"$data/smtp.log" 2>&1 &
smtp_pid=$!
for _ in $(seq 1 40); do
  grep -q listening "$data/smtp.log" 2>/dev/null && break
  sleep 0.25
done
HOISTWAY_DATA_DIR="$data" "$bin" demo --fresh --no-twin --bind "127.0.0.1:$port" \
  --tls-cert "$data/certs/cert.pem" --tls-key "$data/certs/key.pem" --tls-bind "127.0.0.1:$tls_port" \
  --ws-idle-timeout 1.5 --smtp-url "smtp://127.0.0.1:$smtp_port" >"$data/server.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" "$smtp_pid" 2>/dev/null || true
  wait "$pid" "$smtp_pid" 2>/dev/null || true
  [ -n "${E2E_KEEP:-}" ] || rm -rf "$data"
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
HOISTWAY_URL="http://127.0.0.1:$port" HOISTWAY_TLS_HOST="localhost:$tls_port" \
  HOISTWAY_DEV_CA="$data/certs/ca.pem" HOISTWAY_SERVER_LOG="$data/server.log" \
  HOISTWAY_MAILBOX="$data/mailbox" \
  node --test --test-concurrency=1 "${@:-tests/}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: tests failed; server log tail:" >&2
  tail -n 40 "$data/server.log" >&2
fi
exit "$status"
