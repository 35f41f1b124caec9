"""Child process for the crash test: types into a note through the notes panel's save path
and prints "<chars typed> <monotonic time>" after every keystroke, until it is killed."""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.case.store import CaseStore  # noqa: E402
from ui.notes_panel import NoteEditor  # noqa: E402

TEXT = "".join(str(k % 10) for k in range(100_000))
INVESTOR = "TYPIST"
KEY_INTERVAL_MS = 4


def main(case: str) -> None:
    app = QApplication([])
    store = CaseStore.open(case)
    editor = NoteEditor()
    editor.bind(store, INVESTOR)
    typed = 0

    def key() -> None:
        nonlocal typed
        editor.edit.moveCursor(QTextCursor.MoveOperation.End)
        editor.edit.insertPlainText(TEXT[typed])
        typed += 1
        sys.stdout.write(f"{typed} {time.monotonic():.6f}\n")
        sys.stdout.flush()

    timer = QTimer()
    timer.setInterval(KEY_INTERVAL_MS)
    timer.timeout.connect(key)
    timer.start()
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1])
