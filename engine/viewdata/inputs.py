"""What a view-data function may read: the analysis result, the case tables, the network
exploration, the work shared by several views, computed once per result, and the placebo
test of the result once it ran (METHOD §5)."""
from __future__ import annotations

from dataclasses import dataclass

from engine.market.panel import TargetPanel
from engine.placebo.stage import PlaceboResult
from engine.results import AnalysisResult
from engine.svn.neighbourhood import Exploration, Networks
from engine.tables import CaseTables


@dataclass(frozen=True)
class ViewInputs:
    """Read-only inputs of ``engine.viewdata.registry`` functions.

    ``networks`` (both validated networks) and ``panel`` (the target-stock panel) are built
    once per result by the caller and shared; a function builds its own only when they are
    absent (a test or a one-off figure). New fields are added with defaults, never removed.
    """

    result: AnalysisResult
    tables: CaseTables | None = None
    exploration: Exploration | None = None
    networks: Networks | None = None
    panel: TargetPanel | None = None
    placebo: PlaceboResult | None = None   # the result's placebo test, only once it ran
