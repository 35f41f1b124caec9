"""Worker-thread jobs of the placebo test and of screening (METHOD §5, §6), Qt-free.

They run on a thread of the GUI process (its analysis child is a daemon process and may not
start the Dask workers), each with its own handle on the case file, and send their Dask tasks
to the worker processes the window owns (``spec.pool``). What the views show is prepared here
too, so the GUI thread only hands it over.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from engine.case.store import CaseStore
from engine.errors import UsageError
from engine.market.panel import TargetPanel
from engine.params import AnalysisParams
from engine.placebo.cache import cached_placebo, store_placebo
from engine.placebo.stage import PlaceboResult, comparison_k, run_placebo
from engine.progress import Reporter
from engine.results import AnalysisResult
from engine.screen.rank import ScreenEntry
from engine.screen.run import screen
from engine.tables import CaseTables, Event
from engine.tasks.runner import Outcome, RunnerSpec, TaskListener, run_tasks
from engine.viewdata.inputs import ViewInputs
from engine.viewdata.placebo import placebo_view_data
from engine.viewdata.registry import view_data

#: views whose data changes with the placebo test (besides the placebo view's own)
PLACEBO_VIEWS: tuple[str, ...] = ("suspects", "rings")

Notify = Callable[[str], None]


@dataclass(frozen=True)
class PlaceboShown:
    """A placebo result, the result it belongs to and the data of every view it changes."""

    base: AnalysisResult
    placebo: PlaceboResult
    view_data: dict[str, Any]


def task_listener(what: str, notify: Notify) -> TaskListener:
    """Say each finished task in one line: '<what> 7 of 20: TKO 2019-03-02 done (pid 123)'."""
    def listener(outcome: Outcome, done: int, total: int) -> None:
        state = "done" if outcome.ok else f"FAILED (attempt {outcome.attempts}): {outcome.error}"
        notify(f"{what} {done} of {total}: {outcome.label} {state} ({outcome.where})")
    return listener


def placebo_params(result: AnalysisResult, wanted: AnalysisParams, default_n: int) -> AnalysisParams:
    """The shown result's settings with the placebo section asked for (``default_n`` pseudo-events
    when the settings say 0), so the test belongs to the result on screen."""
    section = wanted.placebo
    return result.params.replace("placebo", n=section.n or default_n, windows=section.windows,
                                 min_distance=section.min_distance, spacing=section.spacing)


def _prepare_task(shared: tuple[str, AnalysisParams], event: Event) -> tuple[TargetPanel, int]:
    case_path, params = shared
    with CaseStore.open(case_path, read_only=True) as store:
        tables = store.tables()
    panel = TargetPanel.build(tables, event.stock)
    return panel, comparison_k(tables, event, params, panel)


def prepared_on_pool(case_path: str, event: Event, params: AnalysisParams, spec: RunnerSpec,
                     reporter: Reporter) -> tuple[TargetPanel, AnalysisParams]:
    """The target-stock panel and ``params`` with the comparison run's K fixed
    (``engine.placebo.stage.comparison_k``), made by a task on the pool that reads the case
    itself: neither the panel (pandas), the K scan nor pickling the tables runs in the GUI
    process, where they held its interpreter lock (and a large scan forks). The placebo result
    is the same as with K left to the scan."""
    outcome = run_tasks(_prepare_task, (case_path, params), [event], [f"{event.event_id} panel and K"], spec,
                        reporter)[0]
    if not outcome.ok:
        raise UsageError(f"the placebo comparison run could not be prepared: {outcome.error}")
    panel, k = outcome.value
    return panel, params.replace("kmeans", k=int(k))


def placebo_job(case_path: str, tables: CaseTables, base: AnalysisResult, params: AnalysisParams,
                spec: RunnerSpec, notify: Notify, reporter: Reporter) -> PlaceboShown:
    """The cached placebo test of ``base``, or run it on ``spec``'s workers and cache it under the
    settings asked for (a read-only case is not written); then the data of the views it changes."""
    reporter.stage("Placebo test")
    with CaseStore.open(case_path) as store:
        placebo = cached_placebo(store, base.data_hash, base.event, params)
        if placebo is None:
            reporter.stage("Placebo test: the event's panel and K")
            panel, fixed = prepared_on_pool(case_path, base.event, params, spec, reporter)
            reporter.stage("Placebo test: ordinary days")
            placebo = run_placebo(tables, base.event, fixed, base, spec, reporter,
                                  task_listener("Placebo test: day", notify), panel=panel)
            if not store.read_only:
                store_placebo(store, base.data_hash, base.event, params, placebo)
    inputs = ViewInputs(result=base, tables=tables, placebo=placebo)
    data = {name: view_data(name, inputs) for name in PLACEBO_VIEWS}
    data["placebo"] = placebo_view_data(base, placebo)
    return PlaceboShown(base=base, placebo=placebo, view_data=data)


def screen_job(case_path: str, tables: CaseTables, params: AnalysisParams, spec: RunnerSpec, notify: Notify,
               reporter: Reporter) -> list[ScreenEntry]:
    """Screen every event of the case whose ``tables`` the window holds (cached ones reused;
    every one cached in the case)."""
    reporter.stage("Screening the events")
    with CaseStore.open(case_path) as store:
        return screen(store, tables, params, None, spec, reporter, task_listener("Screening: event", notify)).entries
