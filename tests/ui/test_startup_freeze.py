"""Objects alive once the window is built leave the garbage collector's walks: a full
collection walked all of them (about 110 ms of the GUI thread at start-up size) in whichever
turn allocated; garbage is collected first, not kept for ever."""
from __future__ import annotations

import gc
import weakref

from ui.app import freeze_startup_objects


class _Cycle:
    """Garbage only the collector frees (it refers to itself)."""

    def __init__(self) -> None:
        self.me = self


def test_objects_alive_at_start_up_are_no_longer_walked_and_garbage_is_freed_first():
    kept = [["made before"]]            # a list of a list: tracked by the collector
    garbage = _Cycle()
    gone = weakref.ref(garbage)
    del garbage
    try:
        freeze_startup_objects()
        made_after = [["made after"]]
        walked = gc.get_objects()
        assert gone() is None                       # collected, not frozen
        assert not any(o is kept for o in walked)   # frozen: no collection walks it
        assert any(o is made_after for o in walked)
    finally:
        gc.unfreeze()
