"""The validation-threshold control: Bonferroni / FDR / typed threshold on a log-scale slider.

The slider runs over the sweep range of the settings (1e-12 … 1e-2 by default) with marks
where Bonferroni (α/m) and FDR (p_(k̄)) cut the shown network. A move asks for a re-validation
when the handle is released (keyboard and wheel moves after a short pause), so dragging
never floods the worker; the panel only asks, the session does the work.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QSlider, QStyle,
                               QStyleOptionSlider, QVBoxLayout, QWidget)

from engine.svn.studies import ThresholdMarks
from views import _style

STEPS_PER_DECADE = 10
DEBOUNCE_MS = 400
MODES: tuple[tuple[str, str], ...] = (("Bonferroni", "bonferroni"), ("FDR", "fdr"), ("Typed threshold", "threshold"))
MARK_COLOURS = {"bonferroni": _style.HARD, "fdr": "#0072B2"}   # red B, blue F (also in the sweep plot)
MARK_LETTERS = {"bonferroni": "B", "fdr": "F"}
INFO_WIDEST = "type a p-value in (0, 0.01]"   # the longest text the info label shows


def nice(value: float) -> float:
    """A threshold rounded to two significant figures (what the investigator reads and types)."""
    return float(f"{value:.2g}")


class _MarksBar(QWidget):
    """Ticks under the slider at the Bonferroni and FDR positions."""

    def __init__(self, slider: QSlider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = slider
        self.marks: dict[str, int] = {}
        self.setFixedHeight(14)

    def x_of(self, value: int) -> int:
        """Pixel centre of the slider handle at ``value`` (in this bar's coordinates)."""
        opt = QStyleOptionSlider()
        self.slider.initStyleOption(opt)
        style = self.slider.style()
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle,
                                      self.slider)
        span = self.slider.width() - handle.width()
        pos = QStyle.sliderPositionFromValue(self.slider.minimum(), self.slider.maximum(), value, max(span, 1))
        return self.slider.x() - self.x() + pos + handle.width() // 2

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        try:
            for name, value in self.marks.items():
                x = self.x_of(value)
                painter.setPen(QPen(QColor(MARK_COLOURS[name]), 2))
                painter.drawLine(x, 0, x, 4)
                painter.drawText(QRect(x - 8, 3, 16, 11), Qt.AlignmentFlag.AlignCenter, MARK_LETTERS[name])
        finally:
            painter.end()


