"""Case notes and per-investor notes that follow the focus, saved as they are typed.

Text is rich (HTML). A change is written through ``CaseStore.set_note`` (one transaction)
at most ``SAVE_DELAY_MS`` after the first unsaved keystroke — a throttle, not a pure
debounce, so continuous typing is still saved every half second and a crash loses at most
that much. Tags and a decision (cleared / watch / refer, with a reason) belong to the
focus investor.
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QTabWidget, QTextEdit, QVBoxLayout, QWidget)

from engine.case.work import DECISIONS
from views._layout import opaque, status_line

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 500


def _set_text(edit: QLineEdit, text: str) -> None:
    """Set a field's text only when it changes: the same text repainted it (and the panel
    under it) on every new focus."""
    if edit.text() != text:
        edit.setText(text)


class NoteEditor(QWidget):
    """One rich-text note bound to a target (None = the case) with throttled autosave."""

    saved = Signal(object)   # target

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Any = None
        self.target: str | None = None
        self._bound = False
        self.edit = QTextEdit(self)
        self.edit.setAcceptRichText(True)
        self.status = QLabel("", self)
        self.status.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        self._dirty = False
        self.edit.textChanged.connect(self._on_changed)

    def bind(self, store: Any, target: str | None) -> None:
        """Save pending text, then show the note of ``target`` from ``store``."""
        self.save_now()
        self.store, self.target = store, target
        self._bound = store is not None
        self.edit.blockSignals(True)
        note = store.note(target) if store is not None else None
        self.edit.setHtml(note.text if note is not None else "")
        self.edit.blockSignals(False)
        self.edit.setEnabled(self._bound and not bool(getattr(store, "read_only", False)))
        self.status.setText("")

    def unbind(self) -> None:
        self.bind(None, None)

    def _on_changed(self) -> None:
        if not self._bound:
            return
        self._dirty = True
        self.status.setText("Editing…")
        if not self._timer.isActive():
            self._timer.start()

    def save_now(self) -> None:
        """Write pending text now (also called on focus switch and close)."""
        self._timer.stop()
        if not self._dirty or self.store is None:
            return
        text = self.edit.toHtml() if self.edit.toPlainText() else ""
        try:
            self.store.set_note(self.target, text)
        except Exception:
            log.error("saving a note failed", exc_info=True)
            self.status.setText("Not saved: see the log")
            return
        self._dirty = False
        self.status.setText("Saved")
        self.saved.emit(self.target)

    @property
    def pending(self) -> bool:
        return self._dirty


class NotesPanel(QWidget):
    """Tabs 'Case' and 'Investor'; the investor tab follows the selection's focus."""

    decision_recorded = Signal(str)   # investor id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notes_panel")
        self.store: Any = None
        self.focus_id: str | None = None
        self.tabs = QTabWidget(self)
        self.case_note = NoteEditor(self)
        self.case_note.edit.setPlaceholderText("Notes on the whole case…")
        self.investor_note = NoteEditor(self)
        self.investor_note.edit.setPlaceholderText("Notes on the focus investor…")
        # the heading changes with the focus: it repaints alone and re-lays out nothing
        self.heading = status_line("Select an investor to take notes on them.")
        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText("tags, separated by commas")
        self.tags.editingFinished.connect(self._apply_tags)
        self.decision = QComboBox(self)
        self.decision.addItems(["(none)", *DECISIONS])
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("reason (required)")
        self.record = QPushButton("Record decision", self)
        self.record.clicked.connect(self.record_decision)
        self.decision_status = opaque(QLabel("", self))   # repaints alone
        self.decision_status.setWordWrap(True)

        investor_page = opaque(QWidget(self))   # its fields change with the focus: the tabs under it stay
        page = QVBoxLayout(investor_page)
        page.addWidget(self.heading)
        page.addWidget(self.investor_note, 1)
        form = QFormLayout()
        form.addRow("Tags", self.tags)
        row = QHBoxLayout()
        row.addWidget(self.decision)
        row.addWidget(self.reason, 1)
        row.addWidget(self.record)
        form.addRow("Decision", row)
        page.addLayout(form)
        page.addWidget(self.decision_status)
        self.tabs.addTab(investor_page, "Investor")
        self.tabs.addTab(self.case_note, "Case")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self._refresh_investor_widgets()

    def set_store(self, store: Any) -> None:
        """A case was opened (store) or closed (None)."""
        self.flush()
        self.store = store
        self.case_note.bind(store, None)
        self.focus_id = None
        self.investor_note.unbind()
        self._refresh_investor_widgets()

    def set_focus(self, investor_id: str | None) -> None:
        """Follow the selection's focus (saving the previous investor's note first)."""
        if investor_id == self.focus_id:
            return
        self.focus_id = investor_id
        if self.store is not None and investor_id is not None:
            self.investor_note.bind(self.store, investor_id)
        else:
            self.investor_note.unbind()
        self._refresh_investor_widgets()

    def flush(self) -> None:
        """Save every pending note now."""
        self.case_note.save_now()
        self.investor_note.save_now()

    def _refresh_investor_widgets(self) -> None:
        active = self.store is not None and self.focus_id is not None
        writable = active and not bool(getattr(self.store, "read_only", False))
        for w in (self.tags, self.decision, self.reason, self.record):
            w.setEnabled(writable)
        if not active:
            self.heading.setText("Select an investor to take notes on them."
                                 if self.store is not None else "Open a case to take notes.")
            _set_text(self.tags, "")
            self.decision.setCurrentIndex(0)
            _set_text(self.reason, "")
            self.decision_status.setText("")
            return
        self.heading.setText(f"Investor {self.focus_id}")
        _set_text(self.tags, ", ".join(self._tags()))
        current = self.store.decision(self.focus_id)
        if current is None:
            self.decision.setCurrentIndex(0)
            _set_text(self.reason, "")
            self.decision_status.setText("No decision yet.")
        else:
            decision, reason = current.decision, current.reason
            self.decision.setCurrentIndex(1 + DECISIONS.index(decision) if decision in DECISIONS else 0)
            _set_text(self.reason, reason)
            self.decision_status.setText(f"Decision: {decision} — {reason}")

    def _tags(self) -> list[str]:
        return self.store.tags(self.focus_id).get(self.focus_id, [])

    def _apply_tags(self) -> None:
        if self.store is None or self.focus_id is None:
            return
        wanted = {t.strip() for t in self.tags.text().split(",") if t.strip()}
        have = set(self._tags())
        for tag in sorted(wanted - have):
            self.store.add_tag(self.focus_id, tag)
        for tag in sorted(have - wanted):
            self.store.remove_tag(self.focus_id, tag)

    def record_decision(self) -> None:
        """Record the chosen decision with its reason (both required)."""
        if self.store is None or self.focus_id is None:
            return
        decision = self.decision.currentText()
        reason = self.reason.text().strip()
        if decision not in DECISIONS:
            self.decision_status.setText("Choose cleared, watch or refer.")
            return
        if not reason:
            self.decision_status.setText("Give a reason for the decision.")
            return
        self.store.set_decision(self.focus_id, decision, reason)
        self._refresh_investor_widgets()
        self.decision_recorded.emit(self.focus_id)
