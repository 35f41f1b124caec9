"""Worker jobs of the session (loading a case, analysing it): Qt-free, so a child process
can import them quickly.

Importing this module imports the whole engine pipeline; ``ui.workers.prewarm`` uses that to
have a child process ready before the analysis starts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.case_store import CaseStore
from engine.params import AnalysisParams
from engine.pipeline import analyze
from engine.progress import Reporter
from engine.tables import CaseTables, Event


def analysis_job(case_path: str, tables: CaseTables, event: Event, params: AnalysisParams,
                 use_cache: bool, reporter: Reporter) -> Any:
    """Analyse (or fetch the cached result) with a store opened in this thread or process."""
    store = CaseStore.open(case_path)
    try:
        return analyze(tables, event, params, reporter=reporter, store=store, use_cache=use_cache)
    finally:
        store.close()


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
        return LoadedCase(tables=store.tables(), data_hash=store.stored_data_hash())
