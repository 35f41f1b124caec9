"""``--selftest``: demo market -> case -> analysis -> packet -> verification, in a temporary folder.

An administrator runs it once after installing (source, wheelhouse or bundle) to prove that
every part the workbench needs is present and works offline: the compiled libraries, Qt with
its offscreen platform (the packet's figures), the bundled fonts and the PDF checks. It writes
only to a temporary folder (removed afterwards) and to the log in the user's log folder.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.case.store import CaseStore
from engine.demo.generate import TRUTH_FILE, demo_paths, write_demo_market
from engine.errors import CaseFileError, InputError, UsageError
from engine.ingest.importer import import_case
from engine.packet.export import export_packet
from engine.packet.verify import check_packet
from engine.params import AnalysisParams
from engine.pipeline import analyze

log = logging.getLogger(__name__)

SEED = 7
MIN_INSIDER_RECALL = 0.75  # share of the planted hard insiders the analysis must flag (seed 7: 16 of 16)
EXIT_OK, EXIT_FAILED = 0, 1
_EXPLAINED = (InputError, CaseFileError, UsageError)  # their message is already for people


class StepFailed(Exception):
    """A self-test step went wrong; ``step`` names it for the verdict."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason


@dataclass(frozen=True)
class SelftestOutcome:
    """What the self-test found: the failed step (if any), step durations, packet pages."""

    ok: bool
    failed_step: str = ""
    reason: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    flagged: str = ""   # "16/16": planted hard insiders flagged by the analysis

    def verdict(self) -> str:
        """The one line printed for the administrator."""
        if not self.ok:
            return f"selftest FAILED at {self.failed_step}: {self.reason}"
        s = self.seconds
        return (f"selftest OK: import {s['import']:.1f} s, analysis {s['analysis']:.1f} s, "
                f"packet {s['figures'] + s['packet']:.1f} s, {self.pages} pages, "
                f"{self.flagged} planted insiders flagged")


@contextmanager
def _step(name: str, seconds: dict[str, float]) -> Iterator[None]:
    """Time a step and turn any error in it into ``StepFailed`` (traceback to the log only)."""
    start = time.perf_counter()
    try:
        yield
    except StepFailed:
        raise
    except Exception as exc:
        log.exception("selftest step %r failed", name)
        reason = str(exc) if isinstance(exc, _EXPLAINED) else f"{exc.__class__.__name__}: {exc}"
        raise StepFailed(name, reason) from exc
    seconds[name] = time.perf_counter() - start


def _render_figures(result: Any, tables: Any) -> dict[str, Any]:
    """The packet's figures drawn offscreen (Qt is imported only here, after the platform is set)."""
    from PySide6.QtWidgets import QApplication
    if QApplication.instance() is None:
        from ui.app import make_app
        make_app()
    from ui.report_figures import render_figures
    return render_figures(result, tables)


def _count_pages(pdf: Path) -> int:
    from pypdf import PdfReader
    return len(PdfReader(str(pdf)).pages)


def _flagged(result: Any, truth: dict) -> tuple[int, int]:
    """(planted hard insiders among the k-means suspects, planted hard insiders)."""
    suspects = {s.investor_id for s in result.kmeans.suspects}
    hard = set(truth["hard_insiders"])
    return len(hard & suspects), len(hard)


def run_steps(workdir: Path) -> SelftestOutcome:
    """Every step in ``workdir``; the first failure ends the run."""
    seconds: dict[str, float] = {}
    market, case, pdf = workdir / "market", workdir / "selftest.itcase", workdir / "selftest-packet.pdf"
    try:
        with _step("demo market", seconds):
            write_demo_market(market, seed=SEED)
            truth = json.loads((market / TRUTH_FILE).read_text(encoding="utf-8"))
        with _step("import", seconds):
            import_case(demo_paths(market), case)
        with _step("open case", seconds):
            store = CaseStore.open(case)
        with store:
            with _step("analysis", seconds):
                tables = store.tables()
                result = analyze(tables, tables.event(truth["event_id"]), AnalysisParams(), None, store=store)
                found, planted = _flagged(result, truth)
                if found < MIN_INSIDER_RECALL * planted:
                    raise StepFailed("analysis", f"only {found} of {planted} planted insiders were flagged")
            with _step("figures", seconds):
                figures = _render_figures(result, tables)
            with _step("packet", seconds):
                export_packet(store, result, pdf, figures)
                pages = _count_pages(pdf)
            with _step("case verification", seconds):
                report = store.verify()
                if not report.ok:
                    raise StepFailed("case verification", "; ".join(report.problems))
            with _step("packet verification", seconds):
                check = check_packet(store, pdf, report.ok)
                if not check.ok:
                    raise StepFailed("packet verification", "; ".join(check.problems))
    except StepFailed as exc:
        return SelftestOutcome(ok=False, failed_step=exc.step, reason=exc.reason, seconds=seconds)
    return SelftestOutcome(ok=True, seconds=seconds, pages=pages, flagged=f"{found}/{planted}")


def run_selftest() -> int:
    """Run the self-test in a fresh temporary folder, print the verdict; 0 only when all passed."""
    if not os.environ.get("QT_QPA_PLATFORM"):  # before Qt is imported: the self-test needs no display
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="itwb-selftest-") as tmp:
        outcome = run_steps(Path(tmp))
    log.info("%s (steps: %s)", outcome.verdict(), {k: round(v, 3) for k, v in outcome.seconds.items()})
    print(outcome.verdict(), flush=True)
    return EXIT_OK if outcome.ok else EXIT_FAILED
