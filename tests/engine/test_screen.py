"""`screen` on a demo case with decoy events on other stocks and one event that cannot be analysed.

Oracles: the planted event is the only one with insiders, so it ranks first; the bad event's
error is reported and the others complete (exit 1 after writing); the same screen through a
real distributed cluster on 127.0.0.1 (scheduler + 2 worker processes) writes the same bytes,
and its progress lines name those workers.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from engine.demo.generate import demo_paths, write_demo_market
from engine.ingest.importer import import_case
from main import main

DECOY_STOCKS = ("ACR", "BLV")
BAD_EVENT = "BAD-EARLY"
PLACEBO = "19"


@pytest.fixture(scope="module")
def screen_case(tmp_path_factory) -> Path:
    """The 'long' demo market plus decoy events on two other stocks and an event too early to analyse."""
    root = tmp_path_factory.mktemp("screen_market")
    write_demo_market(root, seed=7, scale="long")
    events = pd.read_csv(root / "events.csv", dtype=str)
    real = events.iloc[0]
    trades = pd.read_csv(root / "trades.csv", dtype={"investor_id": str}, usecols=["stock", "date"])
    rows = [{**real.to_dict(), "event_id": f"DECOY-{s}", "stock": s, "offer_price": "",
             "description": f"decoy event on {s}"} for s in DECOY_STOCKS]
    days = sorted(trades.loc[trades["stock"] == "CTN", "date"].unique())
    rows.append({**real.to_dict(), "event_id": BAD_EVENT, "stock": "CTN", "event_date": days[10],
                 "reference_start": days[2], "offer_price": "", "description": "too early for a window"})
    pd.concat([events, pd.DataFrame(rows)]).to_csv(root / "events.csv", index=False)
    return import_case(demo_paths(root), root / "screen.itcase") and root / "screen.itcase"


@pytest.fixture(scope="module")
def local_run(screen_case, tmp_path_factory):
    out = tmp_path_factory.mktemp("screen_local")
    code = main(["screen", str(screen_case), "--placebo", PLACEBO, "--workers", "2", "--quiet",
                 "--json", str(out / "s.json"), "--csv", str(out / "s.csv")])
    return code, out


def test_a_failed_event_is_reported_and_the_others_complete(local_run):
    code, out = local_run
    assert code == 1                                   # one event failed, the rest were written
    events = json.loads((out / "s.json").read_text())["events"]
    assert [e["rank"] for e in events] == [1, 2, 3, None]
    assert all(e["n_used"] == int(PLACEBO) and e["evidence"] for e in events[:3])
    bad = events[-1]
    assert bad["event_id"] == BAD_EVENT and "window needs 20" in bad["error"]
    csv = pd.read_csv(out / "s.csv", dtype=str, keep_default_na=False)
    assert csv["event_id"].tolist() == [e["event_id"] for e in events]


def test_the_real_event_ranks_first(local_run):
    _, out = local_run
    events = json.loads((out / "s.json").read_text())["events"]
    assert events[0]["event_id"].startswith("TKO-")


def test_every_screened_event_is_cached_in_the_case(screen_case, local_run):
    from engine.case.store import CaseStore
    from engine.params import AnalysisParams
    from engine.pipeline import cached_result
    from engine.placebo.cache import cached_placebo
    from engine.screen.run import screen
    from engine.tasks.runner import RunnerSpec
    params = AnalysisParams().replace("placebo", n=int(PLACEBO))
    with CaseStore.open(screen_case, read_only=True) as store:
        tables = store.tables()
        data_hash = store.stored_data_hash()
        for event in tables.event_list():
            cached = cached_result(store, event, params, data_hash) is not None
            assert cached == (event.event_id != BAD_EVENT)
            assert (cached_placebo(store, data_hash, event, params) is not None) == cached
        # a second screen of a cached event runs no task at all (the scheduler given is unreachable)
        again = screen(store, tables, params, ["DECOY-ACR"], RunnerSpec(scheduler="tcp://127.0.0.1:9"))
    assert again.outcomes == [] and again.entries[0].rank == 1 and again.entries[0].n_used == int(PLACEBO)


def test_an_unreachable_scheduler_exits_1_before_any_work(screen_case, local_run, tmp_path, capsys):
    code = main(["screen", str(screen_case), "--placebo", PLACEBO, "--events", "DECOY-ACR",
                 "--scheduler", "tcp://127.0.0.1:9", "--json", str(tmp_path / "again.json")])
    assert code == 1 and "cannot reach the Dask scheduler" in capsys.readouterr().err
    assert not (tmp_path / "again.json").exists()


@pytest.fixture(scope="module")
def cluster():
    """A real distributed cluster on 127.0.0.1: a scheduler and two worker processes."""
    from distributed import LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as c:
        yield c


def test_screen_on_a_cluster_writes_the_same_bytes_on_its_workers(screen_case, local_run, cluster, tmp_path, capsys):
    code, out = local_run
    remote = tmp_path / "remote.json"
    capsys.readouterr()
    code_remote = main(["screen", str(screen_case), "--placebo", PLACEBO, "--no-cache",
                        "--scheduler", cluster.scheduler_address, "--json", str(remote)])
    err = capsys.readouterr().err
    assert code_remote == code == 1
    assert remote.read_bytes() == (out / "s.json").read_bytes()
    where = set(re.findall(r"\[(tcp://[^\]]+)\]", err))
    assert where and where <= set(cluster.scheduler_info["workers"])
    assert f"{BAD_EVENT} FAILED (attempt 2)" in err
