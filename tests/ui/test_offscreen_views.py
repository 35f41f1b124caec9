"""A view whose dock is a tab behind another is off screen (Qt keeps it 'visible', only moved
away): it takes every selection (its highlighted ids follow) but draws it only when its tab
comes forward, so a selection costs only the views an investigator can see."""
from __future__ import annotations


def test_tabbed_away_views_draw_the_selection_when_brought_forward(window, qtbot, analysed_case):
    with qtbot.waitSignal(window.result_shown, timeout=120000):
        assert window.open_case_path(analysed_case)
    profile, timeline, triage = (window.views[n] for n in ("profile", "timeline", "triage"))
    window.docks["options"].raise_()
    qtbot.waitUntil(lambda: not (profile.on_screen() or timeline.on_screen() or triage.on_screen()), timeout=5000)
    assert profile.isVisible() and triage.isVisible()        # Qt's word: tabs behind are 'visible'
    suspects = window.views["suspects"].model
    first, second = suspects.investor_at(0), suspects.investor_at(1)
    window.selection.replace({first}, first, source="test")
    for view in (profile, timeline, triage):
        assert view.highlighted_ids() == {first}
    assert profile.profile is None and timeline._lane_ids == [] and first not in triage.scorecard.title.text()

    window.docks["profile"].raise_()
    qtbot.waitUntil(lambda: profile.profile is not None, timeout=5000)
    assert profile.profile.investor_id == first and first in profile.header.text()
    window.docks["timeline"].raise_()
    qtbot.waitUntil(lambda: timeline._lane_ids == [first], timeout=5000)
    assert not profile.on_screen()
    window.selection.replace({second}, second, source="test")    # the profile, behind again, waits
    assert profile.profile.investor_id == first and timeline._lane_ids == [second]
    window.docks["triage"].raise_()
    qtbot.waitUntil(lambda: triage.scorecard.title.text().startswith(f"{second}:"), timeout=5000)
    window.docks["profile"].raise_()
    qtbot.waitUntil(lambda: profile.profile.investor_id == second, timeout=5000)
