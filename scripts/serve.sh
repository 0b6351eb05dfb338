#!/usr/bin/env bash
# Installs what is missing, then serves the site on http://127.0.0.1:${PORT:-8080}/.
#
#   scripts/serve.sh        builds the release site into dist/ and serves it
#   PUBLIC_URL=/shardlab/ scripts/serve.sh
#                           the same, built for and served under that path,
#                           as a course hosting Shardlab beside its own pages
#   scripts/serve.sh --dev  the preview loop: Trunk serves a debug build from
#                           target/dev-dist/, rebuilds it when a file under
#                           web/, core/ or lessons/ is saved (a lesson file
#                           included); reload the page when it says so
set -euo pipefail
source "$(dirname "$0")/tools.sh"

PORT="${PORT:-8080}"
case "${1:-}" in
  "")
    ensure_build_tools
    build_site "${PUBLIC_URL:-}"
    step "serving dist/"
    exec node "$ROOT/scripts/static-server.mjs" "$ROOT/dist" 127.0.0.1 "$PORT" "${PUBLIC_URL:-/}"
    ;;
  --dev)
    # A debug build skips wasm-opt (Trunk runs it for release builds only)
    # and compiles incrementally, so a saved lesson is on the page in seconds
    # rather than minutes. Its own dist directory leaves dist/, the release
    # build the end-to-end tests use, alone.
    ensure_wasm_target
    ensure_node
    ensure_trunk
    ensure_wasm_bindgen
    step "trunk serve: a debug build on http://127.0.0.1:$PORT/, rebuilt on every save"
    cd "$ROOT"
    # No auto-reload: Trunk's reload script is rewritten as it is served, so
    # the hash the page's CSP allows would not match it.
    exec trunk serve --address 127.0.0.1 --port "$PORT" --dist target/dev-dist --no-autoreload \
      --watch index.html --watch web --watch core/src --watch lessons/src --watch lessons/data
    ;;
  *)
    echo "usage: scripts/serve.sh [--dev]" >&2
    exit 2
    ;;
esac
