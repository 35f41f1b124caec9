"""Worker jobs of the session: loading a case, and analysing it together with preparing
every view's data. They create no widget, so they run on a worker thread or in a child
process alike; preparing the views there too keeps that numpy/pandas work (seconds at the
reference scale) from competing with the GUI thread for the interpreter lock.

Importing this module imports the whole engine pipeline; ``ui.workers.prewarm`` uses that to
have a child process ready before the analysis starts.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from engine.case.store import CaseStore
from engine.svn.neighbourhood import Exploration, Networks
from engine.params import AnalysisParams
from engine.pipeline import analyze, checked_data_hash, revalidate_result
from engine.progress import Reporter
from engine.tables import CaseTables, Event
from views.base import ViewInputs

log = logging.getLogger(__name__)

Preparer = Callable[[ViewInputs], Any]


@dataclass(frozen=True)
class PreparedResult:
    """An analysis result with every view's prepared data.

    ``networks`` (``engine.svn.neighbourhood.Networks``) answers expansion queries; None when
    the result has no validated network to explore.
    """

    result: Any
    view_data: dict[str, Any] = field(default_factory=dict)
    view_errors: dict[str, str] = field(default_factory=dict)
    networks: Any = None


def prepare_all(result: Any, tables: CaseTables, preparers: Mapping[str, Preparer],
                exploration: Exploration | None = None,
                reporter: Reporter | None = None) -> PreparedResult:
    """Every view's data and the networks for expansion; a view whose preparation fails
    is reported, the others shown."""
    inputs = ViewInputs(result=result, tables=tables, exploration=exploration)
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, prepare in preparers.items():
        if reporter is not None:
            reporter.check()
        try:
            data[name] = prepare(inputs)
        except Exception as exc:  # one broken view must not hide the others
            log.error("preparing view %s failed", name, exc_info=True)
            errors[name] = f"{exc.__class__.__name__}: {exc}"
    try:
        networks = Networks.build(result.svn)
    except Exception:  # no network to explore (e.g. nobody eligible): expansion is off
        log.warning("no validated network to explore", exc_info=True)
        networks = None
    return PreparedResult(result=result, view_data=data, view_errors=errors, networks=networks)


def analysis_job(case_path: str, tables: CaseTables, event: Event, params: AnalysisParams,
                 use_cache: bool, preparers: Mapping[str, Preparer], exploration: Exploration,
                 reporter: Reporter) -> PreparedResult:
    """Analyse (or fetch the cached result) with a store opened in this thread or process,
    then prepare every view's data."""
    with CaseStore.open(case_path) as store:
        result = analyze(tables, event, params, reporter=reporter, store=store, use_cache=use_cache)
    return prepare_all(result, tables, preparers, exploration, reporter)


def revalidation_job(case_path: str, result: Any, tables: CaseTables, correction: str,
                     threshold: float | None, preparers: Mapping[str, Preparer],
                     exploration: Exploration, reporter: Reporter) -> PreparedResult:
    """Re-validate and re-cluster ``result`` under another correction or threshold, cache it
    in the case (logged there as an analysis with its parameters), then prepare the views."""
    with CaseStore.open(case_path) as store:
        new = revalidate_result(result, tables, correction, threshold, reporter, store=store)
    return prepare_all(new, tables, preparers, exploration, reporter)


@dataclass(frozen=True)
class LoadedCase:
    """The tables and data hash of a case, read on the worker."""

    tables: CaseTables
    data_hash: str


def load_case_job(case_path: str, reporter: Reporter) -> LoadedCase:
    """Read a case's tables (about a second at the reference scale) off the GUI thread."""
    reporter.plan([("Reading the case tables", 1.0)])
    reporter.stage("Reading the case tables")
    with CaseStore.open(case_path) as store:
        return LoadedCase(tables=store.tables(), data_hash=checked_data_hash(store))
