"""Figures of the case packet, drawn for paper by every registered view's print path.

Runs on the GUI thread (or in the headless ``report`` command with an offscreen
QApplication). Every view of ``views.VIEW_REGISTRY`` that lists print scopes is asked for one
figure per subject (the overview, each chosen suspect, each chosen ring), so a new view
reaches the packet without editing a list here. Keys: ``overview:<section>:<view>``,
``suspect:<id>:<view>``, ``ring:<id>:<view>`` (``engine.packet.build`` places them). Figures are
drawn in the light theme (white paper) whatever the screen uses; the theme is restored after.
"""
from __future__ import annotations

from typing import Any, Iterator

from engine.case.annotations import Annotation
from engine.market.panel import TargetPanel
from engine.packet.build import PacketRequest, chosen_rings, chosen_suspects
from engine.packet.figures import PrintSubject, ReportFigure
from engine.results import AnalysisResult
from engine.svn.neighbourhood import Networks
from engine.tables import CaseTables
from engine.viewdata.inputs import ViewInputs
from engine.viewdata.registry import VIEW_DATA
from views import VIEW_REGISTRY, _print, _style
from views.base import BaseView


def _subjects(result: AnalysisResult, request: PacketRequest, inputs: ViewInputs,
              annotations: tuple[Annotation, ...] = ()) -> dict[str, list[tuple[str, PrintSubject]]]:
    """Per scope, (key prefix, subject) of every figure subject of the packet."""
    suspects = chosen_suspects(result, request)
    return {
        "overview": [("overview", PrintSubject("overview", tuple(s.investor_id for s in suspects), "the event",
                                               inputs, annotations))],
        "suspect": [(f"suspect:{s.investor_id}", PrintSubject("suspect", (s.investor_id,), f"investor {s.investor_id}",
                                                              inputs, annotations)) for s in suspects],
        "ring": [(f"ring:{g.cluster_id}", PrintSubject("ring", tuple(str(m) for m in g.member_ids),
                                                       f"ring {g.cluster_id}", inputs, annotations))
                 for g in chosen_rings(result, request)],
    }


def _printing_views() -> list[tuple[str, type[BaseView]]]:
    return [(name, cls) for name, cls in VIEW_REGISTRY.items() if cls.print_scopes]


def render_figures(result: AnalysisResult, tables: CaseTables, request: PacketRequest = PacketRequest(),
                   annotations: tuple[Annotation, ...] = ()) -> dict[str, ReportFigure]:
    """Every figure the packet asks for, keyed as ``engine.packet.build`` expects."""
    return dict(iter_figures(result, tables, request, annotations))


def figure_count(result: AnalysisResult, request: PacketRequest) -> int:
    """How many figures ``iter_figures`` asks the views for (an upper bound for a progress bar:
    a view may have nothing to print about a subject)."""
    subjects = _subjects(result, request, ViewInputs(result=result))
    return sum(len(subjects[scope]) for _name, cls in _printing_views() for scope in cls.print_scopes)


def iter_figures(result: AnalysisResult, tables: CaseTables, request: PacketRequest = PacketRequest(),
                 annotations: tuple[Annotation, ...] = ()) -> Iterator[tuple[str, ReportFigure]]:
    """The figures one at a time, so a GUI can keep painting between them; ``annotations`` (the
    case's link-chart annotations) are drawn on the figures showing their node or edge."""
    was_dark = _style.theme() is _style.DARK
    _style.set_dark(False)
    try:
        yield from _render(result, tables, request, annotations)
    finally:
        _print.release()
        _style.set_dark(was_dark)


def _render(result: AnalysisResult, tables: CaseTables, request: PacketRequest,
            annotations: tuple[Annotation, ...]) -> Iterator[tuple[str, ReportFigure]]:
    inputs = ViewInputs(result=result, tables=tables, networks=Networks.build(result.svn),
                        panel=TargetPanel.build(tables, result.event.stock))   # built once for every view
    subjects = _subjects(result, request, inputs, annotations)
    for name, cls in _printing_views():
        view = _print.keep(cls())
        prepared: Any = VIEW_DATA[name](inputs) if name in VIEW_DATA else None
        for scope in cls.print_scopes:
            for prefix, subject in subjects[scope]:
                figure = view.print_figure(prepared, subject)
                if figure is None or figure.is_empty:
                    continue
                key = f"overview:{cls.print_section or name}:{name}" if scope == "overview" else f"{prefix}:{name}"
                yield key, figure
