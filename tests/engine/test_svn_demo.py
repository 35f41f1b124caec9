"""Planted truth of the demo market: rings are found and ranked, the managed block is not a ring."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from engine.svn.neighbourhood import Networks, seed_view, suspect_overlap
from engine.params import SvnParams
from engine.svn.stage import revalidate, run_svn, svn_section


@pytest.fixture(scope="module")
def svn(demo_tables):
    return run_svn(demo_tables, demo_tables.event(None), SvnParams())


def _cluster_of(result) -> dict:
    return {str(i): ring for ring in result.rings for i in ring.member_ids}


@pytest.mark.parametrize("correction", ["bonferroni", "fdr"])
def test_each_planted_ring_is_one_suspicious_cluster_near_the_top(svn, demo_truth, correction) -> None:
    result = revalidate(svn, correction)
    where = _cluster_of(result)
    n_suspicious = sum(r.suspicious for r in result.rings)
    for ring in demo_truth["rings"]:
        clusters = {where[m].cluster_id for m in ring if m in where}
        assert len(clusters) == 1 and all(m in where for m in ring), ring
        cluster = where[ring[0]]
        assert cluster.suspicious and result.sign * cluster.mean_directionality >= 0.9
        assert len(set(cluster.member_ids) - set(ring)) <= 1       # at most one stray member
        assert cluster.rank <= n_suspicious                      # ranked among the suspicious ones


def test_managed_block_is_a_large_cluster_not_a_ring(svn, demo_truth) -> None:
    where = _cluster_of(svn)
    block = demo_truth["managed_block"]
    (cid, count), = Counter(where[m].cluster_id for m in block if m in where).most_common(1)
    cluster = next(r for r in svn.rings if r.cluster_id == cid)
    assert count >= 0.9 * len(block) and cluster.size >= 0.9 * len(block)
    assert cluster.cluster_id == 1 or cluster.size == max(r.size for r in svn.rings)
    assert not cluster.suspicious and abs(cluster.mean_directionality) < 0.5
    ring_ranks = [where[r[0]].rank for r in demo_truth["rings"]]
    assert cluster.rank > max(ring_ranks)


def test_json_section_and_neighbourhood_of_a_ring_member(svn, demo_truth) -> None:
    section = svn_section(svn)
    json.dumps(section, allow_nan=False)
    assert section["correction"] == "bonferroni" and section["n_investors"] == svn.n_investors
    assert [c["rank"] for c in section["clusters"]] == list(range(1, len(section["clusters"]) + 1))
    ring = demo_truth["rings"][0]
    view = seed_view(Networks.build(svn), ring[0], "bonferroni")
    assert set(ring) - {ring[0]} <= set(view.neighbours)
    assert view.histogram[-1] >= len(ring) - 1
    overlap = suspect_overlap(svn, demo_truth["soft_insiders"])
    assert {m for r in demo_truth["rings"] for m in r} <= set(overlap.common)
