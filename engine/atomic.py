"""Write output files atomically: a reader never sees half a file, a crash leaves the old one.

Only a regular file (or nothing) is ever replaced (engine/output_paths.py): a device, a FIFO or
a socket at the output path is refused, a symbolic link is followed (its target is written).
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

from engine.output_paths import output_target


@contextlib.contextmanager
def atomic_open(path: Path, text: bool = False) -> Iterator[IO]:
    """A file written beside ``path`` (UTF-8, '\\n' newlines when ``text``), fsynced and
    renamed over ``path`` only when the block completes; removed when it fails."""
    target = output_target(Path(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with (os.fdopen(fd, "w", encoding="utf-8", newline="\n") if text else os.fdopen(fd, "wb")) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        output_target(target)  # still a regular file (or nothing) just before the switch
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path) as handle:
        handle.write(data)
