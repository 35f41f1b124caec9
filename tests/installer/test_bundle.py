"""The built bundle and wheelhouse (installer/test_installer.sh builds them, then runs these).

Marked ``installer``: deselected by default (pyproject addopts). Every run here is offline.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.cli import COMMANDS
from engine.version import SOFTWARE_VERSION
from tests.installer.offline import files_under, offline, private_env, unshare_prefix
from tests.installer.test_selftest import OK_LINE

pytestmark = [pytest.mark.installer, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("ITWB_DIST", ROOT / "dist"))
BUNDLE = DIST / "workbench"
EXE = BUNDLE / "workbench"
WHEELHOUSE = Path(os.environ.get("ITWB_WHEELHOUSE", DIST / "wheelhouse"))


@pytest.fixture(scope="module")
def bundle() -> Path:
    if not EXE.is_file():
        pytest.fail(f"no bundle at {EXE}: run bash installer/build_bundle.sh (or installer/test_installer.sh)")
    return BUNDLE


def _run_bundle(args: list[str], base: Path, wrapper: list[str] | None = None,
                **env: str) -> subprocess.CompletedProcess[str]:
    """The bundled executable with private folders and no network (unshare is required: a
    frozen app ignores the PYTHONPATH socket blocker)."""
    prefix = unshare_prefix()
    if prefix is None:
        pytest.fail("unshare -n is not permitted here: the bundle cannot be run offline")
    full_env = {**private_env(base), **env}
    (base / "cwd").mkdir(exist_ok=True)
    return subprocess.run([*prefix, *(wrapper or []), str(EXE), *args], env=full_env, cwd=base / "cwd",
                          capture_output=True, text=True, timeout=900)


def test_checksum_file_covers_the_archive_and_every_bundled_file(bundle: Path) -> None:
    sums = (DIST / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1] for line in sums}
    archive = f"workbench-{SOFTWARE_VERSION}-"
    assert any(name.startswith(archive) and name.endswith(".tar.gz") for name in listed)
    regular = {f"workbench/{f}" for f in files_under(bundle) if not (bundle / f).is_symlink()}
    assert regular and regular <= listed
    done = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=DIST, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _archived_modules() -> list[str]:
    """Python modules inside the bundle's archive, listed by the build venv's PyInstaller."""
    viewer = ROOT / "build" / "bundle" / "venv" / "bin" / "pyi-archive_viewer"
    if not viewer.is_file():
        pytest.fail(f"no {viewer}: the build venv of installer/build_bundle.sh is gone")
    done = subprocess.run([str(viewer), "-l", "-r", "-b", str(EXE)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [line.strip() for line in done.stdout.splitlines()]


def test_bundle_carries_qt_platforms_opengl_fonts_and_icons(bundle: Path) -> None:
    internal = bundle / "_internal"
    platforms = {p.name for p in internal.glob("PySide6/Qt/plugins/platforms/*")}
    assert {"libqxcb.so", "libqoffscreen.so"} <= platforms
    assert (internal / "PySide6/Qt/plugins/iconengines/libqsvgicon.so").is_file()  # the icons are SVG
    modules = set(_archived_modules())
    assert {"OpenGL.GL", "OpenGL.platform.glx", "OpenGL.platform.egl", "pyqtgraph.opengl", "views.cube_gl",
            "ui.selftest", "engine.demo.generate"} <= modules
    assert {c.module for c in COMMANDS.values()} <= modules  # commands are imported by name
    for kind in ("fonts", "icons"):
        shipped = sorted(p.name for p in (ROOT / "resources" / kind).iterdir() if p.is_file())
        assert sorted(p.name for p in (internal / "resources" / kind).iterdir()) == shipped


def test_bundle_headless_command_and_version(bundle: Path, tmp_path: Path) -> None:
    done = _run_bundle(["--version"], tmp_path)
    assert done.returncode == 0 and done.stdout.split() == ["main.py", SOFTWARE_VERSION]
    done = _run_bundle(["verify", str(tmp_path / "missing.itcase")], tmp_path)
    assert done.returncode == 2 and "missing.itcase" in done.stderr


def test_bundle_selftest_passes_offline_and_writes_only_to_its_folders(bundle: Path, tmp_path: Path) -> None:
    done = _run_bundle(["--selftest"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert OK_LINE.match(done.stdout.strip()), done.stdout
    for name in ("tmp", "cwd", "data", "settings"):
        assert files_under(tmp_path / name) == [], name
    assert files_under(tmp_path / "log") == ["workbench.log"]


@pytest.mark.parametrize("platform", ["offscreen", "xcb"])
def test_bundle_gui_shows_its_window_and_exits(bundle: Path, tmp_path: Path, platform: str) -> None:
    """The main window comes up (ITWB_EXIT_AFTER_SHOW quits right after) on both platforms."""
    wrapper: list[str] = []
    if platform == "xcb":
        if shutil.which("xvfb-run") is None:
            pytest.skip("xvfb-run is not installed (Debian: xvfb xauth)")
        wrapper = ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24 +extension GLX +render"]
    done = _run_bundle([], tmp_path, wrapper, QT_QPA_PLATFORM=platform, ITWB_EXIT_AFTER_SHOW="1")
    assert done.returncode == 0, done.stderr
    assert not re.search(r"Traceback|error:|Could not load the Qt platform plugin", done.stderr), done.stderr
    assert "error" not in (tmp_path / "log" / "workbench.log").read_text(encoding="utf-8").lower()


def test_wheelhouse_installs_offline_into_a_fresh_venv_and_passes_the_selftest(tmp_path: Path) -> None:
    if not (WHEELHOUSE / "SHA256SUMS").is_file():
        pytest.fail(f"no wheelhouse at {WHEELHOUSE}: run bash installer/collect_wheels.sh")
    argv, env = offline(["bash", str(ROOT / "installer" / "install_offline.sh"), str(WHEELHOUSE),
                         str(tmp_path / "venv")], private_env(tmp_path), tmp_path / "blocker")
    done = subprocess.run(argv, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    assert OK_LINE.match(done.stdout.strip().splitlines()[-1]), done.stdout
    assert (tmp_path / "venv" / "bin" / "itworkbench").is_file()
