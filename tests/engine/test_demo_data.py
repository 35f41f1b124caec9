"""The demo market: deterministic files, the CSV contract, and the planted truth checked
directly on the written CSVs with independent pandas / scipy computations."""
from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import hypergeom

from engine.demo.generate import demo_paths, generate_demo_market, write_demo_market
from engine.tables import TABLE_NAMES

ID_RE = re.compile(r"^0\d{6}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _read(directory: Path, name: str) -> pd.DataFrame:
    """A demo CSV with every column as text, as an outside tool would see it."""
    return pd.read_csv(directory / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def raw(demo_market_dir: Path) -> dict[str, pd.DataFrame]:
    return {name: _read(demo_market_dir, name) for name in TABLE_NAMES}


@pytest.fixture(scope="module")
def market(raw: dict[str, pd.DataFrame], demo_truth: dict) -> dict:
    """Target-stock daily records (venues summed), the calendar and the key day indices."""
    t = raw["trades"].copy()
    for c in ("buy_shares", "sell_shares", "buy_value", "sell_value"):
        t[c] = t[c].astype(float)
    daily = t.groupby(["investor_id", "stock", "date"], as_index=False)[
        ["buy_shares", "sell_shares", "buy_value", "sell_value"]].sum()
    target = daily[daily["stock"] == demo_truth["target_stock"]].copy()
    dates = np.array(sorted(target["date"].unique()))
    target["day"] = np.searchsorted(dates, target["date"].to_numpy())
    event = int(np.searchsorted(dates, demo_truth["event_date"]))
    ref = int(np.searchsorted(dates, demo_truth["reference_start"]))
    return {"all": daily, "target": target, "dates": dates, "event": event, "ref": ref,
            "last_start": event - 20}


def _state(frame: pd.DataFrame) -> np.ndarray:
    """r(i,t) of METHOD.md §2 per row."""
    vb, vs = frame["buy_shares"].to_numpy(), frame["sell_shares"].to_numpy()
    return (vb - vs) / (vb + vs)


# --- determinism -----------------------------------------------------------------------------

def test_same_seed_gives_byte_identical_files(demo_market_dir: Path, tmp_path: Path) -> None:
    paths = write_demo_market(tmp_path, seed=7)
    assert set(paths) == set(TABLE_NAMES) | {"truth"}
    for name, path in paths.items():
        assert path.read_bytes() == (demo_market_dir / path.name).read_bytes(), name


def test_different_seed_gives_a_different_market(demo_market_dir: Path, demo_truth: dict) -> None:
    other = generate_demo_market(seed=8)
    assert set(other.truth["hard_insiders"]) != set(demo_truth["hard_insiders"])
    first = _read(demo_market_dir, "trades")
    assert len(other.trades) != len(first) or not other.trades["investor_id"].equals(first["investor_id"])


def test_demo_paths_lists_the_six_tables_only(demo_market_dir: Path) -> None:
    paths = demo_paths(demo_market_dir)
    assert list(paths) == list(TABLE_NAMES)
    assert all(p.is_file() and p.suffix == ".csv" for p in paths.values())
    assert demo_paths(demo_market_dir / "missing") == {}


# --- the CSV contract ------------------------------------------------------------------------

def test_trades_follow_the_contract(raw: dict[str, pd.DataFrame]) -> None:
    t = raw["trades"]
    assert list(t.columns) == ["investor_id", "stock", "date", "venue", "buy_shares", "sell_shares",
                               "buy_value", "sell_value", "n_buy", "n_sell"]
    assert t["investor_id"].str.fullmatch(ID_RE).all()          # numeric-looking, leading zero
    assert t["date"].str.fullmatch(DATE_RE).all()
    shares = t[["buy_shares", "sell_shares", "n_buy", "n_sell"]].astype(np.int64)
    assert (shares >= 0).all().all()
    values = t[["buy_value", "sell_value"]].astype(float)
    assert (values >= 0).all().all()
    assert ((shares["buy_shares"] > 0) | (shares["sell_shares"] > 0)).all()
    assert ((shares["buy_shares"] > 0) == (values["buy_value"] > 0)).all()
    assert t["buy_value"].str.fullmatch(r"\d+\.\d{2}").all()    # fixed format
    weekday = pd.to_datetime(t["date"]).dt.day_of_week
    assert (weekday < 5).all()
    keys = list(zip(t["stock"], t["date"], t["investor_id"], t["venue"]))
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_trade_prices_match_the_closes(raw: dict[str, pd.DataFrame]) -> None:
    t = raw["trades"].merge(raw["prices"], on=["stock", "date"])
    bought = t[t["buy_shares"].astype(int) > 0]
    price = bought["buy_value"].astype(float) / bought["buy_shares"].astype(float)
    assert np.allclose(price, bought["close"].astype(float), rtol=0.03)


def test_venue_duplicates_exist_and_ingest_sums_them(raw: dict[str, pd.DataFrame], demo_tables) -> None:
    t = raw["trades"]
    dup = t.duplicated(["investor_id", "stock", "date"], keep=False)
    assert 0 < dup.sum() < len(t) / 50
    assert set(t.loc[dup, "venue"]) == {"XMIL", "TRQM"}
    summed = t.assign(buy=t["buy_shares"].astype(float)).groupby(["investor_id", "stock", "date"])["buy"].sum()
    ingested = demo_tables.trades
    assert len(ingested) == len(summed)
    got = ingested.set_index(["investor_id", "stock", ingested["date"].dt.strftime("%Y-%m-%d")])["buy_shares"]
    assert np.allclose(got.sort_index().to_numpy(), summed.sort_index().to_numpy())
    assert ingested["investor_id"].str.fullmatch(ID_RE).all()   # ids stayed text


def test_other_tables_follow_the_contract(raw: dict[str, pd.DataFrame], demo_truth: dict) -> None:
    inv = raw["investors"]
    assert inv["investor_id"].is_unique and set(inv["investor_type"]) == {"H", "IF", "L"}
    assert set(raw["trades"]["investor_id"]) <= set(inv["investor_id"])
    ev = raw["events"]
    assert len(ev) == 1 and ev.loc[0, "direction"] == "buy" and ev.loc[0, "event_id"] == demo_truth["event_id"]
    o = raw["options"]
    assert set(o["right"]) == {"C", "P"} and (o["strike"].astype(float) > 0).all()
    assert (o[["volume", "open_interest"]].astype(np.int64) >= 0).all().all()
    assert o["date"].str.fullmatch(DATE_RE).all() and o["expiry"].str.fullmatch(DATE_RE).all()
    assert (o["expiry"] > o["date"]).all()
    accounts = o["investor_id"][o["investor_id"] != ""]
    assert accounts.str.fullmatch(ID_RE).all()
    p = raw["prices"]
    assert len(p) == p["stock"].nunique() * p["date"].nunique() == 12 * 300
    f = raw["filings"]
    assert list(f.columns) == ["investor_id", "stock", "date", "form", "transaction"]
    assert set(f["transaction"]) <= {"buy", "sell"}


def test_truth_has_the_agreed_keys_sorted(demo_truth: dict) -> None:
    assert set(demo_truth) == {
        "seed", "scale", "target_stock", "event_id", "event_date", "reference_start", "direction",
        "hard_insiders", "soft_insiders", "decoys", "rings", "managed_block", "benign_groups",
        "informed_option_days", "options_informed_accounts", "filings_investors"}
    for key in ("hard_insiders", "soft_insiders", "decoys", "managed_block", "informed_option_days",
                "options_informed_accounts", "filings_investors"):
        assert demo_truth[key] == sorted(demo_truth[key]) and demo_truth[key], key
    for key in ("rings", "benign_groups"):
        assert demo_truth[key] == sorted(sorted(g) for g in demo_truth[key])
    assert demo_truth["direction"] == "buy" and demo_truth["scale"] == "default"


# --- calendar, event and prices --------------------------------------------------------------

def test_calendar_event_and_takeover_price(market: dict, raw: dict[str, pd.DataFrame], demo_truth: dict) -> None:
    dates = market["dates"]
    assert dates.size == 300                                   # target stock active every day
    assert 190 <= market["event"] <= 210                       # about 2/3 through
    assert 20 <= market["event"] - market["ref"] <= 30
    ev = raw["events"].iloc[0]
    closes = raw["prices"][raw["prices"]["stock"] == demo_truth["target_stock"]].set_index("date")["close"].astype(float)
    pre = closes[dates[market["event"] - 1]]
    offer = float(ev["offer_price"])
    assert 1.30 <= offer / pre <= 1.40
    assert abs(closes[ev["event_date"]] / offer - 1.0) < 0.02


# --- planted truth ---------------------------------------------------------------------------

def test_hard_insiders_first_trade_in_the_last_window_and_buy_concentrated(market: dict, demo_truth: dict) -> None:
    tg, ls, ev = market["target"], market["last_start"], market["event"]
    mine = tg[tg["investor_id"].isin(demo_truth["hard_insiders"])]
    assert set(mine["investor_id"]) == set(demo_truth["hard_insiders"])
    assert (mine.groupby("investor_id")["day"].min() >= ls).all()
    window = mine[(mine["day"] >= ls) & (mine["day"] < ev)]
    net = window.groupby("investor_id").apply(lambda g: (g["buy_value"] - g["sell_value"]).sum() / (g["buy_value"] + g["sell_value"]).sum())
    assert (net > 0.8).all()
    d = market["all"]
    in_win = d[(d["date"] >= market["dates"][ls]) & (d["date"] < market["dates"][ev])]
    turnover = (in_win["buy_value"] + in_win["sell_value"]).groupby([in_win["investor_id"], in_win["stock"] == demo_truth["target_stock"]]).sum().unstack(fill_value=0.0)
    magnitudo = turnover[True] / turnover.sum(axis=1)
    assert (magnitudo[demo_truth["hard_insiders"]] > 0.8).all()


def test_soft_insiders_traded_before_without_reward_then_buy(market: dict, demo_truth: dict) -> None:
    tg, ls, ev = market["target"], market["last_start"], market["event"]
    mine = tg[tg["investor_id"].isin(demo_truth["soft_insiders"])]
    before = mine[mine["day"] < ls].groupby("investor_id")
    window = mine[(mine["day"] >= ls) & (mine["day"] < ev)].groupby("investor_id")
    bought = window["buy_value"].sum() - window["sell_value"].sum()
    assert set(before.groups) == set(demo_truth["soft_insiders"])
    assert (bought > 0).all() and len(bought) == len(demo_truth["soft_insiders"])
    # earlier: small trades, never a net buying position worth a fifth of the later buying
    early_net = before["buy_value"].sum() - before["sell_value"].sum()
    assert (early_net < 0.2 * bought[early_net.index]).all()
    biggest = mine[mine["day"] < ls].groupby("investor_id")[["buy_value", "sell_value"]].max().max(axis=1)
    assert (biggest < 0.1 * bought[biggest.index]).all()
    # no hard insider is also soft, and ring members are soft insiders
    assert not set(demo_truth["hard_insiders"]) & set(demo_truth["soft_insiders"])
    assert set(itertools.chain(*demo_truth["rings"])) <= set(demo_truth["soft_insiders"])


def test_decoys_bought_big_in_earlier_windows_too(market: dict, demo_truth: dict) -> None:
    tg, ls, ev = market["target"], market["last_start"], market["event"]
    for inv in demo_truth["decoys"]:
        g = tg[tg["investor_id"] == inv]
        per_day = np.bincount(g["day"], weights=g["buy_value"], minlength=market["dates"].size)
        recent = per_day[ls:ev].sum()
        rolling = np.convolve(per_day[:ls - 1], np.ones(20), mode="valid")  # windows ending <= ls-2
        assert recent > 0 and rolling.max() >= 0.5 * recent, inv
        assert (rolling >= 0.5 * recent).sum() >= 2


def test_ring_members_cotrade_often_and_only_buy_in_the_reference_period(market: dict, demo_truth: dict) -> None:
    tg, ref, ev = market["target"], market["ref"], market["event"]
    days = {i: set(g["day"]) for i, g in tg.groupby("investor_id")}
    active8 = sum(1 for s in days.values() if len(s) >= 8)
    threshold = 0.01 / (9 * active8 * (active8 - 1) / 2)      # Bonferroni at alpha 0.01
    n_days = market["dates"].size
    b_days = {i: set(g["day"][_state(g) > 0.01]) for i, g in tg.groupby("investor_id")}
    for ring in demo_truth["rings"]:
        assert 5 <= len(ring) <= 12
        union = set().union(*(days[i] for i in ring))
        for a, b in itertools.combinations(ring, 2):
            common = len(days[a] & days[b])                    # brute force
            assert common >= 15
            k = len(b_days[a] & b_days[b])
            assert hypergeom.sf(k - 1, n_days, len(b_days[a]), len(b_days[b])) < threshold
        assert all(len(days[i]) <= 0.9 * len(union) + 5 for i in ring)
        in_ref = tg[tg["investor_id"].isin(ring) & (tg["day"] >= ref) & (tg["day"] < ev)]
        assert len(in_ref) >= len(ring) and (_state(in_ref) > 0.01).all()
        assert (tg[tg["investor_id"].isin(ring)]["day"] < ref - 10).sum() >= 15 * len(ring)


def test_background_sellers_are_regular_and_one_off_traders_spread_evenly(market: dict, demo_truth: dict) -> None:
    """Realism that METHOD §1's significance test needs: most background investors who sell on
    net in the last window were net sellers in the 130 days before too (holders selling
    down, swing traders), and one-day traders show no excess in the last window."""
    tg, ls, ev = market["target"], market["last_start"], market["event"]
    planted = (set(demo_truth["hard_insiders"]) | set(demo_truth["soft_insiders"]) | set(demo_truth["decoys"])
               | set(demo_truth["managed_block"]) | set(itertools.chain(*demo_truth["benign_groups"])))
    bg = tg[~tg["investor_id"].isin(planted)]

    def net(lo: int, hi: int) -> pd.Series:
        part = bg[(bg["day"] >= lo) & (bg["day"] < hi)]
        return part.groupby("investor_id")["buy_value"].sum() - part.groupby("investor_id")["sell_value"].sum()

    last, before = net(ls, ev), net(ls - 130, ls)
    sellers = last.index[last < 0]
    assert len(sellers) >= 100
    assert before.reindex(sellers).lt(0).mean() > 0.5
    days = bg.groupby("investor_id")["day"].agg(["nunique", "min"])
    one = days[days["nunique"] == 1]["min"]
    assert len(one) >= 500
    assert ((one >= ls) & (one < ev)).mean() < 1.5 * 20 / market["dates"].size


def test_managed_block_is_synchronised_in_both_directions(market: dict, demo_truth: dict) -> None:
    tg, ref, ev = market["target"], market["ref"], market["event"]
    block = tg[tg["investor_id"].isin(demo_truth["managed_block"])]
    assert len(demo_truth["managed_block"]) >= 30
    states = _state(block)
    per = block.assign(r=states).groupby("investor_id")["r"]
    assert ((per.max() > 0.01) & (per.min() < -0.01)).all()      # each buys and sells
    in_ref = block[(block["day"] >= ref) & (block["day"] < ev)]
    assert abs(_state(in_ref).mean()) < 0.5                      # R_C far from the ring corner
    # synchronised: most members are active on the busiest block days, in one state per day
    counts = block.groupby("day")["investor_id"].nunique()
    busy = counts[counts >= 0.8 * len(demo_truth["managed_block"])].index
    assert len(busy) >= 25
    on_busy = block[block["day"].isin(busy)].assign(b=lambda f: _state(f) > 0)
    agree = on_busy.groupby("day")["b"].mean()
    assert ((agree > 0.95) | (agree < 0.05)).mean() > 0.9


def test_benign_groups_trade_together_in_mixed_directions(market: dict, demo_truth: dict) -> None:
    tg, ref, ev = market["target"], market["ref"], market["event"]
    days = {i: set(g["day"]) for i, g in tg.groupby("investor_id")}
    for group in demo_truth["benign_groups"]:
        assert all(len(days[a] & days[b]) >= 12 for a, b in itertools.combinations(group, 2))
        g = tg[tg["investor_id"].isin(group)]
        assert (_state(g) > 0).any() and (_state(g) < 0).any()
        in_ref = g[(g["day"] >= ref) & (g["day"] < ev)]
        assert _state(in_ref).mean() < 0.9


def test_informed_option_days_show_the_spike_inside_the_reference_period(raw: dict[str, pd.DataFrame], market: dict,
                                                                         demo_truth: dict) -> None:
    o = raw["options"].copy()
    o["volume"] = o["volume"].astype(float)
    o["open_interest"] = o["open_interest"].astype(float)
    o["dte"] = (pd.to_datetime(o["expiry"]) - pd.to_datetime(o["date"])).dt.days
    day = o.groupby("date").agg(v=("volume", "sum"), oi=("open_interest", "sum"))
    day["call"] = o[o["right"] == "C"].groupby("date")["volume"].sum()
    day["short"] = o[o["dte"] <= 7].groupby("date")["volume"].sum()
    dates = list(day.index)
    baseline = day["v"].shift(1).rolling(60, min_periods=10).mean()
    informed = demo_truth["informed_option_days"]
    assert len(informed) >= 3
    ref_date, ev_date = demo_truth["reference_start"], demo_truth["event_date"]
    iv_before = o[o["date"] < ref_date].groupby("date")["implied_vol"].apply(lambda v: v.astype(float).mean()).mean()
    for d in informed:
        assert ref_date <= d < ev_date
        row = day.loc[d]
        assert row["v"] >= 4 * baseline[d]
        assert row["v"] / row["oi"] > 5 and row["call"] / row["v"] > 0.8 and row["short"] / row["v"] > 0.6
        calls = o[(o["date"] == d) & (o["right"] == "C")]
        top = calls.groupby(["expiry", "strike"])["volume"].sum().nlargest(2)
        strikes = np.array([k[1] for k in top.index], dtype=float)
        under = float(calls["underlying_close"].astype(float).iloc[0])
        assert ((strikes / under > 1.02) & (strikes / under < 1.3)).all()   # OTM
        iv_day = o[o["date"] == d]["implied_vol"].astype(float).mean()
        assert iv_day > iv_before + 0.02                                     # IV up
    early = day.loc[[x for x in dates if x < ref_date]]
    assert not (early["v"] >= 4 * baseline[early.index]).any()           # no spike before Δ̄
    accounts = o[o["investor_id"].isin(demo_truth["options_informed_accounts"])]
    assert set(accounts["investor_id"]) == set(demo_truth["options_informed_accounts"])
    assert accounts["date"].isin(informed).all() and (accounts["right"] == "C").all()
    planted = set(demo_truth["hard_insiders"]) | set(itertools.chain(*demo_truth["rings"]))
    assert set(demo_truth["options_informed_accounts"]) <= planted


def test_filings_match_trades_and_some_fall_before_the_pse(raw: dict[str, pd.DataFrame], market: dict,
                                                            demo_truth: dict) -> None:
    f = raw["filings"]
    assert sorted(set(f["investor_id"])) == demo_truth["filings_investors"]
    tg = market["target"].set_index(["investor_id", "date"])
    for row in f.itertuples():
        traded = tg.loc[(row.investor_id, row.date)]
        assert (traded["buy_shares"] >= traded["sell_shares"]) == (row.transaction == "buy")
    window_start = market["dates"][market["last_start"]]
    close = f[(f["date"] >= window_start) & (f["date"] < demo_truth["event_date"])]
    insiders = set(demo_truth["hard_insiders"]) | set(demo_truth["soft_insiders"])
    assert len(close) >= 1 and set(close["investor_id"]) <= insiders


# --- options of the generator ----------------------------------------------------------------

def test_dense_block_adds_synchronised_accounts(demo_truth: dict) -> None:
    dense = generate_demo_market(seed=7, dense_block=60)
    assert len(dense.truth["managed_block"]) == len(demo_truth["managed_block"]) + 60
    assert len(dense.investors) == 3000 + 60
    t = dense.trades[dense.trades["investor_id"].isin(dense.truth["managed_block"])
                     & (dense.trades["stock"] == dense.truth["target_stock"])]
    per_day = t.groupby("date")["investor_id"].nunique()
    assert (per_day >= 0.8 * len(dense.truth["managed_block"])).sum() >= 25


def test_cli_writes_the_market_and_refuses_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from main import main
    out = tmp_path / "market"
    assert main(["demo-data", str(out), "--seed", "3"]) == 0
    assert json.loads((out / "truth.json").read_text(encoding="utf-8"))["seed"] == 3
    assert set(demo_paths(out)) == set(TABLE_NAMES)
    assert main(["demo-data", str(tmp_path / "x"), "--dense-block", "-1"]) == 2
    assert "dense-block" in capsys.readouterr().err
    clash = tmp_path / "file.txt"
    clash.write_text("x", encoding="utf-8")
    assert main(["demo-data", str(clash)]) == 2
    with pytest.raises(SystemExit):
        main(["demo-data", str(out), "--scale", "huge"])


@pytest.mark.slow
def test_ima_scale_has_the_reference_study_size() -> None:
    m = generate_demo_market(seed=7, scale="ima")
    t = m.trades
    target = t[t["stock"] == m.truth["target_stock"]]
    records = target.drop_duplicates(["investor_id", "date"])
    active = records.groupby("investor_id").size()
    dates = np.sort(target["date"].unique())
    assert dates.size == 541 and dates[0] == "2019-01-02" and dates[-1].startswith("2021-02")
    assert m.truth["event_date"].startswith("2020-07")
    assert 26_000 <= len(m.investors) <= 28_000 and active.size >= 26_000
    assert 190_000 <= len(records) <= 240_000
    assert 650_000 <= len(t) <= 800_000
    assert 4_000 <= (active >= 8).sum() <= 6_000


@pytest.mark.slow
def test_ima_scale_rewarding_cluster_is_anomalous(tmp_path: Path) -> None:
    """At the reference-study scale the k-means stage finds every planted insider and, as in
    the paper (86% vs 50%), the rewarding cluster is anomalous: the pooled one-sided Fisher
    test and every pairwise one reject at 5%."""
    from engine.ingest.load import read_case_tables
    from engine.kmeans.stage import run_kmeans
    from engine.params import KMeansParams
    paths = write_demo_market(tmp_path, seed=7, scale="ima")
    truth = json.loads(paths["truth"].read_text(encoding="utf-8"))
    tables = read_case_tables(demo_paths(tmp_path)).tables
    result = run_kmeans(tables, tables.event(None), KMeansParams())
    c = result.clusters
    assert c.anomalous and c.significance.anomalous_all_pairs
    assert c.shares[c.rewarding_cluster] > np.delete(c.shares, c.rewarding_cluster).mean() + 0.25
    kinds = {s.investor_id: s.discontinuity for s in result.suspects}
    assert all(kinds.get(i) == "hard" for i in truth["hard_insiders"])
    assert all(kinds.get(i) == "soft" for i in truth["soft_insiders"])
    assert not set(truth["decoys"]) & set(kinds)
