"""The contract every view follows, so the main window can treat views alike.

A view displays prepared arrays and asks for selections; it never calls the engine's
analytics, never talks to another view, and applies model changes with its own signals
blocked (so applying a selection never echoes back as a request).

Life cycle, driven by the hub (``ui.hub``):
1. ``data = engine.viewdata.registry.view_data(view_name, inputs)`` once per analysis result —
   Qt-free, in the analysis worker or child process (views hold no preparation code);
2. ``view.set_data(data)`` on the GUI thread (the hub runs its ``data_parts`` one per
   event-loop turn), then ``apply_selection`` / ``apply_hover``
   whenever the selection model changes, ``apply_exploration`` and ``apply_decisions`` when
   those change; ``clear()`` when the case closes;
3. ``snapshot()`` for a screen grab; ``print_figure(data, subject)`` for the case packet: a
   clean figure drawn for paper (no controls or hints) about an overview, one suspect or one
   ring, for each scope the view lists in ``print_scopes``.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, ClassVar, Iterable, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np
import pandas as pd

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QImage, QShowEvent
from PySide6.QtWidgets import QWidget

from engine.packet.figures import PrintSubject, ReportFigure
from engine.viewdata.inputs import ViewInputs
from views._layout import opaque
from views.selection_types import EMPTY_SELECTION, Selection, SelectionMode, SelectionRequest, mode_for_modifiers

__all__ = ["BaseView", "ViewContract", "REQUIRED_METHODS", "ViewInputs", "Selection", "SelectionRequest", "mode_of",
           "png_bytes", "widget_png", "index_positions"]

#: up to this many ids are looked up one by one (see ``index_positions``)
FEW_IDS = 32


def index_positions(index: pd.Index, ids: Sequence[Any]) -> np.ndarray:
    """Positions of ``ids`` in ``index`` (unique), -1 for an id it lacks. A selection's few ids
    are looked up one by one: making a pandas Index of them for ``get_indexer`` cost ~50 µs a
    call, about a dozen calls a selection."""
    if len(ids) > FEW_IDS:
        return index.get_indexer(pd.Index(ids, dtype=object))
    out = np.empty(len(ids), dtype=np.int64)
    for k, investor in enumerate(ids):
        try:
            out[k] = index.get_loc(investor)
        except KeyError:
            out[k] = -1
    return out


def widget_png(widget: QWidget) -> bytes:
    """PNG bytes of a widget as it is drawn now (works on the offscreen platform)."""
    return png_bytes(widget.grab().toImage())


def png_bytes(image: QImage) -> bytes:
    """PNG encoding of an image (empty for a null image)."""
    if image.isNull():
        return b""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


@runtime_checkable
class ViewContract(Protocol):
    """What every registered view provides; checked for each class by the registry test.

    Every method is called on the GUI thread by the hub; the data comes prepared from
    ``engine.viewdata.registry`` under the same ``view_name``.
    """

    view_name: ClassVar[str]
    title: ClassVar[str]
    default_area: ClassVar[str]

    def set_data(self, viewdata: Any) -> None:
        """Show new prepared data; the current selection is re-applied by the caller."""

    def apply_selection(self, selection: Selection) -> None:
        """Draw ``selection`` (overlay, row bands, ...) without emitting any request;
        implementations keep it in ``self._selection`` (read by ``selection``)."""

    def apply_hover(self, investor_id: str | None) -> None:
        """Hint at the hovered investor (cross-hair, tooltip)."""

    def apply_exploration(self, exploration: Any) -> None:
        """The network exploration grew or shrank."""

    def apply_decisions(self, decisions: Mapping[str, str]) -> None:
        """The investigator's decisions (investor id -> cleared / watch / refer) changed."""

    def clear(self) -> None:
        """Forget the data (case closed or analysis cleared)."""

    def highlighted_ids(self) -> frozenset[str]:
        """The ids this view draws as selected now (queried by the linking tests)."""

    def snapshot(self) -> ReportFigure:
        """The view as it is on screen."""

    def print_figure(self, prepared: Any, subject: PrintSubject) -> ReportFigure | None:
        """A figure for paper about ``subject`` drawn from ``prepared`` (``prepare``'s output);
        None when the view has nothing to print about it."""


#: Methods of the contract that each view class must define itself (BaseView has no default).
REQUIRED_METHODS: tuple[str, ...] = ("set_data", "apply_selection", "clear")


def mode_of(modifiers: Qt.KeyboardModifier) -> SelectionMode:
    """The selection mode of a click with these keyboard modifiers (see ``mode_for_modifiers``)."""
    return mode_for_modifiers(bool(modifiers & Qt.KeyboardModifier.ControlModifier),
                              bool(modifiers & Qt.KeyboardModifier.ShiftModifier),
                              bool(modifiers & Qt.KeyboardModifier.AltModifier))


