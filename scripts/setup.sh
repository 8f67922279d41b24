# Shared set-up for scripts/run.sh and scripts/test.sh: installs what is missing and
# says what it does. Sourced, not run.

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130 # must equal the `wasm-bindgen` pin in app/Cargo.toml

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Build artefacts are kept outside the checkout when possible so a fresh clone reuses
# compiled dependencies; cargo's own fingerprints decide what is still valid.
use_shared_target_dir() {
  if [ -z "${CARGO_TARGET_DIR:-}" ]; then
    local dir="${XDG_CACHE_HOME:-$HOME/.cache}/capliquify/target"
    if mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ]; then
      export CARGO_TARGET_DIR="$dir"
    else
      export CARGO_TARGET_DIR="$PWD/target"
    fi
  fi
  # Leptos reads this at compile time to name the browser bundle; setting it for every
  # cargo command keeps one build configuration for tests, clippy and the server.
  export LEPTOS_OUTPUT_NAME=capliquify
  # Incremental artefacts of a project this size run to many gigabytes and do not
  # pay off in a build that starts clean.
  export CARGO_INCREMENTAL=0
  say "build directory: $CARGO_TARGET_DIR"
}

apt_install() { # packages...
  if [ "$(id -u)" -eq 0 ]; then
    say "installing with apt-get: $*"
    if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq && APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  elif command -v sudo >/dev/null; then
    say "installing with sudo apt-get: $*"
    if [ -z "${APT_UPDATED:-}" ]; then sudo apt-get update -qq && APT_UPDATED=1; fi
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    die "please install these Debian packages: $*"
  fi
}

ensure_rust_tools() {
  command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first (https://rustup.rs)"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (compiles from crates.io, about 25 minutes once)"
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION" --features no_downloads
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 6 minutes once)"
    # Not --locked: its lock file names a webpki-roots release the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

# Prints the directory of PostgreSQL (>= 14) server binaries, installing them if needed.
postgres_bin_dir() {
  local dir
  for dir in $(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)") \
             $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -rn); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
      echo "$dir"; return 0
    fi
  done
  return 1
}

ensure_postgres() {
  if ! postgres_bin_dir >/dev/null; then
    apt_install postgresql >&2 || die "PostgreSQL server binaries are missing: install the 'postgresql' package or set DATABASE_URL"
  fi
  postgres_bin_dir >/dev/null || die "PostgreSQL server binaries are missing: install the 'postgresql' package or set DATABASE_URL"
}

# The browser bundle, CSS and assets into target/site (cargo-leptos), and the server
# with plain cargo, so it shares compiled dependencies with `cargo test` and clippy.
build_site_and_server() {
  cargo leptos build --frontend-only
  cargo build --bin capliquify
}
