"""Suspects re-ranked by placebo p (METHOD §5) for the table: a hand-made example with ties and
a suspect without a p (it was not in the comparison run's rewarding cluster)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from engine.viewdata.suspects import suspect_rows, with_placebo_p


def _suspect(investor_id: str, rank: int) -> SimpleNamespace:
    return SimpleNamespace(investor_id=investor_id, rank=rank, discontinuity="soft", score=1.0 / rank,
                           shares=10.0 * rank, directionality=0.5, expected_profit=None)


def test_smaller_p_first_ties_in_engine_order_and_no_p_last():
    rows = suspect_rows([_suspect(i, n) for n, i in enumerate("abcd", start=1)], ring_members=frozenset({"c"}))
    assert rows.placebo_p is None                       # the plain analysis has no placebo column values
    ranked = with_placebo_p(rows, {"a": 0.5, "b": None, "c": 0.05, "d": 0.5})
    assert ranked.investor_id.tolist() == ["c", "a", "d", "b"]
    assert ranked.rank.tolist() == [1, 2, 3, 4]
    np.testing.assert_array_equal(ranked.placebo_p, [0.05, 0.5, 0.5, np.nan])
    assert ranked.in_ring.tolist() == [True, False, False, False]   # every column moved with its row
    assert ranked.score.tolist() == [1 / 3, 1.0, 1 / 4, 1 / 2]
