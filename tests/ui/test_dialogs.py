"""Parameters dialog (every setting, its default, an explanation; validation), event
picker, about/provenance, error dialog, settings file and icons."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtWidgets import QLabel

from engine.errors import InputError, Problem
from engine.params import AnalysisParams
from engine.tables import Event
from ui.dialogs.about_dialog import AboutDialog
from ui.dialogs.error_dialog import ErrorDialog
from ui.dialogs.event_picker import EventPicker
from ui.dialogs.params_dialog import ParametersDialog, field_explanations


@pytest.fixture
def params_dialog(qtbot):
    d = ParametersDialog(AnalysisParams())
    qtbot.addWidget(d)
    return d


def test_every_setting_has_an_editor_a_default_and_an_explanation(params_dialog):
    for section in dataclasses.fields(AnalysisParams):
        sub_cls = type(getattr(AnalysisParams(), section.name))
        notes = field_explanations(sub_cls)
        names = [f.name for f in dataclasses.fields(sub_cls)]
        assert list(params_dialog.editors[section.name]) == names
        for name in names:
            assert notes.get(name), f"{section.name}.{name} has no explanation"
            default = getattr(sub_cls(), name)
            hints = [lab.text() for lab in params_dialog.findChildren(QLabel)
                     if lab.text().startswith(notes[name])]
            assert any(h.endswith(f"default: {default}") for h in hints), (section.name, name)
    assert params_dialog.collect() == AnalysisParams()


def test_edits_are_typed_and_validated(params_dialog):
    eds = params_dialog.editors
    eds["svn"]["alpha"].widget.setText("0.05")
    eds["svn"]["threshold"].widget.setText("1e-8")
    eds["kmeans"]["window_length"].widget.setValue(15)
    eds["kmeans"]["k"].widget.setText("")
    p = params_dialog.collect()
    assert p == AnalysisParams().replace("svn", alpha=0.05, threshold=1e-8).replace("kmeans", window_length=15)
    eds["options"]["z_cap"].widget.setText("five")
    params_dialog.accept()
    assert "z_cap" in params_dialog.error.text() and params_dialog.result() == 0
    params_dialog.restore_defaults()
    assert params_dialog.collect() == AnalysisParams()


def test_event_picker_lists_events_and_returns_the_choice(qtbot):
    events = [Event("E1", "AAA", dt.date(2020, 7, 13), dt.date(2020, 6, 1), "buy", 12.5, "takeover bid"),
              Event("E2", "BBB", dt.date(2021, 1, 4), dt.date(2020, 12, 1), "sell")]
    picker = EventPicker(events, current="E2")
    qtbot.addWidget(picker)
    assert picker.list.count() == 2 and picker.chosen() == "E2"
    assert "takeover bid" in picker.list.item(0).text() and "2020-07-13" in picker.list.item(0).text()
    picker.list.setCurrentRow(0)
    assert picker.chosen() == "E1"


def test_about_dialog_shows_provenance(qtbot, tmp_path):
    from ui.session import CaseInfo
    info = CaseInfo(path=tmp_path / "x.itcase", name="x", data_hash="ab" * 32, events=())
    params = AnalysisParams()
    d = AboutDialog(info, None, params)
    qtbot.addWidget(d)
    text = d.text()
    assert "ab" * 32 in text and params.hash() in text and str(tmp_path / "x.itcase") in text
    d.copy()
    from PySide6.QtGui import QGuiApplication
    assert QGuiApplication.clipboard().text() == text


def test_error_dialog_lists_problems_without_traceback(qtbot):
    exc = InputError([Problem("trades.csv", 12, "date", "not a date: '2020-13-01'"),
                      Problem("events.csv", None, "direction", "missing required column")])
    d = ErrorDialog("Import failed", exc)
    qtbot.addWidget(d)
    assert "2 problems" in d.message.text()
    cells = [[d.problems.item(r, c).text() for c in range(4)] for r in range(d.problems.rowCount())]
    assert cells == [["trades.csv", "12", "date", "not a date: '2020-13-01'"],
                     ["events.csv", "", "direction", "missing required column"]]


def test_settings_file_version_and_recent_cases(tmp_path, monkeypatch):
    from ui.settings import RECENT_LIMIT, SETTINGS_VERSION, Settings, settings_path
    s = Settings()
    assert settings_path() is not None and str(settings_path()) == s.file_name
    for k in range(RECENT_LIMIT + 3):
        s.add_recent_case(tmp_path / f"c{k}.itcase")
    s.add_recent_case(tmp_path / "c5.itcase")
    recent = s.recent_cases()
    assert len(recent) == RECENT_LIMIT and recent[0].endswith("c5.itcase") and len(set(recent)) == len(recent)
    s.set_theme("dark")
    with pytest.raises(ValueError):
        s.set_theme("purple")
    s.sync()
    again = Settings()
    assert again.theme() == "dark" and again.recent_cases() == recent
    assert int(again._q.value("version")) == SETTINGS_VERSION


def test_icons_follow_the_palette_colour(qapp):
    from PySide6.QtGui import QColor, QPalette
    from ui.icons import icon
    original = qapp.palette()
    try:
        for colour in ("#ff0000", "#00ff00"):
            pal = QPalette(original)
            pal.setColor(QPalette.ColorRole.WindowText, QColor(colour))
            qapp.setPalette(pal)
            image = icon("cancel").pixmap(24).toImage()
            centre = image.pixelColor(12, 12)
            assert centre.name() == colour
    finally:
        qapp.setPalette(original)


def test_parameters_import_export_round_trip_and_refuse_bad_files(params_dialog, tmp_path):
    from engine.param_check import params_from_json_text
    eds = params_dialog.editors
    eds["kmeans"]["seed"].widget.setValue(11)
    out = tmp_path / "settings.json"
    assert params_dialog.export_file(out)
    assert params_from_json_text(out.read_text(), "x") == AnalysisParams().replace("kmeans", seed=11)
    params_dialog.restore_defaults()
    assert params_dialog.import_file(out) and params_dialog.collect().kmeans.seed == 11
    bad = tmp_path / "bad.json"
    bad.write_text('{"svn": {"theta": "abc"}}')
    assert not params_dialog.import_file(bad)
    assert "svn.theta" in params_dialog.error.text() and params_dialog.collect().kmeans.seed == 11
    eds["kmeans"]["k_max"].widget.setValue(1_000_000_000)
    params_dialog.accept()
    assert "kmeans.k_max" in params_dialog.error.text() and params_dialog.result() == 0


def test_a_case_never_switches_the_drafter_on_only_the_user_does(qtbot, tmp_path):
    import json

    from engine.case.store import CaseStore
    from tests.fixtures.small_case import FILE_HASHES, FILE_NAMES, small_tables
    from ui.session import PARAMS_SETTING, Session
    from ui.settings import Settings
    path = tmp_path / "sent.itcase"
    CaseStore.create(path, small_tables(), FILE_HASHES, FILE_NAMES)
    session = Session()
    session.store = CaseStore.open(path)
    try:
        session.store.set_setting(PARAMS_SETTING, json.dumps(
            {"options": {"use_narrative_llm": True}, "kmeans": {"seed": 5}}))
        loaded = session._saved_params()
        assert loaded.kmeans.seed == 5 and not loaded.options.use_narrative_llm
        for bad in ({"svn": {"theta": "abc"}}, {"kmeans": {"k_max": 10**9}}):
            session.store.set_setting(PARAMS_SETTING, json.dumps(bad))
            assert session._saved_params() == AnalysisParams()
        Settings().set_drafter({"options.use_narrative_llm": True})
        assert session._saved_params().options.use_narrative_llm
    finally:
        session.store.close()
        session.store = None
