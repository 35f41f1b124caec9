"""The pipeline: one entry point, cached by data + params + event, cancellable, deterministic."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from engine import serialize
from engine.case.store import CaseStore
from engine.errors import Cancelled
from engine.forked import Forked
from engine.params import AnalysisParams
from engine.pipeline import STAGES, analyze, cache_key, cached_result, run_stages
from engine.progress import Reporter
from engine.results import AnalysisResult, result_json


@pytest.fixture()
def case(demo_case_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "case.itcase"
    shutil.copy(demo_case_path, target)
    return target


def test_fresh_run_is_cached_logged_and_reused(case: Path) -> None:
    params = AnalysisParams()
    with CaseStore.open(case) as store:
        tables = store.tables()
        event = tables.event(None)
        assert cached_result(store, event, params) is None
        seen: list[str] = []
        first = analyze(tables, event, params, Reporter(lambda s, f: seen.append(s)), store=store)
        assert [s for s, _ in STAGES] == list(dict.fromkeys(seen))
        actions = [e.action for e in store.audit_entries()]
        assert actions.count("analysis") == 1
    with CaseStore.open(case) as store:
        hit = cached_result(store, event, params)
        assert hit is not None
        assert serialize.dumps(hit) == serialize.dumps(first)
        again = analyze(tables, event, params, store=store)
        assert [e.action for e in store.audit_entries()].count("analysis") == 1  # served from the cache
        assert serialize.dumps(again) == serialize.dumps(first)
        other = params.replace("kmeans", k=4)
        assert cache_key(store.stored_data_hash(), event, other) != cache_key(store.stored_data_hash(), event, params)
        assert cached_result(store, event, other) is None


def test_two_fresh_runs_give_identical_json(demo_tables) -> None:
    event = demo_tables.event(None)
    docs = [json.dumps(result_json(run_stages(demo_tables, event, AnalysisParams(), "h")), allow_nan=False)
            for _ in range(2)]
    assert docs[0] == docs[1]


def test_result_round_trips_through_the_safe_codec(demo_tables) -> None:
    result = run_stages(demo_tables, demo_tables.event(None), AnalysisParams(), "h")
    payload = serialize.dumps(result)
    back = serialize.loads(AnalysisResult, payload)
    assert serialize.dumps(back) == payload
    assert result_json(back) == result_json(result)


def test_cancel_stops_the_run_and_caches_nothing(case: Path) -> None:
    cancel = threading.Event()

    def on_progress(stage: str, fraction: float) -> None:
        if stage == STAGES[1][0]:
            cancel.set()   # the user presses Cancel as the k-means stage starts

    with CaseStore.open(case) as store:
        tables = store.tables()
        event = tables.event(None)
        with pytest.raises(Cancelled):
            analyze(tables, event, AnalysisParams(), Reporter(on_progress, cancel), store=store)
        assert cached_result(store, event, AnalysisParams()) is None
        assert "analysis" not in [e.action for e in store.audit_entries()]


@pytest.mark.parametrize("correction, threshold", [("fdr", None), ("threshold", 1e-6)])
def test_revalidation_equals_a_fresh_run_with_that_correction(demo_tables, correction, threshold) -> None:
    from engine.pipeline import revalidate_result
    event = demo_tables.event(None)
    base = run_stages(demo_tables, event, AnalysisParams(), "h")
    changed = revalidate_result(base, demo_tables, correction, threshold)
    fresh = run_stages(demo_tables, event, AnalysisParams().replace("svn", correction=correction,
                                                                     threshold=threshold), "h")
    assert changed.params == fresh.params
    assert result_json(changed) == result_json(fresh)
    assert result_json(changed)["svn"]["correction"] == correction


def test_analysis_refuses_tables_changed_after_import(analysed_case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A cached result or a fresh one is never reported for data that is not what was imported."""
    import pyarrow as pa

    from main import main
    from tests.engine.test_audit import _rewrite_trades

    def one_more_share(table: pa.Table) -> pa.Table:
        values = table.column("buy_shares").to_pylist()
        values[3] += 1.0
        return table.set_column(table.column_names.index("buy_shares"), "buy_shares", pa.array(values))

    _rewrite_trades(analysed_case, one_more_share)
    for extra in ([], ["--no-cache"]):
        assert main(["analyze", str(analysed_case), "--quiet", *extra]) == 2
        assert "changed after import" in capsys.readouterr().err


