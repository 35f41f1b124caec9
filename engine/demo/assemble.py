"""Put the demo market together: calendar, prices, investors and their roles, every table."""
from __future__ import annotations

import numpy as np
import pandas as pd

from engine.demo.background import TYPE_CODES, background_records, draw_types, history_records
from engine.demo.options import options_chain, pick_informed_days
from engine.demo.planted import (Timeline, decoys, hard_insiders, rings, soft_insiders,
                                 synchronised)
from engine.demo.records import Records, price_records
from engine.demo.scales import ScaleSpec

START_DATE = "2019-01-02"
HOLIDAYS = {(1, 1), (5, 1), (12, 24), (12, 25), (12, 26), (12, 31)}  # fixed-date exchange holidays
TARGET = "IMA"
OTHER_TICKERS = ("ACR", "BLV", "CTN", "DRM", "ELX", "FNT", "GRV", "HLM", "JVN", "KRT", "LUM",
                 "MRX", "NVA", "OLP", "PRS")
WINDOW = 20  # the last k-means window: the 20 trading days before the PSE


def trading_days(n_days: int) -> np.ndarray:
    """Monday-Friday from START_DATE without the fixed-date holidays (datetime64[D])."""
    days = pd.bdate_range(START_DATE, periods=int(n_days * 1.05) + 10)
    keep = [(d.month, d.day) not in HOLIDAYS for d in days]
    return days[keep][:n_days].to_numpy().astype("datetime64[D]")


def _prices(rng: np.random.Generator, n_stocks: int, n_days: int, tl_event: int,
            ref_start: int) -> tuple[np.ndarray, float]:
    """Daily closes (stock 0 is the target) and the offer price of the bid."""
    start = np.concatenate([[rng.uniform(55.0, 65.0)], rng.uniform(4.0, 120.0, n_stocks - 1)])
    ret = rng.normal(0.0002, 0.014, (n_stocks, n_days))
    ret[:, 0] = 0.0
    ret[0, ref_start:tl_event] += 0.003  # informed buying lifts the target a little
    close = start[:, None] * np.exp(np.cumsum(ret, axis=1))
    offer = float(np.round(close[0, tl_event - 1] * rng.uniform(1.30, 1.40), 2))
    after = np.arange(tl_event, n_days)
    close[0, after] = offer * (1.0 - np.abs(rng.normal(0.004, 0.002, after.size)))
    return np.round(close, 2), offer


