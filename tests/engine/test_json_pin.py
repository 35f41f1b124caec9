"""Pins the exact ``analyze --json`` bytes of the demo case.

The engine was reorganised into stage packages (issue 11) without changing behaviour; this
hash was produced by the flat layout and must still match. Update it only in a commit that
changes the method on purpose, and say so in that commit's message.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from main import main as run

DEMO_ANALYZE_JSON_SHA256 = "52926f7a5bbf1efcda11c4f3f20fb18470fc1df5aaf2f37a533075551a796058"


def test_demo_analyze_json_bytes_are_pinned(analysed_case: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    assert run(["analyze", str(analysed_case), "--json", str(out), "--quiet"]) == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() == DEMO_ANALYZE_JSON_SHA256
