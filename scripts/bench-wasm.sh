#!/usr/bin/env bash
# Runs the core's wasm benchmarks in headless Chromium (tests/benches/core_wasm.rs).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
ensure_wasm_target
ensure_wasm_bindgen
ensure_chromium
cd "$ROOT"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  CHROMEDRIVER=/usr/bin/chromedriver \
  WASM_BINDGEN_TEST_TIMEOUT=600 \
  cargo bench -p shardlab-tests --target wasm32-unknown-unknown --bench core_wasm
