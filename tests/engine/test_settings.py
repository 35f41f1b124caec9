"""Settings from the command line and from files (issue 12 item 2, issue 18 item 3): typed and
range-checked generically over every field of engine/params.py, exit 2 naming the bad one."""
from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path

import pytest

import main
from engine.errors import UsageError
from engine.param_check import (DRAFTER_FIELDS, LIMITS, apply_assignments, check_params, field_type,
                                params_from_json_text, sections, with_drafter)
from engine.params import AnalysisParams


def _all_fields() -> list[tuple[str, str]]:
    return [(s, f.name) for s, cls in sections().items() for f in dataclasses.fields(cls)]


def test_defaults_validate_and_every_limit_names_a_real_setting() -> None:
    assert check_params(AnalysisParams(), "defaults") == AnalysisParams()
    names = {f"{s}.{n}" for s, n in _all_fields()}
    assert set(LIMITS) <= names, set(LIMITS) - names
    assert set(DRAFTER_FIELDS) <= names


@pytest.mark.parametrize("section, name", _all_fields())
def test_every_setting_refuses_a_value_of_the_wrong_type(section: str, name: str) -> None:
    """A property over all fields, including those added later: the annotation decides."""
    base, _ = typing.get_args(field_type(section, name)) or (field_type(section, name), None)
    wrong: object = "not-a-value" if base in (int, float, bool) else 12345
    with pytest.raises(UsageError, match=rf"{section}\.{name}"):
        params_from_json_text(json.dumps({section: {name: wrong}}), "P.json")


def test_set_parses_types_and_later_assignments_win() -> None:
    p = apply_assignments(AnalysisParams(), ["kmeans.seed=7", "kmeans.k=none", "svn.correction=threshold",
                                             "svn.threshold=1e-6", "options.use_narrative_llm=yes",
                                             "kmeans.seed=9"])
    assert p == AnalysisParams().replace("kmeans", seed=9).replace(
        "svn", correction="threshold", threshold=1e-6).replace("options", use_narrative_llm=True)


@pytest.mark.parametrize("assignment, words", [
    ("kmeans.sed=1", "unknown setting 'kmeans.sed' (did you mean kmeans.seed?)"),
    ("kmean.seed=1", "unknown settings section 'kmean'"),
    ("kmeans.seed", "give SECTION.NAME=VALUE"),
    ("kmeans.seed=abc", "kmeans.seed: 'abc' is not a whole number"),
    ("svn.theta=abc", "svn.theta: 'abc' is not a number"),
    ("svn.theta=nan", "svn.theta"),
    ("kmeans.k_max=1000000000", "kmeans.k_max: 1000000000 must lie in [2, 200]"),
    ("svn.alpha=0", "svn.alpha: 0.0 must lie in (0, 1)"),
    ("svn.correction=holm", "must be one of bonferroni, fdr, threshold"),
    ("svn.period_start=yesterday", "ISO date"),
    ("kmeans.k_min=20", "k_min must not exceed k_max"),
])
def test_bad_set_exits_2_naming_the_setting(assignment: str, words: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "never-opened.itcase"  # settings are refused before the case is opened
    assert main.main(["analyze", str(case), "--quiet", "--set", assignment]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --set") and words in err and "Traceback" not in err


def test_params_json_round_trip_and_set_on_top(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.json"
    assert main.main(["params", "--set", "kmeans.seed=7", "--set", "svn.theta=0.02", "--json", str(out)]) == 0
    expected = AnalysisParams().replace("kmeans", seed=7).replace("svn", theta=0.02)
    assert params_from_json_text(out.read_text(), "p.json") == expected
    capsys.readouterr()
    assert main.main(["params", "--params", str(out), "--set", "kmeans.seed=8"]) == 0
    text = capsys.readouterr().out
    assert "kmeans.seed = 8   (default 0)" in text and "svn.theta = 0.02   (default 0.01)" in text
    assert "    θ: a day is 'buy'" in text  # definitions from engine/param_docs.py
    assert main.main(["params", "--defaults", "--params", str(out)]) == 0
    assert "(default" not in capsys.readouterr().out


@pytest.mark.parametrize("content, words", [
    ('{"kmeans": {"k_max": 1000000000}}', "P.json: kmeans.k_max: 1000000000 must lie in [2, 200]"),
    ('{"svn": {"theta": "abc"}}', "P.json: svn.theta: 'abc' is not a number"),
    ('{"kmeans": {"seed": true}}', "P.json: kmeans.seed: True is not a whole number"),
    ('{"placebo_x": {"n": 1}}', "unknown settings section 'placebo_x'"),
    ('[1, 2]', "a settings file holds"),
    ('{"kmeans": ', "not a JSON settings file"),
])
def test_bad_params_file_exits_2_naming_file_and_setting(content: str, words: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "P.json"
    path.write_text(content)
    assert main.main(["params", "--params", str(path)]) == 2
    assert words in capsys.readouterr().err


def test_the_drafter_comes_only_from_the_users_own_settings() -> None:
    from_case = params_from_json_text(json.dumps({"options": {"use_narrative_llm": True,
                                                              "narrative_url": "http://127.0.0.1:9"}}), "case")
    assert from_case.options.use_narrative_llm  # a valid value as such ...
    assert not with_drafter(from_case).options.use_narrative_llm  # ... never taken from a case
    assert with_drafter(from_case).options.narrative_url == AnalysisParams().options.narrative_url
    mine = with_drafter(AnalysisParams(), {"options.use_narrative_llm": True})
    assert mine.options.use_narrative_llm


def test_every_rule_across_settings_names_existing_settings() -> None:
    from engine.param_check import _CROSS, _has
    assert all(_has(AnalysisParams(), names) for names, _, _ in _CROSS)
