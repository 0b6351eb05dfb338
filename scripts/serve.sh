#!/usr/bin/env bash
# Installs what is missing, builds the site in release mode and serves it on
# http://127.0.0.1:${PORT:-8080}/.
set -euo pipefail
source "$(dirname "$0")/tools.sh"

PORT="${PORT:-8080}"
ensure_build_tools
build_site
step "serving dist/"
exec node "$ROOT/scripts/static-server.mjs" "$ROOT/dist" 127.0.0.1 "$PORT"
