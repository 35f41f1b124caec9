"""Views: one pyqtgraph/Qt widget per module, all following ``views.base.BaseView``.

``VIEW_REGISTRY`` maps a view name to its class, in dock order; the main window builds
one dock per entry and the smoke tests run over every entry. Add a view with one import
and one entry.
"""
from __future__ import annotations

from views.base import BaseView
from views.suspects_table import SuspectsTable
from views.cube_view import CubeView
from views.raster_view import RasterView
from views.network_view import NetworkView
from views.rings_view import RingsView
from views.options_view import OptionsView
from views.triage_view import TriageView
from views.profile_view import ProfileView
from views.timeline_view import TimelineView
from views.worklist_view import WorklistView

VIEW_REGISTRY: dict[str, type[BaseView]] = {
    SuspectsTable.view_name: SuspectsTable,
    CubeView.view_name: CubeView,
    RasterView.view_name: RasterView,
    NetworkView.view_name: NetworkView,
    RingsView.view_name: RingsView,
    OptionsView.view_name: OptionsView,
    TriageView.view_name: TriageView,
    ProfileView.view_name: ProfileView,
    TimelineView.view_name: TimelineView,
    WorklistView.view_name: WorklistView,
}
