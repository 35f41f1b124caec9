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


def test_an_altered_case_is_refused_when_it_opens_in_the_child(qtbot, analysed_case):
    import sqlite3

    from engine.case.store import CaseStore
    from engine.errors import CaseFileError
    from ui.session import Session
    with CaseStore.open(analysed_case) as store:
        expected = store.tables()
    session = Session([], in_process=True)
    try:
        with qtbot.waitSignal(session.case_opened, timeout=60000) as opened:
            session.open_case(analysed_case)
        assert opened.args[0].data_hash and session.tables is not None
        assert session.tables.trades.equals(expected.trades)     # came back from the child whole
        session.close_case()
        conn = sqlite3.connect(analysed_case)   # a tamperer drops the append-only triggers first
        conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
        conn.execute("UPDATE audit SET user = 'someone else' WHERE seq = 1")
        conn.commit()
        conn.close()
        with qtbot.waitSignal(session.task_failed, timeout=60000) as failed:
            session.open_case(analysed_case)
        assert failed.args[0] == "Cannot open the case" and isinstance(failed.args[1], CaseFileError)
        assert session.info is None and session.store is None
    finally:
        session.shutdown(5.0)
