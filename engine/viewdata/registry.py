"""The view-data registry: one Qt-free function per view kind, keyed like
``views.VIEW_REGISTRY``, so the analysis child prepares every view's data without importing
a GUI toolkit. A new view adds its function here under its view name.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterable

from engine.progress import Reporter
from engine.viewdata.inputs import ViewInputs
from engine.viewdata.kmeans_evidence import k_evidence
from engine.viewdata.prepare import for_cube, for_network, for_options, for_raster, for_rings, for_triage
from engine.viewdata.profile import profile_source
from engine.viewdata.suspects import SuspectRows, suspect_rows, with_placebo_p
from engine.viewdata.timeline import timeline_source
from engine.viewdata.worklist import worklist_rows

log = logging.getLogger(__name__)

Preparer = Callable[[ViewInputs], Any]


def for_suspects(inputs: ViewInputs) -> SuspectRows:
    """The suspects table: k-means suspects, flagged when in a suspicious ring or an options alert,
    re-ranked by their placebo p once the placebo test ran (an analysis without it never is)."""
    result = inputs.result
    flagged = frozenset(acc.investor_id for alert in result.options.alerts for acc in alert.top_accounts)
    rows = suspect_rows(list(result.kmeans.suspects), ring_members=frozenset(result.svn.suspicious_members()),
                        options_flagged=flagged, evidence=k_evidence(result.kmeans))
    placebo = inputs.placebo
    return with_placebo_p(rows, placebo.investor_p()) if placebo is not None and placebo.available else rows


VIEW_DATA: dict[str, Preparer] = {
    "suspects": for_suspects,
    "cube": lambda inputs: for_cube(inputs.result),
    "raster": lambda inputs: for_raster(inputs.result, inputs.tables, inputs.panel),
    "network": lambda inputs: for_network(inputs.result, inputs.exploration, inputs.networks),
    "rings": lambda inputs: for_rings(inputs.result, inputs.placebo),
    "options": lambda inputs: for_options(inputs.result),
    "triage": lambda inputs: for_triage(inputs.result),
    "profile": lambda inputs: profile_source(inputs.result, inputs.tables, inputs.panel),
    "timeline": lambda inputs: timeline_source(inputs.result, inputs.tables, inputs.panel),
    "worklist": lambda inputs: worklist_rows(inputs.result, inputs.tables),
}


def view_data(name: str, inputs: ViewInputs) -> Any:
    """The prepared data of view ``name`` (KeyError for a view without a function)."""
    return VIEW_DATA[name](inputs)


def prepare_views(inputs: ViewInputs, names: Iterable[str],
                  reporter: Reporter | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """(data by view name, error text by view name): a view whose preparation fails is
    reported and the others prepared."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in names:
        if reporter is not None:
            reporter.check()
        try:
            data[name] = view_data(name, inputs)
        except Exception as exc:  # one broken view must not hide the others
            log.error("preparing view %s failed", name, exc_info=True)
            errors[name] = f"{exc.__class__.__name__}: {exc}"
    return data, errors
