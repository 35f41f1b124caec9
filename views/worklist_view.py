"""Worklist: the investors to review, filtered by decision, tag, hard/soft, ring and options
involvement; named filters saved in the case; and the review queue (who decided or tagged
what, and when, newest first).

Selecting rows (in either table) asks for those investors. The view never writes the case:
saving or deleting a filter emits ``document_changed`` and the window writes it with its
audit entry (``ui.investigation``).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QWidget)

from engine.case.review import EMPTY_WORK, CaseWorkSnapshot
from engine.errors import UsageError
from engine.packet.figures import ReportFigure
from engine.viewdata.worklist import (ANY_SUSPICIOUS_RING, DECISION_CHOICES, DISCONTINUITIES, NO_RING,
                                      SAVED_FILTERS_KEY, WorklistFilter, WorklistRows, decision_of, filter_rows,
                                      filters_document, saved_filters)
from views._layout import stack, status_line
from views.base import BaseView, Selection, widget_png

ROW_COLUMNS = ("Investor", "Rank", "Score", "Hard/soft", "Ring", "Options", "Decision", "Tags")
QUEUE_COLUMNS = ("When (UTC)", "Who", "Investor", "Did", "What", "Reason")
ANY = "any"
#: the queue's title when empty: a bare header row told a newcomer neither what fills it nor how
QUEUE_EMPTY = "Review queue: no decision or tag recorded yet (Notes ▸ Decision records one)."


def _table(columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))


class WorklistView(BaseView):
    """Filter bar, saved filters, the filtered investors and the review queue."""

    view_name = "worklist"
    title = "Worklist"
    default_area = "left"
    #: (document key, value, audit action, audit details): a case document to save
    document_changed = Signal(str, object, str, dict)
    _data: WorklistRows | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._work: CaseWorkSnapshot = EMPTY_WORK
        self._filters: dict[str, WorklistFilter] = {}
        self._shown = np.zeros(0, dtype=np.int64)
        self.decision = self._combo([ANY, *DECISION_CHOICES])
        self.tag = self._combo([ANY])
        self.discontinuity = self._combo([ANY, *DISCONTINUITIES])
        self.ring = self._combo([ANY])
        self.options = self._combo([ANY, "with options", "without options"])
        self.saved = QComboBox()
        self.saved.setMinimumContentsLength(10)
        self.saved.activated.connect(self._on_saved_chosen)
        self.save_button = QPushButton("Save filter…")
        self.save_button.clicked.connect(self._ask_and_save)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self._on_delete)
        self.count = QLabel(" ")
        self.rows = _table(ROW_COLUMNS)
        self.rows.itemSelectionChanged.connect(self._on_rows_selected)
        self.queue = _table(QUEUE_COLUMNS)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.itemSelectionChanged.connect(self._on_queue_selected)
        bar = QGridLayout()   # two rows of filters: the dock stays narrow
        for k, (label, box) in enumerate((("Decision", self.decision), ("Tag", self.tag),
                                          ("Hard/soft", self.discontinuity), ("Ring", self.ring),
                                          ("Options", self.options))):
            bar.addWidget(QLabel(label), k // 3, 2 * (k % 3))
            bar.addWidget(box, k // 3, 2 * (k % 3) + 1)
        bar.setColumnStretch(6, 1)
        saved_bar = QHBoxLayout()
        for w in (QLabel("Saved filters"), self.saved, self.save_button, self.delete_button, self.count):
            saved_bar.addWidget(w)
        saved_bar.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.rows)
        self.queue_title = status_line(QUEUE_EMPTY)
        queue_box = QWidget()
        stack(queue_box, self.queue_title, (self.queue, 1))
        split.addWidget(queue_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        stack(self, bar, saved_bar, (split, 1))
        self.clear()

    def _combo(self, items: list[str]) -> QComboBox:
        box = QComboBox()
        box.addItems(items)
        box.currentIndexChanged.connect(self._on_bar_changed)
        return box

    # -- data ---------------------------------------------------------------------------
    def set_data(self, viewdata: WorklistRows) -> None:
        self._data = viewdata
        rings = sorted({int(r) for r in viewdata.ring if r})
        self._reset_combo(self.ring, [ANY, "suspicious rings", "no ring", *(f"ring {r}" for r in rings)])
        self._refilter()

    def set_case_work(self, work: CaseWorkSnapshot) -> None:
        """Decisions and tags changed: refilter and refresh the review queue (an unchanged
        snapshot, e.g. the one sent after each result, costs nothing)."""
        if work == self._work:
            return
        self._work = work
        self._reset_combo(self.tag, [ANY, *work.all_tags()])
        self._refilter()
        entries = list(reversed(work.history))
        _fill(self.queue, [(e.time[:19].replace("T", " "), e.user, e.investor_id, e.action.replace("_", " "),
                            e.what, e.reason) for e in entries])
        self.queue_title.setText(f"Review queue: {len(entries)} decision{'s' if len(entries) != 1 else ''} and tags, newest first" if entries
                                 else QUEUE_EMPTY)

    @staticmethod
    def document_keys(event_id: str) -> tuple[str, ...]:
        """The case documents this view keeps (saved filters are per case, not per event)."""
        return (SAVED_FILTERS_KEY,)

    def set_documents(self, documents: dict) -> None:
        """Load the saved filters of the open case."""
        try:
            self._filters = saved_filters(documents.get(SAVED_FILTERS_KEY))
        except UsageError as exc:
            self._filters = {}
            self.count.setText(str(exc))
        self._reset_combo(self.saved, list(self._filters))

    def clear(self) -> None:
        self._data = None
        self._forget_ids()
        self._shown = np.zeros(0, dtype=np.int64)
        self.rows.setRowCount(0)
        self.count.setText(" ")

    @staticmethod
    def _reset_combo(box: QComboBox, items: list[str]) -> None:
        current = box.currentText()
        box.blockSignals(True)
        box.clear()
        box.addItems(items)
        if current in items:
            box.setCurrentText(current)
        box.blockSignals(False)

    # -- filters ------------------------------------------------------------------------
    def current_filter(self) -> WorklistFilter:
        """The filter the bar shows."""
        ring_text = self.ring.currentText()
        ring = {ANY: None, "suspicious rings": ANY_SUSPICIOUS_RING, "no ring": NO_RING}.get(
            ring_text, int(ring_text.split()[-1]) if ring_text.startswith("ring ") else None)
        decision, tag, disc = self.decision.currentText(), self.tag.currentText(), self.discontinuity.currentText()
        return WorklistFilter(decisions=() if decision == ANY else (decision,), tags=() if tag == ANY else (tag,),
                              discontinuity="" if disc == ANY else disc, ring=ring,
                              options={ANY: None, "with options": True}.get(self.options.currentText(), False))

    def set_filter(self, flt: WorklistFilter) -> None:
        """Show ``flt`` in the bar (values the bar cannot show fall back to "any")."""
        ring = {None: ANY, ANY_SUSPICIOUS_RING: "suspicious rings", NO_RING: "no ring"}.get(flt.ring, f"ring {flt.ring}")
        for box, text in ((self.decision, flt.decisions[0] if flt.decisions else ANY),
                          (self.tag, flt.tags[0] if flt.tags else ANY),
                          (self.discontinuity, flt.discontinuity or ANY), (self.ring, ring),
                          (self.options, {None: ANY, True: "with options", False: "without options"}[flt.options])):
            box.blockSignals(True)
            box.setCurrentIndex(max(box.findText(text), 0))
            box.blockSignals(False)
        self._refilter()

    def save_filter(self, name: str) -> None:
        """Save the bar's filter under ``name`` in the case (replacing one of that name)."""
        name = name.strip()
        if not name:
            return
        self._filters = {**self._filters, name: self.current_filter()}
        self._reset_combo(self.saved, sorted(self._filters))
        self.saved.setCurrentText(name)
        self.document_changed.emit(SAVED_FILTERS_KEY, filters_document(self._filters), "worklist_filter_saved",
                                   {"name": name, "filter": self._filters[name].to_dict()})

    def delete_filter(self, name: str) -> None:
        if name not in self._filters:
            return
        self._filters = {k: v for k, v in self._filters.items() if k != name}
        self._reset_combo(self.saved, sorted(self._filters))
        self.document_changed.emit(SAVED_FILTERS_KEY, filters_document(self._filters), "worklist_filter_deleted",
                                   {"name": name})

    def use_saved(self, name: str) -> None:
        if name in self._filters:
            self.set_filter(self._filters[name])

    def saved_names(self) -> tuple[str, ...]:
        return tuple(sorted(self._filters))

    def _on_bar_changed(self, _index: int) -> None:
        self._refilter()

    def _on_saved_chosen(self, _index: int) -> None:
        self.use_saved(self.saved.currentText())

    def _on_delete(self) -> None:
        self.delete_filter(self.saved.currentText())

    def _ask_and_save(self) -> None:
        name, ok = QInputDialog.getText(self, "Save filter", "Name of this filter:")
        if ok:
            self.save_filter(name)

    # -- drawing and selection ----------------------------------------------------------
    def shown_ids(self) -> list[str]:
        """Investor ids of the rows shown now, in order."""
        return [] if self._data is None else [str(i) for i in self._data.investor_id[self._shown]]

    def _refilter(self) -> None:
        d = self._data
        if d is None:
            return
        self._shown = filter_rows(d, self._work, self.current_filter())
        rows = []
        for k in self._shown:
            inv = str(d.investor_id[k])
            rows.append((inv, "" if np.isnan(d.rank[k]) else str(int(d.rank[k])),
                         "" if np.isnan(d.score[k]) else f"{d.score[k]:.2f}", str(d.discontinuity[k]),
                         (f"{d.ring[k]}{' (suspicious)' if d.ring_suspicious[k] else ''}" if d.ring[k] else ""),
                         "yes" if d.options[k] else "", decision_of(self._work, inv),
                         ", ".join(self._work.tags.get(inv, ()))))
        self.rows.blockSignals(True)
        _fill(self.rows, rows)
        self.rows.blockSignals(False)
        self.count.setText(f"{len(rows)} of {d.investor_id.size} investors")
        self.apply_selection(self._selection)

    def apply_selection(self, selection: Selection) -> None:
        if not self._take_selection(selection):
            return
        shown = self.shown_ids()
        self.rows.blockSignals(True)
        self.rows.clearSelection()
        mode = self.rows.selectionMode()
        self.rows.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for r, inv in enumerate(shown):
            if inv in selection.ids:
                self.rows.selectRow(r)
        self.rows.setSelectionMode(mode)
        self.rows.blockSignals(False)
        self._highlighted = frozenset(selection.ids) & frozenset(shown)

    def _on_rows_selected(self) -> None:
        shown = self.shown_ids()
        ids = {shown[i.row()] for i in self.rows.selectionModel().selectedRows()}
        if ids:
            focus = shown[self.rows.currentRow()] if 0 <= self.rows.currentRow() < len(shown) else None
            self._request(ids, focus=focus if focus in ids else min(ids))

    def _on_queue_selected(self) -> None:
        rows = self.queue.selectionModel().selectedRows()
        if rows:
            investor = self.queue.item(rows[0].row(), 2).text()
            self._request({investor}, focus=investor)

    def snapshot(self) -> ReportFigure:
        return ReportFigure(title="Worklist", png=widget_png(self),
                            caption=f"Investors to review under the filter {self.current_filter().to_dict()}; "
                                    "below, the review queue (newest first).")
