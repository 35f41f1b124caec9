"""Analysis ▸ Threshold sweep…: investors in suspicious clusters against the validation
threshold (METHOD §2, App. B.3) on a log axis, with the Bonferroni and FDR cuts, and a table."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from engine.params import SvnParams
from engine.svn.stage import SvnResult
from engine.svn.studies import SweepStudy, sweep_study
from engine.svn.sweep import EXPLORATORY_NOTE
from ui.dialogs.study_dialog import StudyDialog, fill_table
from ui.threshold_panel import MARK_COLOURS
from ui.workers import Job
from views import _style

HEADER = ["threshold", "validated links", "clustered investors", "clusters", "suspicious clusters",
          "investors in suspicious clusters"]


def sweep_rows(study: SweepStudy) -> list[list[str]]:
    """One text row per threshold, in the table's column order."""
    return [[f"{p.threshold:.3g}", str(p.n_links), str(p.n_clustered), str(p.n_clusters),
             str(p.n_suspicious_clusters), str(p.n_suspicious_investors)] for p in study.sweep.points]


class SweepDialog(StudyDialog):
    """The sweep plot (log x) with B and F marks above the table of every point."""

    figure_name = "threshold_sweep"

    def __init__(self, svn: SvnResult, params: SvnParams, in_process: bool, store: Any = None,
                 folder: str = "", parent: QWidget | None = None) -> None:
        super().__init__("Threshold sweep", Job(sweep_study, (svn, params), in_process=in_process, name="sweep"),
                         store, folder, parent)
        self.plot = pg.PlotWidget()
        self.plot.setLogMode(x=True, y=False)
        self.plot.setLabel("bottom", "validation threshold (p-value)")
        self.plot.setLabel("left", f"investors in clusters with d·R_C ≥ {params.suspicious_directionality:g}")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setMinimumSize(520, 300)
        self.content.addWidget(self.plot, 2)
        self.content.addWidget(self.table, 1)
        self.resize(720, 640)

    def figure_widget(self) -> QWidget:
        return self.plot

    def show_value(self, study: SweepStudy) -> None:
        super().show_value(study)
        points = study.sweep.points
        x = np.array([p.threshold for p in points])
        y = np.array([p.n_suspicious_investors for p in points], dtype=float)
        self.plot.clear()
        self.plot.plot(x, y, pen=_style.pen("#404040", 2), symbol="o", symbolSize=6,
                       symbolBrush=_style.brush("#404040"))
        marks = study.marks
        for name, value in (("bonferroni", marks.bonferroni), ("fdr", marks.fdr)):
            if value is not None and value > 0:
                line = pg.InfiniteLine(math.log10(value), angle=90, pen=_style.pen(MARK_COLOURS[name], 1.5),
                                       label=f"{'Bonferroni' if name == 'bonferroni' else 'FDR'} {value:.2g}",
                                       labelOpts={"position": 0.9, "color": MARK_COLOURS[name]})
                self.plot.addItem(line)
        fill_table(self.table, HEADER, sweep_rows(study))
        best = study.sweep.best_threshold
        fdr_text = "none" if marks.fdr is None else f"{marks.fdr:.3g}"
        self.state.setText(f"{len(points)} thresholds; most suspicious investors at "
                           f"{'—' if best is None else f'{best:.3g}'}; Bonferroni {marks.bonferroni:.3g}, "
                           f"FDR {fdr_text}. {EXPLORATORY_NOTE}")
