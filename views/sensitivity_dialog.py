"""The K − 2 … K + 2 sensitivity table (METHOD §1) in a small dialog, opened from the suspects
table: draws the rows prepared by engine/viewdata/kmeans_evidence.py, the chosen K in bold."""
from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QWidget

from engine.viewdata.kmeans_evidence import KEvidence
from views._layout import stack


class SensitivityDialog(QDialog):
    """Headline, explanation and one row per K; read-only."""

    def __init__(self, evidence: KEvidence, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sensitivity of the verdict to K")
        headline = QLabel(f"<b>{evidence.headline}</b>")
        details = QLabel(evidence.details)
        details.setWordWrap(True)
        self.table = QTableWidget(len(evidence.rows), len(evidence.header), self)
        self.table.setHorizontalHeaderLabels(list(evidence.header))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        bold = QFont()
        bold.setBold(True)
        for r, row in enumerate(evidence.rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if r == evidence.chosen_row:
                    item.setFont(bold)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        stack(self, headline, details, (self.table, 1), buttons, spacing=6)
        self.layout().setContentsMargins(10, 10, 10, 10)
        self.resize(760, 300)
