"""The chain-head receipt written beside every export (CASE_FORMAT.md "round 2"): ``NAME.head.txt``
holds the case file name, data hash, chain head hash, entry count and the head entry's time.

Kept outside the case file, it anchors the audit log: ``verify --anchor`` fails when the case's
chain no longer holds that head with the same history before it (entries removed from the end,
or the log rebuilt after the export), which no check inside the file alone can see.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from engine.atomic import write_bytes_atomic
from engine.errors import UsageError

_FIELDS = ("case", "data_hash", "chain_head", "entries", "time")
MAX_ANCHOR_BYTES = 10_000


@dataclass(frozen=True)
class Anchor:
    """One chain-head receipt."""

    case: str
    data_hash: str
    chain_head: str
    entries: int
    time: str

    def text(self) -> str:
        return "".join(f"{name}: {getattr(self, name)}\n" for name in _FIELDS)


def anchor_path(export: Path) -> Path:
    """``NAME.head.txt`` beside the export ``NAME.ext``."""
    export = Path(export)
    return export.with_name(f"{export.stem}.head.txt")


def write_anchor(export: Path, case_path: Path, data_hash: str, head: Any) -> Path:
    """Write the receipt of ``head`` (the audit entry that logged the export) beside ``export``."""
    anchor = Anchor(Path(case_path).name, data_hash, head.hash, head.seq, head.time)
    path = anchor_path(export)
    write_bytes_atomic(path, anchor.text().encode("utf-8"))
    return path


def read_anchor(path: Path) -> Anchor:
    """Parse a receipt; ``UsageError`` naming the file when it is not one."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_ANCHOR_BYTES + 1)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the chain-head receipt ({exc})") from None
    values = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
    missing = [name for name in _FIELDS if name not in values]
    if len(data) > MAX_ANCHOR_BYTES or missing or not values.get("entries", "").isdigit():
        raise UsageError(f"{path}: not a chain-head receipt (it needs the lines {', '.join(_FIELDS)})")
    return Anchor(values["case"], values["data_hash"], values["chain_head"], int(values["entries"]), values["time"])


def anchor_problems(anchor: Anchor, entries: Sequence[Any], data_hash: str) -> list[str]:
    """Why the case's chain does not hold the anchored head with its history (empty when it does).

    The chain itself must be intact (``verify``): then entry ``n`` having the anchored hash
    means every entry up to ``n`` is the one the receipt saw.
    """
    problems = []
    if len(entries) < anchor.entries:
        problems.append(f"the receipt records {anchor.entries} audit entries but the case holds only "
                        f"{len(entries)}: entries were removed after the export")
    elif entries[anchor.entries - 1].hash != anchor.chain_head:
        problems.append(f"audit entry {anchor.entries} is not the one the receipt recorded "
                        "(the log was rewritten after the export)")
    if data_hash and anchor.data_hash != data_hash:
        problems.append(f"the receipt's data hash {anchor.data_hash} differs from the case's {data_hash}")
    return problems
