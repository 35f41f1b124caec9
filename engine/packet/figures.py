"""A figure drawn by a view's print path and handed to the Qt-free packet builder, and what
the figure is about."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.case.annotations import Annotation

#: scopes of print figures: the whole event, one suspect, one ring
PRINT_SCOPES: tuple[str, ...] = ("overview", "suspect", "ring")


@dataclass(frozen=True)
class PrintSubject:
    """What a print figure shows: ``scope`` (one of ``PRINT_SCOPES``), the investors concerned
    (the suspect; the ring's members; the top suspects for an overview), a label for titles
    ("investor 0123", "ring 4"), the ``ViewInputs`` (result, tables) it may read, and the case's
    link-chart annotations (drawn where their node or edge is drawn)."""

    scope: str
    ids: tuple[str, ...]
    label: str
    inputs: Any
    annotations: tuple[Annotation, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportFigure:
    """One figure: a title, the drawing and a caption (what it shows). Print figures come as
    ``pdf``, a one-page vector PDF the packet places as is; screen grabs as ``png``."""

    title: str
    png: bytes = b""
    caption: str = ""
    pdf: bytes = b""

    @property
    def is_empty(self) -> bool:
        """True when nothing was rendered (e.g. a view without data)."""
        return not self.png and not self.pdf
