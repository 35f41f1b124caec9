"""Packet figures: keyed as the packet expects, on white paper, the screen theme left as it was."""
from __future__ import annotations

from PySide6.QtGui import QImage

from engine.case.store import CaseStore
from engine.packet.build import PacketRequest
from engine.params import AnalysisParams
from engine.pipeline import analyze
from ui.report_figures import figure_count, iter_figures
from views import _style


def test_figures_are_light_keyed_and_counted_and_keep_the_screen_theme(qapp, analysed_case) -> None:
    with CaseStore.open(analysed_case) as store:
        tables = store.tables()
        result = analyze(tables, tables.event(None), AnalysisParams(), store=store)
    suspect = result.kmeans.suspects[0].investor_id
    request = PacketRequest(suspects=(suspect,), rings=(result.svn.rings[0].cluster_id,))
    _style.set_dark(True)
    try:
        figures = dict(iter_figures(result, tables, request))
        assert _style.theme() is _style.DARK
    finally:
        _style.set_dark(False)
    assert len(figures) == figure_count(result, request)
    assert {"cube", f"suspect:{suspect}:path", f"suspect:{suspect}:activity"} <= set(figures)
    for key in ("cube", f"suspect:{suspect}:network"):
        image = QImage.fromData(figures[key].png)
        corner = image.pixelColor(image.width() - 3, image.height() // 2)
        assert corner.lightness() > 200, (key, corner.name())
