#!/usr/bin/env bash
# Builds CapLiquify and serves it on http://127.0.0.1:3000 with embedded defaults:
# its own PostgreSQL under .data/, emails to a dev mailbox, Stripe in demo mode.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

ensure_rust_tools
[ -n "${DATABASE_URL:-}" ] || ensure_postgres
use_shared_target_dir
say "building the site and the server"
build_site_and_server
say "starting CapLiquify on ${PUBLIC_URL:-http://127.0.0.1:3000} (Ctrl-C stops it and its database)"
[ -n "${SMTP_URL:-}" ] || say "emails (sign-up links, invitations) appear at ${PUBLIC_URL:-http://127.0.0.1:3000}/dev/mailbox"
say "demo: sign in as demo@capliquify.test with password demo-password"
exec "$CARGO_TARGET_DIR/debug/capliquify" serve --demo
