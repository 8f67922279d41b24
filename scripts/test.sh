#!/usr/bin/env bash
# Runs every check CapLiquify has, against real parts: formatting, clippy (server and
# browser builds), unit and integration tests on a throwaway PostgreSQL, then the
# browser suite in Chromium against the real server. Ends with a summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

ensure_rust_tools
ensure_postgres
command -v chromium >/dev/null || apt_install chromium
command -v npm >/dev/null || apt_install nodejs npm
# The SMTP server the email tests deliver to.
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  say "installing aiosmtpd (a local SMTP server for the email tests)"
  python3 -m pip install --quiet --user aiosmtpd 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages aiosmtpd 2>/dev/null \
    || apt_install python3-aiosmtpd
fi
use_shared_target_dir

work=$(mktemp -d "${TMPDIR:-/tmp}/capliquify-test.XXXXXX")
chmod 755 "$work"
pg_bin=$(postgres_bin_dir)
pg_data="$work/pg"
server_pid=""
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  if [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; then
    # A server that does not stop within 30 s is reported and killed.
    for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "error: the server did not stop on SIGTERM" >&2
      kill -9 "$server_pid" 2>/dev/null
    fi
    wait "$server_pid" 2>/dev/null
  fi
  [ -f "$pg_data/postmaster.pid" ] && as_pg "$pg_bin/pg_ctl" stop -D "$pg_data" -m immediate -w >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

say "starting a throwaway PostgreSQL in $work"
[ "$(id -u)" -eq 0 ] && chown postgres: "$work"
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
as_pg "$pg_bin/pg_ctl" start -D "$pg_data" -w -l "$work/pg.log" \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300 -c max_locks_per_transaction=1024 -c fsync=off" >/dev/null
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"

say "cargo fmt --check"
cargo fmt --all --check
say "clippy: server build"
cargo clippy --workspace --all-targets -- -D warnings
say "clippy: browser build"
cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings

say "cargo test (unit and integration)"
cargo test --workspace 2>&1 | tee "$work/cargo-test.log"
cargo_counts=$(grep -oE 'test result: [a-zA-Z]+\. [0-9]+ passed; [0-9]+ failed' "$work/cargo-test.log" || true)
cargo_passed=$(echo "$cargo_counts" | awk '{s+=$4} END {print s+0}')
cargo_failed=$(echo "$cargo_counts" | awk '{s+=$6} END {print s+0}')

say "building the site"
build_site_and_server

say "browser tests (Playwright in Chromium)"
(cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
psql "$TEST_DATABASE_URL" -qc "CREATE DATABASE e2e" >/dev/null
app_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export BASE_URL="http://127.0.0.1:$app_port"
# Every browser test signs up and signs in from 127.0.0.1: one client, many people.
DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/e2e" LISTEN_ADDR="127.0.0.1:$app_port" \
  PUBLIC_URL="$BASE_URL" DATA_DIR="$work/data" PUBLIC_RATE_LIMIT_PER_MINUTE=100000 \
  SIGN_UPS_PER_CLIENT_PER_HOUR=10000 SIGN_IN_ATTEMPTS_PER_CLIENT=10000 \
  "$CARGO_TARGET_DIR/debug/capliquify" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "$BASE_URL/ready" >/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; die "the server exited"; }
  sleep 0.2
done
curl -sf "$BASE_URL/ready" >/dev/null || { cat "$work/server.log"; die "the server did not become ready"; }
# The operator the console's browser test signs in as, made the way operators are.
export OPERATOR_EMAIL="operator@capliquify.test" OPERATOR_PASSWORD="an operator password"
# Browser tests set up some states (a paid Starter plan) directly in the database.
export E2E_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/e2e"
echo "$OPERATOR_PASSWORD" | DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/e2e" DATA_DIR="$work/data" \
  "$CARGO_TARGET_DIR/debug/capliquify" admin create --email "$OPERATOR_EMAIL" --name "Olive Operator"
set +e
(cd end2end && npx playwright test) 2>&1 | tee "$work/e2e.log"
e2e_status=${PIPESTATUS[0]}
set -e
e2e_passed=$( (grep -oE '^ +[0-9]+ passed' "$work/e2e.log" || true) | awk '{s+=$1} END {print s+0}')
e2e_failed=$( (grep -oE '^ +[0-9]+ failed' "$work/e2e.log" || true) | awk '{s+=$1} END {print s+0}')
[ "$e2e_status" -eq 0 ] || tail -50 "$work/server.log"

echo "cargo tests: $cargo_passed passed, $cargo_failed failed; browser tests: $e2e_passed passed, $e2e_failed failed"
echo "summary: $((cargo_passed + e2e_passed)) passed, $((cargo_failed + e2e_failed)) failed"
exit "$e2e_status"
