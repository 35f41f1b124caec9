"""A large value sent to or from a child process as many small pickles instead of one.

``pickle.dumps`` and ``pickle.loads`` hold the interpreter lock for the whole call: a
prepared result of the reference scale (61 MB) took 65 ms CPU to unpickle in one call, and
the GUI thread waited as long (twice that on a loaded machine). ``split`` pickles a plain
dataclass field by field and a dict item by item (a few levels deep), so no single call is
long; ``join`` unpickles the pieces one at a time and lets other threads run between them.
A piece whose type is not a plain dataclass or dict is pickled whole, as before.
"""
from __future__ import annotations

import dataclasses
import pickle
import time
from dataclasses import dataclass
from typing import Any, Callable

DEPTH = 3              # e.g. prepared result -> view data -> one view's data -> its fields
YIELD_S = 0.0005       # between two pieces, long enough for a waiting thread to take the lock


@dataclass(frozen=True)
class Piece:
    """A leaf of the tree: the index of its pickle in the piece list."""

    index: int


@dataclass(frozen=True)
class Fields:
    """A dataclass instance taken apart: its class and its attributes' trees."""

    cls: type
    state: dict[str, Any]


@dataclass(frozen=True)
class Items:
    """A dict taken apart: its items' trees."""

    items: dict[Any, Any]


def _plain(value: Any) -> bool:
    """Whether pickle would rebuild ``value`` as ``cls.__new__`` plus its ``__dict__``."""
    cls = type(value)
    return (dataclasses.is_dataclass(value) and not isinstance(value, type) and hasattr(value, "__dict__")
            and not hasattr(value, "__slots__") and cls.__reduce_ex__ is object.__reduce_ex__
            and cls.__reduce__ is object.__reduce__ and getattr(cls, "__getstate__", None) is object.__getstate__
            and not hasattr(cls, "__setstate__"))


def split(value: Any, emit: Callable[[bytes], None], depth: int = DEPTH) -> Any:
    """The tree of ``value``: each leaf pickled and passed to ``emit`` in order (a ``Piece``
    names it by position), yielding the lock between two pickles."""
    counter = [0]

    def walk(node: Any, level: int) -> Any:
        if level > 0 and _plain(node):
            return Fields(type(node), {k: walk(v, level - 1) for k, v in vars(node).items()})
        if level > 0 and type(node) is dict:
            return Items({k: walk(v, level - 1) for k, v in node.items()})
        emit(pickle.dumps(node, protocol=pickle.HIGHEST_PROTOCOL))
        time.sleep(YIELD_S)
        counter[0] += 1
        return Piece(counter[0] - 1)

    return walk(value, depth)


def join(tree: Any, pieces: list[bytes]) -> Any:
    """The value ``split`` took apart, unpickling one piece at a time and yielding the lock
    between two pieces."""
    if isinstance(tree, Piece):
        value = pickle.loads(pieces[tree.index])
        pieces[tree.index] = b""            # free the bytes as soon as they are read
        time.sleep(YIELD_S)
        return value
    if isinstance(tree, Items):
        return {k: join(v, pieces) for k, v in tree.items.items()}
    if isinstance(tree, Fields):
        obj = tree.cls.__new__(tree.cls)
        obj.__dict__.update({k: join(v, pieces) for k, v in tree.state.items()})
        return obj
    raise TypeError(f"not a tree of pieces: {type(tree).__name__}")