def test_cached_and_fresh_runs_print_the_same_json(analysed_case: Path) -> None:
    with CaseStore.open(analysed_case) as store:
        tables = store.tables()
        event = tables.event(None)
        cached = analyze(tables, event, AnalysisParams(), store=store)
        fresh = analyze(tables, event, AnalysisParams(), store=store, use_cache=False)
        texts = [json.dumps(result_json(r, store.file_hashes(), store.file_names()), allow_nan=False)
                 for r in (cached, fresh)]
    assert texts[0] == texts[1]


def test_work_in_forked_children_gives_the_same_json(analysed_case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.forked
    import engine.kmeans.stage
    import engine.pipeline
    forks: list[object] = []
    monkeypatch.setattr(engine.forked, "MIN_RECORDS", 0)     # the demo is too small to fork by itself
    monkeypatch.setattr(engine.forked, "cores", lambda: 2)
    for module in (engine.pipeline, engine.kmeans.stage):
        monkeypatch.setattr(module, "Forked", lambda fn: forks.append(fn) or Forked(fn))
    seen: list[str] = []
    with CaseStore.open(analysed_case, read_only=True) as store:
        tables = store.tables()
        event = tables.event(None)
        alone = cached_result(store, event, AnalysisParams())      # computed in one process
        beside = run_stages(tables, event, AnalysisParams(), store.stored_data_hash(),
                            Reporter(lambda s, f: seen.append(s)))
    assert alone is not None and len(forks) == 2    # the network stage and the baselines' series forked
    assert json.dumps(result_json(beside), allow_nan=False) == json.dumps(result_json(alone), allow_nan=False)
    assert [s for s, _ in STAGES] == list(dict.fromkeys(seen))


_OTHER_STAGES = ("sklearn", "scipy.stats", "scipy.optimize", "engine.kmeans", "engine.options",
                 "engine.triage", "engine.results")


def _fresh_analyze(code: str) -> list[str]:
    """The lines ``code`` prints in a fresh interpreter that has set up the analyze command."""
    script = "import sys, main\nmain.build_parser(['analyze', 'CASE'])\n" + code
    root = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                          check=True).stdout.splitlines()


def test_analyze_reaches_the_network_fork_without_the_other_stages_libraries() -> None:
    """The command, the case store, the panel and the pipeline load without scikit-learn, scipy's
    stats/optimize/sparse or any stage module: the other stages' imports overlap the forked network
    stage (engine/pipeline.py), so a top-level import anywhere on the way puts them back in front."""
    early = _OTHER_STAGES + ("scipy.sparse", "scipy.special", "engine.svn")
    assert _fresh_analyze("import engine.pipeline, engine.market.panel, engine.case.store\n"
                          f"print(','.join(m for m in sys.modules if m.startswith({early!r})))\n") == [""]


def test_the_network_child_inherits_its_stage_modules_and_no_others() -> None:
    """The network stage's modules are imported once, just before its child forks: the child
    inherits them and this process needs them later anyway (imported in both, they cost 0.25 s
    of CPU beside the k-means); the other stages' modules are not loaded yet."""
    assert _fresh_analyze(
        "import engine.pipeline as pipeline\n"
        "def forked(fn):\n"
        "    print(*(name in sys.modules for name in ('engine.svn.stage', 'scipy.sparse', 'scipy.special')))\n"
        f"    print(','.join(m for m in sys.modules if m.startswith({_OTHER_STAGES!r})))\n"
        "pipeline.Forked = forked\n"
        "pipeline._fork_network(None, None, None, None)\n") == ["True True True", ""]
