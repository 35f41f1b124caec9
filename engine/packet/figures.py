"""A rendered figure handed from a view to the Qt-free packet builder."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReportFigure:
    """One figure of the case packet: a title, PNG bytes and a caption (what it shows)."""

    title: str
    png: bytes
    caption: str = ""

    @property
    def is_empty(self) -> bool:
        """True when nothing was rendered (e.g. a view without data)."""
        return not self.png
