"""Table rows grouped by investor, so one investor's rows are a slice (binary search, no scan)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Grouped:
    """Rows sorted by investor id (then date when present); ``of`` returns one investor's rows."""

    frame: pd.DataFrame     # sorted, without the investor_id column
    keys: np.ndarray        # object: investor id of each row (ascending)

    def of(self, investor_id: str) -> pd.DataFrame:
        lo = int(np.searchsorted(self.keys, investor_id, "left"))
        hi = int(np.searchsorted(self.keys, investor_id, "right"))
        return self.frame.iloc[lo:hi]

    def of_many(self, investor_ids) -> pd.DataFrame:
        """Rows of several investors, with their ``investor_id`` column, in id order."""
        ids = np.unique(np.asarray(sorted(investor_ids), dtype=object))
        lo = np.searchsorted(self.keys, ids, "left")
        hi = np.searchsorted(self.keys, ids, "right")
        take = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)]) if ids.size else np.zeros(0, np.int64)
        out = self.frame.iloc[take].copy()
        out.insert(0, "investor_id", self.keys[take])
        return out


def group_rows(frame: pd.DataFrame) -> Grouped:
    """Group ``frame`` (with an ``investor_id`` column) by investor."""
    by = ["investor_id", "date"] if "date" in frame.columns else ["investor_id"]
    rows = frame.sort_values(by, kind="stable", ignore_index=True)
    return Grouped(frame=rows.drop(columns="investor_id"),
                   keys=rows["investor_id"].to_numpy(object).astype(str).astype(object))


def stock_rows(frame: pd.DataFrame | None, stock: str, columns: list[str]) -> Grouped:
    """Rows of ``frame`` on ``stock`` that name an investor, grouped by investor."""
    if frame is None or "investor_id" not in frame:
        return group_rows(pd.DataFrame(columns=["investor_id", *columns]))
    rows = frame[(frame["stock"] == stock) & frame["investor_id"].notna() & (frame["investor_id"] != "")]
    return group_rows(rows[["investor_id", *columns]].astype({"investor_id": str}))
