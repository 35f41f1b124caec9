"""Validated links equal a brute-force double loop over pairs and types with scipy."""
from __future__ import annotations

import numpy as np
import pytest

from engine.params import SvnParams
from engine.svn.counts import LINK_TYPES
from engine.svn.stage import revalidate, run_svn
from engine.svn.validate import fdr
from tests.engine.svn_market import brute_force_tests, small_market

ALPHA = 0.01


def _link_set(result) -> set[tuple[str, str, str, int]]:
    links = result.links()
    ids = result.investor_ids
    return {(ids[a], ids[b], LINK_TYPES[t], int(k))
            for a, b, t, k in zip(links.a, links.b, links.link_type, links.cooccurrences)}


@pytest.fixture(scope="module")
def market():
    tables, _ = small_market(seed=5, n_noise=45, n_days=70, ring_sizes=(5, 4), p_active=0.2,
                             mixed_pairs=True)
    ids, t_days, tests = brute_force_tests(tables.trades)
    result = run_svn(tables, tables.event(None), SvnParams())
    return result, ids, t_days, tests


def test_states_counts_and_m(market) -> None:
    result, ids, t_days, tests = market
    assert list(result.investor_ids) == ids
    assert result.n_days == t_days
    assert result.n_tests == len(tests) == 9 * len(ids) * (len(ids) - 1) // 2
    assert result.candidates.n_tested == sum(1 for t in tests if t[3] >= 1)


def test_bonferroni_fdr_and_threshold_equalbrute_force_tests(market) -> None:
    result, ids, t_days, tests = market
    m = len(tests)
    p = np.array([t[4] for t in tests])
    bonf = {t[:4] for t in tests if t[4] < ALPHA / m}
    order = np.sort(p)
    passing = np.flatnonzero(order <= np.arange(1, m + 1) * ALPHA / m)
    fdr_cut = order[passing[-1]] if passing.size else -1.0
    fdr_set = {t[:4] for t in tests if t[4] <= fdr_cut}
    thr_set = {t[:4] for t in tests if t[4] < 1e-3}
    assert bonf and len(fdr_set) > len(bonf)
    assert _link_set(result) == bonf
    assert result.correction == "bonferroni" and result.threshold == pytest.approx(ALPHA / m)
    f = revalidate(result, "fdr")
    assert _link_set(f) == fdr_set
    assert f.threshold == pytest.approx(fdr_cut, rel=1e-9)
    th = revalidate(result, "threshold", 1e-3)
    assert _link_set(th) == thr_set and th.correction == "threshold"
    assert {name for *_, name, _k in thr_set} == set(LINK_TYPES)   # every type is exercised
    assert th.link_counts == {name: sum(1 for x in thr_set if x[2] == name) for name in LINK_TYPES}


def test_log10_p_values_match_scipy(market) -> None:
    result, _ids, _t, tests = market
    by_key = {t[:3]: t[4] for t in tests}
    c = result.candidates
    ids = result.investor_ids
    ref = np.array([by_key[(ids[a], ids[b], LINK_TYPES[t])] for a, b, t in zip(c.a, c.b, c.link_type)])
    np.testing.assert_allclose(10.0 ** c.log10_p, ref, rtol=1e-9)
    assert np.all(ref <= result.cap * (1 + 1e-12))
    assert sum(1 for t in tests if t[4] <= result.cap) == c.a.size


def test_fdr_with_ties_and_underflow() -> None:
    """BH on log10 p: tied p-values pass together; p far below float64's range still order."""
    m = 1000
    log10_p = np.array([-400.0, -400.0, -350.0, -5.5, -5.5, -5.5, -4.0, -2.0])
    v = fdr(log10_p, 0.01, m)
    # ranks 1..6 pass: p_(6) = 10^-5.5 <= 6e-5; p_(7) = 1e-4 > 7e-5
    assert v.log10_threshold == -5.5 and v.mask.tolist() == [True] * 6 + [False] * 2
    tie = fdr(np.array([-5.0, -5.0, -5.0]), 0.01, 10_000)   # each 1e-5: rank 3 passes (3e-6? no)
    assert not tie.mask.any() and tie.threshold == 0.0 and tie.log10_threshold is None
    tie2 = fdr(np.array([-5.0, -5.0, -5.0]), 0.01, 3_000)   # k·α/m = k·3.3e-6: k=3 → 1e-5 passes
    assert tie2.mask.all()
    deep = fdr(np.array([-1000.0, -999.0, -3.0]), 0.01, 10)
    assert deep.mask.tolist() == [True, True, True] and deep.log10_threshold == -3.0


def test_threshold_above_kept_cap_is_refused(market) -> None:
    from engine.errors import UsageError
    result = market[0]
    with pytest.raises(UsageError, match="above"):
        revalidate(result, "threshold", 0.5)


def test_period_restriction_equals_brute_force_on_the_restricted_trades() -> None:
    tables, _ = small_market(seed=5, n_noise=40, n_days=70, ring_sizes=(5,), p_active=0.25)
    dates = np.unique(tables.trades["date"].to_numpy())
    start, end = str(dates[10])[:10], str(dates[55])[:10]
    inside = tables.trades[(tables.trades["date"] >= dates[10]) & (tables.trades["date"] <= dates[55])]
    ids, t_days, tests = brute_force_tests(inside)
    params = SvnParams(period_start=start, period_end=end, correction="threshold", threshold=1e-3)
    result = run_svn(tables, tables.event(None), params)
    assert result.n_days == t_days == 46 and list(result.investor_ids) == ids
    assert str(result.period_start) == start and str(result.period_end) == end
    assert _link_set(result) == {t[:4] for t in tests if t[4] < 1e-3}


def test_cancel_stops_the_counts() -> None:
    from engine.errors import Cancelled
    from engine.progress import Reporter
    tables, _ = small_market(seed=5, n_noise=20, ring_sizes=(4,))
    reporter = Reporter()
    reporter.cancel()
    with pytest.raises(Cancelled):
        run_svn(tables, tables.event(None), SvnParams(), reporter)


def test_many_small_row_blocks_give_the_same_candidates(market, monkeypatch) -> None:
    import engine.svn.counts as counts
    result = market[0]
    monkeypatch.setattr(counts, "_CHUNK_WORK", 40)
    assert len(counts._row_chunks(np.full(result.n_investors, 30))) == result.n_investors
    again = counts.candidate_links(result.states, result.cap)
    for name in ("a", "b", "link_type", "cooccurrences", "log10_p"):
        assert np.array_equal(getattr(again, name), getattr(result.candidates, name)), name
    assert again.n_tested == result.candidates.n_tested
