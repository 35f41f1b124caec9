#!/usr/bin/env bash
# Install the workbench from a wheelhouse alone: a new venv, pip with --no-index, no network.
#   bash installer/install_offline.sh WHEELHOUSE [VENV_DIR] [--test] [--no-selftest]
# VENV_DIR defaults to /opt/itworkbench (root) or ~/itworkbench. --test adds the test extra.
# The wheelhouse's SHA256SUMS are checked first; the self-test runs at the end.
set -euo pipefail
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
EXTRA=""
SELFTEST=1
ARGS=()
for arg in "$@"; do
  case "$arg" in
    --test) EXTRA="[test]" ;;
    --no-selftest) SELFTEST=0 ;;
    *) ARGS+=("$arg") ;;
  esac
done
[ ${#ARGS[@]} -ge 1 ] || { echo "usage: bash install_offline.sh WHEELHOUSE [VENV_DIR] [--test] [--no-selftest]" >&2; exit 2; }
WHEELHOUSE=$(cd "${ARGS[0]}" && pwd)
if [ "$(id -u)" -eq 0 ]; then DEFAULT=/opt/itworkbench; else DEFAULT="$HOME/itworkbench"; fi
VENV=${ARGS[1]:-$DEFAULT}

( cd "$WHEELHOUSE" && sha256sum --quiet -c SHA256SUMS ) || { echo "error: the wheelhouse fails its checksums" >&2; exit 1; }
[ -e "$VENV" ] && { echo "error: $VENV exists; remove it first (it is only this venv)" >&2; exit 2; }

# Ignore any pip configuration of this machine: only the wheelhouse may be used.
export PIP_CONFIG_FILE=/dev/null
unset PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_FIND_LINKS
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --no-index --find-links "$WHEELHOUSE" --disable-pip-version-check \
  -r "$WHEELHOUSE/requirements.txt" "itworkbench$EXTRA"
echo "installed: $VENV (start the workbench with $VENV/bin/itworkbench)"
if [ "$SELFTEST" -eq 1 ]; then
  "$VENV/bin/itworkbench" --selftest
fi
