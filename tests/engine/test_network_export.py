"""Links CSV and GraphML exports read back with the csv module, pandas and networkx."""
from __future__ import annotations

import csv
import dataclasses
import math

import networkx as nx
import numpy as np
import pytest

from engine.params import SvnParams
from engine.svn.counts import DIAGONAL_CODES, LINK_TYPES
from engine.svn.stage import revalidate, run_svn
from engine.exports.network import CSV_COLUMNS, write_graphml, write_links_csv
from tests.engine.svn_market import small_market


@pytest.fixture(scope="module")
def result():
    tables, _ = small_market(seed=2, n_noise=40, ring_sizes=(6, 5), mixed_pairs=True)
    return run_svn(tables, tables.event(None), SvnParams(), correction="fdr")


def test_links_csv_format_and_content(result, tmp_path) -> None:
    path = tmp_path / "links.csv"
    n = write_links_csv(result, path)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    body = rows[1:]
    assert len(body) == n == int(result.validated.sum()) > 0
    links = result.links()
    expected = {(str(result.investor_ids[a]), str(result.investor_ids[b]), LINK_TYPES[t], int(k))
                for a, b, t, k in zip(links.a, links.b, links.link_type, links.cooccurrences)}
    got = set()
    for a, b, t, k, p, lp in body:
        assert a < b and t in LINK_TYPES and int(k) >= 1
        assert float(p) == pytest.approx(10.0 ** float(lp), rel=1e-12)
        assert float(p) <= result.threshold
        got.add((a, b, t, int(k)))
    assert got == expected


def test_links_csv_keeps_log10_where_p_underflows(result, tmp_path) -> None:
    tiny = result.candidates.log10_p.copy()
    tiny[np.flatnonzero(result.validated)[0]] = -400.0          # below float64's smallest positive number
    cand = result.candidates
    forced = type(cand)(cand.a, cand.b, cand.link_type, cand.cooccurrences, tiny, cand.n_tested)
    path = tmp_path / "links.csv"
    write_links_csv(dataclasses.replace(result, candidates=forced), path)
    first = path.read_text(encoding="utf-8").splitlines()[1].split(",")
    assert float(first[4]) == 0.0 and float(first[5]) == -400.0


def _graph(result, tmp_path):
    path = tmp_path / "net.graphml"
    n_nodes, n_edges = write_graphml(result, path)
    graph = nx.read_graphml(path)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (n_nodes, n_edges)
    return graph


@pytest.mark.parametrize("correction", ["fdr", "bonferroni"])
def test_graphml_is_the_diagonal_network_with_clusters(result, tmp_path, correction) -> None:
    res = revalidate(result, correction)
    graph = _graph(res, tmp_path)
    links = res.links()
    ids = res.investor_ids
    diag = np.isin(links.link_type, DIAGONAL_CODES)
    edges = {tuple(sorted((str(ids[a]), str(ids[b])))) for a, b in zip(links.a[diag], links.b[diag])}
    assert {tuple(sorted(e)) for e in graph.edges()} == edges
    for node, data in graph.nodes(data=True):
        pos = res.index_of(node)
        assert data["cluster"] == int(res.membership[pos]) >= 1
        r = res.directionality[pos]
        assert (math.isnan(r) and "directionality" not in data) or data["directionality"] == r
    clustered = {str(ids[i]) for i in np.flatnonzero(res.membership > 0)}
    assert set(graph.nodes()) == clustered
    for u, v, data in graph.edges(data=True):
        assert set(data["link_types"].split(";")) <= {"bb", "ss", "bsbs"}
