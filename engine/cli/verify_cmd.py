"""``verify CASE.itcase``: check a case file's database, data hash and audit chain.

Exit codes: 0 intact; 1 the case was changed or damaged (a finding about the evidence,
not a mistake in the command); 2 the file is missing or not a case (main.py prints it).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from engine.case_store import CaseStore

EXIT_INTACT, EXIT_TAMPERED = 0, 1


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify", help="check a case file: database integrity, data hash, audit chain",
        description="Recompute the data hash from the stored tables and check the hash-chained "
                    "audit log. Exit 0 when intact, 1 when changed or damaged, 2 when not a case.")
    parser.add_argument("case", metavar="CASE.itcase", help="the case file to check")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.case)
    with CaseStore.open(path, read_only=True) as store:
        report = store.verify()
    print(f"case: {path}")
    print(f"data hash: {report.data_hash or '(stored tables unreadable)'}")
    print(f"audit entries: {report.audit_entries}")
    print(f"last chain hash: {report.last_chain_hash or '(none)'}")
    if report.ok:
        print("OK: database, data hash and audit chain are intact")
        return EXIT_INTACT
    print(f"FAILED: {len(report.problems)} problem(s) found")
    for problem in report.problems:
        print(f"  - {problem}")
    return EXIT_TAMPERED
