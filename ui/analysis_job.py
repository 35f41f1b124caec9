"""Worker jobs of the session: loading a case, and analysing it together with preparing
every view's data. They create no widget and import no GUI toolkit (only the engine; a test
checks it), so they run on a worker thread or in a child process alike; preparing the views
there too keeps that numpy/pandas work (seconds at the reference scale) from competing with
the GUI thread for the interpreter lock.

Work several consumers need is done once per result here: the target-stock panel (the
stages and the raster), both validated networks (the network view and expansion) and the
threshold marks (the threshold control). A re-validation keeps its base's networks and cuts:
both depend on the kept p-values only, which a re-validation does not change.

Importing this module imports the whole engine pipeline; ``ui.workers.prewarm`` uses that to
have a child process ready before the analysis starts.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any, Sequence

from engine.case.store import CaseStore
from engine.market.panel import TargetPanel
from engine.params import AnalysisParams
from engine.pipeline import analyze, checked_data_hash, revalidate_result
from engine.progress import Reporter
from engine.results import AnalysisResult
from engine.svn.neighbourhood import Exploration, Networks
from engine.svn.studies import ThresholdMarks, marks_after, threshold_marks
from engine.tables import CaseTables, Event
from engine.viewdata.inputs import ViewInputs
from engine.viewdata.registry import prepare_views

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedResult:
    """An analysis result with every view's prepared data and the work shared per result.

    ``networks`` answers expansion queries and ``marks`` places the threshold control; each
    is None when the result has no validated network to explore or mark.
    """

    result: AnalysisResult
    view_data: dict[str, Any] = field(default_factory=dict)
    view_errors: dict[str, str] = field(default_factory=dict)
    networks: Networks | None = None
    marks: ThresholdMarks | None = None


def _networks(result: AnalysisResult, base: Networks | None) -> Networks | None:
    if base is not None:     # re-validated: same kept p-values, so the same two networks
        return dataclasses.replace(base, result=result.svn)
    try:
        return Networks.build(result.svn)
    except Exception:  # no network to explore (e.g. nobody eligible): expansion is off
        log.warning("no validated network to explore", exc_info=True)
        return None


def _marks(result: AnalysisResult, base: ThresholdMarks | None) -> ThresholdMarks | None:
    try:
        if base is not None:
            return marks_after(base, result.svn)
        return threshold_marks(result.svn, result.params.svn)
    except Exception:
        log.warning("no threshold marks for this result", exc_info=True)
        return None


def prepare_all(result: AnalysisResult, tables: CaseTables, view_names: Sequence[str],
                exploration: Exploration | None = None, reporter: Reporter | None = None,
                panel: TargetPanel | None = None, base_marks: ThresholdMarks | None = None,
                base_networks: Networks | None = None) -> PreparedResult:
    """Every view's data, the networks for expansion and the threshold marks (carried over
    from the ``base_*`` of a re-validated result); a view whose preparation fails is
    reported, the others shown."""
    networks = _networks(result, base_networks)
    inputs = ViewInputs(result=result, tables=tables, exploration=exploration, networks=networks,
                        panel=panel if panel is not None else TargetPanel.build(tables, result.event.stock))
    data, errors = prepare_views(inputs, view_names, reporter)
    return PreparedResult(result=result, view_data=data, view_errors=errors, networks=networks,
                          marks=_marks(result, base_marks))


def analysis_job(case_path: str, tables: CaseTables | None, event: Event, params: AnalysisParams,
                 use_cache: bool, view_names: Sequence[str], exploration: Exploration,
                 reporter: Reporter) -> PreparedResult:
    """Analyse (or fetch the cached result) with a store opened in this thread or process,
    then prepare every view's data. A child process gets ``tables`` None and reads them from
    the case itself: pickling them in the GUI process (69 MB at the reference scale) held its
    interpreter lock ~80 ms CPU in one call."""
    with CaseStore.open(case_path) as store:
        tables = tables if tables is not None else store.tables()
        panel = TargetPanel.build(tables, event.stock)
        result = analyze(tables, event, params, reporter=reporter, store=store, use_cache=use_cache, panel=panel)
    return prepare_all(result, tables, view_names, exploration, reporter, panel=panel)


def revalidation_job(case_path: str, result: AnalysisResult, tables: CaseTables | None, correction: str,
                     threshold: float | None, view_names: Sequence[str], exploration: Exploration,
                     base_marks: ThresholdMarks | None, base_networks: Networks | None,
                     reporter: Reporter) -> PreparedResult:
    """Re-validate and re-cluster ``result`` under another correction or threshold, cache it
    in the case (logged there as an analysis with its parameters), then prepare the views;
    the Bonferroni/FDR networks and cuts do not depend on the threshold, so the base's are kept.
    A child process reads ``tables`` (None) from the case, as ``analysis_job`` does."""
    with CaseStore.open(case_path) as store:
        tables = tables if tables is not None else store.tables()
        new = revalidate_result(result, tables, correction, threshold, reporter, store=store)
    reporter.stage("Preparing the views")
    return prepare_all(new, tables, view_names, exploration, reporter, base_marks=base_marks,
                       base_networks=base_networks)


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
        data_hash = checked_data_hash(store)   # first: the tables handed on are the ones it hashed
        return LoadedCase(tables=store.tables(), data_hash=data_hash)
