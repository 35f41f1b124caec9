"""Closing the workbench by SIGTERM ends its analysis child process too (issue 18 item 9):
before, the window died at once and every spawned child (~340 MB each) lived on as an orphan."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _spawned_children(pid: int) -> list[int]:
    """Multiprocessing children of ``pid`` (the analysis child and its warm spare)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:"))
        if ppid == pid and b"spawn_main" in cmdline:
            out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                     if line.startswith("State:"))
    except (OSError, StopIteration):
        return False
    return "Z" not in state.split()[1]


def _until(condition, timeout_s: float) -> bool:
    """Poll ``condition`` until true or timeout (the child starts in its own time)."""
    deadline = time.monotonic() + timeout_s
    tick = threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return True
        tick.wait(0.1)
    return condition()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_sigterm_closes_the_gui_and_ends_its_analysis_child(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ITWB_SETTINGS_DIR": str(tmp_path / "settings"),
           "ITWB_LOG_DIR": str(tmp_path / "log"), "ITWB_DATA_DIR": str(tmp_path / "data")}
    gui = subprocess.Popen([sys.executable, str(ROOT / "main.py")], env=env, cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: list[int] = []
    try:
        assert _until(lambda: bool(_spawned_children(gui.pid)), 120), "the analysis child never started"
        children = _spawned_children(gui.pid)
        gui.send_signal(signal.SIGTERM)
        gui.wait(timeout=60)
        assert _until(lambda: not any(_alive(c) for c in children), 30), "an analysis child outlived the GUI"
    finally:
        if gui.poll() is None:
            gui.kill()
            gui.wait()
        for child in children:
            if _alive(child):
                os.kill(child, signal.SIGKILL)
