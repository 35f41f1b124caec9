"""A session opened on a case with its analysis applied, for GUI tests that drive Session directly."""
from __future__ import annotations

import contextlib
from pathlib import Path


@contextlib.contextmanager
def analysed_session(qtbot, case_path: Path, in_process: bool, views: bool = True):
    """A Session preparing every registered view's data (none without ``views``), the case
    opened, its only event chosen and the (cached) analysis applied; yields (session, the
    PreparedResult); shut down after."""
    from ui.session import Session
    from views import VIEW_REGISTRY
    session = Session(list(VIEW_REGISTRY) if views else [], in_process=in_process)
    try:
        with qtbot.waitSignal(session.case_opened, timeout=60000):
            session.open_case(case_path)
        session.set_event(session.info.events[0].event_id)
        with qtbot.waitSignal(session.result_ready, timeout=120000) as ready:
            session.run_analysis(use_cache=True)
        yield session, ready.args[0]
    finally:
        session.shutdown(5.0)
