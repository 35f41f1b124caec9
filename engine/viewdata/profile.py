"""Presentation data of the investor profile: everything the case knows about one investor.

``profile_source`` runs once per analysis result (off the GUI thread): it groups the
target-stock trades, options accounts and filings by investor and indexes the validated
links by node. ``investor_profile`` then answers for one investor with binary searches
only, so following the selection stays well inside the views' time budget. Nothing here
is analytics: it looks up and repackages what the stages computed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.market.panel import TargetPanel
from engine.options.alerts import Alert
from engine.svn.counts import LINK_TYPES
from engine.svn.neighbourhood import cooccurrence_dates
from engine.svn.stage import SvnResult
from engine.tables import CaseTables, Event
from engine.viewdata.grouped import Grouped, stock_rows

MAX_LINKS = 25     # links listed with their evidence (strongest first); the rest are counted


@dataclass(frozen=True)
class ProfileLink:
    """One validated link of the investor, with its evidence."""

    other: str
    link_type: str
    cooccurrences: int
    log10_p: float
    dates: tuple[str, ...]     # ISO co-occurrence days


@dataclass(frozen=True)
class ProfileRing:
    """The validated-network cluster the investor belongs to."""

    cluster_id: int
    rank: int
    size: int
    suspicious: bool
    directionality: float | None
    members: tuple[str, ...]


@dataclass(frozen=True)
class ProfileSource:
    """Everything ``investor_profile`` looks up, grouped by investor (built once per result)."""

    event: Event
    correction: str
    panel: TargetPanel                 # target-stock trades (records grouped by investor)
    price_dates: np.ndarray            # datetime64[D]; empty without a prices table
    price_close: np.ndarray            # float64
    types: dict[str, str]              # investor id -> H / IF / L
    km_ids: pd.Index                   # k-means investors
    km_labels: np.ndarray              # int16 (n_windows, n_investors)
    window_start: np.ndarray           # datetime64[D] (n_windows,)
    rewarding_cluster: int
    suspects: dict[str, object]        # investor id -> engine.kmeans.suspects.Suspect
    hard: dict[str, bool]              # discontinuous investor id -> hard?
    svn: SvnResult
    link_indptr: np.ndarray            # int64 (N+1,): validated links touching each eligible node
    link_index: np.ndarray             # int64 candidate indices, grouped by node
    options: Grouped                   # options rows with an investor id
    filings: Grouped
    alerts: tuple[Alert, ...]


@dataclass(frozen=True)
class InvestorProfile:
    """One investor: attributes, trades and position, k-means path, links, ring, options, filings."""

    investor_id: str
    investor_type: str                 # "" when unknown
    suspect: object | None             # Suspect when a k-means suspect
    discontinuity: str                 # "hard", "soft" or "" (not discontinuous)
    trade_dates: np.ndarray            # datetime64[D] active days on the target stock
    buy_shares: np.ndarray
    sell_shares: np.ndarray
    buy_value: np.ndarray
    sell_value: np.ndarray
    position: np.ndarray               # shares held after each active day (flat before the data)
    price_dates: np.ndarray
    price_close: np.ndarray
    window_start: np.ndarray           # k-means windows
    clusters: np.ndarray               # int16 cluster per window, −1 inactive (empty: not in k-means)
    rewarding_cluster: int
    eligible: bool                     # in the validated network's sample
    links: tuple[ProfileLink, ...]     # strongest first, at most MAX_LINKS
    n_links: int                       # every validated link of the investor
    ring: ProfileRing | None
    options: pd.DataFrame              # the investor's options trades (date, right, strike, expiry, volume)
    alerts: tuple[tuple[dt.date, str, float, float], ...]   # (date, priority, risk, share of day's volume)
    filings: pd.DataFrame              # date, form, transaction
    event: Event
    correction: str


def _node_links(svn: SvnResult) -> tuple[np.ndarray, np.ndarray]:
    """CSR over eligible nodes of the validated candidate indices touching each node."""
    cand = svn.candidates
    links = np.flatnonzero(svn.validated)
    nodes = np.concatenate((cand.a[links], cand.b[links])).astype(np.int64)
    both = np.concatenate((links, links))
    order = np.lexsort((both, nodes))
    indptr = np.zeros(svn.n_investors + 1, dtype=np.int64)
    np.cumsum(np.bincount(nodes, minlength=svn.n_investors), out=indptr[1:])
    return indptr, both[order]


def _prices(tables: CaseTables, stock: str) -> tuple[np.ndarray, np.ndarray]:
    prices = tables.prices
    if prices is None or prices.empty:
        return np.zeros(0, "datetime64[D]"), np.zeros(0)
    rows = prices[prices["stock"] == stock].sort_values("date")
    return rows["date"].to_numpy().astype("datetime64[D]"), rows["close"].to_numpy(np.float64)


def _types(tables: CaseTables) -> dict[str, str]:
    inv = tables.investors
    if inv is None or "investor_type" not in inv:
        return {}
    return dict(zip(inv["investor_id"].astype(str), inv["investor_type"].fillna("").astype(str)))


def profile_source(result, tables: CaseTables | None, panel: TargetPanel | None = None) -> ProfileSource:
    """Group everything per investor once per result (Qt-free; may run in the analysis child)."""
    event, km, svn = result.event, result.kmeans, result.svn
    if tables is None:
        raise ValueError("the investor profile needs the case tables")
    panel = panel if panel is not None else TargetPanel.build(tables, event.stock)
    dates, close = _prices(tables, event.stock)
    indptr, index = _node_links(svn)
    ids = km.investor_ids
    return ProfileSource(
        event=event, correction=svn.correction, panel=panel, price_dates=dates, price_close=close,
        types=_types(tables), km_ids=pd.Index(ids, dtype=object), km_labels=km.labels,
        window_start=km.window_start, rewarding_cluster=int(km.rewarding_cluster),
        suspects={s.investor_id: s for s in km.suspects},
        hard={str(i): bool(h) for i, d, h in zip(ids, km.discontinuous, km.hard) if d},
        svn=svn, link_indptr=indptr, link_index=index,
        options=stock_rows(tables.options, event.stock, ["date", "right", "strike", "expiry", "volume"]),
        filings=stock_rows(tables.filings, event.stock, ["date", "form", "transaction"]),
        alerts=tuple(result.options.alerts) if result.options.available else ())


def _trades(panel: TargetPanel, investor_id: str) -> tuple[np.ndarray, ...]:
    row = int(panel.rows_of([investor_id])[0])
    if row < 0:
        empty = np.zeros(0)
        return np.zeros(0, "datetime64[D]"), empty, empty, empty, empty
    lo, hi = panel.inv.searchsorted(np.array([row, row + 1], dtype=panel.inv.dtype))   # no cast of the column
    return panel.dates[panel.day[lo:hi]], panel.vb[lo:hi], panel.vs[lo:hi], panel.ab[lo:hi], panel.as_[lo:hi]


def _links(source: ProfileSource, node: int, limit: int) -> tuple[tuple[ProfileLink, ...], int]:
    svn = source.svn
    cand = svn.candidates
    mine = source.link_index[source.link_indptr[node]:source.link_indptr[node + 1]]
    order = mine[np.lexsort((mine, cand.log10_p[mine]))][:limit]
    out = []
    for idx in order.tolist():
        a, b, t = int(cand.a[idx]), int(cand.b[idx]), int(cand.link_type[idx])
        other = b if a == node else a
        out.append(ProfileLink(str(svn.investor_ids[other]), LINK_TYPES[t], int(cand.cooccurrences[idx]),
                               float(cand.log10_p[idx]), cooccurrence_dates(svn, a, b, t)))
    return tuple(out), int(mine.size)


def _ring(svn: SvnResult, node: int) -> ProfileRing | None:
    cluster = int(svn.membership[node]) if node >= 0 else 0
    ring = next((r for r in svn.rings if r.cluster_id == cluster), None) if cluster else None
    if ring is None:
        return None
    return ProfileRing(cluster_id=ring.cluster_id, rank=ring.rank, size=ring.size, suspicious=ring.suspicious,
                       directionality=ring.mean_directionality, members=tuple(str(m) for m in ring.member_ids))


def _alerts(alerts: tuple[Alert, ...], investor_id: str) -> tuple[tuple[dt.date, str, float, float], ...]:
    return tuple((a.date, a.priority, float(a.risk_score), float(acc.share))
                 for a in alerts for acc in a.top_accounts if acc.investor_id == investor_id)


def investor_profile(source: ProfileSource, investor_id: str, max_links: int = MAX_LINKS) -> InvestorProfile:
    """The profile of one investor (lookups only: fast enough to follow every selection)."""
    dates, vb, vs, ab, as_ = _trades(source.panel, investor_id)
    col = int(source.km_ids.get_indexer(pd.Index([investor_id], dtype=object))[0])
    node = source.svn.index_of(investor_id)
    links, n_links = _links(source, node, max_links) if node >= 0 else ((), 0)
    hard = source.hard.get(investor_id)
    return InvestorProfile(
        investor_id=investor_id, investor_type=source.types.get(investor_id, ""),
        suspect=source.suspects.get(investor_id),
        discontinuity="" if hard is None else ("hard" if hard else "soft"),
        trade_dates=dates, buy_shares=vb, sell_shares=vs, buy_value=ab, sell_value=as_,
        position=np.cumsum(vb - vs), price_dates=source.price_dates, price_close=source.price_close,
        window_start=source.window_start,
        clusters=source.km_labels[:, col] if col >= 0 else np.zeros(0, np.int16),
        rewarding_cluster=source.rewarding_cluster, eligible=node >= 0, links=links, n_links=n_links,
        ring=_ring(source.svn, node), options=source.options.of(investor_id),
        alerts=_alerts(source.alerts, investor_id), filings=source.filings.of(investor_id),
        event=source.event, correction=source.correction)
