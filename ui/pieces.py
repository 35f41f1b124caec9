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


def split(value: Any, emit: Callable[[bytes], None], depth: int = DEPTH, pause: float = YIELD_S) -> Any:
    """The tree of ``value``: each leaf pickled and passed to ``emit`` in order (a ``Piece``
    names it by position), sleeping ``pause`` between two pickles so a waiting thread of this
    process gets the lock (0 in a process with no such thread). An object reached twice (the
    profile's and the timeline's panel) is taken apart once and its tree shared, so ``join``
    shares it too instead of making copies."""
    counter = [0]
    seen: dict[int, Any] = {}

    def walk(node: Any, level: int) -> Any:
        if id(node) in seen:
            return seen[id(node)]
        if level > 0 and _plain(node):
            tree: Any = Fields(type(node), {k: walk(v, level - 1) for k, v in vars(node).items()})
        elif level > 0 and type(node) is dict:
            tree = Items({k: walk(v, level - 1) for k, v in node.items()})
        else:
            emit(pickle.dumps(node, protocol=pickle.HIGHEST_PROTOCOL))
            if pause:
                time.sleep(pause)
            counter[0] += 1
            tree = Piece(counter[0] - 1)
        seen[id(node)] = tree
        return tree

    return walk(value, depth)


def join(tree: Any, pieces: list[bytes]) -> Any:
    """The value ``split`` took apart, unpickling one piece at a time and yielding the lock
    between two pieces; a subtree shared in ``tree`` gives one shared object."""
    made: dict[int, Any] = {}

    def build(node: Any) -> Any:
        if id(node) in made:
            return made[id(node)]
        if isinstance(node, Piece):
            value = pickle.loads(pieces[node.index])
            pieces[node.index] = b""            # free the bytes as soon as they are read
            time.sleep(YIELD_S)
        elif isinstance(node, Items):
            value = {k: build(v) for k, v in node.items.items()}
        elif isinstance(node, Fields):
            value = node.cls.__new__(node.cls)
            value.__dict__.update({k: build(v) for k, v in node.state.items()})
        else:
            raise TypeError(f"not a tree of pieces: {type(node).__name__}")
        made[id(node)] = value
        return value

    return build(tree)
