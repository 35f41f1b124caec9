"""Analysis ▸ Compare with BiCM…: the maximum-entropy alternative (METHOD §2, App. B.4).

Validated links per state layer (BiCM, FDR) beside the hypergeometric network's diagonal
links, the pairwise Jaccard agreement of the two clusterings, and each SVN cluster's best
BiCM match."""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtWidgets import QLabel, QTableWidget, QWidget

from engine.svn.bicm_compare import BicmComparison, compare_bicm
from engine.svn.stage import SvnResult
from engine.svn.studies import bicm_section
from ui.dialogs.study_dialog import StudyDialog, fill_table
from ui.workers import Job

LAYER_HEADER = ["layer", "investors", "tests", "pairs co-occurring", "BiCM validated", "BiCM FDR cut",
                "SVN validated (same state)"]
SVN_TYPE = {"b": "bb", "s": "ss", "bs": "bsbs"}
MATCH_HEADER = ["SVN cluster", "size", "best BiCM cluster", "set Jaccard"]


def layer_rows(cmp: BicmComparison, svn: SvnResult) -> list[list[str]]:
    """One row per state layer: BiCM counts and the SVN's link count of the same diagonal type."""
    return [[layer.state, str(layer.n_investors), str(layer.n_tests), str(layer.n_tested),
             str(layer.n_validated), f"{layer.threshold:.3g}", str(svn.link_counts.get(SVN_TYPE[layer.state], 0))]
            for layer in cmp.layers]


def match_rows(cmp: BicmComparison, svn: SvnResult) -> list[list[str]]:
    """Each SVN cluster (by id) with its size and best-matching BiCM cluster."""
    sizes = np.bincount(svn.membership)
    return [[str(s), str(int(sizes[s])), str(b) if b else "—", f"{j:.3f}"] for s, b, j in cmp.best_match]


class BicmDialog(StudyDialog):
    """Layer table (the CSV), agreement summary and the best-match table."""

    figure_name = "bicm_comparison"

    def __init__(self, svn: SvnResult, in_process: bool, store: Any = None, folder: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__("Compare with BiCM", Job(compare_bicm, (svn,), in_process=in_process, name="bicm"),
                         store, folder, parent)
        self.svn = svn
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.matches = QTableWidget()
        self.matches.verticalHeader().setVisible(False)
        self.content.addWidget(self.table, 1)
        self.content.addWidget(self.summary)
        self.content.addWidget(self.matches, 2)
        self.resize(760, 560)

    def show_value(self, cmp: BicmComparison) -> None:
        super().show_value(cmp)
        doc = bicm_section(cmp, self.svn.alpha)
        fill_table(self.table, LAYER_HEADER, layer_rows(cmp, self.svn))
        fill_table(self.matches, MATCH_HEADER, match_rows(cmp, self.svn))
        self.summary.setText(
            f"BiCM network: {doc['n_links']} validated pairs (union of the layers, FDR at α = {doc['alpha']:g}), "
            f"{doc['n_clustered']} investors in {doc['n_clusters']} clusters. Pairwise Jaccard with the "
            f"{self.svn.correction} SVN clustering: {doc['pair_jaccard']:.3f} "
            "(pairs put together by both over pairs put together by either).")
