"""Backtest of the detectors against investigator labels: confusion matrix and metrics.

Conventions for empty classes (no division by zero, METHOD.md §3 "well defined"): a ratio
whose denominator is 0 has had no chance to be wrong, so it is 1 — precision = 1 when
nothing was flagged (TP + FP = 0), recall = 1 when nothing was to be found (TP + FN = 0),
accuracy = 1 on no labels; F1 = 2PR / (P + R), and 0 when P + R = 0. Hence a detector that
flags nothing on data with positives scores precision 1, recall 0, F1 0; on all-negative
data flagging nothing is perfect (1, 1, 1, 1).

Labels files (CSV with a header): exactly ``date,label`` for options alert days, or
``investor_id,label`` for suspects (any other column is refused, never ignored); a label is
1/0, true/false, yes/no, y/n or t/f (any case).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from engine.errors import InputError, Problem

TRUE_WORDS = {"1", "true", "yes", "y", "t"}
FALSE_WORDS = {"0", "false", "no", "n", "f"}
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Metrics:
    """Confusion matrix counts and the metrics derived from them."""

    tp: int
    fp: int
    fn: int
    tn: int
    precision: float
    recall: float
    f1: float
    accuracy: float

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn


def _ratio(num: int, den: int) -> float:
    """num / den, and 1 when den is 0 (nothing could be wrong)."""
    return 1.0 if den == 0 else num / den


def metrics(actual: np.ndarray, predicted: np.ndarray) -> Metrics:
    """Confusion matrix and metrics of boolean predictions against boolean labels."""
    a = np.asarray(actual, dtype=bool)
    p = np.asarray(predicted, dtype=bool)
    if a.shape != p.shape:
        raise ValueError("labels and predictions differ in length")
    tp, fp = int(np.sum(a & p)), int(np.sum(~a & p))
    fn, tn = int(np.sum(a & ~p)), int(np.sum(~a & ~p))
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return Metrics(tp=tp, fp=fp, fn=fn, tn=tn, precision=precision, recall=recall, f1=f1,
                   accuracy=_ratio(tp + tn, tp + fp + fn + tn))


@dataclass(frozen=True)
class Labels:
    """Labelled keys: ``kind`` is "date" (ISO text keys) or "investor_id"."""

    kind: str
    keys: tuple[str, ...]
    positive: np.ndarray   # bool, aligned with keys


def read_labels(path: Path) -> Labels:
    """Read a labels CSV; every problem is reported by file, row and column."""
    name = path.name
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError.single(name, None, None, "file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError.single(name, None, None, f"not a readable CSV file ({exc})") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    kind = "date" if "date" in frame.columns else "investor_id" if "investor_id" in frame.columns else ""
    if not kind or "label" not in frame.columns:
        raise InputError.single(name, 1, None, "the header must be 'date,label' or 'investor_id,label'")
    extra = [c for c in frame.columns if c not in (kind, "label")]
    if extra:  # e.g. date,investor_id,label: which key is labelled would be a guess
        raise InputError.single(name, 1, extra[0], f"unexpected column; the header must be exactly "
                                                   f"'{kind},label' ('date,label' or 'investor_id,label')")
    if frame.empty:
        raise InputError.single(name, None, None, "no labelled rows")
    problems: list[Problem] = []
    keys, positive = [], []
    seen: dict[str, int] = {}
    for i, (key, label) in enumerate(zip(frame[kind], frame["label"]), start=2):
        key, word = key.strip(), label.strip().lower()
        if kind == "date":
            try:
                key = dt.date.fromisoformat(key).isoformat()
            except ValueError:
                problems.append(Problem(name, i, "date", f"not an ISO date (YYYY-MM-DD): {key!r}"))
        elif not key:
            problems.append(Problem(name, i, "investor_id", "empty investor id"))
        if word not in TRUE_WORDS | FALSE_WORDS:
            problems.append(Problem(name, i, "label", f"expected 1/0, true/false or yes/no, not {label!r}"))
        if key in seen:
            problems.append(Problem(name, i, kind, f"{key} is already labelled on row {seen[key]}"))
        seen.setdefault(key, i)
        keys.append(key)
        positive.append(word in TRUE_WORDS)
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise InputError(problems)
    return Labels(kind=kind, keys=tuple(keys), positive=np.array(positive, dtype=bool))


def backtest(labels: Labels, flagged: set[str]) -> Metrics:
    """Metrics of "key is flagged" against the labels, over the labelled keys only."""
    predicted = np.array([k in flagged for k in labels.keys], dtype=bool)
    return metrics(labels.positive, predicted)


def format_metrics(m: Metrics, title: str) -> str:
    """The confusion matrix and the metrics as a small text table."""
    return "\n".join([
        title,
        f"{'':9}{'flagged':>12}{'not flagged':>14}",
        f"{'label 1':9}{m.tp:>12}{m.fn:>14}",
        f"{'label 0':9}{m.fp:>12}{m.tn:>14}",
        f"precision {m.precision:.3f}  recall {m.recall:.3f}  F1 {m.f1:.3f}  accuracy {m.accuracy:.3f}"
        f"  (n = {m.n}; a ratio with nothing to count is 1)",
    ])
