"""Output paths checked before any work (CASE_FORMAT.md "round 2"): exit 2 with a
plain message for a missing or unwritable folder, a folder, a device or FIFO, one of the
command's own inputs, or two outputs on one file."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from engine.errors import UsageError


def output_target(path: Path) -> Path:
    """The file that writing ``path`` replaces (a link's target); ``UsageError`` in plain words
    when it cannot or may not be written: missing or unwritable folder, a folder, not a regular file."""
    path = Path(path)
    target = path.resolve() if path.is_symlink() else path
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"{path} is a folder; give a file name inside it")
    if mode is not None and not stat.S_ISREG(mode):
        raise UsageError(f"{path} is not a regular file (a device, FIFO or socket); give a file name")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write {path}: the folder {folder} is not writable")
    return target


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def check_outputs(outputs: Mapping[str, str | Path | None], inputs: Iterable[str | Path | None] = ()) -> None:
    """``outputs`` (option -> path; None skipped) may all be written; ``UsageError`` otherwise."""
    given = {flag: Path(p) for flag, p in outputs.items() if p is not None}
    sources = [Path(p) for p in inputs if p is not None]
    seen: dict[Path, str] = {}
    for flag, path in given.items():
        target = output_target(path)
        for source in sources:
            if _same_file(target, source):
                raise UsageError(f"{flag} {path} is one of this command's input files ({source}); "
                                 "choose another output file")
        key = target.resolve()
        if key in seen:
            raise UsageError(f"{seen[key]} and {flag} name the same file {path}; give each output its own file")
        seen[key] = flag
