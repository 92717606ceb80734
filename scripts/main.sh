#!/usr/bin/env bash
# Installs dependencies, builds, and starts the main job: checks the shipped rules, then
# starts an operator call (arguments go to `triage call`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
build="${BUILD_DIR:-build}"
"$build/triage" check rules/
exec "$build/triage" call --rules rules/ "$@"
