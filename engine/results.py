"""The result of one analysis run, and its JSON form (CASE_FORMAT.md §4).

Each stage owns its result type (k-means, SVN, options, episodes); this module bundles
them with the provenance a court needs: event, parameters, data hash, software version.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.triage.episodes import EpisodesResult, episodes_section
from engine.kmeans.section import kmeans_section
from engine.kmeans.stage import KMeansResult
from engine.options.stage import OptionsResult, options_section
from engine.params import AnalysisParams
from engine.svn.stage import SvnResult, svn_section
from engine.tables import Event


@dataclass(frozen=True)
class AnalysisResult:
    """Everything one run of the detection engine produced for one event."""

    event: Event
    params: AnalysisParams
    data_hash: str
    software_version: str
    kmeans: KMeansResult
    svn: SvnResult
    options: OptionsResult
    episodes: EpisodesResult


def event_section(event: Event) -> dict[str, Any]:
    """The ``event`` JSON section."""
    return {"event_id": event.event_id, "stock": event.stock,
            "event_date": event.event_date.isoformat(),
            "reference_start": event.reference_start.isoformat(),
            "direction": event.direction, "offer_price": event.offer_price,
            "description": event.description}


def result_json(result: AnalysisResult, file_hashes: dict[str, str] | None = None,
                file_names: dict[str, str] | None = None) -> dict[str, Any]:
    """The ``analyze --json`` document: deterministic, no clock time in it."""
    params = result.params
    inputs = {name: {"file": (file_names or {}).get(name, ""), "sha256": digest}
              for name, digest in sorted((file_hashes or {}).items())}
    return {
        "case": {"sha256": result.data_hash, "software_version": result.software_version,
                 "parameters": params.to_dict(), "parameters_hash": params.hash(),
                 "input_files": inputs},
        "event": event_section(result.event),
        "kmeans": kmeans_section(result.kmeans),
        "svn": svn_section(result.svn),
        "options": options_section(result.options),
        "episodes": episodes_section(result.episodes),
    }