def _roles(spec: ScaleSpec, dense_block: int) -> tuple[dict[str, np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Consecutive index ranges per role; ids are random, so ranges reveal nothing."""
    sizes = [("hard", spec.n_hard), ("soft", spec.n_soft), ("ring", sum(spec.ring_sizes)),
             ("decoy", spec.n_decoys), ("block", spec.block_size + dense_block),
             ("benign", sum(spec.benign_sizes))]
    planted = sum(n for _, n in sizes)
    sizes.append(("background", spec.n_investors + dense_block - planted))
    roles, at = {}, 0
    for name, n in sizes:
        roles[name] = np.arange(at, at + n)
        at += n
    cut = np.cumsum(spec.ring_sizes)[:-1]
    bcut = np.cumsum(spec.benign_sizes)[:-1]
    return roles, np.split(roles["ring"], cut), np.split(roles["benign"], bcut)


def assemble_market(rng: np.random.Generator, spec: ScaleSpec,
                    dense_block: int) -> tuple[dict[str, pd.DataFrame], dict]:
    """The six tables (as written to CSV) and the truth dict (without seed and scale)."""
    dates = trading_days(spec.n_days)
    n_days = dates.size
    event = (int(np.searchsorted(dates, np.datetime64(spec.event_date))) if spec.event_date
             else int(round(n_days * spec.event_fraction)))
    ref_start = event - spec.reference_lead
    close, offer = _prices(rng, spec.n_stocks, n_days, event, ref_start)
    tl = Timeline(n_days=n_days, event=event, ref_start=ref_start, last_start=event - WINDOW,
                  jump=offer / float(close[0, event - 1]))
    stocks = np.array([TARGET, *OTHER_TICKERS[:spec.n_stocks - 1]])
    roles, ring_groups, benign_groups = _roles(spec, dense_block)
    n_inv = sum(r.size for r in roles.values())
    ids = np.char.zfill((rng.choice(999_999, n_inv, replace=False) + 1).astype(str), 7)
    types = draw_types(rng, n_inv, (0.85, 0.05, 0.10))
    insider = np.concatenate([roles["hard"], roles["soft"]])
    types[insider] = draw_types(rng, insider.size, (0.7, 0.0, 0.3))
    types[roles["block"]] = 0
    types[roles["decoy"]] = draw_types(rng, spec.n_decoys, (0.5, 0.2, 0.3))

    records = _all_records(rng, spec, tl, roles, ring_groups, benign_groups, types)
    priced = price_records(rng, records, close, spec.venue_split_rate)
    trades = pd.DataFrame({
        "investor_id": ids[priced["inv"].to_numpy()], "stock": stocks[priced["stock"].to_numpy()],
        "date": np.datetime_as_string(dates[priced["day"].to_numpy()], unit="D"),
        **{c: priced[c] for c in ("venue", "buy_shares", "sell_shares", "buy_value", "sell_value",
                                  "n_buy", "n_sell")}})
    trades = trades.sort_values(["stock", "date", "investor_id", "venue"], kind="stable", ignore_index=True)

    informed_days = pick_informed_days(rng, dates, tl, spec.n_informed_option_days)
    option_accounts = sorted(
        ids[rng.choice(roles["hard"], spec.n_option_hard, replace=False)].tolist()
        + ids[rng.choice(ring_groups[0], spec.n_option_ring, replace=False)].tolist())
    options = options_chain(rng, dates, close[0], tl, TARGET, informed_days, option_accounts,
                            ids[roles["background"][:200]].tolist())
    options["date"] = np.datetime_as_string(options["date"].to_numpy().astype("datetime64[D]"), unit="D")
    options["expiry"] = np.datetime_as_string(options["expiry"].to_numpy().astype("datetime64[D]"), unit="D")
    options = options.sort_values(["date", "expiry", "right", "strike", "investor_id"], kind="stable",
                                  ignore_index=True)

    filings = _filings(rng, trades, ids, roles, spec, dates, tl)
    event_id = f"TKO-{str(dates[event])[:4]}"
    tables = {
        "trades": trades,
        "events": pd.DataFrame([{
            "event_id": event_id, "stock": TARGET, "event_date": str(dates[event]),
            "reference_start": str(dates[ref_start]), "direction": "buy", "offer_price": offer,
            "description": f"Takeover bid for {TARGET} at EUR {offer:.2f} per share (cash offer)"}]),
        "investors": pd.DataFrame({"investor_id": ids, "investor_type": np.array(TYPE_CODES)[types]})
                       .sort_values("investor_id", ignore_index=True),
        "options": options,
        "prices": pd.DataFrame({"stock": np.repeat(stocks, n_days),
                                "date": np.tile(np.datetime_as_string(dates, unit="D"), stocks.size),
                                "close": close.ravel()}).sort_values(["stock", "date"], ignore_index=True),
        "filings": filings,
    }
    def group_ids(groups: list[np.ndarray]) -> list[list[str]]:
        return sorted(sorted(ids[g].tolist()) for g in groups)
    truth = {
        "target_stock": TARGET, "event_id": event_id, "event_date": str(dates[event]),
        "reference_start": str(dates[ref_start]), "direction": "buy",
        "hard_insiders": sorted(ids[roles["hard"]].tolist()),
        "soft_insiders": sorted(ids[np.concatenate([roles["soft"], roles["ring"]])].tolist()),
        "decoys": sorted(ids[roles["decoy"]].tolist()),
        "rings": group_ids(ring_groups),
        "managed_block": sorted(ids[roles["block"]].tolist()),
        "benign_groups": group_ids(benign_groups),
        "informed_option_days": sorted(str(dates[d]) for d in informed_days),
        "options_informed_accounts": option_accounts,
        "filings_investors": sorted(set(filings["investor_id"].tolist())),
    }
    return tables, truth


def _all_records(rng: np.random.Generator, spec: ScaleSpec, tl: Timeline, roles: dict[str, np.ndarray],
                 ring_groups: list[np.ndarray], benign_groups: list[np.ndarray],
                 types: np.ndarray) -> Records:
    """Trade intentions of every role, in a fixed order (the seed fixes them all)."""
    n_stocks, target = spec.n_stocks, 0
    bg = roles["background"]
    parts = [background_records(rng, bg, types[bg], spec.background, tl.n_days, n_stocks, target, tl.event)]
    def sizes(idx: np.ndarray, median: float, sigma: float) -> np.ndarray:
        return median * rng.lognormal(0.0, sigma, idx.size)
    hard_size = sizes(roles["hard"], 40_000.0, 0.5)
    soft_size = sizes(roles["soft"], 40_000.0, 0.5)
    ring_size = sizes(roles["ring"], 8_000.0, 0.4)
    decoy_size = sizes(roles["decoy"], 150_000.0, 0.4)
    parts += [hard_insiders(rng, roles["hard"], hard_size, tl, target, n_stocks),
              soft_insiders(rng, roles["soft"], soft_size, tl, target),
              rings(rng, ring_groups, ring_size, tl, target),
              decoys(rng, roles["decoy"], decoy_size, tl, target)]
    basket = np.array([1, 2]) if n_stocks > 2 else np.array([], dtype=np.int64)
    parts.append(synchronised(rng, roles["block"], sizes(roles["block"], 5_000.0, 0.5), tl, target,
                              basket, spec.block_days, 0.92, 4))
    for g in benign_groups:
        parts.append(synchronised(rng, g, sizes(g, 6_000.0, 0.6), tl, target, np.array([3, 4]),
                                  int(rng.integers(18, 29)), 0.95, 2))
    # other-stock history of the planted insiders and decoys, away from the reference period
    allowed = (np.arange(tl.n_days) < tl.ref_start) | (np.arange(tl.n_days) > tl.event + 15)
    for idx, size in ((roles["hard"], hard_size), (roles["soft"], soft_size),
                      (roles["ring"], ring_size), (roles["decoy"], decoy_size)):
        parts.append(history_records(rng, idx, size, n_stocks, target, 8.0, allowed))
    return Records.concat(parts)


def _filings(rng: np.random.Generator, trades: pd.DataFrame, ids: np.ndarray,
             roles: dict[str, np.ndarray], spec: ScaleSpec, dates: np.ndarray, tl: Timeline) -> pd.DataFrame:
    """Declared dealings (MAR art. 19) matching real trades: some by insiders in the last window."""
    on_target = trades[trades["stock"] == TARGET]
    d = on_target["date"].to_numpy().astype("datetime64[D]")
    last = (d >= dates[tl.last_start]) & (d < dates[tl.event]) & (on_target["buy_shares"].to_numpy() > 0)
    early = d < dates[tl.ref_start]
    case_filers = ids[rng.choice(np.concatenate([roles["hard"], roles["soft"]]), spec.n_case_filings, replace=False)]
    other_filers = ids[rng.choice(roles["background"], spec.n_other_filings * 3, replace=False)]
    picks = [on_target[last & on_target["investor_id"].isin(case_filers).to_numpy()],
             on_target[early & on_target["investor_id"].isin(other_filers).to_numpy()]]
    rows = []
    for frame, n in zip(picks, (spec.n_case_filings, spec.n_other_filings)):
        first = frame.iloc[rng.permutation(len(frame))].groupby("investor_id", sort=True).head(1)
        first = first.sort_values(["investor_id", "date"], kind="stable")
        rows.append(first.iloc[np.sort(rng.permutation(len(first))[:n])])
    chosen = pd.concat(rows, ignore_index=True)
    return pd.DataFrame({
        "investor_id": chosen["investor_id"].to_numpy(), "stock": TARGET, "date": chosen["date"].to_numpy(),
        "form": "MAR19",
        "transaction": np.where(chosen["buy_shares"].to_numpy() >= chosen["sell_shares"].to_numpy(), "buy", "sell"),
    }).sort_values(["date", "investor_id"], ignore_index=True)
