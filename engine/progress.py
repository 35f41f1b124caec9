"""Progress and cancellation for long engine work, free of any GUI toolkit.

Engine functions take a ``Reporter``: they call ``check()`` often (it raises
``Cancelled``) and ``advance(fraction)`` within the current stage. The pipeline declares
weighted stages with ``plan`` and enters them with ``stage``; the overall fraction is the
weighted sum, which a GUI worker or the CLI progress bar displays.
"""
from __future__ import annotations

import threading
from typing import Callable, Sequence

from engine.errors import Cancelled

ProgressCallback = Callable[[str, float], None]


class Reporter:
    """Weighted-stage progress with a thread-safe cancel flag; silent by default."""

    def __init__(self, on_progress: ProgressCallback | None = None,
                 cancel_event: threading.Event | None = None) -> None:
        self._on_progress = on_progress
        self._cancel = cancel_event or threading.Event()
        self._weights: dict[str, float] = {}
        self._order: list[str] = []
        self._current: str = ""
        self._done_weight = 0.0
        self._last_sent = -1.0

    def plan(self, stages: Sequence[tuple[str, float]]) -> None:
        """Declare the stages to come and their relative weights."""
        self._weights = {name: float(w) for name, w in stages}
        self._order = [name for name, _ in stages]
        self._done_weight = 0.0
        self._current = ""

    def stage(self, name: str) -> None:
        """Enter stage ``name``; the previous stage counts as finished."""
        self.check()
        if self._current and self._current in self._weights:
            self._done_weight += self._weights[self._current]
        self._current = name
        self._emit(0.0, force=True)

    def advance(self, fraction: float) -> None:
        """Report progress within the current stage (0..1)."""
        self._emit(min(max(fraction, 0.0), 1.0))

    def check(self) -> None:
        """Raise ``Cancelled`` when cancellation was requested."""
        if self._cancel.is_set():
            raise Cancelled()

    def cancel(self) -> None:
        """Request cancellation (safe from any thread)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def overall(self, fraction: float = 0.0) -> float:
        """Overall fraction done given the fraction of the current stage."""
        total = sum(self._weights.values())
        if total <= 0:
            return fraction
        w = self._weights.get(self._current, 0.0)
        return min(1.0, (self._done_weight + w * fraction) / total)

    def _emit(self, fraction: float, force: bool = False) -> None:
        if self._on_progress is None:
            return
        value = self.overall(fraction)
        if force or value - self._last_sent >= 0.01 or value >= 1.0:
            self._last_sent = value
            self._on_progress(self._current, value)


NULL_REPORTER = Reporter()
