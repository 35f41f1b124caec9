#!/usr/bin/env bash
# Collect every wheel the workbench needs (the app, its test extra, the project itself) for
# this platform and Python 3.11 into one folder, with SHA256SUMS, for install_offline.sh.
#   bash installer/collect_wheels.sh [OUT_DIR]      (default dist/wheelhouse; needs the index)
# Versions are pinned by installer/requirements-lock.txt (resolved from pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
OUT=${1:-dist/wheelhouse}
LOCK=installer/requirements-lock.txt
"$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || {
  echo "error: $PY is not Python 3.11; set PYTHON to a Python 3.11 interpreter" >&2; exit 2; }

rm -rf "$OUT"
mkdir -p "$OUT"
"$PY" installer/requirements.py test > "$OUT/requirements.txt"
# pip wheel takes published wheels as they are and builds one for any sdist-only package.
"$PY" -m pip wheel -q -r "$OUT/requirements.txt" -c "$LOCK" -w "$OUT"
"$PY" -m pip wheel -q --no-deps -w "$OUT" .
( cd "$OUT" && sha256sum -- *.whl requirements.txt > SHA256SUMS )
echo "wheelhouse: $OUT ($(ls "$OUT"/*.whl | wc -l) wheels, $(du -sh "$OUT" | cut -f1))"
