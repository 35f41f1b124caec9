"""SelectionModel: edit modes, focus rules, no-op changes emit nothing, back/forward."""
from __future__ import annotations

import pytest

from ui.selection import HISTORY_LIMIT, SelectionModel
from views.selection_types import Selection, SelectionRequest, mode_for_modifiers


@pytest.fixture
def model(qtbot):
    m = SelectionModel()
    events: list[tuple[Selection, Selection]] = []
    m.changed.connect(lambda new, old: events.append((new, old)))
    m.events = events  # type: ignore[attr-defined]
    return m


def test_modes_follow_set_algebra_and_emit_new_and_old(model):
    assert model.replace({"a", "b"}, focus="a", source="table")
    assert model.value == Selection(frozenset({"a", "b"}), "a")
    assert model.add({"c"})
    assert model.value.ids == {"a", "b", "c"} and model.value.focus == "a"
    assert model.toggle({"a", "d"})
    assert model.value.ids == {"b", "c", "d"}
    assert model.value.focus is None            # the focus was toggled off, several remain
    assert model.remove({"b", "c"})
    assert model.value == Selection(frozenset({"d"}), "d")   # one left: it is the focus
    assert model.clear()
    assert model.value.is_empty
    news = [new for new, _ in model.events]
    olds = [old for _, old in model.events]
    assert olds[1:] == news[:-1] and len(news) == 5


def test_no_op_changes_emit_nothing(model):
    model.replace({"a"}, "a", source="table")
    n = len(model.events)
    assert not model.replace({"a"}, "a", source="network")   # same value, other source
    assert not model.add({"a"})
    assert not model.remove({"zzz"})
    assert not model.toggle(set())
    assert not model.set_focus("a")
    assert len(model.events) == n
    model.clear()
    n = len(model.events)
    assert not model.clear()
    assert len(model.events) == n


def test_apply_dispatches_requests(model):
    model.apply(SelectionRequest(frozenset({"x", "y"}), focus="y", mode="replace", source="raster"))
    assert model.value == Selection(frozenset({"x", "y"}), "y")
    model.apply(SelectionRequest(frozenset({"y"}), mode="toggle"))
    assert model.value == Selection(frozenset({"x"}), "x")
    model.apply(SelectionRequest(frozenset({"z"}), focus="z", mode="add"))
    assert model.value == Selection(frozenset({"x", "z"}), "z")
    model.apply(SelectionRequest(frozenset({"x", "z"}), mode="remove"))
    assert model.value.is_empty
    with pytest.raises(ValueError):
        SelectionRequest(frozenset({"x"}), mode="bogus")  # type: ignore[arg-type]


def test_focus_must_be_selected_and_set_focus_adds_it(model):
    with pytest.raises(ValueError):
        Selection(frozenset({"a"}), focus="b")
    model.replace({"a", "b"})
    assert model.value.focus is None
    model.set_focus("c")
    assert model.value == Selection(frozenset({"a", "b", "c"}), "c")


def test_back_and_forward_walk_the_history(model):
    states = [frozenset({"a"}), frozenset({"a", "b"}), frozenset({"c"})]
    for ids in states:
        model.replace(ids)
    assert model.back() and model.value.ids == states[1]
    assert model.back() and model.value.ids == states[0]
    assert model.back() and model.value.is_empty
    assert not model.back() and not model.can_go_back()
    assert model.forward() and model.value.ids == states[0]
    assert model.forward() and model.value.ids == states[1]
    model.replace({"z"})                          # a new branch drops the forward history
    assert not model.can_go_forward()
    assert model.back() and model.value.ids == states[1]
    # every history step emitted exactly one change with the right old value
    for new, old in model.events:
        assert new != old


def test_history_is_bounded(model):
    for k in range(HISTORY_LIMIT + 20):
        model.replace({f"i{k}"})
    steps = 0
    while model.back():
        steps += 1
    assert steps == HISTORY_LIMIT


def test_hover_is_throttled_deduplicated_and_separate(model, qtbot):
    seen: list[object] = []
    model.hovered.connect(seen.append)
    with qtbot.waitSignal(model.hovered, timeout=1000):
        for k in range(50):             # a burst of mouse moves ...
            model.set_hover(f"i{k}")
    assert seen == ["i49"]              # ... reaches the views once, with the latest id
    model.set_hover("i49")
    qtbot.wait_until(lambda: not model._hover_timer.isActive(), timeout=1000)
    assert seen == ["i49"]              # no change, no signal
    with qtbot.waitSignal(model.hovered, timeout=1000):
        model.set_hover(None)
    assert seen == ["i49", None]
    assert model.events == []           # hover never touches the selection


@pytest.mark.parametrize("ctrl,shift,alt,mode", [
    (False, False, False, "replace"), (True, False, False, "toggle"),
    (False, True, False, "add"), (False, False, True, "remove"), (True, True, True, "remove")])
def test_modifier_rule(ctrl, shift, alt, mode):
    assert mode_for_modifiers(ctrl, shift, alt) == mode
