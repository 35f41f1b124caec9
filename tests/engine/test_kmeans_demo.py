"""The k-means stage on the demo market: planted insiders found, decoys continuous, mirror
symmetry of sell events, determinism, JSON section and cancellation."""
from __future__ import annotations

import dataclasses
import json
import threading
import time

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from engine.errors import Cancelled
from engine.kmeans.stage import KMeansResult, kmeans_section, run_kmeans
from engine.params import KMeansParams
from engine.progress import Reporter
from engine.serialize import dumps, loads
from engine.tables import CaseTables


@pytest.fixture(scope="module")
def demo_result(demo_tables: CaseTables) -> KMeansResult:
    return run_kmeans(demo_tables, demo_tables.event(None), KMeansParams())


def test_planted_insiders_are_found_with_the_right_label(demo_result: KMeansResult, demo_truth: dict) -> None:
    kinds = {s.investor_id: s.discontinuity for s in demo_result.suspects}
    assert {i: kinds.get(i) for i in demo_truth["hard_insiders"]} == {i: "hard" for i in demo_truth["hard_insiders"]}
    assert {i: kinds.get(i) for i in demo_truth["soft_insiders"]} == {i: "soft" for i in demo_truth["soft_insiders"]}


def test_decoys_are_continuous(demo_result: KMeansResult, demo_truth: dict) -> None:
    rows = {i: k for k, i in enumerate(demo_result.investor_ids)}
    decoys = [rows[i] for i in demo_truth["decoys"]]
    # the decoys' last burst puts them in the rewarding cluster, yet they were there before
    assert np.all(demo_result.labels[-1, decoys] == demo_result.rewarding_cluster)
    assert not demo_result.discontinuous[decoys].any()
    assert not set(demo_truth["decoys"]) & {s.investor_id for s in demo_result.suspects}


def test_rewarding_cluster_is_anomalous(demo_result: KMeansResult) -> None:
    """Nearest (1,1,1), and anomalous as METHOD defines it (paper Table 3: 86% vs 50%): its
    discontinuous share is larger than every other cluster's and every chi-squared comparison
    rejects at 5% (checked against scipy on the 2x2 tables)."""
    c = demo_result.clusters
    rew = c.rewarding_cluster
    assert rew == int(np.argmin(np.linalg.norm(demo_result.centroids[-1] - [1, 1, 1], axis=1)))
    assert c.anomalous
    assert len(c.tests) == demo_result.k - 1
    for t in c.tests:
        table = [[c.discontinuous[rew], c.sizes[rew] - c.discontinuous[rew]],
                 [c.discontinuous[t.cluster], c.sizes[t.cluster] - c.discontinuous[t.cluster]]]
        p = chi2_contingency(np.array(table, dtype=float), correction=False)[1]
        assert t.p_value == pytest.approx(p) and p < 0.05 and c.shares[rew] > c.shares[t.cluster], t
    assert c.shares[rew] > np.delete(c.shares, rew).mean() + 0.25
    assert len(demo_result.suspects) == c.discontinuous[rew]


def _mirror(tables: CaseTables) -> CaseTables:
    trades = tables.trades.rename(columns={"buy_shares": "sell_shares", "sell_shares": "buy_shares",
                                           "buy_value": "sell_value", "sell_value": "buy_value"})
    events = tables.events.copy()
    events["direction"] = "sell"
    return dataclasses.replace(tables, trades=trades, events=events)


@pytest.mark.slow
def test_sell_event_on_mirrored_market_gives_the_same_suspects(demo_tables: CaseTables,
                                                               demo_result: KMeansResult) -> None:
    mirrored = run_kmeans(_mirror(demo_tables), _mirror(demo_tables).event(None), KMeansParams())
    assert mirrored.clusters.corner == (-1.0, 1.0, -1.0)
    assert mirrored.k == demo_result.k
    np.testing.assert_allclose(mirrored.centroids[-1], demo_result.centroids[-1] * [-1, 1, -1])
    key = lambda s: (s.investor_id, s.rank, s.score, s.discontinuity, s.shares)  # noqa: E731
    assert [key(s) for s in mirrored.suspects] == [key(s) for s in demo_result.suspects]
    for m, s in zip(mirrored.suspects, demo_result.suspects):
        assert m.directionality == (None if s.directionality is None else -s.directionality)
        assert m.expected_profit == pytest.approx(-s.expected_profit)  # same offer price, mirrored flows


@pytest.mark.slow
def test_deterministic_and_serialisable(demo_tables: CaseTables, demo_result: KMeansResult) -> None:
    again = run_kmeans(demo_tables, demo_tables.event(None), KMeansParams())
    payload = dumps(demo_result)
    assert dumps(again) == payload
    restored = loads(KMeansResult, payload)
    assert dumps(restored) == payload
    assert restored.features.dtype == np.float32 and restored.labels.dtype == np.int16
    assert restored.window_end[-1] < np.datetime64(demo_tables.event(None).event_date, "D")


def test_json_section(demo_result: KMeansResult) -> None:
    section = json.loads(json.dumps(kmeans_section(demo_result), allow_nan=False))
    assert section["k"] == demo_result.k and section["n_windows"] == 27
    assert section["rewarding_cluster"] == demo_result.rewarding_cluster
    assert [s["rank"] for s in section["suspects"]] == list(range(1, len(section["suspects"]) + 1))
    first = section["suspects"][0]
    assert set(first) >= {"investor_id", "rank", "score", "discontinuity", "shares", "directionality",
                          "expected_profit"}
    assert section["k_rule"].startswith("W_K")
    assert section["n_hard"] + section["n_soft"] == len(section["suspects"])


def test_progress_and_cancellation(demo_tables: CaseTables) -> None:
    seen: list[float] = []
    cancel = threading.Event()
    stamp: list[float] = []

    def on_progress(stage: str, value: float) -> None:
        seen.append(value)
        if value > 0.3 and not cancel.is_set():
            cancel.set()
            stamp.append(time.perf_counter())

    rep = Reporter(on_progress, cancel)
    rep.plan([("k-means", 1.0)])
    rep.stage("k-means")
    with pytest.raises(Cancelled):
        run_kmeans(demo_tables, demo_tables.event(None), KMeansParams(), rep)
    assert time.perf_counter() - stamp[0] < 1.0
    assert seen == sorted(seen) and 0.3 < seen[-1] < 1.0
