"""Rows of the suspects table: the k-means suspects in rank order with their ring and
options flags (METHOD.md §1 columns), as numpy columns; once the placebo test ran, each
suspect's placebo p and the ranking by it (METHOD §5)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from engine.kmeans.suspects import Suspect
from engine.viewdata.kmeans_evidence import KEvidence


@dataclass(frozen=True)
class SuspectRows:
    """Column arrays of the suspects table, one entry per suspect, in engine rank order."""

    rank: np.ndarray            # int
    investor_id: np.ndarray     # object (str)
    discontinuity: np.ndarray   # object: "hard" / "soft"
    score: np.ndarray           # float
    shares: np.ndarray          # float
    directionality: np.ndarray  # float
    expected_profit: np.ndarray  # float, NaN = unavailable
    in_ring: np.ndarray         # bool: member of a suspicious SVN cluster
    options_flag: np.ndarray    # bool: linked to an options alert
    evidence: KEvidence | None = None  # which K, why, how stable; the sensitivity rows
    placebo_p: np.ndarray | None = None  # float: own placebo p (NaN = none); None: the test has not run

    def __len__(self) -> int:
        return int(self.rank.shape[0])

    @classmethod
    def empty(cls) -> "SuspectRows":
        f = np.zeros(0, dtype=float)
        o = np.zeros(0, dtype=object)
        b = np.zeros(0, dtype=bool)
        return cls(np.zeros(0, dtype=int), o, o, f, f, f, f, b, b)


def suspect_rows(suspects: Sequence[Suspect], ring_members: frozenset[str] = frozenset(),
                 options_flagged: frozenset[str] = frozenset(), evidence: KEvidence | None = None) -> SuspectRows:
    """Columns from a list of ``engine`` ``Suspect`` records and two membership sets."""
    if not suspects:
        return dataclasses.replace(SuspectRows.empty(), evidence=evidence)
    ids = np.array([s.investor_id for s in suspects], dtype=object)
    profit = np.array([np.nan if s.expected_profit is None else float(s.expected_profit)
                       for s in suspects], dtype=float)
    return SuspectRows(
        rank=np.array([s.rank for s in suspects], dtype=int),
        investor_id=ids,
        discontinuity=np.array([s.discontinuity for s in suspects], dtype=object),
        score=np.array([s.score for s in suspects], dtype=float),
        shares=np.array([s.shares for s in suspects], dtype=float),
        directionality=np.array([s.directionality for s in suspects], dtype=float),
        expected_profit=profit,
        in_ring=np.array([i in ring_members for i in ids], dtype=bool),
        options_flag=np.array([i in options_flagged for i in ids], dtype=bool),
        evidence=evidence,
    )


def with_placebo_p(rows: SuspectRows, p_values: Mapping[str, float | None]) -> SuspectRows:
    """The rows re-ranked by placebo p (smaller first, a suspect without one last), ties in
    the engine's order (score, shares, id: ``engine.kmeans.suspects.rank_suspects``), with
    the p column filled; the ranks renumbered 1 … n in that order."""
    found = [p_values.get(str(i)) for i in rows.investor_id]
    p = np.array([np.nan if v is None else v for v in found], dtype=np.float64)
    order = np.lexsort((rows.rank, np.where(np.isnan(p), np.inf, p)))
    columns = {f.name: getattr(rows, f.name)[order] for f in dataclasses.fields(rows)
               if f.name not in ("evidence", "placebo_p")}
    columns["rank"] = np.arange(1, len(rows) + 1, dtype=int)
    return SuspectRows(**columns, evidence=rows.evidence, placebo_p=p[order])
