"""The placebo result in the case file, kept apart from the plain analysis it belongs to.

Its key covers the data hash, the event, every setting (the placebo section included) and
the software version, prefixed so it can never be taken for a plain analysis.
"""
from __future__ import annotations

import hashlib

from engine import serialize
from engine.params import AnalysisParams
from engine.pipeline import cache_key, load_cached
from engine.placebo.stage import PlaceboResult
from engine.tables import Event


def placebo_key(data_hash: str, event: Event, params: AnalysisParams) -> str:
    """The case-file key of a placebo result."""
    return hashlib.sha256(f"placebo|{cache_key(data_hash, event, params)}".encode("ascii")).hexdigest()


def cached_placebo(store, data_hash: str, event: Event, params: AnalysisParams) -> PlaceboResult | None:
    """The stored placebo result for this data, event and settings, or None."""
    return load_cached(store, placebo_key(data_hash, event, params), PlaceboResult)


def store_placebo(store, data_hash: str, event: Event, params: AnalysisParams, result: PlaceboResult) -> None:
    """Cache a fresh placebo result; the case file logs it in the same transaction."""
    summary = {"kind": "placebo", "event_id": event.event_id, "parameters_hash": params.hash(),
               "n_requested": result.n_requested, "n_used": result.n_used, "available": result.available}
    store.put_result(placebo_key(data_hash, event, params), serialize.dumps(result), summary)
