"""A stderr progress bar (tqdm) driven by an engine Reporter, silent when quiet."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from engine.progress import Reporter


@contextmanager
def cli_reporter(quiet: bool) -> Iterator[Reporter]:
    """A Reporter that draws a percentage bar with the current stage name on stderr."""
    if quiet:
        yield Reporter()
        return
    from tqdm import tqdm   # only for a bar: a quiet run's start (before the network stage forks) is serial
    bar = tqdm(total=100, unit="%", leave=False, dynamic_ncols=True,
               bar_format="{desc} {bar} {n:.0f}% [{elapsed}]")

    def show(stage: str, fraction: float) -> None:
        bar.set_description_str(stage, refresh=False)
        bar.n = round(100 * fraction, 1)
        bar.refresh()

    try:
        yield Reporter(show)
    finally:
        bar.close()