class ThresholdPanel(QWidget):
    """Choice of correction and a log-scale threshold slider with Bonferroni/FDR marks."""

    revalidate_requested = Signal(str, object)   # correction, threshold (None unless typed)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("threshold_panel")
        self.marks: ThresholdMarks | None = None
        self._low_exp = -12.0
        self.mode_box = QComboBox(self)
        for text, _key in MODES:
            self.mode_box.addItem(text)
        self.mode_box.setToolTip("Multiple-testing correction of the validated network")
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setMinimumWidth(260)
        self.slider.setToolTip("p-value threshold (log scale); B = Bonferroni, F = FDR")
        self.marks_bar = _MarksBar(self.slider, self)
        self.value_edit = QLineEdit(self)
        self.value_edit.setMaximumWidth(90)
        self.value_edit.setToolTip("Type a p-value threshold and press Enter")
        self.info = QLabel("", self)
        # a fixed width: a longer message must not shorten the slider and move the B/F marks
        self.info.setFixedWidth(self.info.fontMetrics().horizontalAdvance(INFO_WIDEST) + 8)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.slider)
        column.addWidget(self.marks_bar)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(QLabel("Validation", self))
        row.addWidget(self.mode_box)
        row.addLayout(column, 1)
        row.addWidget(self.value_edit)
        row.addWidget(self.info)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._apply_slider)
        self.slider.valueChanged.connect(self._on_slider_value)
        self.slider.sliderReleased.connect(self._apply_slider)
        self.mode_box.activated.connect(self._on_mode_chosen)
        self.value_edit.returnPressed.connect(self._on_typed)
        self.clear()

    # -- slider scale ---------------------------------------------------------------------
    def value_of(self, threshold: float) -> int:
        """Slider position of a threshold (clamped to the range)."""
        pos = round((math.log10(threshold) - self._low_exp) * STEPS_PER_DECADE) if threshold > 0 else 0
        return max(self.slider.minimum(), min(self.slider.maximum(), int(pos)))

    def threshold_at(self, value: int) -> float:
        """The (two-figure) threshold a slider position stands for."""
        return nice(10.0 ** (self._low_exp + value / STEPS_PER_DECADE))

    def mark_values(self) -> dict[str, int]:
        """Slider positions of the Bonferroni and FDR marks."""
        return dict(self.marks_bar.marks)

    # -- data -----------------------------------------------------------------------------
    def clear(self) -> None:
        self._debounce.stop()
        self.marks = None
        self.marks_bar.marks = {}
        for w in (self.slider, self.mode_box):      # nothing of the old case stays on the control
            w.blockSignals(True)
        self.slider.setRange(0, 0)
        self.mode_box.setCurrentIndex(0)
        for w in (self.slider, self.mode_box):
            w.blockSignals(False)
        self.info.setText("no network")
        self.value_edit.clear()
        self.setEnabled(False)
        self.marks_bar.update()

    def set_marks(self, marks: ThresholdMarks) -> None:
        """Show the shown network's correction, threshold and the two named cuts."""
        self._debounce.stop()
        self.marks = marks
        self._low_exp = math.log10(marks.low)
        decades = math.log10(marks.high) - self._low_exp
        for w in (self.slider, self.mode_box):
            w.blockSignals(True)
        try:
            self.slider.setRange(0, max(1, round(decades * STEPS_PER_DECADE)))
            self.slider.setValue(self.value_of(marks.threshold))
            self.mode_box.setCurrentIndex([key for _t, key in MODES].index(marks.correction))
        finally:
            for w in (self.slider, self.mode_box):
                w.blockSignals(False)
        self.marks_bar.marks = {"bonferroni": self.value_of(marks.bonferroni)}
        if marks.fdr is not None:
            self.marks_bar.marks["fdr"] = self.value_of(marks.fdr)
        fdr_text = "nothing validated" if marks.fdr is None else f"{marks.fdr:.3g}"
        self.marks_bar.setToolTip(f"B: Bonferroni α/m = {marks.bonferroni:.3g}\nF: FDR p_(k̄) = {fdr_text}")
        self.value_edit.setText(f"{marks.threshold:.3g}")
        self.info.setText(f"{marks.correction} {marks.threshold:.3g}")
        self.setEnabled(True)
        self.marks_bar.update()

    # -- requests -------------------------------------------------------------------------
    def _on_slider_value(self, value: int) -> None:
        self.value_edit.setText(f"{self.threshold_at(value):.2g}")
        if not self.slider.isSliderDown():
            self._debounce.start()       # keyboard, wheel or page step: apply after a pause

    def _apply_slider(self) -> None:
        self._debounce.stop()
        self.request("threshold", self.threshold_at(self.slider.value()))

    def _on_mode_chosen(self, index: int) -> None:
        key = MODES[index][1]
        if key == "threshold":
            self.request(key, self.threshold_at(self.slider.value()))
        else:
            self.request(key)

    def _on_typed(self) -> None:
        try:
            value = float(self.value_edit.text().strip())
        except ValueError:
            value = -1.0
        if self.marks is None or not 0.0 < value <= self.marks.high:
            high = self.marks.high if self.marks is not None else 1.0
            self.info.setText(f"type a p-value in (0, {high:g}]")
            return
        self.request("threshold", value)

    def request(self, correction: str, threshold: float | None = None) -> None:
        """Ask for the network under ``correction`` (and a typed ``threshold``), unless shown."""
        marks = self.marks
        if marks is None:
            return
        if correction == marks.correction and (correction != "threshold" or threshold == marks.threshold):
            return
        if threshold is not None:
            self.slider.blockSignals(True)
            self.slider.setValue(self.value_of(threshold))
            self.slider.blockSignals(False)
        self.mode_box.setCurrentIndex([key for _t, key in MODES].index(correction))
        self.info.setText("re-validating…")
        self.revalidate_requested.emit(correction, threshold)
