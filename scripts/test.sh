#!/usr/bin/env bash
# Installs what is missing, then runs every test: native, the HTTP endpoint
# with real AWS clients (boto3, the AWS CLI, cbor2, the JavaScript SDK v3), headless-browser
# (wasm-bindgen-test in Chromium) and end-to-end (Playwright against the
# release build). Exits non-zero on the first failing stage.
set -euo pipefail
source "$(dirname "$0")/tools.sh"

ensure_build_tools
ensure_chromium
cd "$ROOT"
started=$SECONDS

step "native tests"
cargo test --workspace --quiet

step "endpoint tests (boto3, the AWS CLI, CBOR and the JavaScript SDK v3 against shardlab-api --listen)"
ensure_endpoint_venv
# cargo test has built the debug binary; this only makes sure of it.
cargo build --quiet -p shardlab-core --bin shardlab-api
"$ENDPOINT_VENV/bin/python" tests/endpoint/test_boto3.py target/debug/shardlab-api
# @aws-sdk/client-kinesis, pinned in package-lock.json (ensure_build_tools ran npm ci):
# every call over HTTP/2 (h2c), SubscribeToShard's event stream included.
SHARDLAB_API=target/debug/shardlab-api node --test tests/endpoint/test_js_sdk.mjs

step "browser tests (wasm-bindgen-test, headless Chromium)"
# The runner reads tests/webdriver.json (Chromium flags) from the package directory.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  CHROMEDRIVER=/usr/bin/chromedriver \
  WASM_BINDGEN_TEST_TIMEOUT=180 \
  cargo test -p shardlab-tests --target wasm32-unknown-unknown

build_site

step "end-to-end tests (Playwright, headless Chromium)"
printf 'tests took %ss before the end-to-end stage\n' "$((SECONDS - started))"
node --test --test-concurrency=1 tests/e2e/*.test.mjs
