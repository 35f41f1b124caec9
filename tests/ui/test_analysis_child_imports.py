"""The analysis child never imports a GUI toolkit: its job's modules (the engine, the view-data
registry) and the child's body load neither PySide6 nor pyqtgraph."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUI = ("PySide6", "pyqtgraph", "shiboken6")


def test_the_analysis_job_modules_load_no_gui_toolkit_in_a_fresh_interpreter():
    code = ("import sys, ui.child_process, ui.analysis_job, engine.viewdata.registry\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({GUI!r})))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=300, check=True)
    assert out.stdout.strip() == "[]"


def test_a_spawned_analysis_child_has_no_gui_toolkit_loaded():
    from tests.ui._child_jobs import gui_modules
    from ui import child_process
    child_process.prewarm(gui_modules, ("ui.analysis_job",))   # the child the session would use
    try:
        loaded = child_process.run_in_child(child_process.Job(gui_modules, in_process=True, name="probe"),
                                            lambda _stage, _fraction: None, threading.Event())
    finally:
        spare = child_process._spares.pop(gui_modules.__module__, None)
        if spare is not None:
            spare.stop()
    assert loaded == []
