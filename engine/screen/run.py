"""Screen the events of a case: cached runs reused, the rest as Dask tasks, results cached, ranked."""
from __future__ import annotations

from dataclasses import dataclass

from engine.params import AnalysisParams
from engine.pipeline import cache_result, cached_result, checked_data_hash
from engine.placebo.cache import cached_placebo, store_placebo
from engine.progress import Reporter
from engine.screen.rank import ScreenEntry, event_entry, failed_entry, rank_entries
from engine.screen.task import EventRun, ScreenInputs, screen_event
from engine.tables import CaseTables
from engine.tasks.runner import Outcome, RunnerSpec, TaskListener, run_tasks


@dataclass(frozen=True)
class ScreenReport:
    """The ranked entries and every task outcome (where each event ran)."""

    entries: list[ScreenEntry]
    outcomes: list[Outcome]

    @property
    def failed(self) -> bool:
        return any(e.error for e in self.entries)


def _cached_run(store, data_hash: str, tables: CaseTables, event_id: str, params: AnalysisParams) -> EventRun | None:
    event = tables.event(event_id)
    base = cached_result(store, event, params, data_hash)
    placebo = cached_placebo(store, data_hash, event, params) if base is not None else None
    return EventRun(analysis=base, placebo=placebo) if base is not None and placebo is not None else None


def screen(store, tables: CaseTables, params: AnalysisParams, event_ids: list[str] | None = None,
           spec: RunnerSpec | None = None, reporter: Reporter | None = None,
           listener: TaskListener | None = None, use_cache: bool = True) -> ScreenReport:
    """Analyse and placebo-test every event (or ``event_ids``), caching each in the case."""
    data_hash = checked_data_hash(store)
    ids = event_ids if event_ids else [e.event_id for e in tables.event_list()]
    for event_id in ids:
        tables.event(event_id)   # an unknown id is a usage error before any work
    runs: dict[str, EventRun] = {}
    if use_cache:
        for event_id in ids:
            hit = _cached_run(store, data_hash, tables, event_id, params)
            if hit is not None:
                runs[event_id] = hit
    todo = [i for i in ids if i not in runs]
    outcomes = run_tasks(screen_event, ScreenInputs(tables, params, data_hash), todo, todo,
                         spec, reporter, listener) if todo else []
    errors: dict[str, str] = {}
    for outcome in outcomes:
        event_id = todo[outcome.index]
        if not outcome.ok:
            errors[event_id] = outcome.error
            continue
        run: EventRun = outcome.value
        cache_result(store, run.analysis)
        store_placebo(store, data_hash, run.analysis.event, params, run.placebo)
        runs[event_id] = run
    entries = [failed_entry(i, errors[i]) if i in errors else
               event_entry(i, runs[i].analysis, runs[i].placebo) for i in ids]
    return ScreenReport(entries=rank_entries(entries), outcomes=outcomes)
