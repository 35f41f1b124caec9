"""The worklist: the investors to review (k-means suspects and members of suspicious rings),
filtered by decision, tag, hard/soft discontinuity, ring and options involvement.

Rows come from the analysis result (``worklist_rows``, once per result); decisions and tags
come from the case work snapshot, so a filter re-applies at once when the investigator
records a decision. A ``WorklistFilter`` is plain data with a JSON form: saved filters are
kept in the case (``engine.case.documents``) and read back through ``from_dict``, which
refuses anything it does not understand.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.case.review import CaseWorkSnapshot
from engine.case.work import DECISIONS
from engine.errors import UsageError
from engine.tables import CaseTables

UNDECIDED = "undecided"
DECISION_CHOICES: tuple[str, ...] = (UNDECIDED, *DECISIONS)
DISCONTINUITIES: tuple[str, ...] = ("hard", "soft")
ANY_SUSPICIOUS_RING = -1      # ``ring`` value: in any suspicious ring
NO_RING = 0                   # ``ring`` value: in no ring
SAVED_FILTERS_KEY = "worklist_filters"


@dataclass(frozen=True)
class WorklistRows:
    """One row per investor to review, k-means suspects first (by rank), then ring members."""

    investor_id: np.ndarray      # object
    rank: np.ndarray             # float64 k-means rank, NaN for ring members who are not suspects
    score: np.ndarray            # float64, NaN likewise
    discontinuity: np.ndarray    # object "hard" / "soft" / ""
    ring: np.ndarray             # int32 cluster id, 0 = none
    ring_suspicious: np.ndarray  # bool
    options: np.ndarray          # bool: options trades on the stock, or a top account of an alert


@dataclass(frozen=True)
class WorklistFilter:
    """What to show; an empty tuple or None means "any"."""

    decisions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()          # any of these tags
    discontinuity: str = ""             # "", "hard" or "soft"
    ring: int | None = None             # None any, ANY_SUSPICIOUS_RING, NO_RING or a cluster id
    options: bool | None = None

    def __post_init__(self) -> None:
        bad = [d for d in self.decisions if d not in DECISION_CHOICES]
        if bad:
            raise UsageError(f"unknown decision {bad[0]!r} in a worklist filter; use {', '.join(DECISION_CHOICES)}")
        if self.discontinuity not in ("", *DISCONTINUITIES):
            raise UsageError(f"unknown discontinuity {self.discontinuity!r} in a worklist filter; use hard or soft")
        if self.ring is not None and (not isinstance(self.ring, int) or self.ring < ANY_SUSPICIOUS_RING):
            raise UsageError(f"bad ring {self.ring!r} in a worklist filter")

    def to_dict(self) -> dict[str, Any]:
        return {"decisions": list(self.decisions), "tags": list(self.tags), "discontinuity": self.discontinuity,
                "ring": self.ring, "options": self.options}

    @classmethod
    def from_dict(cls, data: Any) -> "WorklistFilter":
        """Rebuild from ``to_dict`` output; anything else is a ``UsageError`` naming the problem."""
        if not isinstance(data, dict) or set(data) - {"decisions", "tags", "discontinuity", "ring", "options"}:
            raise UsageError(f"a saved worklist filter is not understood: {data!r}")
        options = data.get("options")
        ring = data.get("ring")
        if options not in (None, True, False) or isinstance(ring, bool):
            raise UsageError(f"a saved worklist filter is not understood: {data!r}")
        return cls(decisions=tuple(str(d) for d in data.get("decisions", ())),
                   tags=tuple(str(t) for t in data.get("tags", ())),
                   discontinuity=str(data.get("discontinuity", "")), ring=ring, options=options)


def worklist_rows(result, tables: CaseTables | None) -> WorklistRows:
    """Suspects (rank order) and the other members of suspicious rings (id order)."""
    km, svn = result.kmeans, result.svn
    suspects = sorted(km.suspects, key=lambda s: s.rank)
    first = [s.investor_id for s in suspects]
    seen = set(first)
    rest = sorted(m for m in svn.suspicious_members() if m not in seen)
    ids = np.array(first + rest, dtype=object)
    n_rest = len(rest)
    node = np.array([svn.index_of(str(i)) for i in ids], dtype=np.int64)
    cluster = np.where(node >= 0, svn.membership[np.maximum(node, 0)], 0).astype(np.int32)
    suspicious = {r.cluster_id for r in svn.rings if r.suspicious}
    hard = {str(i): bool(h) for i, d, h in zip(km.investor_ids, km.discontinuous, km.hard) if d}
    accounts = {a.investor_id for al in result.options.alerts for a in al.top_accounts} \
        if result.options.available else set()
    opt = tables.options if tables is not None else None
    if opt is not None and "investor_id" in opt:
        on_stock = opt[(opt["stock"] == result.event.stock) & opt["investor_id"].notna()]
        accounts |= set(on_stock["investor_id"].astype(str))
    return WorklistRows(
        investor_id=ids,
        rank=np.array([s.rank for s in suspects] + [np.nan] * n_rest, dtype=np.float64),
        score=np.array([s.score for s in suspects] + [np.nan] * n_rest, dtype=np.float64),
        discontinuity=np.array([("hard" if hard[i] else "soft") if i in hard else "" for i in ids], dtype=object),
        ring=cluster, ring_suspicious=np.array([c in suspicious for c in cluster], dtype=bool),
        options=np.array([i in accounts for i in ids], dtype=bool))


def decision_of(work: CaseWorkSnapshot, investor_id: str) -> str:
    d = work.decisions.get(investor_id)
    return UNDECIDED if d is None else d.decision


def filter_rows(rows: WorklistRows, work: CaseWorkSnapshot, flt: WorklistFilter) -> np.ndarray:
    """Indices of the rows ``flt`` keeps, in row order."""
    keep = np.ones(rows.investor_id.size, dtype=bool)
    if flt.decisions:
        keep &= np.array([decision_of(work, i) in flt.decisions for i in rows.investor_id], dtype=bool)
    if flt.tags:
        wanted = set(flt.tags)
        keep &= np.array([bool(wanted & set(work.tags.get(i, ()))) for i in rows.investor_id], dtype=bool)
    if flt.discontinuity:
        keep &= rows.discontinuity == flt.discontinuity
    if flt.ring == ANY_SUSPICIOUS_RING:
        keep &= rows.ring_suspicious
    elif flt.ring is not None:
        keep &= rows.ring == flt.ring
    if flt.options is not None:
        keep &= rows.options == flt.options
    return np.flatnonzero(keep)


def saved_filters(document: Any) -> dict[str, WorklistFilter]:
    """The saved filters of a case document (name -> filter); a bad document is a UsageError."""
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise UsageError("the case's saved worklist filters are not understood")
    return {str(name): WorklistFilter.from_dict(value) for name, value in sorted(document.items())}


def filters_document(filters: dict[str, WorklistFilter]) -> dict[str, Any]:
    """The case document of saved filters (sorted by name: same filters, same bytes)."""
    return {name: filters[name].to_dict() for name in sorted(filters)}
