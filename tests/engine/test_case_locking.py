"""A case stays intact when this process opens it twice and another process writes to it.

Opening a case used to read its header with Python's ``open()``; closing that handle dropped
the process's POSIX locks held by SQLite, so a writer in another process could take itself for
the last connection and delete the write-ahead log still in use. The GUI sequence that
corrupted a case that way is tests/ui/test_threshold_panel.py::
test_revalidation_runs_in_the_child_process; this test checks the plain engine sequence
(a second open in this process, writes from another) and the case's integrity after it.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from engine.case.store import CaseStore

ROOT = Path(__file__).resolve().parents[2]
WRITER = ("import sys; sys.path.insert(0, sys.argv[1])\n"
          "from engine.case.store import CaseStore\n"
          "with CaseStore.open(sys.argv[2]) as s:\n"
          "    for i in range(20):\n"
          "        s.set_note(None, f'child note {i}')\n")


def test_second_open_in_process_and_a_writer_elsewhere_leave_the_case_intact(analysed_case: Path) -> None:
    with CaseStore.open(analysed_case) as held:          # the GUI's session connection
        held.set_note(None, "before")
        with CaseStore.open(analysed_case, read_only=True) as other:   # e.g. a worker's read
            assert other.note(None).text == "before"
        subprocess.run([sys.executable, "-c", WRITER, str(ROOT), str(analysed_case)], check=True, timeout=120)
        assert held.note(None).text == "child note 19"
        held.set_note("0000001", "after the child")
        assert held.verify().ok
    with CaseStore.open(analysed_case, read_only=True) as again:
        report = again.verify()
        assert report.ok, report.problems
        assert again.note("0000001").text == "after the child"
