"""Backtest metrics against hand-computed confusion matrices, labels files, and the command."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

import main
from engine.backtest import backtest, metrics, read_labels
from engine.errors import InputError


def test_hand_computed_confusion_matrix() -> None:
    m = metrics(np.array([1, 1, 0, 0, 1, 0]), np.array([1, 0, 1, 0, 1, 0]))
    assert (m.tp, m.fn, m.fp, m.tn) == (2, 1, 1, 2)
    assert m.precision == pytest.approx(2 / 3) and m.recall == pytest.approx(2 / 3)
    assert m.f1 == pytest.approx(2 / 3) and m.accuracy == pytest.approx(4 / 6)
    m2 = metrics(np.array([1, 1, 1, 0]), np.array([1, 0, 0, 0]))
    assert (m2.precision, m2.recall, m2.accuracy) == (1.0, pytest.approx(1 / 3), 0.5)
    assert m2.f1 == pytest.approx(2 * (1 / 3) / (1 + 1 / 3))


def test_empty_classes_are_well_defined() -> None:
    none = np.zeros(4, bool)
    perfect = metrics(none, none)                       # nothing to find, nothing flagged
    assert (perfect.precision, perfect.recall, perfect.f1, perfect.accuracy) == (1.0, 1.0, 1.0, 1.0)
    silent = metrics(np.array([1, 1, 0, 0]), none)      # positives missed, nothing flagged
    assert (silent.precision, silent.recall, silent.f1, silent.accuracy) == (1.0, 0.0, 0.0, 0.5)
    noisy = metrics(none, np.array([1, 0, 0, 0]))       # no positives, one false alarm
    assert (noisy.precision, noisy.recall, noisy.f1, noisy.accuracy) == (0.0, 1.0, 0.0, 0.75)
    empty = metrics(np.zeros(0, bool), np.zeros(0, bool))
    assert empty.n == 0 and empty.accuracy == 1.0


@pytest.mark.parametrize("seed", range(20))
def test_agrees_with_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    a, p = rng.random(n) < rng.random(), rng.random(n) < rng.random()
    m = metrics(a, p)
    prec, rec, f1, _ = precision_recall_fscore_support(a, p, average="binary", zero_division=1.0)
    assert (m.precision, m.recall, m.accuracy) == pytest.approx((prec, rec, accuracy_score(a, p)))
    if a.any() or p.any():   # sklearn's F1 for all-negative data follows another convention
        assert m.f1 == pytest.approx(f1)


def test_read_labels_and_backtest(tmp_path: Path) -> None:
    days = tmp_path / "days.csv"
    days.write_text("Date,Label\n2020-06-18,1\n2020-06-19,0\n2020-06-24,yes\n2020-05-01,FALSE\n", encoding="utf-8")
    labels = read_labels(days)
    assert labels.kind == "date" and labels.keys[0] == "2020-06-18"
    assert labels.positive.tolist() == [True, False, True, False]
    m = backtest(labels, {"2020-06-18", "2020-05-01", "2021-01-01"})
    assert (m.tp, m.fp, m.fn, m.tn) == (1, 1, 1, 1)
    ids = tmp_path / "ids.csv"
    ids.write_text("investor_id,label\n0012,1\n12,0\n", encoding="utf-8")
    people = read_labels(ids)
    assert people.kind == "investor_id" and people.keys == ("0012", "12")
    assert backtest(people, {"0012"}).accuracy == 1.0


@pytest.mark.parametrize("text, where", [
    ("date,label\n2020-13-01,1\n", "days.csv, row 2, column date"),
    ("date,label\n2020-01-02,maybe\n", "days.csv, row 2, column label"),
    ("date,label\n2020-01-02,1\n2020-01-02,0\n", "days.csv, row 3, column date"),
    ("day,label\n2020-01-02,1\n", "days.csv, row 1"),
    ("date,label\n", "no labelled rows"),
    ("date,investor_id,label\n2020-01-02,007,1\n", "days.csv, row 1, column investor_id: unexpected column"),
])
def test_bad_labels_name_file_row_and_column(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "days.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_labels(path)
    assert where in str(err.value)


@pytest.mark.slow
def test_backtest_command_on_the_demo_case(demo_case_path: Path, demo_truth: dict, tmp_path: Path,
                                           capsys: pytest.CaptureFixture) -> None:
    case = tmp_path / "demo.itcase"
    shutil.copy(demo_case_path, case)
    planted = demo_truth["informed_option_days"]
    labels = tmp_path / "days.csv"
    quiet = ["2019-03-01", "2019-05-02", "2019-08-01"]
    labels.write_text("date,label\n" + "".join(f"{d},1\n" for d in planted)
                      + "".join(f"{d},0\n" for d in quiet), encoding="utf-8")
    assert main.main(["backtest", str(case), "--labels", str(labels), "--high-only", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "HIGH options alerts" in lines[0] and f"on {len(planted) + len(quiet)} labelled days" in lines[0]
    assert lines[2].split() == ["label", "1", str(len(planted)), "0"]
    assert lines[3].split() == ["label", "0", "0", str(len(quiet))]
    assert "precision 1.000  recall 1.000  F1 1.000  accuracy 1.000" in lines[4]
    suspects = tmp_path / "ids.csv"
    hard = demo_truth["hard_insiders"][:3]
    suspects.write_text("investor_id,label\n" + "".join(f"{i},1\n" for i in hard), encoding="utf-8")
    assert main.main(["backtest", str(case), "--labels", str(suspects), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "k-means suspects" in out and "recall 1.000" in out
    assert main.main(["backtest", str(case), "--labels", str(suspects), "--high-only", "--quiet"]) == 2
    assert "--high-only" in capsys.readouterr().err
