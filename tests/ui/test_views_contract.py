"""Every registered view implements the whole ViewContract (checked on the classes, no Qt needed).

BaseView carries only shared behaviour, so a view that forgets a method would fail at call
time; this registry check catches it before any view is built.
"""
from __future__ import annotations

import inspect

import pytest

from engine.viewdata.registry import VIEW_DATA
from views import VIEW_REGISTRY
from views.base import REQUIRED_METHODS, BaseView, ViewContract

AREAS = {"left", "right", "bottom", "center"}
CONTRACT_METHODS = tuple(name for name, value in vars(ViewContract).items()
                         if not name.startswith("_") and (inspect.isfunction(value) or isinstance(value, staticmethod)))


def contract_problems(cls: type) -> list[str]:
    """What ``cls`` lacks of the contract (empty when it complies)."""
    problems = []
    if not issubclass(cls, BaseView):
        problems.append("not a BaseView")
    for name in CONTRACT_METHODS:
        member = inspect.getattr_static(cls, name, None)
        if member is None or not callable(getattr(cls, name)):
            problems.append(f"{name} missing")
            continue
        want = inspect.signature(getattr(ViewContract, name))
        got = inspect.signature(getattr(cls, name))
        required = [p for p in got.parameters.values()
                    if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(required) != len(want.parameters):
            problems.append(f"{name}{got} does not match {name}{want}")
    for name in REQUIRED_METHODS:
        owner = next((k for k in cls.__mro__ if name in vars(k)), None)
        if owner is None or owner is BaseView or not issubclass(owner, BaseView):
            problems.append(f"{name} not implemented by the view")
    if cls.view_name not in VIEW_DATA:
        problems.append("no view-data function in engine.viewdata.registry")
    if not cls.view_name or not cls.title or cls.default_area not in AREAS:
        problems.append("view_name, title or default_area unset")
    return problems


def test_contract_lists_the_documented_methods():
    assert set(REQUIRED_METHODS) <= set(CONTRACT_METHODS)
    assert {"apply_hover", "apply_exploration", "apply_decisions", "highlighted_ids", "snapshot"} <= set(CONTRACT_METHODS)


def test_view_data_registry_is_keyed_like_the_view_registry():
    assert list(VIEW_DATA) == list(VIEW_REGISTRY)


@pytest.mark.parametrize("name", list(VIEW_REGISTRY))
def test_registered_view_implements_contract(name):
    cls = VIEW_REGISTRY[name]
    assert cls.view_name == name
    assert contract_problems(cls) == []


def test_check_catches_an_incomplete_view():
    class Incomplete(BaseView):
        view_name = "incomplete"
        title = "Incomplete"

        def set_data(self, viewdata, extra):  # wrong arity
            pass

    problems = contract_problems(Incomplete)
    assert "no view-data function in engine.viewdata.registry" in problems
    assert any(p.startswith("set_data") and "does not match" in p for p in problems)
    for name in ("apply_selection", "clear"):
        assert f"{name} not implemented by the view" in problems


def test_views_are_structural_contract_instances(qtbot):
    view = VIEW_REGISTRY["rings"]()
    qtbot.addWidget(view)
    assert isinstance(view, ViewContract)
