"""Write a case packet and record the export: the packet first, its audit entry after.

The export's own audit entry is appended only once the PDF is safely on disk (then the chain-head
receipt ``NAME.head.txt`` is written beside it), and the packet shows the case as it stood before it (see ``engine.packet.case_state``), so a second export from
the same state gives the same bytes.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping

from engine.atomic import write_bytes_atomic
from engine.case.anchor import write_anchor
from engine.packet.figures import ReportFigure
from engine.packet.build import PacketRequest, build_packet
from engine.packet.case_state import case_state
from engine.packet.sign import PacketSigner, sign_packet
from engine.results import AnalysisResult


def export_packet(store: Any, result: AnalysisResult, pdf_path: Path, figures: Mapping[str, ReportFigure],
                  request: PacketRequest = PacketRequest(), case_name: str | None = None,
                  tables: Any = None, signer: PacketSigner | None = None) -> bytes:
    """Build the packet of ``result`` for the case in ``store`` (signed when a ``signer`` is
    given), write it atomically, log the export."""
    name = case_name or Path(store.path).stem
    state = case_state(store, name, result.event.event_id)
    pdf = build_packet(result, state, figures, request, tables)
    if signer is not None:
        pdf = sign_packet(pdf, signer, reason=f"Case packet of {name}, event {result.event.event_id}",
                          name=state.investigator)
    write_bytes_atomic(Path(pdf_path), pdf)
    entry = store.append_audit("export", {"kind": "packet", "event_id": result.event.event_id,
                                  "file": Path(pdf_path).name,
                                  "sha256": hashlib.sha256(pdf).hexdigest(),
                                  "chain_hash": state.chain_hash,
                                  "signed_by": signer.subject if signer is not None else "",
                                  "suspects": list(request.suspects) if request.suspects is not None else "top",
                                  "rings": list(request.rings) if request.rings is not None else "top"})
    write_anchor(Path(pdf_path), Path(store.path), result.data_hash, entry)
    return pdf
