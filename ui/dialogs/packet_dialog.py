"""File ▸ Export packet…: which suspects and rings to detail, the paper size and the file.

The dialog only describes the packet (``engine.packet.build.PacketRequest`` and a path); the
export controller renders the figures and builds the PDF.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from engine.packet.build import DEFAULT_TOP_RINGS, DEFAULT_TOP_SUSPECTS, PacketRequest
from engine.packet.doc import PAGE_SIZES as DOC_PAGE_SIZES
from engine.packet.numbers import DATE_FORMATS, Locale
from engine.packet.tables import fmt

PAGE_SIZES = tuple(DOC_PAGE_SIZES)
_ID = Qt.ItemDataRole.UserRole


def _checkable(list_widget: QListWidget, label: str, key: Any, checked: bool) -> None:
    item = QListWidgetItem(label)
    item.setData(_ID, key)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    list_widget.addItem(item)


def _checked(list_widget: QListWidget) -> list[Any]:
    return [list_widget.item(i).data(_ID) for i in range(list_widget.count())
            if list_widget.item(i).checkState() == Qt.CheckState.Checked]


def _set_all(list_widget: QListWidget, checked: bool) -> None:
    state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
    for i in range(list_widget.count()):
        list_widget.item(i).setCheckState(state)


def _list_box(title: str, list_widget: QListWidget, parent: QWidget) -> QGroupBox:
    """A titled list with All / None buttons."""
    box = QGroupBox(title, parent)
    every, none = QPushButton("All", box), QPushButton("None", box)
    every.clicked.connect(lambda: _set_all(list_widget, True))
    none.clicked.connect(lambda: _set_all(list_widget, False))
    buttons = QHBoxLayout()
    buttons.addWidget(every)
    buttons.addWidget(none)
    buttons.addStretch(1)
    layout = QVBoxLayout(box)
    layout.addWidget(list_widget)
    layout.addLayout(buttons)
    return box


class PacketDialog(QDialog):
    """Checkable suspects (top 20 checked) and rings (top 5 checked), page size, output path."""

    def __init__(self, result: Any, default_path: Path, parent: QWidget | None = None,
                 investigator: tuple[str, str] = ("", "")) -> None:
        super().__init__(parent)
        self.setObjectName("packet_dialog")
        self.setWindowTitle("Export case packet")
        self.suspects = QListWidget(self)
        self.suspects.setObjectName("packet_suspects")
        for i, s in enumerate(result.kmeans.suspects):
            _checkable(self.suspects, f"{s.rank}. {s.investor_id} — {s.discontinuity}, score {s.score:.3f}",
                       s.investor_id, i < DEFAULT_TOP_SUSPECTS)
        self.rings = QListWidget(self)
        self.rings.setObjectName("packet_rings")
        for i, g in enumerate(result.svn.rings):
            flag = ", suspicious" if g.suspicious else ""
            _checkable(self.rings, f"{g.rank}. ring {g.cluster_id} — {g.size} members, R_C "
                                   f"{fmt(g.mean_directionality)}{flag}", int(g.cluster_id), i < DEFAULT_TOP_RINGS)
        self.page_size = QComboBox(self)
        self.page_size.addItems(PAGE_SIZES)
        self.path_edit = QLineEdit(str(default_path), self)
        self.path_edit.setObjectName("packet_path")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.investigator_edit = QLineEdit(investigator[0], self)
        self.investigator_edit.setObjectName("packet_investigator")
        self.investigator_edit.setPlaceholderText("name printed on the sign-off page (kept in the case)")
        self.role_edit = QLineEdit(investigator[1], self)
        self.role_edit.setObjectName("packet_role")
        self.role_edit.setPlaceholderText("e.g. senior investigator, market surveillance")
        self.date_format = QComboBox(self)
        self.date_format.addItems(tuple(DATE_FORMATS))
        self.currency_edit = QLineEdit("", self)
        self.currency_edit.setPlaceholderText("currency of the stock, e.g. EUR (optional)")
        self.key_edit = QLineEdit("", self)
        self.key_edit.setObjectName("packet_sign_key")
        self.key_edit.setPlaceholderText("PKCS#12 key file (.p12); empty: not signed")
        key_browse = QPushButton("Browse…", self)
        key_browse.clicked.connect(self._browse_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(key_browse)
        self.passphrase_edit = QLineEdit("", self)
        self.passphrase_edit.setObjectName("packet_sign_passphrase")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Paper size", self.page_size)
        form.addRow("Dates", self.date_format)
        form.addRow("Currency", self.currency_edit)
        form.addRow("Investigator", self.investigator_edit)
        form.addRow("Role", self.role_edit)
        form.addRow("Sign with", key_row)
        form.addRow("Key passphrase", self.passphrase_edit)
        form.addRow("Save as", path_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.path_edit.textChanged.connect(self._update_ok)
        lists = QHBoxLayout()
        lists.addWidget(_list_box("Suspects in detail", self.suspects, self), 3)
        lists.addWidget(_list_box("Rings in detail", self.rings, self), 2)
        layout = QVBoxLayout(self)
        layout.addLayout(lists, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(820, 520)
        self._update_ok()

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the case packet", self.path_edit.text(), "PDF (*.pdf)")
        if path:
            self.path_edit.setText(path if path.lower().endswith(".pdf") else path + ".pdf")

    def _browse_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Signing key", self.key_edit.text(), "PKCS#12 (*.p12 *.pfx)")
        if path:
            self.key_edit.setText(path)

    def investigator(self) -> tuple[str, str]:
        """(name, role) as typed."""
        return self.investigator_edit.text().strip(), self.role_edit.text().strip()

    def sign_key(self) -> tuple[Path, bytes | None] | None:
        """(key file, passphrase) when the packet is to be signed, else None."""
        key = self.key_edit.text().strip()
        if not key:
            return None
        return Path(key), self.passphrase_edit.text().encode() or None

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.path_edit.text().strip()))

    def set_checked(self, suspects: list[str], rings: list[int]) -> None:
        """Check exactly these suspects and rings (the rest unchecked)."""
        for widget, wanted in ((self.suspects, set(suspects)), (self.rings, set(rings))):
            for i in range(widget.count()):
                item = widget.item(i)
                item.setCheckState(Qt.CheckState.Checked if item.data(_ID) in wanted else Qt.CheckState.Unchecked)

    def check_also(self, suspects: list[str], rings: list[int]) -> None:
        """Check these suspects and rings too (added from a right-click menu)."""
        for widget, wanted in ((self.suspects, set(suspects)), (self.rings, set(rings))):
            for i in range(widget.count()):
                item = widget.item(i)
                if item.data(_ID) in wanted:
                    item.setCheckState(Qt.CheckState.Checked)

    def request(self) -> PacketRequest:
        """The packet described by the dialog's choices."""
        return PacketRequest(suspects=tuple(str(s) for s in _checked(self.suspects)),
                             rings=tuple(int(r) for r in _checked(self.rings)),
                             page_size=self.page_size.currentText(),
                             locale=Locale(self.date_format.currentText(), self.currency_edit.text().strip() or None))

    def path(self) -> Path:
        return Path(self.path_edit.text().strip())
