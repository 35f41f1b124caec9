"""Hovering never moves the layout: status lines stay one line and never widen their dock,
the threshold slider's B/F marks stay put whatever its info label says.

Sequence: show data, hover a node / a cell (long status text), type a bad threshold, ask for a
re-validation; oracle: widget geometry and size hints before and after.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF
from PySide6.QtWidgets import QTextEdit, QWidget

from engine.svn.studies import ThresholdMarks
from tests.ui.view_probe import shown
from tests.ui.view_samples import sample_network, sample_raster, sample_triage
from ui.notes_panel import NotesPanel
from ui.threshold_panel import ThresholdPanel
from views._layout import stack, status_line
from views.network_view import NetworkView
from views.raster_view import RasterView
from views.selection_types import Selection
from views.triage_view import TriageView


def test_network_status_line_never_shrinks_the_plot(qtbot):
    view = shown(qtbot, NetworkView(), (320, 400), sample_network("R00"))
    qtbot.wait(1)
    before = view.plot.height()
    data = view._data
    k = view._edges[0]                             # an edge's text runs over several lines
    a, b = (view.positions()[str(data.node_ids[e[k]])] for e in (data.edge_a, data.edge_b))
    view._on_move(view.vb.mapViewToScene(QPointF((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)))
    assert "days, p =" in view.status.text()
    qtbot.wait(1)
    assert view.plot.height() == before
    assert view.status.height() <= view.status.fontMetrics().height() + 4


def test_raster_hover_text_never_widens_the_dock(qtbot):
    view = shown(qtbot, RasterView(), (260, 300), sample_raster())
    hint = view.minimumSizeHint().width()
    vb = view.vb
    view._on_move(vb.mapViewToScene(QPointF(view._data.shape[1] - 1.5, 3.5)))
    assert "bought" in view.status.text()
    assert view.minimumSizeHint().width() <= hint
    view.vb.setRange(yRange=(0, 10), padding=0)     # zoom in: the left axis prints ids
    qtbot.wait(1)
    assert view.minimumSizeHint().width() <= hint


def test_triage_scorecard_title_never_widens_the_dock(qtbot):
    """The scorecard's title names the investor's episodes; at 1366 px the triage dock's
    minimum width (858 px) plus the left column's already filled the screen, and a title
    widened the window past it (1407 px after selecting the top suspect)."""
    data = sample_triage()
    view = shown(qtbot, TriageView(), (700, 400), data)
    hint = view.minimumSizeHint().width()
    investor = str(data.ids[0])
    view.apply_selection(Selection(ids=frozenset({investor}), focus=investor))
    qtbot.wait(1)
    assert investor in view.scorecard.title.text()
    assert view.minimumSizeHint().width() <= hint


def test_threshold_marks_stay_put_whatever_the_info_says(qtbot):
    panel = ThresholdPanel()
    shown(qtbot, panel, (700, 40))
    panel.set_marks(ThresholdMarks(correction="bonferroni", threshold=5.75e-9, bonferroni=5.75e-9, fdr=3.1e-6,
                                   low=1e-12, high=1e-2))
    qtbot.wait(1)
    before = {name: panel.marks_bar.x_of(v) for name, v in panel.mark_values().items()}
    panel.value_edit.setText("7")
    panel._on_typed()                              # "type a p-value in (0, 0.01]"
    qtbot.wait(1)
    assert {name: panel.marks_bar.x_of(v) for name, v in panel.mark_values().items()} == before
    panel.request("fdr")                            # "re-validating…"
    qtbot.wait(1)
    assert {name: panel.marks_bar.x_of(v) for name, v in panel.mark_values().items()} == before


class _Events(QObject):
    """Records the types of the events Qt sends to the watched widgets."""

    def __init__(self, *widgets: QWidget) -> None:
        super().__init__()
        self.seen: list[tuple[str, QEvent.Type]] = []
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        self.seen.append((type(watched).__name__, event.type()))
        return False

    def of(self, kind: QEvent.Type) -> list[str]:
        return [name for name, k in self.seen if k == kind]


def test_a_status_line_text_re_lays_out_and_repaints_nothing_around_it(qtbot):
    """A label's new text asked every layout up to the window to recompute and repainted the
    widgets under it (each selection: the profile's header up to the main window)."""
    outer = QWidget()
    line = status_line("first")
    stack(outer, line, QTextEdit())
    shown(qtbot, outer, (300, 200))
    qtbot.wait(1)
    events = _Events(outer)
    line.setText("a second, longer text")
    qtbot.wait(1)
    assert line.text() == "a second, longer text"
    assert not events.of(QEvent.Type.LayoutRequest) and not events.of(QEvent.Type.Paint)


class _Store:
    """What the notes panel reads of a case: nothing recorded yet."""

    read_only = False

    def note(self, _target):
        return None

    def tags(self, _investor):
        return {}

    def decision(self, _investor):
        return None


def test_a_new_focus_repaints_the_notes_fields_not_the_tabs_around_them(qtbot):
    """The notes' tab widget repainted itself and every field in it on each selection (its
    heading's new text re-laid out the tabs, and unchanged fields were set again)."""
    panel = shown(qtbot, NotesPanel(), (400, 300))
    panel.set_store(_Store())
    panel.set_focus("INV1")
    qtbot.wait(50)           # the first focus's "No decision yet." lays the page out, level by level
    events = _Events(panel, panel.tabs, panel.tags, panel.reason, panel.decision_status)
    panel.set_focus("INV2")
    qtbot.wait(1)
    assert panel.heading.text() == "Investor INV2"
    assert not events.of(QEvent.Type.LayoutRequest) and not events.of(QEvent.Type.Paint)
