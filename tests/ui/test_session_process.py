"""The analysis job in a child process (the app's default): result and every view's data
come back, and a cancel terminates the child within a second."""
from __future__ import annotations

import time

import pytest

from tests.ui.session_helper import analysed_session
from ui.session import PreparedResult
from views import VIEW_REGISTRY


@pytest.mark.slow
def test_child_process_analysis_prepares_every_view(qtbot, analysed_case):
    with analysed_session(qtbot, analysed_case, in_process=True) as (session, prepared):
        assert isinstance(prepared, PreparedResult)
        assert prepared.view_errors == {} and set(prepared.view_data) == set(VIEW_REGISTRY)
        assert prepared.networks is not None
        assert prepared.result.data_hash == session.info.data_hash

        outcomes: list[str] = []
        session.analysis_finished.connect(outcomes.append)
        with qtbot.waitSignal(session.analysis_progress, timeout=120000):
            session.run_analysis(use_cache=False)      # a fresh run, stopped mid-way
        t0 = time.perf_counter()
        session.cancel_analysis()
        assert session.runner.wait(1.0)
        assert time.perf_counter() - t0 < 1.0
        assert outcomes == ["cancelled"] and session.prepared is prepared   # the old result stays
