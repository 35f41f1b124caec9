"""Write a case packet and record the export: the packet first, its audit entry after.

The export's own audit entry is appended only once the PDF is safely on disk (then the chain-head
receipt ``NAME.head.txt`` is written beside it), and the packet shows the case as it stood before it (see ``engine.packet.case_state``), so a second export from
the same state gives the same bytes. The two steps are separate functions too, so the workbench
can build the PDF in a child process from a snapshot and write and log it in the parent.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping

from engine.atomic import write_bytes_atomic
from engine.case.anchor import write_anchor
from engine.packet.figures import ReportFigure
from engine.packet.build import PacketRequest, build_packet
from engine.packet.case_state import CaseState, case_state
from engine.packet.sign import PacketSigner, sign_packet
from engine.results import AnalysisResult


def export_packet(store: Any, result: AnalysisResult, pdf_path: Path, figures: Mapping[str, ReportFigure],
                  request: PacketRequest = PacketRequest(), case_name: str | None = None,
                  tables: Any = None, signer: PacketSigner | None = None) -> bytes:
    """Build the packet of ``result`` for the case in ``store`` (signed when a ``signer`` is
    given), write it atomically, log the export."""
    state = case_state(store, case_name or Path(store.path).stem, result.event.event_id)
    pdf = packet_pdf(state, result, figures, request, tables, signer)
    record_packet(store, result, Path(pdf_path), pdf, state, request, signer.subject if signer is not None else "")
    return pdf


def packet_pdf(state: CaseState, result: AnalysisResult, figures: Mapping[str, ReportFigure],
               request: PacketRequest = PacketRequest(), tables: Any = None,
               signer: PacketSigner | None = None) -> bytes:
    """The packet's bytes for the case as ``state`` holds it (signed when a ``signer`` is given)."""
    pdf = build_packet(result, state, figures, request, tables)
    if signer is not None:
        pdf = sign_packet(pdf, signer, reason=f"Case packet of {state.case_name}, event {result.event.event_id}",
                          name=state.investigator)
    return pdf


def record_packet(store: Any, result: AnalysisResult, pdf_path: Path, pdf: bytes, state: CaseState,
                  request: PacketRequest, signed_by: str = "") -> None:
    """Write the packet's bytes atomically, then log the export and write its chain-head receipt."""
    write_bytes_atomic(pdf_path, pdf)
    entry = store.append_audit("export", {"kind": "packet", "event_id": result.event.event_id,
                                          "file": pdf_path.name,
                                          "sha256": hashlib.sha256(pdf).hexdigest(),
                                          "chain_hash": state.chain_hash,
                                          "signed_by": signed_by,
                                          "suspects": list(request.suspects) if request.suspects is not None else "top",
                                          "rings": list(request.rings) if request.rings is not None else "top"})
    write_anchor(pdf_path, Path(store.path), result.data_hash, entry)
