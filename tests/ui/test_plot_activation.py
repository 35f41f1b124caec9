"""Plots look the same whether their window is active or not, so a dialog opening over the
window (progress, packet, a question) does not repaint them: Qt's graphics widgets repaint
themselves and every child on activation changes, which at the reference scale held the GUI
thread ~100 ms as the packet export's progress dialog opened."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QDialog, QMainWindow

from tests.ui.view_samples import sample_options
from views._plots import new_plot
from views.options_view import OptionsView


class _Paints(QObject):
    """Counts the paint events of a widget."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _plot_widget():
    plot = new_plot("curve", grid=True)
    plot.plot(np.arange(50.0), np.sin(np.arange(50.0)))
    return plot, plot


def _options_view():
    view = OptionsView()
    view.set_data(sample_options())
    return view, view.canvas


@pytest.mark.parametrize("make", [_plot_widget, _options_view], ids=["new_plot", "options"])
def test_a_dialog_over_the_window_repaints_no_plot(qtbot, make):
    window = QMainWindow()
    qtbot.addWidget(window)
    content, canvas = make()
    window.setCentralWidget(content)
    window.resize(800, 600)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.wait(5)                                  # first paints done
    paints = _Paints(canvas.viewport())
    dialog = QDialog(window)
    dialog.show()
    qtbot.waitUntil(lambda: not window.isActiveWindow())
    qtbot.wait(5)
    assert not canvas.scene().isActive()         # the scene still follows its window
    dialog.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.wait(5)
    assert canvas.scene().isActive()
    assert paints.count == 0
