"""Placebo figure data and its plain words, against hand-made pseudo-event values."""
from __future__ import annotations

import numpy as np
import pytest

from engine.placebo.stage import InvestorTest, PlaceboResult, RingTest, StatTest
from engine.viewdata.placebo import event_figure, histogram, investor_figure, plain_words, ring_figure


def _test(observed, null):
    from engine.placebo.empirical import empirical_p
    null = np.asarray(null, dtype=float)
    return StatTest(observed=observed, null=null, p_value=empirical_p(observed, null))


def _result(**changes):
    base = dict(event_id="E", available=True, reason="", n_requested=4, n_eligible=9, windows=12, k=3,
                dates=("2020-01-02", "2020-01-09", "2020-01-16", "2020-01-23"),
                event={"excess_discontinuous_share": _test(0.3, [0.1, 0.35, np.nan, 0.0])},
                investors=(InvestorTest("A", "hard", _test(0.9, [0, 0, 0, 0]), 0.2, True),),
                rings=(RingTest(5, _test(1.0, [1.0, 1.0, 0.2, 0.0])),), failed=())
    base.update(changes)
    return PlaceboResult(**base)


def test_plain_words_count_the_ordinary_days_at_least_as_strong():
    assert plain_words("X", _test(0.3, [0.1, 0.35, 0.0, 0.2]), 4) == (
        "X: on 4 ordinary days of this stock, a picture this strong appeared once (empirical p = 0.4).")
    assert "strong never appeared (empirical p = 0.333)" in plain_words("X", _test(0.9, [0.1, 0.2]), 2)
    assert "3 times" in plain_words("X", _test(0.0, [0.1, 0.2, 0.0]), 3)
    assert "no value" in plain_words("X", _test(None, [0.1]), 1)


def test_figures_for_event_investor_and_ring():
    r = _result()
    ev = event_figure(r)
    assert ev.values.tolist() == [0.1, 0.35, 0.0] and ev.observed == 0.3 and ev.n_at_least == 1
    inv = investor_figure(r, "A")
    assert "by construction" in inv.title and inv.p_value == pytest.approx(1 / 5) and "never" in inv.sentence
    ring = ring_figure(r, 5)
    assert ring.n_at_least == 2 and "twice" in ring.sentence
    assert investor_figure(r, "B") is None and ring_figure(r, 9) is None
    assert event_figure(_result(available=False)) is None


def test_histogram_counts_every_value_once_and_spans_the_observed():
    counts, edges = histogram(event_figure(_result()), bins=5)
    assert counts.sum() == 3 and edges[0] <= 0.0 and edges[-1] >= 0.35
