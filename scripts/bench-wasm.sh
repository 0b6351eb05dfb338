#!/usr/bin/env bash
# Runs the core's wasm benchmarks in headless Chromium (tests/benches/core_wasm.rs).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
ensure_wasm_target
ensure_wasm_bindgen
ensure_chromium
cd "$ROOT"
# The benches run in a dedicated worker (see core_wasm.rs); tests/webdriver.json
# also raises chromedriver's script timeout to 10 minutes, as the runner's own
# test timeout is, for any read of the page that waits behind a long run.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  CHROMEDRIVER=/usr/bin/chromedriver \
  WASM_BINDGEN_TEST_TIMEOUT=600 \
  cargo bench -p shardlab-tests --target wasm32-unknown-unknown --bench core_wasm
