"""One screened event: its plain analysis and its placebo test, a pure function of shared inputs.

The pseudo-events run inline inside the task (one level of parallelism: a task never starts a
pool); the main process caches what comes back in the case file.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.params import AnalysisParams
from engine.pipeline import plain_params, run_stages
from engine.placebo.stage import PlaceboResult, run_placebo
from engine.results import AnalysisResult
from engine.tables import CaseTables
from engine.tasks.runner import RunnerSpec


@dataclass(frozen=True)
class ScreenInputs:
    """What every event task shares (sent once per worker on a cluster)."""

    tables: CaseTables
    params: AnalysisParams           # placebo section included
    data_hash: str


@dataclass(frozen=True)
class EventRun:
    """An event's analysis and placebo test."""

    analysis: AnalysisResult
    placebo: PlaceboResult


def screen_event(inputs: ScreenInputs, event_id: str) -> EventRun:
    """Analyse one event and run its placebo test, pseudo-events one after another."""
    event = inputs.tables.event(event_id)
    base = run_stages(inputs.tables, event, plain_params(inputs.params), inputs.data_hash)
    placebo = run_placebo(inputs.tables, event, inputs.params, base, RunnerSpec(inline=True))
    return EventRun(analysis=base, placebo=placebo)
