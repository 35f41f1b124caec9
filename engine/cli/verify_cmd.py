"""``verify CASE.itcase [--packet P.pdf] [--anchor HEAD.txt]``: check a case file's database,
data hash, audit chain and the investigator's work rows; with ``--packet``, also that the packet
was made from this case and where in its audit chain it stands (CASE_FORMAT.md §4); with
``--anchor``, that the chain still holds the head recorded beside an export.

Exit codes: 0 intact; 1 the case was changed or damaged (a finding about the evidence,
not a mistake in the command); 2 the file is missing or not a case (main.py prints it).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from engine.case.anchor import anchor_problems, read_anchor
from engine.case.store import CaseStore
from engine.packet.sign import check_signature
from engine.packet.verify import check_packet

EXIT_INTACT, EXIT_TAMPERED = 0, 1


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of this command (its one-line help is in the command registry)."""
    parser.description = ("Recompute the data hash from the stored tables and check the hash-chained "
                          "audit log. Exit 0 when intact, 1 when changed or damaged, 2 when not a case.")
    parser.add_argument("case", metavar="CASE.itcase", help="the case file to check")
    parser.add_argument("--packet", metavar="P.pdf",
                        help="also check a case packet: same data hash, chain hash an entry of the intact chain, "
                             "and its signature when it is signed")
    parser.add_argument("--anchor", metavar="HEAD.txt",
                        help="also check a chain-head receipt written beside an export (NAME.head.txt)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.case)
    anchor = read_anchor(Path(args.anchor)) if args.anchor else None
    with CaseStore.open(path, read_only=True) as store:
        report = store.verify()
        packet = check_packet(store, Path(args.packet), report.ok) if args.packet else None
        anchored = (anchor_problems(anchor, store.audit_entries(), report.data_hash)
                    if anchor is not None else [])
    signature = check_signature(Path(args.packet)) if packet is not None else None
    print(f"case: {path}")
    print(f"data hash: {report.data_hash or '(stored tables unreadable)'}")
    print(f"audit entries: {report.audit_entries}")
    print(f"last chain hash: {report.last_chain_hash or '(none)'}")
    if report.ok:
        print("OK: database, data hash and audit chain are intact")
    else:
        print(f"FAILED: {len(report.problems)} problem(s) found")
        for problem in report.problems:
            print(f"  - {problem}")
    if packet is not None:
        print(f"packet: {args.packet}")
        print(f"packet data hash: {packet.packet_data_hash}")
        print(f"packet chain hash: {packet.packet_chain_hash or '(none)'}")
        if packet.ok:
            print(f"OK: the packet matches this case; {len(packet.later_entries)} audit entries came after it")
            for line in packet.later_entries:
                print(f"  after: {line}")
        else:
            print("FAILED: the packet does not match this case")
            for problem in packet.problems:
                print(f"  - {problem}")
    if signature is not None:
        if not signature.signed:
            print("packet signature: none (the packet is not signed)")
        elif signature.ok:
            print(f"OK: the packet's signature by {signature.signer} is intact and covers the whole file"
                  + (f" (signed {signature.signed_at})" if signature.signed_at else ""))
        else:
            print(f"FAILED: the packet's signature by {signature.signer} does not hold")
            for problem in signature.problems:
                print(f"  - {problem}")
    if anchor is not None:
        print(f"anchor: {args.anchor} (case {anchor.case}, entry {anchor.entries}, {anchor.time})")
        if anchored:
            print("FAILED: the case's audit chain no longer holds the anchored head")
            for problem in anchored:
                print(f"  - {problem}")
        else:
            print(f"OK: the chain holds the anchored head; {report.audit_entries - anchor.entries} entries came after it")
    packet_ok = packet is None or (packet.ok and signature is not None and signature.ok)
    return EXIT_INTACT if report.ok and not anchored and packet_ok else EXIT_TAMPERED
