"""Qt-free selection values shared by views and the ui layer.

Investor id strings are the only key that crosses views. A ``Selection`` is the value of
the single selection model; a ``SelectionRequest`` is what a view asks for.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SelectionMode = Literal["replace", "toggle", "add", "remove"]
MODES: tuple[str, ...] = ("replace", "toggle", "add", "remove")


@dataclass(frozen=True, slots=True)
class Selection:
    """The selected investor ids and the focus (the one the notes and graph follow).

    ``source`` names the view that caused it; it is not part of equality, so the same ids
    selected from another view are not a change.
    """

    ids: frozenset[str] = frozenset()
    focus: str | None = None
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.ids, frozenset):
            object.__setattr__(self, "ids", frozenset(self.ids))
        if self.focus is not None and self.focus not in self.ids:
            raise ValueError(f"focus {self.focus!r} is not among the selected ids")

    @property
    def is_empty(self) -> bool:
        return not self.ids


EMPTY_SELECTION = Selection()


@dataclass(frozen=True, slots=True)
class SelectionRequest:
    """A view's ask: apply ``ids`` with ``mode``; ``expand`` grows the network exploration."""

    ids: frozenset[str]
    focus: str | None = None
    mode: SelectionMode = "replace"
    source: str = ""
    expand: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.ids, frozenset):
            object.__setattr__(self, "ids", frozenset(self.ids))
        if self.mode not in MODES:
            raise ValueError(f"unknown selection mode {self.mode!r}; use one of {', '.join(MODES)}")


def mode_for_modifiers(ctrl: bool, shift: bool, alt: bool) -> SelectionMode:
    """Click = replace, Ctrl = toggle, Shift = add, Alt = remove (one rule for every view)."""
    if alt:
        return "remove"
    if ctrl:
        return "toggle"
    if shift:
        return "add"
    return "replace"
