"""The right-click menu of every view: the investigator's verbs on what is under the pointer.

Over an investor: expand in the network, pin / unpin in the network, copy the id, set a
decision (the notes panel takes the reason), add to the packet; over a ring: select its
members, copy their ids, add it to the packet; anywhere: save the view as a figure. The
views only say what was under the pointer (``views._context.ContextRequest``); the menu
never changes the selection unless a verb says so.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu

from engine.case.work import DECISIONS
from views._context import ContextRequest


class PacketPicks:
    """Suspects and rings the investigator added to the packet from a menu (checked in the
    packet dialog on top of its defaults); forgotten when the case closes."""

    def __init__(self) -> None:
        self.suspects: list[str] = []
        self.rings: list[int] = []

    def add_suspect(self, investor: str) -> None:
        if investor not in self.suspects:
            self.suspects.append(investor)

    def add_ring(self, ring: int) -> None:
        if ring not in self.rings:
            self.rings.append(ring)

    def clear(self) -> None:
        self.suspects, self.rings = [], []


class ContextMenus(QObject):
    """Builds and shows the verbs menu for each view's ``context_requested``."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.picks = PacketPicks()
        self.last_menu: QMenu | None = None
        for view in window.views.values():
            view.context_requested.connect(self.show)
        window.session.case_closed.connect(self.picks.clear)
        window.exports.controller.extra_picks = lambda: (list(self.picks.suspects), list(self.picks.rings))

    # -- the menu -----------------------------------------------------------------------
    def menu_for(self, request: ContextRequest) -> QMenu:
        """The verbs menu for ``request`` (not shown)."""
        menu = QMenu(self.window)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        if request.investor is not None:
            self._investor_verbs(menu, request.investor)
        if request.ring is not None:
            self._ring_verbs(menu, request.ring, request.members)
        if not menu.isEmpty():
            menu.addSeparator()
        view = self.window.views[request.source]
        for action in self.window.exports.figures.actions_for(view, menu):
            menu.addAction(action)
        return menu

    def show(self, request: ContextRequest) -> None:
        menu = self.menu_for(request)
        self.last_menu = menu
        menu.popup(request.global_pos)

    def _add(self, menu: QMenu, text: str, slot, enabled: bool = True, name: str = "") -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.setEnabled(enabled)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _investor_verbs(self, menu: QMenu, investor: str) -> None:
        w = self.window
        prepared = w.session.prepared
        explorable = prepared is not None and prepared.networks is not None
        self._add(menu, f"Expand {investor} in the network", lambda: self._expand(investor), explorable, "ctx_expand")
        network = w.views.get("network")
        if network is not None:
            pinned = investor in network.pinned_ids()
            self._add(menu, f"{'Unpin' if pinned else 'Pin'} {investor} in the network",
                      lambda: network.toggle_pin({investor}), name="ctx_pin")
        self._add(menu, f"Copy id {investor}", lambda: QGuiApplication.clipboard().setText(investor), name="ctx_copy")
        decisions = menu.addMenu(f"Set decision for {investor}")
        decisions.setEnabled(w.session.store is not None)
        for decision in DECISIONS:
            self._add(decisions, decision, lambda d=decision: self._decide(investor, d), name=f"ctx_decision_{decision}")
        suspect = prepared is not None and any(s.investor_id == investor for s in prepared.result.kmeans.suspects)
        self._add(menu, f"Add {investor} to the packet", lambda: self.picks.add_suspect(investor),
                  suspect and investor not in self.picks.suspects, "ctx_packet")

    def _ring_verbs(self, menu: QMenu, ring: int, members: tuple[str, ...]) -> None:
        w = self.window
        self._add(menu, f"Select the {len(members)} members of ring {ring}",
                  lambda: w.selection.replace(set(members), None, source="menu"), bool(members), "ctx_ring_select")
        self._add(menu, f"Copy the ids of ring {ring}",
                  lambda: QGuiApplication.clipboard().setText("\n".join(members)), bool(members), "ctx_ring_copy")
        self._add(menu, f"Add ring {ring} to the packet", lambda: self.picks.add_ring(ring),
                  ring not in self.picks.rings, "ctx_ring_packet")

    # -- verbs ----------------------------------------------------------------------------
    def _expand(self, investor: str) -> None:
        self.window.selection.replace({investor}, investor, source="menu")
        self.window.hub.expand(investor)

    def _decide(self, investor: str, decision: str) -> None:
        """Focus the investor and preset the decision; the investigator gives the reason."""
        w = self.window
        w.selection.replace({investor}, investor, source="menu")
        notes = w.notes
        notes.decision.setCurrentIndex(notes.decision.findText(decision))
        w.docks["notes"].show()
        w.docks["notes"].raise_()
        notes.reason.setFocus()
        notes.decision_status.setText(f"Give a reason, then Record decision ({decision}).")


def install_context_menus(window: Any) -> ContextMenus:
    """Give every view of ``window`` its right-click verbs (after ``install_exports``)."""
    return ContextMenus(window)
