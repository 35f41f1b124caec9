#!/usr/bin/env bash
# Build the one-folder bundle dist/workbench, its archive and dist/SHA256SUMS, from scratch.
#   bash installer/build_bundle.sh                      # dependencies from the package index
#   bash installer/build_bundle.sh --wheelhouse DIR     # offline, from collect_wheels.sh's folder
#   bash installer/build_bundle.sh --relock             # re-resolve pyproject, rewrite the lock
# Repeatable: a fresh build venv, versions pinned by installer/requirements-lock.txt (itself
# resolved from pyproject.toml's ranges), build/ and dist/ output removed first, archive with
# sorted names and fixed times. Set PYTHON to pick the interpreter (default python3.11).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
LOCK="$ROOT/installer/requirements-lock.txt"
BUILD="$ROOT/build/bundle"
DIST="$ROOT/dist"
WHEELHOUSE=""
RELOCK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --wheelhouse) WHEELHOUSE=$(cd "$2" && pwd); shift 2 ;;
    --relock) RELOCK=1; shift ;;
    *) echo "usage: bash installer/build_bundle.sh [--wheelhouse DIR] [--relock]" >&2; exit 2 ;;
  esac
done

start=$(date +%s)
rm -rf "$BUILD" "$DIST/workbench" "$DIST"/workbench-*.tar.gz "$DIST/SHA256SUMS"
mkdir -p "$BUILD" "$DIST"
"$PY" -m venv "$BUILD/venv"
VPY="$BUILD/venv/bin/python"
[ -x "$VPY" ] || VPY="$BUILD/venv/Scripts/python.exe"   # Git Bash on Windows

PIP_SOURCE=()
[ -n "$WHEELHOUSE" ] && PIP_SOURCE=(--no-index --find-links "$WHEELHOUSE")
if [ "$RELOCK" -eq 1 ]; then
  # The lock covers the app, the test and the installer extras, so collect_wheels.sh can share it.
  "$VPY" installer/requirements.py installer test > "$BUILD/requirements.txt"
  "$VPY" -m pip install -q "${PIP_SOURCE[@]}" -r "$BUILD/requirements.txt"
  { echo "# Exact versions resolved from pyproject.toml by build_bundle.sh --relock ($("$VPY" -V), $(uname -sm))."
    "$VPY" -m pip freeze; } > "$LOCK"
fi
"$VPY" installer/requirements.py installer > "$BUILD/requirements.txt"
"$VPY" -m pip install -q "${PIP_SOURCE[@]}" -r "$BUILD/requirements.txt" -c "$LOCK"

"$VPY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$BUILD/work" installer/workbench.spec

VERSION=$("$VPY" -c "import sys; sys.path.insert(0, '.'); from engine.version import SOFTWARE_VERSION as v; print(v)")
PLATFORM=$("$VPY" -c "import sys, platform; print(f'{sys.platform}-{platform.machine().lower()}')")
{ echo "workbench $VERSION, $PLATFORM, $("$VPY" -V)"
  echo "source commit $(git rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "built with:"; "$VPY" -m pip freeze; } > "$DIST/workbench/BUILD-INFO.txt"

# Archive with sorted names, fixed owner and the commit's time: same files -> same bytes.
EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 0)
ARCHIVE="workbench-$VERSION-$PLATFORM.tar.gz"
tar -C "$DIST" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$EPOCH" -cf - workbench \
  | gzip -n > "$DIST/$ARCHIVE"
( cd "$DIST" && { sha256sum "$ARCHIVE"; find workbench -type f -print0 | sort -z | xargs -0 sha256sum; } > SHA256SUMS )

echo "bundle: $DIST/workbench ($(du -sh "$DIST/workbench" | cut -f1), $(find "$DIST/workbench" -type f | wc -l) files)"
echo "archive: $DIST/$ARCHIVE ($(du -h "$DIST/$ARCHIVE" | cut -f1)), checksums: $DIST/SHA256SUMS"
echo "build time: $(( $(date +%s) - start )) s"
