#!/usr/bin/env bash
# One entry for a fresh Debian machine with Python 3.11: sets everything up, then runs.
#   bash scripts/dev.sh demo   -> open the workbench on the bundled demo case
#   bash scripts/dev.sh test   -> run the whole test suite
# Set-up is idempotent and skipped when nothing changed (stamp keyed by pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3

# Debian packages Qt needs for an X11 / Xvfb run (ARCHITECTURE.md "Checked on our machines").
APT_PKGS="xvfb xauth libgl1 libgl1-mesa-dri libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
 libxcb-xinerama0 libxcb-xfixes0 libxcb-shape0 libxcb-xkb1 libxcb-shm0 libxcb-sync1 libxcb-glx0 poppler-utils"

install_system() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local missing=()
  for p in $APT_PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing system packages: ${missing[*]}" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

install_python() {
  local stamp="$VENV/.bootstrap-stamp" want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip >&2
  "$VENV/bin/python" -m pip install -q -e ".[test]" >&2
  echo "$want" > "$stamp"
}

install_system
install_python

case "${1:-}" in
  demo)
    shift
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "No display found: starting the workbench on a virtual screen (Xvfb). Set DISPLAY to see it." >&2
      exec xvfb-run -a -s "-screen 0 1366x768x24 +extension GLX +render" "$VENV/bin/python" main.py --demo "$@"
    fi
    exec "$VENV/bin/python" main.py --demo "$@" ;;
  test)
    shift
    "$VENV/bin/lint-imports" --no-cache
    "$VENV/bin/python" -m mypy    # engine/ (config in pyproject.toml)
    set +e
    # two test processes (one per core of the reference machine), whole files per process so a
    # module's fixtures are built once; ITWB_TEST_WORKERS=0 runs in this process
    QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest -n "${ITWB_TEST_WORKERS:-2}" --dist loadfile "$@"
    rc=$?
    set -e
    if [ $rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi
    exit $rc ;;
  *)
    echo "usage: bash scripts/dev.sh demo|test [args]" >&2; exit 2 ;;
esac
