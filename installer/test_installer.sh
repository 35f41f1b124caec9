#!/usr/bin/env bash
# Build the bundle and the wheelhouse, then run the installer tests with networking disabled.
#   bash installer/test_installer.sh [--no-build] [pytest args]
# The builds fetch from the package index; the tests then run under `unshare -n` (root) or
# `unshare -rn` (user namespaces), else each test blocks sockets itself (tests/installer/offline.py).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=1
if [ "${1:-}" = "--no-build" ]; then BUILD=0; shift; fi
if [ "$BUILD" -eq 1 ]; then
  bash installer/build_bundle.sh
  bash installer/collect_wheels.sh dist/wheelhouse
fi
OFFLINE=()
if unshare -n true 2>/dev/null; then OFFLINE=(unshare -n)
elif unshare -rn true 2>/dev/null; then OFFLINE=(unshare -rn)
fi
QT_QPA_PLATFORM=offscreen "${OFFLINE[@]}" .venv/bin/python -m pytest -m installer tests/installer "$@"
