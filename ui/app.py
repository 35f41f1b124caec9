"""Start the GUI: QApplication, theme, error hook, main window; open a case or the demo."""
from __future__ import annotations

import gc
import logging
import os
import signal
import sys
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from engine.applog import APP_NAME
from ui.theme import apply_theme

if TYPE_CHECKING:
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

# Infomap holds the interpreter lock for its whole call (measured: a 2 M-link network froze a
# Python heartbeat thread for 2.7 s), so analyses run in a child process; see bench_gui.py.
ANALYSIS_IN_PROCESS = True


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Uncaught errors: traceback to the log, a short message on screen."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log.error("uncaught error", exc_info=(exc_type, exc, tb))
    if QApplication.instance() is not None:
        from ui.dialogs.error_dialog import show_error
        show_error(QApplication.activeWindow(), "Unexpected error", exc.with_traceback(tb))


def install_excepthook() -> None:
    sys.excepthook = _excepthook


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists) with name, style and icon set."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Insider-trading workbench")
    app.setOrganizationName(APP_NAME)
    app.setStyle("Fusion")
    from ui.icons import app_icon
    app.setWindowIcon(app_icon())
    return app


def build_window(in_process: bool = ANALYSIS_IN_PROCESS) -> MainWindow:
    """Settings, theme and the main window with every registered view (not shown)."""
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from views import VIEW_REGISTRY
    settings = Settings()
    dark = apply_theme(settings.theme())
    window = MainWindow(VIEW_REGISTRY, settings, in_process=in_process)
    window.actions["dark_theme"].blockSignals(True)
    window.actions["dark_theme"].setChecked(dark)
    window.actions["dark_theme"].blockSignals(False)
    return window


def freeze_startup_objects() -> None:
    """Take every object alive once the window is built (the imported modules' functions and
    classes, the window's widgets: about 180,000) out of the garbage collector's walks. A full
    collection walks every tracked object with the interpreter lock held, about 110 ms of the
    GUI thread's CPU at that size, in whichever turn happens to allocate (measured in the
    open of a reference-scale case); these objects live as long as the process, so after this
    a full collection walks only what was made since. Garbage is collected first, not kept."""
    gc.collect()
    gc.freeze()


def close_on_sigterm(app: QApplication) -> QTimer:
    """SIGTERM (``kill``, a logout, a service manager) closes the workbench as the user would:
    the window's close cancels the analysis and ends its child process, the case is closed.
    Qt's event loop runs no Python, so a timer lets the handler run within 200 ms; the closing
    is queued, so a signal that comes before the loop starts still ends it."""
    signal.signal(signal.SIGTERM, lambda *_: QTimer.singleShot(0, lambda: (app.closeAllWindows(), app.quit())))
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(200)
    return timer


def run_gui(case: str | None = None, demo: bool = False) -> int:
    """Show the workbench; open ``case`` or the demo once the event loop runs."""
    from ui.child_process import stop_spares
    app = make_app()
    install_excepthook()
    close_on_sigterm(app)
    window = build_window()
    window.show()
    freeze_startup_objects()
    if os.environ.get("ITWB_EXIT_AFTER_SHOW") == "1":  # installer/bench_bundle: time to a usable window
        QTimer.singleShot(0, app.quit)
    if case:
        QTimer.singleShot(0, lambda: window.open_case_path(case))
    elif demo:
        QTimer.singleShot(0, window.open_demo)
    try:
        return app.exec()
    finally:
        stop_spares()  # the warm child processes end with the workbench