class BaseView(QWidget):
    """Shared behaviour of every view: signals, the current selection, the id -> position
    index of the data shown and the ids drawn as selected, default no-op hints and a
    snapshot; each subclass implements the rest of ``ViewContract``.

    Subclasses set ``view_name`` (registry key and ``SelectionRequest.source``), ``title``
    (dock title), ``default_area`` ("left", "right", "bottom" or "center") and define
    ``REQUIRED_METHODS``.
    """

    #: Carries a ``SelectionRequest``; the only way a view changes the selection.
    selection_requested = Signal(object)
    #: Carries an investor id or None while the pointer moves over the view (optional).
    hover_requested = Signal(object)
    #: Carries a ``views._context.ContextRequest``: a right-click, for the ui's verbs menu.
    context_requested = Signal(object)

    view_name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    default_area: ClassVar[str] = "right"
    #: scopes (``engine.packet.figures.PRINT_SCOPES``) this view draws a print figure for
    print_scopes: ClassVar[tuple[str, ...]] = ()
    #: the packet section that shows the view's overview figure ("kmeans", "network", "options", ...)
    print_section: ClassVar[str] = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._selection: Selection = EMPTY_SELECTION
        self._data: Any = None                        # the prepared data shown (None: nothing)
        self._index = pd.Index([], dtype=object)      # investor id -> position in the shown data
        self._highlighted: frozenset[str] = frozenset()
        self._behind_tab = False                      # its dock's tab is hidden behind another's
        self.setObjectName(f"view_{self.view_name or type(self).__name__}")
        opaque(self)    # a child that changes with the selection repaints the view, not the dock and window under it

    def data_parts(self, viewdata: Any) -> Sequence[Callable[[], None]]:
        """``set_data(viewdata)`` as parts to run in order, each in an event-loop turn of its
        own with its paint (the hub does): a view whose set-up and first paint take long
        splits them so that no turn holds them all; by default one part."""
        return (partial(self.set_data, viewdata),)

    def apply_hover(self, investor_id: str | None) -> None:
        """Hint at the hovered investor (cross-hair, tooltip); default: nothing."""

    def apply_exploration(self, exploration: Any) -> None:
        """The network exploration grew or shrank; default: nothing (network view only)."""

    def apply_decisions(self, decisions: Mapping[str, str]) -> None:
        """The investigator's decisions changed; default: nothing (views that show them override)."""
    def restyle(self) -> None:
        """The theme changed (``views._style.theme()``): redraw what was drawn in the old one.
        Plot backgrounds, axes and titles are recoloured by the ui layer; default: repaint."""
        self.update()

    def on_screen(self) -> bool:
        """Drawn on screen now. A dock tabbed behind another stays 'visible' to Qt (it is only
        moved off screen), so its view would redraw every selection unseen; its dock tells it
        through ``set_on_screen``."""
        return self.isVisible() and not self._behind_tab

    def set_on_screen(self, shown: bool) -> None:
        """The view's dock came into view (True) or went behind another tab or hid (False);
        what waited while it was off screen is drawn now."""
        self._behind_tab = not shown
        if self.on_screen():
            self.catch_up()

    def catch_up(self) -> None:
        """Draw what ``apply_selection`` left undrawn while off screen; default: nothing."""

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self.on_screen():
            self.catch_up()

    def highlighted_ids(self) -> frozenset[str]:
        """The ids this view draws as selected now (kept in ``self._highlighted``)."""
        return self._highlighted

    def _id_positions(self, ids: Iterable[str | None]) -> np.ndarray:
        """Positions in ``self._index`` of ``ids`` in sorted id order, -1 for unknown ids."""
        return index_positions(self._index, sorted(i for i in ids if i is not None))

    def _take_selection(self, selection: Selection) -> bool:
        """Keep ``selection``; False (and nothing highlighted) while no data is shown."""
        self._selection = selection
        if self._data is None:
            self._highlighted = frozenset()
            return False
        return True

    def _forget_ids(self) -> None:
        """Drop the id index and the highlighted ids (data cleared)."""
        self._index = pd.Index([], dtype=object)
        self._highlighted = frozenset()

    def snapshot(self) -> ReportFigure:
        """The view as on screen; override for a better title or caption."""
        return ReportFigure(title=self.title or self.view_name, png=widget_png(self), caption="")

    def print_figure(self, prepared: Any, subject: PrintSubject) -> ReportFigure | None:
        """A figure for paper about ``subject``; default: none (tables print as packet tables)."""
        return None

    @property
    def selection(self) -> Selection:
        """The selection last applied to this view."""
        return self._selection

    def _request(self, ids: frozenset[str] | set[str], focus: str | None = None,
                 mode: str = "replace", expand: bool = False) -> None:
        """Emit a ``SelectionRequest`` from this view (helper for subclasses)."""
        self.selection_requested.emit(SelectionRequest(
            ids=frozenset(ids), focus=focus, mode=mode, source=self.view_name, expand=expand))

    def _request_click(self, investor: str, modifiers: Qt.KeyboardModifier, expand: bool = False) -> None:
        """Ask for ``investor`` as a click with these keys does (click replaces and focuses,
        Ctrl toggles, Shift adds, Alt removes; a removal never focuses or expands)."""
        mode = mode_of(modifiers)
        removing = mode == "remove"
        self._request({investor}, focus=None if removing else investor, mode=mode, expand=expand and not removing)
