"""Every AnalysisParams setting with its default and a one-line explanation.

Explanations come from ``engine/param_docs.py``, the same lines the case packet prints
(defaults live in ``engine/params.py`` only); values are edited as text or spin boxes and validated on OK
by engine/param_check.py, as ``--set`` values are. Import and Export read and write the settings file
of ``params --json`` / ``--params``. The drafter settings accepted here are the user's own and are
remembered in the user's preferences (a case never switches the drafter on).
"""
from __future__ import annotations

import dataclasses
import typing
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel,
                               QLineEdit, QScrollArea, QSpinBox, QTabWidget, QVBoxLayout, QWidget)

from engine import params as params_mod
from engine.atomic import write_bytes_atomic
from engine.errors import UsageError
from engine.param_check import drafter_values, params_from_mapping, read_settings_file, settings_json
from engine.param_docs import PARAM_DOCS
from engine.params import AnalysisParams
from ui.settings import Settings

SECTION_TITLES = {"kmeans": "Single suspects (k-means)", "svn": "Rings (validated network)",
                  "options": "Options flow", "episodes": "Triage episodes"}
_SECTION_OF: dict[type, str] = {type(getattr(AnalysisParams(), f.name)): f.name
                                for f in dataclasses.fields(AnalysisParams)}


@lru_cache(maxsize=None)
def field_explanations(cls: type) -> dict[str, str]:
    """Field name -> its one-line definition (engine/param_docs.py, also printed in packets)."""
    section = _SECTION_OF[cls]
    return {f.name: PARAM_DOCS[f"{section}.{f.name}"] for f in dataclasses.fields(cls)
            if f"{section}.{f.name}" in PARAM_DOCS}


def _field_type(cls: type, name: str) -> tuple[type, bool]:
    """The field's base type and whether None is allowed."""
    hint = typing.get_type_hints(cls, vars(params_mod))[name]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if args:
        return args[0], True
    return hint, False


class _FieldEditor:
    """One setting's widget and its parser."""

    def __init__(self, cls: type, f: dataclasses.Field, value: Any, parent: QWidget) -> None:
        self.name = f.name
        self.kind, self.optional = _field_type(cls, f.name)
        self.default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        if self.kind is bool:
            self.widget: QWidget = QCheckBox(parent)
        elif self.kind is int and not self.optional:
            spin = QSpinBox(parent)
            spin.setRange(-1_000_000_000, 1_000_000_000)
            self.widget = spin
        else:
            self.widget = QLineEdit(parent)
            if self.optional:
                self.widget.setPlaceholderText("(empty = automatic)")
        self.widget.setObjectName(f"param_{f.name}")
        self.set(value)

    def set(self, value: Any) -> None:
        if isinstance(self.widget, QCheckBox):
            self.widget.setChecked(bool(value))
        elif isinstance(self.widget, QSpinBox):
            self.widget.setValue(int(value))
        else:
            self.widget.setText("" if value is None else str(value))

    def value(self) -> Any:
        """The typed value; raises ValueError with a readable message."""
        if isinstance(self.widget, QCheckBox):
            return self.widget.isChecked()
        if isinstance(self.widget, QSpinBox):
            return self.widget.value()
        text = self.widget.text().strip()
        if text == "" and self.optional:
            return None
        try:
            return self.kind(text) if self.kind in (int, float) else text
        except ValueError:
            raise ValueError(f"{self.name}: {text!r} is not a valid {self.kind.__name__}") from None


class ParametersDialog(QDialog):
    """Edit a copy of the analysis parameters; ``params()`` gives the result after OK."""

    def __init__(self, current: AnalysisParams, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parameters_dialog")
        self.setWindowTitle("Analysis parameters")
        self._params = current
        self.editors: dict[str, dict[str, _FieldEditor]] = {}
        tabs = QTabWidget(self)
        for section in dataclasses.fields(AnalysisParams):
            sub = getattr(current, section.name)
            cls = type(sub)
            notes = field_explanations(cls)
            page = QWidget()
            form = QFormLayout(page)
            self.editors[section.name] = {}
            for f in dataclasses.fields(cls):
                editor = _FieldEditor(cls, f, getattr(sub, f.name), page)
                self.editors[section.name][f.name] = editor
                help_text = notes.get(f.name, "")
                label = QLabel(f"{f.name.replace('_', ' ')}", page)
                label.setToolTip(help_text)
                editor.widget.setToolTip(help_text)
                row = QWidget(page)
                box = QVBoxLayout(row)
                box.setContentsMargins(0, 0, 0, 0)
                box.setSpacing(0)
                box.addWidget(editor.widget)
                hint = QLabel(f"{help_text} — default: {editor.default}", row)
                hint.setWordWrap(True)
                hint.setEnabled(False)
                box.addWidget(hint)
                form.addRow(label, row)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            tabs.addTab(scroll, SECTION_TITLES.get(section.name, section.name))
        self.error = QLabel("", self)
        self.error.setObjectName("parameters_error")
        self.error.setStyleSheet("color: #C00000")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        import_button = buttons.addButton("Import…", QDialogButtonBox.ButtonRole.ActionRole)
        import_button.setObjectName("parameters_import")
        import_button.clicked.connect(lambda: self._ask_path(save=False))
        export_button = buttons.addButton("Export…", QDialogButtonBox.ButtonRole.ActionRole)
        export_button.setObjectName("parameters_export")
        export_button.clicked.connect(lambda: self._ask_path(save=True))
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, 560)

    def restore_defaults(self) -> None:
        for section in self.editors.values():
            for editor in section.values():
                editor.set(editor.default)

    def show_params(self, params: AnalysisParams) -> None:
        """Put every value of ``params`` in the editors."""
        for section, eds in self.editors.items():
            for name, editor in eds.items():
                editor.set(getattr(getattr(params, section), name))

    def collect(self) -> AnalysisParams:
        """The edited parameters, type- and range-checked; raises ValueError naming the bad field."""
        data = {s: {n: e.value() for n, e in eds.items()} for s, eds in self.editors.items()}
        try:
            return params_from_mapping(data, "parameters")
        except UsageError as exc:
            raise ValueError(str(exc)) from None

    def import_file(self, path: Path) -> bool:
        """Show the settings of a file (validated like ``--params``); False with the reason shown."""
        return self._shown(lambda: self.show_params(read_settings_file(Path(path))))

    def export_file(self, path: Path) -> bool:
        """Write the edited settings as a file for ``--params``; False with the reason shown."""
        return self._shown(lambda: write_bytes_atomic(Path(path), settings_json(self.collect()).encode("utf-8")))

    def _shown(self, action: Callable[[], object]) -> bool:
        """Run ``action``; its failure is shown under the tabs (False), success clears it."""
        try:
            action()
        except (OSError, UsageError, ValueError) as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        return True

    def _ask_path(self, save: bool) -> None:
        if save:
            path, _ = QFileDialog.getSaveFileName(self, "Export settings", "settings.json", "Settings (*.json)")
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Import settings", "", "Settings (*.json)")
        if path:
            (self.export_file if save else self.import_file)(Path(path))

    def accept(self) -> None:
        try:
            self._params = self.collect()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        Settings().set_drafter(drafter_values(self._params))
        super().accept()

    def params(self) -> AnalysisParams:
        return self._params
