"""Collecting input problems per file, with a cap, from vectorised row masks."""
from __future__ import annotations

from typing import Callable

import numpy as np

from engine.errors import Problem

MAX_PROBLEMS_PER_FILE = 50


class ProblemLog:
    """The problems found in one file: kept up to a cap, the rest only counted."""

    def __init__(self, file: str, cap: int = MAX_PROBLEMS_PER_FILE) -> None:
        self.file = file
        self.cap = cap
        self._kept: list[Problem] = []
        self._total = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        """Record one problem (row 1-based with the header as row 1)."""
        self._total += 1
        if len(self._kept) < self.cap:
            self._kept.append(Problem(self.file, row, column, message))

    def add_rows(self, rows: np.ndarray, mask: np.ndarray, column: str | None,
                 message: Callable[[int], str]) -> int:
        """Record a problem for every row where ``mask`` is true; ``message(i)`` builds the
        text from the position ``i``. Only the first rows up to the cap are formatted."""
        hits = np.flatnonzero(mask)
        room = max(self.cap - len(self._kept), 0)
        for i in hits[:room]:
            self._kept.append(Problem(self.file, int(rows[i]), column, message(int(i))))
        self._total += len(hits)
        return len(hits)

    @property
    def has_problems(self) -> bool:
        return self._total > 0

    def problems(self) -> list[Problem]:
        """The kept problems in row order, then a line counting the ones left out."""
        kept = sorted(self._kept, key=lambda p: (p.row if p.row is not None else 0))
        more = self._total - len(kept)
        if more > 0:
            kept.append(Problem(self.file, None, None, f"... and {more} more problems"))
        return kept
