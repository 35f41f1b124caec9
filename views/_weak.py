"""Callbacks that do not keep their view alive.

A pyqtgraph item that stores a bound method of its view (a scatter's ``tip``, a canvas's
``describe``) makes a reference cycle; when Python's garbage collector breaks such a cycle
it may tear the view's Python state down while Qt still draws it, which crashed the
process (checked: OptionsView with ``tip=self._tip``, collected after use). Passing a weak
callable keeps ownership one-way.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable


def weak_callable(method: Callable[..., Any], default: Any = "") -> Callable[..., Any]:
    """A function calling the bound ``method`` while its object lives, else returning ``default``."""
    ref = weakref.WeakMethod(method)

    def call(*args: Any, **kwargs: Any) -> Any:
        target = ref()
        return default if target is None else target(*args, **kwargs)

    return call
