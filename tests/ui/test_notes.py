"""Notes: autosave while typing, survival across reopen, tags and decisions, and a kill -9
in the middle of typing loses at most the last second."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocument

from engine.case.store import CaseStore
from tests.ui import _typing_child
from ui.notes_panel import SAVE_DELAY_MS, NotesPanel

ROOT = Path(__file__).resolve().parents[2]


def _plain(html: str) -> str:
    doc = QTextDocument()
    doc.setHtml(html)
    return doc.toPlainText()


@pytest.fixture
def case(demo_case_path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "notes.itcase"
    shutil.copy(demo_case_path, out)
    return out


def test_notes_autosave_and_survive_reopen(case, qtbot):
    store = CaseStore.open(case)
    panel = NotesPanel()
    qtbot.addWidget(panel)
    panel.set_store(store)
    with qtbot.waitSignal(panel.case_note.saved, timeout=SAVE_DELAY_MS * 4):
        panel.case_note.edit.setHtml("<p>Case opened after the <b>takeover</b> bid.</p>")
    panel.set_focus("INV1")
    panel.investor_note.edit.setPlainText("bought calls two days before")
    panel.set_focus("INV2")          # switching focus saves at once, before the timer
    assert not panel.investor_note.pending
    panel.investor_note.edit.setPlainText("second investor")
    panel.set_store(None)            # closing flushes too
    store.close()

    reopened = CaseStore.open(case)
    assert "takeover" in _plain(reopened.note(None).text)
    assert _plain(reopened.note("INV1").text) == "bought calls two days before"
    assert _plain(reopened.note("INV2").text) == "second investor"
    panel2 = NotesPanel()
    qtbot.addWidget(panel2)
    panel2.set_store(reopened)
    panel2.set_focus("INV1")
    assert panel2.investor_note.edit.toPlainText() == "bought calls two days before"
    assert "takeover" in panel2.case_note.edit.toPlainText()
    panel2.set_store(None)
    reopened.close()


def test_tags_and_decision_need_a_reason(case, qtbot):
    store = CaseStore.open(case)
    panel = NotesPanel()
    qtbot.addWidget(panel)
    panel.set_store(store)
    panel.set_focus("INV9")
    panel.tags.setText("ring-1, options , ring-1")
    panel.tags.editingFinished.emit()
    assert store.tags("INV9") == {"INV9": ["options", "ring-1"]}
    panel.tags.setText("options")
    panel.tags.editingFinished.emit()
    assert store.tags("INV9") == {"INV9": ["options"]}
    panel.decision.setCurrentText("refer")
    panel.reason.setText("")
    panel.record_decision()
    assert store.decision("INV9") is None and "reason" in panel.decision_status.text()
    panel.reason.setText("bought 2 days before the bid")
    with qtbot.waitSignal(panel.decision_recorded):
        panel.record_decision()
    d = store.decision("INV9")
    assert (d.decision, d.reason) == ("refer", "bought 2 days before the bid")
    panel.set_focus(None)
    panel.set_focus("INV9")
    assert panel.decision.currentText() == "refer" and panel.reason.text() == d.reason
    panel.set_store(None)
    store.close()


@pytest.mark.slow
def test_kill_minus_nine_while_typing_loses_at_most_a_second(case):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "tests.ui._typing_child", str(case)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: list[tuple[int, float]] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            count, stamp = line.split()
            lines.append((int(count), float(stamp)))
            if lines[-1][1] - lines[0][1] >= 2.5:
                break
        kill_time = time.monotonic()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL and len(lines) > 50
    typed_by = max((c for c, t in lines if t <= kill_time - 1.0), default=0)
    assert typed_by > 0
    with CaseStore.open(case) as store:
        note = store.note(_typing_child.INVESTOR)
        saved = _plain(note.text) if note is not None else ""
    assert _typing_child.TEXT.startswith(saved)          # consistent: a prefix, never garbage
    assert len(saved) >= typed_by, f"saved {len(saved)} chars, {typed_by} were typed a second before the kill"
