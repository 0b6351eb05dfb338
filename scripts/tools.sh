# Sourced by serve.sh and test.sh: installs the pinned tools Shardlab needs,
# skipping each one that is already present at the right version.
#
# Everything comes from crates.io, Debian's packages or the npm registry;
# nothing is downloaded from elsewhere (Trunk runs with offline = true).

TRUNK_VERSION=0.21.14
# Must equal the wasm-bindgen crate version in Cargo.lock (checked below).
WASM_BINDGEN_VERSION=0.2.130

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/node_modules/.bin:$PATH"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  step "apt-get install $*"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
}

ensure_trunk() {
  [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ] && return
  step "cargo install trunk $TRUNK_VERSION (about 10 minutes on 2 cores)"
  cargo install --locked "trunk@$TRUNK_VERSION"
}

ensure_wasm_bindgen() {
  local locked
  locked=$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')
  if [ "$locked" != "$WASM_BINDGEN_VERSION" ]; then
    echo "Cargo.lock has wasm-bindgen $locked but scripts/tools.sh pins the CLI at $WASM_BINDGEN_VERSION" >&2
    return 1
  fi
  [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ] \
    && [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" = "wasm-bindgen-test-runner $WASM_BINDGEN_VERSION" ] \
    && return
  # Without --locked: the CLI's own lockfile does not resolve on this toolchain.
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  cargo install --force "wasm-bindgen-cli@$WASM_BINDGEN_VERSION"
}

ensure_node() {
  have node && have npm && return
  apt_install nodejs npm
}

# npm ci only when package-lock.json changed since the last install.
ensure_node_modules() {
  ensure_node
  local stamp="$ROOT/node_modules/.shardlab-lock.sha256" want
  want=$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return
  step "npm ci (binaryen for wasm-opt, playwright-core, @aws-sdk/client-kinesis for the endpoint tests)"
  (cd "$ROOT" && npm ci --no-audit --no-fund)
  echo "$want" >"$stamp"
}

# The real AWS clients the endpoint tests use (boto3, botocore, the AWS CLI
# v1, and cbor2 for the Java SDK's CBOR), at the exact versions in tests/endpoint/requirements.txt, in a virtual
# environment under target/ (git-ignored). Reinstalled only when the
# requirements file changes.
ENDPOINT_VENV="$ROOT/target/endpoint-venv"
ensure_endpoint_venv() {
  local stamp="$ENDPOINT_VENV/.shardlab-requirements.sha256" want
  want=$(sha256sum "$ROOT/tests/endpoint/requirements.txt" | cut -d' ' -f1)
  [ -x "$ENDPOINT_VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return
  step "python3 -m venv target/endpoint-venv; pip install -r tests/endpoint/requirements.txt"
  python3 -m venv "$ENDPOINT_VENV"
  "$ENDPOINT_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/tests/endpoint/requirements.txt"
  echo "$want" >"$stamp"
}

ensure_chromium() {
  have chromium && have chromedriver && return
  apt_install chromium chromium-driver
}

# What a release build of the site needs.
ensure_build_tools() {
  ensure_wasm_target
  ensure_node_modules
  ensure_trunk
  ensure_wasm_bindgen
}

# Builds the site into dist/ in release mode and reports the wasm size. With
# an argument (`/shardlab/`), asset addresses are absolute under that path;
# without, they are relative and the build works under any path.
build_site() {
  local public_url=(${1:+--public-url "$1"})
  step "trunk build --release ${1:+--public-url $1}"
  (cd "$ROOT" && trunk build --release "${public_url[@]}")
  local wasm raw gz total=0 f
  wasm=$(ls "$ROOT"/dist/*.wasm)
  raw=$(stat -c %s "$wasm")
  gz=$(gzip -9 -c "$wasm" | wc -c)
  for f in "$ROOT"/dist/*.html "$ROOT"/dist/*.js "$ROOT"/dist/*.wasm "$ROOT"/dist/*.css "$ROOT"/dist/*.svg \
    "$ROOT"/dist/*.png "$ROOT"/dist/*.webmanifest; do
    total=$((total + $(gzip -9 -c "$f" | wc -c)))
  done
  # A lesson's page fetches that lesson's file (an exam page, the exam's):
  # a first visit by a link to one loads the page and the largest of them.
  local file_gz largest=0 largest_file=
  for f in "$ROOT"/dist/course/*.json; do
    file_gz=$(gzip -9 -c "$f" | wc -c)
    if [ "$file_gz" -gt "$largest" ]; then largest=$file_gz largest_file=$(basename "$f"); fi
  done
  total=$((total + largest))
  printf 'wasm size: %s bytes raw, %s bytes gzip (%s)\n' "$raw" "$gz" "$(basename "$wasm")"
  printf 'first load (html, js incl. the service worker, wasm, css, icons, manifest, and the largest lesson or exam file, %s at %s bytes): %s bytes gzip\n' \
    "$largest_file" "$largest" "$total"
  # The product's budget for a first visit: everything the page loads, gzipped.
  if [ "$total" -gt "$FIRST_LOAD_BUDGET" ]; then
    printf 'error: the first load is %s bytes gzip, over the budget of %s (1 MiB)\n' "$total" "$FIRST_LOAD_BUDGET" >&2
    return 1
  fi
}

# 1 MiB, gzip: the most a first visit may download.
FIRST_LOAD_BUDGET=1048576
