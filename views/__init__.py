"""Views: one pyqtgraph/Qt widget per module, all following ``views.base.BaseView``.

``VIEW_REGISTRY`` maps a view name to its class, in dock order; the main window builds
one dock per entry and the smoke tests run over every entry. Add a view with one import
and one entry.
"""
from __future__ import annotations

from views.base import BaseView
from views.suspects_table import SuspectsTable

VIEW_REGISTRY: dict[str, type[BaseView]] = {
    SuspectsTable.view_name: SuspectsTable,
}
