"""The analysis as a worker job: Qt-free, so a child process can import it quickly.

Importing this module imports the whole engine pipeline; ``ui.workers.prewarm`` uses that to
have a child process ready before the analysis starts.
"""
from __future__ import annotations

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
