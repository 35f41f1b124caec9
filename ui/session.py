"""The open case, its event, settings and latest result, and the analysis task.

``Session`` is GUI state, not analytics: it opens the ``CaseStore``, hands immutable
inputs to the ``TaskRunner`` (which runs ``engine.pipeline.analyze`` and prepares each
view's data off the GUI thread) and announces what changed with signals.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QObject, Signal, Slot

from engine.case.store import CaseStore
from engine.errors import UsageError
from engine.svn.neighbourhood import Exploration, expand
from engine.param_check import params_from_json_text, with_drafter
from engine.params import AnalysisParams
from engine.results import AnalysisResult
from engine.tables import CaseTables, Event
from ui.analysis_job import LoadedCase, PreparedResult, analysis_job, load_case_job, revalidation_job
from ui.settings import Settings
from ui.workers import Job, TaskRunner, prewarm

__all__ = ["CaseInfo", "PreparedResult", "Session"]

PARAMS_SETTING = "analysis_params"   # case setting: the parameters last used
EXPLORATION_SLOT = "all"             # explorations are saved per event, whatever the correction

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class CaseInfo:
    """What the window shows about the open case."""

    path: Path
    name: str
    data_hash: str
    events: tuple[Event, ...]
    read_only: bool = False


class Session(QObject):
    """Owns the open case and the analysis runs; the single place the GUI changes them."""

    case_opened = Signal(object)          # CaseInfo
    case_closing = Signal()               # the store is still open (last chance to save view state)
    case_closed = Signal()
    event_changed = Signal(object)        # Event
    analysis_started = Signal()
    analysis_progress = Signal(str, float)
    analysis_finished = Signal(str)       # "done", "cancelled" or "failed"
    result_ready = Signal(object)         # PreparedResult
    result_cleared = Signal()
    case_loading = Signal(object)         # Path: the store opened, tables loading
    task_failed = Signal(str, object)     # what failed (a dialog title), exception
    exploration_changed = Signal(object)  # Exploration

    def __init__(self, view_names: Sequence[str] = (), in_process: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = TaskRunner(self)
        #: views whose data the analysis job prepares (``engine.viewdata.registry`` names)
        self.view_names: tuple[str, ...] = tuple(view_names)
        self._in_process = False
        self.store: CaseStore | None = None
        self.info: CaseInfo | None = None
        self.tables: CaseTables | None = None
        self.event: Event | None = None
        self.params = AnalysisParams()
        self.prepared: PreparedResult | None = None
        self.exploration = Exploration()
        self._task_kind = ""
        self._progress_prefix = ""   # names a re-validation in its progress messages
        self.runner.progress.connect(self._on_progress)
        self.runner.succeeded.connect(self._on_succeeded)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self.in_process = in_process

    @property
    def in_process(self) -> bool:
        """Whether analyses run in a child process (Infomap holds the interpreter lock)."""
        return self._in_process

    @in_process.setter
    def in_process(self, value: bool) -> None:
        self._in_process = value
        if value:
            prewarm(analysis_job)

    # -- case -----------------------------------------------------------------------------
    def open_case(self, path: str | Path) -> None:
        """Open a case file: a file that is not a case raises ``CaseFileError`` at once;
        the tables load and the case verifies on the worker (in the child process with
        ``in_process``), then ``case_opened`` fires."""
        store = CaseStore.open(path)
        self.close_case()
        self.store = store
        # in the analysis child when analyses run there: verifying the case (its data hash
        # recomputed) held this process's interpreter lock up to 250 ms at a time, 5 s in all
        self._start("open", Job(load_case_job, (str(path),), in_process=self._in_process, name="open"))
        self.case_loading.emit(Path(path))

    def _finish_open(self, loaded: LoadedCase) -> None:
        assert self.store is not None
        path = Path(self.store.path)
        self.tables = loaded.tables
        self.params = self._saved_params()
        self.info = CaseInfo(path=path, name=path.stem, data_hash=loaded.data_hash,
                             events=tuple(loaded.tables.event_list()),
                             read_only=bool(getattr(self.store, "read_only", False)))
        self.case_opened.emit(self.info)

    def close_case(self) -> None:
        """Cancel work, forget the result and close the store."""
        if self.store is None:
            return
        self.case_closing.emit()
        self.runner.cancel()
        self._clear_result()
        store, self.store = self.store, None
        self.tables = self.info = self.event = None
        store.close()
        self.case_closed.emit()

    def set_event(self, event_id: str) -> Event:
        """Choose the case's event to analyse (results are per event)."""
        if self.info is None:
            raise RuntimeError("no case is open")
        event = next(e for e in self.info.events if e.event_id == event_id)
        if event != self.event:
            self.runner.cancel()
            self._clear_result()
            self.event = event
            self.event_changed.emit(event)
        return event

    # -- analysis -------------------------------------------------------------------------
    def run_analysis(self, params: AnalysisParams | None = None, use_cache: bool = True) -> int:
        """Analyse the current event (with ``use_cache``, a stored result comes back at
        once); returns the task generation."""
        if self.info is None or self.event is None or self.tables is None:
            raise RuntimeError("open a case and choose an event first")
        if params is not None and params != self.params:
            self.params = params
            self._save_params()
        self.exploration = self._load_exploration()
        job = Job(fn=analysis_job, args=(str(self.info.path), self._tables_for_job(), self.event, self.params, use_cache,
                                         self.view_names, self.exploration),
                  in_process=self._in_process, name="analysis")
        self._progress_prefix = ""
        generation = self._start("analysis", job)
        self.analysis_started.emit()
        return generation

    def revalidate(self, correction: str, threshold: float | None = None) -> int:
        """Re-validate and re-cluster the shown result under another correction or p-value
        threshold (no tail recomputed) in the worker, and remember the setting for the case.
        Returns the task generation; a newer request supersedes (discards) this one."""
        base = self.result
        if base is None or self.prepared is None or self.info is None or self.tables is None:
            raise RuntimeError("there is no result to re-validate")
        typed = threshold if correction == "threshold" else None
        if correction == "threshold" and (typed is None or not 0.0 < typed <= base.svn.cap):
            raise UsageError(f"a typed p-value threshold must lie in (0, {base.svn.cap:g}] for this result")
        params = base.params.replace("svn", correction=correction, threshold=typed)
        if params != self.params:
            self.params = params
            self._save_params()
        self.exploration = self._load_exploration()
        job = Job(fn=revalidation_job, args=(str(self.info.path), base, self._tables_for_job(), correction, typed,
                                             self.view_names, self.exploration, self.prepared.marks,
                                             self.prepared.networks),
                  in_process=self._in_process, name="revalidation")
        self._progress_prefix = ("Re-validating at p < " + f"{typed:.2g}" if typed is not None
                                 else f"Re-validating with {'FDR' if correction == 'fdr' else correction.capitalize()}")
        generation = self._start("analysis", job)
        self.analysis_started.emit()
        return generation

    def _tables_for_job(self) -> CaseTables | None:
        """The tables for a job on a thread; None for a child process, which reads them from
        the case (cheaper than pickling them while the GUI waits for the interpreter lock)."""
        return None if self._in_process else self.tables

    def _start(self, kind: str, job: Job) -> int:
        self._task_kind = kind
        return self.runner.start(job)

    # -- parameters remembered per case ----------------------------------------------------
    def _saved_params(self) -> AnalysisParams:
        """The parameters last used on this case (defaults for a new case)."""
        text = self.store.get_setting(PARAMS_SETTING) if self.store is not None else None
        params = AnalysisParams()
        if text:
            try:  # validated like --params; the drafter stays the user's own choice
                params = params_from_json_text(text, f"the settings saved in {Path(self.store.path).name}")
            except UsageError:   # another version's or a tampered setting: start from defaults
                log.warning("ignoring saved parameters that do not validate", exc_info=True)
        return with_drafter(params, Settings().drafter())

    def _save_params(self) -> None:
        if self.store is not None and not getattr(self.store, "read_only", False):
            self.store.set_setting(PARAMS_SETTING, self.params.to_json())

    # -- exploration ----------------------------------------------------------------------
    def _exploration_key(self) -> tuple[str, str]:
        """One exploration per event: it holds its nodes per network, so a threshold or
        correction change keeps the investigator's path."""
        assert self.event is not None
        return self.event.event_id, EXPLORATION_SLOT

    def _load_exploration(self) -> Exploration:
        text = None
        if self.store is not None:
            text = (self.store.load_exploration(*self._exploration_key())
                    or self.store.load_exploration(self.event.event_id, self.params.svn.correction))  # older cases
        if not text:
            return Exploration()
        try:
            return Exploration.from_json(text)
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring an unreadable saved exploration", exc_info=True)
            return Exploration()

    def expand(self, investor_id: str) -> bool:
        """Add ``investor_id`` and its first neighbours to the exploration, save and log it.

        Returns whether the exploration grew. An investor outside the network's sample
        (too few active days) raises ``UsageError`` with the reason.
        """
        if self.prepared is None or self.prepared.networks is None:
            raise UsageError("there is no validated network to explore in this result")
        grown = expand(self.exploration, investor_id, self.prepared.networks,
                       cap=self.params.svn.neighbourhood_cap)
        return self._set_exploration(grown)

    def reset_exploration(self) -> bool:
        """Start the exploration afresh (the old path stays in the audit log)."""
        return self._set_exploration(Exploration())

    def _set_exploration(self, exploration: Exploration) -> bool:
        if exploration == self.exploration:
            return False
        if self.store is not None:
            self.store.save_exploration(*self._exploration_key(), exploration.to_json())
        self.exploration = exploration
        self.exploration_changed.emit(exploration)
        return True

    def cancel_analysis(self) -> None:
        self.runner.cancel()

    def shutdown(self, timeout_s: float = 5.0) -> bool:
        """Cancel, wait (bounded) and close the case: called when the window closes."""
        ended = self.runner.shutdown(timeout_s)
        self.close_case()
        return ended

    @property
    def result(self) -> AnalysisResult | None:
        return None if self.prepared is None else self.prepared.result

    def _clear_result(self) -> None:
        if self.prepared is not None:
            self.prepared = None
            self.result_cleared.emit()

    @Slot(int, str, float)
    def _on_progress(self, generation: int, stage: str, fraction: float) -> None:
        """Progress of the running task; a re-validation says so before its stage (the options
        stage it re-runs read as if an analysis of the options were running)."""
        if self._progress_prefix and stage:
            stage = f"{self._progress_prefix}: {stage[0].lower()}{stage[1:]}"
        self.analysis_progress.emit(stage, fraction)

    @Slot(int, object)
    def _on_succeeded(self, generation: int, value: object) -> None:
        if isinstance(value, LoadedCase):
            self._finish_open(value)
            return
        assert isinstance(value, PreparedResult)
        self.prepared = value
        self.analysis_finished.emit("done")
        self.result_ready.emit(value)

    @Slot(int, object)
    def _on_failed(self, generation: int, exc: object) -> None:
        if self._task_kind == "open":
            store, self.store = self.store, None
            if store is not None:
                store.close()
            self.task_failed.emit("Cannot open the case", exc)
            return
        self.analysis_finished.emit("failed")
        self.task_failed.emit("Analysis failed", exc)

    @Slot(int)
    def _on_cancelled(self, generation: int) -> None:
        if self._task_kind == "analysis":
            self.analysis_finished.emit("cancelled")
