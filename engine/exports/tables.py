"""File exports of a case besides the packet: suspects and rings as CSV, notes as Markdown
or HTML, the audit log as CSV, the validated network as GraphML, figures.

Each ``*_bytes`` function is pure and deterministic (same input -> same bytes; no clock
reading: every time written is a stored one). Each ``export_*`` writes its file atomically
and only then appends one ``export`` audit entry naming the kind, the file name and the
file's SHA-256, so the log never claims a file that is not on disk; then the chain-head
receipt ``NAME.head.txt`` (engine/case/anchor.py) is written beside the file.

CSV: UTF-8, comma-separated, ``\\n`` line ends, numbers as Python's shortest round-trip
``repr``, missing values empty, booleans ``true``/``false``. Text that a spreadsheet would
run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
written with a leading ``'`` so it shows as text (``safe_text``). The rings' π_C column is
headed ``pi_C`` (ASCII, so spreadsheets opening the file without an encoding guess agree).
"""
from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from engine.atomic import write_bytes_atomic
from engine.case.anchor import write_anchor
from engine.case.audit import AuditEntry, canonical_json

if TYPE_CHECKING:  # ``analyze --links`` imports this module before the k-means stage is loaded
    from engine.results import AnalysisResult

SUSPECT_COLUMNS: tuple[str, ...] = ("rank", "investor_id", "discontinuity", "score", "shares", "directionality",
                                    "expected_profit", "in_ring", "decision", "decision_reason")
RING_COLUMNS: tuple[str, ...] = ("rank", "cluster_id", "size", "R_C", "pi_C", "suspicious", "members")
AUDIT_COLUMNS: tuple[str, ...] = ("seq", "time", "user", "action", "details", "prev_hash", "hash")
EXPORT_KINDS: tuple[str, ...] = ("suspects_csv", "rings_csv", "notes_md", "notes_html", "audit_csv",
                                 "graphml", "figure")


FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as text, never runs: a leading ``'`` before a formula start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> str:
    """One CSV cell: '' for missing, true/false, exact numbers, text made formula-safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return safe_text(str(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV document (quoted only where needed) as UTF-8 bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def suspects_csv_bytes(result: AnalysisResult, decisions: Mapping[str, Any]) -> bytes:
    """Every suspect of the k-means stage, best first, with the investigator's decision.

    ``decisions``: investor id -> ``engine.case.work.Decision`` (``CaseStore.decisions()``).
    ``in_ring``: member of a suspicious ring of the validated network.
    """
    in_ring = result.svn.suspicious_members()
    rows = []
    for s in result.kmeans.suspects:
        d = decisions.get(s.investor_id)
        rows.append((s.rank, s.investor_id, s.discontinuity, float(s.score), float(s.shares),
                     None if s.directionality is None else float(s.directionality),
                     None if s.expected_profit is None else float(s.expected_profit),
                     s.investor_id in in_ring, d.decision if d else None, d.reason if d else None))
    return csv_bytes(SUSPECT_COLUMNS, rows)


def rings_csv_bytes(result: AnalysisResult) -> bytes:
    """Every Infomap cluster of the validated network in rank order; members joined by ';'."""
    rows = [(g.rank, g.cluster_id, g.size,
             None if g.mean_directionality is None else float(g.mean_directionality),
             None if g.mean_expected_profit is None else float(g.mean_expected_profit),
             bool(g.suspicious), ";".join(str(m) for m in g.member_ids)) for g in result.svn.rings]
    return csv_bytes(RING_COLUMNS, rows)


def audit_csv_bytes(entries: Sequence[AuditEntry]) -> bytes:
    """The audit log as stored, export entries included; details as canonical JSON."""
    return csv_bytes(AUDIT_COLUMNS, ((e.seq, e.time, e.user, e.action, canonical_json(e.details),
                                      e.prev_hash, e.hash) for e in entries))


# -- writing and logging -----------------------------------------------------------------
def log_export(store: Any, kind: str, path: Path, sha256: str, **details: Any) -> AuditEntry | None:
    """Append the ``export`` entry of a file already on disk (nothing when no case is open)."""
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    if store is None:
        return None
    entry = store.append_audit("export", {"kind": kind, "file": Path(path).name, "sha256": sha256, **details})
    write_anchor(Path(path), Path(store.path), store.stored_data_hash(), entry)
    return entry


def write_export(store: Any, kind: str, path: Path, data: bytes, **details: Any) -> bytes:
    """Write ``data`` atomically to ``path``, then log it; returns ``data``."""
    write_bytes_atomic(Path(path), data)
    log_export(store, kind, path, hashlib.sha256(data).hexdigest(), **details)
    return data


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks (GraphML of millions of links)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_suspects_csv(store: Any, result: AnalysisResult, path: Path) -> bytes:
    """Write the suspects CSV (decisions read from ``store``) and log it."""
    return write_export(store, "suspects_csv", path, suspects_csv_bytes(result, store.decisions()),
                        event_id=result.event.event_id, rows=len(result.kmeans.suspects))


def export_rings_csv(store: Any, result: AnalysisResult, path: Path) -> bytes:
    """Write the rings CSV and log it."""
    return write_export(store, "rings_csv", path, rings_csv_bytes(result),
                        event_id=result.event.event_id, rows=len(result.svn.rings))


def export_audit_csv(store: Any, path: Path) -> bytes:
    """Write the audit log as it stands (earlier exports included) and log this export."""
    entries = store.audit_entries()
    return write_export(store, "audit_csv", path, audit_csv_bytes(entries), rows=len(entries))


def export_graphml(store: Any, result: AnalysisResult, path: Path) -> tuple[int, int]:
    """Write the validated diagonal network (``engine.exports.network``) and log it; (nodes, edges)."""
    from engine.exports.network import write_graphml
    nodes, edges = write_graphml(result.svn, Path(path))
    log_export(store, "graphml", path, file_sha256(Path(path)), event_id=result.event.event_id,
               correction=result.svn.correction, nodes=nodes, edges=edges)
    return nodes, edges
