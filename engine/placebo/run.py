"""The placebo test of an analysed event, cached in the case, and its place in the JSON document."""
from __future__ import annotations

from typing import Any

from engine.params import AnalysisParams
from engine.placebo.cache import cached_placebo, store_placebo
from engine.placebo.stage import PlaceboResult, placebo_section, run_placebo
from engine.progress import Reporter
from engine.results import AnalysisResult
from engine.tables import CaseTables
from engine.tasks.runner import RunnerSpec, TaskListener


def placebo_for(tables: CaseTables, base: AnalysisResult, params: AnalysisParams, store=None,
                spec: RunnerSpec | None = None, reporter: Reporter | None = None,
                listener: TaskListener | None = None, use_cache: bool = True) -> PlaceboResult:
    """The placebo test of ``base``'s event under ``params`` (cached one, or run and cached)."""
    if store is not None and use_cache:
        hit = cached_placebo(store, base.data_hash, base.event, params)
        if hit is not None:
            return hit
    result = run_placebo(tables, base.event, params, base, spec, reporter, listener)
    if store is not None:
        store_placebo(store, base.data_hash, base.event, params, result)
    return result


def attach_placebo(document: dict[str, Any], params: AnalysisParams, result: PlaceboResult) -> None:
    """Add the ``placebo`` section; the parameters shown are then the full ones, placebo included."""
    document["case"]["parameters"] = params.to_dict()
    document["case"]["parameters_hash"] = params.hash()
    document["placebo"] = placebo_section(result)
