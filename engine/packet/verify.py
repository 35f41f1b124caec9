"""Check a case packet against its case (``verify CASE --packet P.pdf``, CASE_FORMAT.md §4).

The packet's keywords carry the data hash and the chain hash of the last audit entry it
shows. The packet matches when its data hash equals the case's recomputed data hash and its
chain hash is an entry of the intact audit chain; entries after it are listed, so a reader
knows what happened to the case since the packet was made.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from engine.errors import InputError

_KEY = re.compile(r"(data_hash|chain_hash)=([0-9a-f]{64}|)")


@dataclass(frozen=True)
class PacketCheck:
    """The verdict on one packet."""

    ok: bool
    problems: list[str]
    packet_data_hash: str
    packet_chain_hash: str
    later_entries: list[str]   # "seq time user action" of entries after the packet's


def packet_hashes(pdf: Path) -> tuple[str, str]:
    """(data hash, chain hash) recorded in a packet; InputError when it is not one of ours."""
    try:
        reader = PdfReader(str(pdf))
        keywords = str(reader.metadata.get("/Keywords", "")) if reader.metadata else ""
    except (OSError, PdfReadError, ValueError) as exc:
        raise InputError.single(pdf.name, None, None, f"not a readable PDF ({exc})") from None
    found = dict(_KEY.findall(keywords))
    if "data_hash" not in found:
        raise InputError.single(pdf.name, None, None, "not a case packet of this workbench (no data hash recorded)")
    return found["data_hash"], found.get("chain_hash", "")


def check_packet(store: Any, pdf: Path, chain_ok: bool) -> PacketCheck:
    """Compare the packet's hashes with the case in ``store`` (whose chain was checked: ``chain_ok``)."""
    data_hash, chain_hash = packet_hashes(pdf)
    problems: list[str] = []
    case_hash = store.compute_data_hash()
    if data_hash != case_hash:
        problems.append(f"the packet's data hash {data_hash[:16]}… differs from the case's {case_hash[:16]}…")
    if not chain_ok:
        problems.append("the case's audit chain is not intact, so the packet's place in it cannot be trusted")
    entries = store.audit_entries()
    position = next((i for i, e in enumerate(entries) if e.hash == chain_hash), None)
    later: list[str] = []
    if not chain_hash:
        problems.append("the packet records no audit chain hash")
    elif position is None:
        problems.append(f"the packet's chain hash {chain_hash[:16]}… is not an entry of this case's audit log")
    else:
        later = [f"{e.seq} {e.time} {e.user} {e.action}" for e in entries[position + 1:]]
    return PacketCheck(ok=not problems, problems=problems, packet_data_hash=data_hash,
                       packet_chain_hash=chain_hash, later_entries=later)
