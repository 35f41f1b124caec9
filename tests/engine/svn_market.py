"""Small seeded markets for the validated-network tests: noise traders plus planted rings."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy.stats import hypergeom

from engine.tables import CaseTables

STOCK = "TGT"


def small_market(seed: int = 0, n_noise: int = 40, n_days: int = 80, ring_sizes: tuple[int, ...] = (6,),
                 p_active: float = 0.15, event_day: int = 60, ref_days: int = 15,
                 sell_ring: bool = False, offer_price: float | None = 12.0,
                 with_types: bool = True, mixed_pairs: bool = False) -> tuple[CaseTables, list[list[str]]]:
    """A market on one stock; each ring trades together in one direction on shared days.

    With ``mixed_pairs``, one pair per mixed link type (bs, sb, bbs, …) and one bsbs pair
    trade on shared days in the two states the type names (``P<type>a`` < ``P<type>b``).
    """
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2020-01-01", periods=n_days)
    rows = []
    ids = [f"N{i:03d}" for i in range(n_noise)]
    for inv in ids:
        for d in np.flatnonzero(rng.random(n_days) < p_active):
            vb, vs = (rng.integers(0, 500) * rng.integers(0, 2), rng.integers(0, 500) * rng.integers(0, 2))
            if vb + vs == 0:
                vb = 100
            rows.append((inv, d, float(vb), float(vs)))
    rings = []
    for r, size in enumerate(ring_sizes):
        members = [f"R{r}{m:02d}" for m in range(size)]
        rings.append(members)
        shared = rng.choice(n_days, size=14, replace=False)
        ref = np.arange(event_day - ref_days, event_day)
        for inv in members:
            days = np.union1d(shared[rng.random(shared.size) < 0.9], ref[rng.random(ref.size) < 0.6])
            for d in days:
                q = float(rng.integers(100, 1000))
                rows.append((inv, d, 0.0, q) if sell_ring else (inv, d, q, 0.0))
    if mixed_pairs:
        volumes = {"b": (300.0, 0.0), "s": (0.0, 300.0), "bs": (300.0, 300.0)}
        for first, second in (("bs", "bs"), ("b", "s"), ("s", "b"), ("b", "bs"), ("bs", "b"), ("s", "bs"),
                              ("bs", "s")):
            shared = rng.choice(n_days, size=12, replace=False)
            for suffix, state in (("a", first), ("b", second)):
                rows += [(f"P{first}{second}{suffix}", d, *volumes[state]) for d in shared]
    frame = pd.DataFrame(rows, columns=["investor_id", "day", "buy_shares", "sell_shares"])
    frame["date"] = dates[frame["day"].to_numpy()].astype("datetime64[ns]")
    frame["stock"] = STOCK
    frame["buy_value"] = frame["buy_shares"] * 10.0
    frame["sell_value"] = frame["sell_shares"] * 10.0
    frame["investor_id"] = frame["investor_id"].astype(object)
    trades = frame.drop(columns="day").sort_values(["stock", "date", "investor_id"]).reset_index(drop=True)
    events = pd.DataFrame({"event_id": ["E1"], "stock": [STOCK],
                           "event_date": [dates[event_day]], "reference_start": [dates[event_day - ref_days]],
                           "direction": ["sell" if sell_ring else "buy"],
                           "offer_price": [offer_price if offer_price is not None else np.nan]})
    investors = None
    if with_types:
        all_ids = sorted(set(trades["investor_id"]))
        types = np.array(["H", "IF", "L"], dtype=object)[np.arange(len(all_ids)) % 3]
        investors = pd.DataFrame({"investor_id": np.array(all_ids, dtype=object), "investor_type": types})
    return CaseTables(trades=trades, events=events, investors=investors), rings


# link type -> (state of i, state of j), i before j in text order
TYPE_STATES = {"bb": ("b", "b"), "ss": ("s", "s"), "bsbs": ("bs", "bs"), "bs": ("b", "s"),
               "sb": ("s", "b"), "bbs": ("b", "bs"), "bsb": ("bs", "b"), "sbs": ("s", "bs"),
               "bss": ("bs", "s")}


def brute_force_tests(trades: pd.DataFrame, theta: float = 0.01, min_days: int = 8):
    """Every (i, j, type) test with its count and scipy p-value, from the raw trades."""
    t_days = np.unique(trades["date"].to_numpy())
    day_of = {d: n for n, d in enumerate(t_days)}
    r = (trades["buy_shares"] - trades["sell_shares"]) / (trades["buy_shares"] + trades["sell_shares"])
    state = np.where(r > theta, "b", np.where(r < -theta, "s", "bs"))
    active = trades.groupby("investor_id").size()
    ids = sorted(i for i, n in active.items() if n >= min_days)
    mats = {q: {i: np.zeros(len(t_days), bool) for i in ids} for q in ("b", "s", "bs")}
    for inv, d, q in zip(trades["investor_id"], trades["date"].to_numpy(), state):
        if inv in mats[q]:
            mats[q][inv][day_of[d]] = True
    tests = []
    for i, j in itertools.combinations(ids, 2):
        for name, (q, rr) in TYPE_STATES.items():
            k = int((mats[q][i] & mats[rr][j]).sum())
            p = hypergeom.sf(k - 1, len(t_days), int(mats[q][i].sum()), int(mats[rr][j].sum())) if k else 1.0
            tests.append((i, j, name, k, p))
    return ids, len(t_days), tests
