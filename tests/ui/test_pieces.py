"""A value taken apart into small pickles comes back equal, with its types; the large parts
travel as separate pieces; types pickle rebuilds its own way travel whole.

Oracles: equality with the original and pickle's own round trip; the piece count.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ui.child_process import Job, run_in_child
from ui.pieces import join, split


@dataclass(frozen=True)
class Inner:
    values: np.ndarray
    frame: pd.DataFrame
    label: str = "inner"


@dataclass(frozen=True)
class Outer:
    inner: Inner
    by_name: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Slotted:
    a: int
    b: tuple[int, ...]


class Custom:
    """Rebuilt by its own ``__reduce__`` (must travel whole)."""

    def __init__(self, x: int) -> None:
        self.x = x

    def __reduce__(self) -> tuple[Any, ...]:
        return (Custom, (self.x,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Custom) and other.x == self.x


def _sample() -> Outer:
    rng = np.random.default_rng(7)
    inner = Inner(values=rng.normal(size=(50, 3)), frame=pd.DataFrame({"id": ["a", "b"], "v": [1.5, 2.5]}))
    object.__setattr__(inner, "cached", [1, 2, 3])        # an attribute beyond the fields (e.g. a cache)
    return Outer(inner=inner, by_name={"s": Slotted(1, (2, 3)), "c": Custom(4), "n": None, "x": 1.25},
                 note="n")


def _round_trip(value: Any, depth: int = 3) -> tuple[Any, list[bytes]]:
    pieces: list[bytes] = []
    tree = split(value, pieces.append, depth)
    sent = list(pieces)
    return join(pickle.loads(pickle.dumps(tree)), pieces), sent


def test_a_nested_value_comes_back_equal_with_its_types():
    value = _sample()
    back, pieces = _round_trip(value)
    assert type(back) is Outer and type(back.inner) is Inner
    np.testing.assert_array_equal(back.inner.values, value.inner.values)
    pd.testing.assert_frame_equal(back.inner.frame, value.inner.frame)
    assert back.inner.cached == [1, 2, 3] and back.inner.label == "inner"
    assert back.by_name == value.by_name and back.note == "n"
    # values, frame, label, cached, 4 dict items, note: each its own piece
    assert len(pieces) == 9


def test_depth_bounds_the_splitting():
    value = _sample()
    back, pieces = _round_trip(value, depth=1)
    assert len(pieces) == 3                       # inner, by_name, note whole
    assert back.by_name == value.by_name
    np.testing.assert_array_equal(back.inner.values, value.inner.values)


def test_types_with_their_own_pickling_travel_whole():
    for value in (Slotted(1, (2,)), Custom(3), np.arange(4), pd.Series([1, 2]), (1, {"a": 2})):
        back, pieces = _round_trip(value)
        assert len(pieces) == 1
        assert pickle.dumps(back) == pickle.dumps(value)


def _echo(value: Outer, *, reporter: Any) -> Outer:
    return value


def test_a_child_process_job_sends_and_returns_its_value_in_pieces():
    import threading
    value = _sample()
    back = run_in_child(Job(_echo, (value,), in_process=True, name="echo", keep_warm=False),
                        lambda _stage, _fraction: None, threading.Event())
    assert back.by_name == value.by_name and back.inner.cached == [1, 2, 3]
    np.testing.assert_array_equal(back.inner.values, value.inner.values)


def test_an_object_reached_twice_travels_once_and_comes_back_shared():
    """The profile's and the timeline's view data hold the same panel: one copy, not two."""
    inner = _sample().inner
    value = {"profile": {"panel": inner}, "timeline": {"panel": inner, "frame": inner.frame}}
    back, pieces = _round_trip(value)
    assert back["profile"]["panel"] is back["timeline"]["panel"]
    assert back["timeline"]["frame"] is back["timeline"]["panel"].frame
    assert len(pieces) == 4                       # values, frame, label, cached of the one panel
