"""Start the desktop app: QApplication, the window's shell painted, then the asyncio loop (qasync) the UI runs on.

The shell (menu titles, server bar, tabs, status bar) is shown and painted before asyncio, qasync, the log
files, the HTTP client, the stores and the pages are even imported (see ``MainWindow.attach``), so that the
window appears about as early as a bare one would.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from mmoauth_gui.storage.paths import AppPaths
    from mmoauth_gui.ui.context import AppContext
    from mmoauth_gui.ui.main_window import MainWindow

log = logging.getLogger(__name__)

APP_NAME = "mmoauth-gui"
FIRST_PAINT_WAIT_S = 0.5


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window (``args.demo``: connected to an in-process sandbox) until it closes."""
    os.environ.setdefault("QT_API", "pyside6")  # qasync must bind to PySide6
    from mmoauth_gui.ui.runtime.system_libs import advice, missing_libraries

    missing = missing_libraries()
    if missing:  # Qt would abort with "could not load the xcb platform plugin" and no word of what to install
        print(advice(missing), file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QApplication

    from mmoauth_gui.ui.runtime import pyside_sources

    pyside_sources.install()  # before the imports that follow: PySide6 would keep all of their sources
    from mmoauth_gui.storage.paths import app_paths
    from mmoauth_gui.ui.main_window import MainWindow
    from mmoauth_gui.ui.runtime.settings import ui_settings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    name_application(app)
    app.setQuitOnLastWindowClosed(False)  # the coroutine decides when to stop, after cleaning up
    paths = app_paths()
    window = MainWindow(None, ui_settings(paths))  # the shell: shown and painted before the rest is imported
    window.show()
    paint_first(window)
    if not window.isVisible():  # closed while it was being painted
        return 0
    from mmoauth_gui.ui.kit import plain_text

    plain_text.install(app)  # server and file text shown as text in every label, message box and tooltip

    from mmoauth_gui.logs import setup_logging
    from mmoauth_gui.ui.runtime import event_loop
    from mmoauth_gui.ui.runtime.errors import ErrorReporter

    setup_logging(paths.log_file)
    reporter = ErrorReporter(paths.log_file)
    reporter.install()
    try:
        return int(event_loop.run(_main(args, window, paths, reporter)) or 0)
    finally:
        reporter.uninstall()


def name_application(app: Any) -> None:
    """The names the desktop sees. No display name: Qt would append it to every window's title on Linux
    ("Mattermost servers — …"), cutting message-box titles short; the main window's title names the app."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_NAME)


def paint_first(widget: QWidget, limit_s: float = FIRST_PAINT_WAIT_S) -> bool:
    """Run Qt's events until ``widget`` has painted, or for ``limit_s`` (a window not exposed never paints);
    whether it painted."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    loop = QEventLoop()
    painted: list[bool] = []

    class PaintWatch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(True)
                QTimer.singleShot(0, loop.quit)  # after this paint event has been handled
            return False

    watch = PaintWatch()
    widget.installEventFilter(watch)
    QTimer.singleShot(round(limit_s * 1000), loop.quit)
    try:
        loop.exec()
    finally:
        widget.removeEventFilter(watch)
    if not painted:
        log.debug("no paint within %.1f s; going on", limit_s)
    return bool(painted)


async def _main(args: argparse.Namespace, window: MainWindow, paths: AppPaths, reporter: Any) -> int:
    import asyncio
    import signal

    from mmoauth_gui.ui.runtime.gc_guard import MainThreadCollector

    loop = asyncio.get_running_loop()
    loop.set_exception_handler(reporter.loop_handler)
    demo = bool(getattr(args, "demo", False))
    MainThreadCollector(window)  # Python's GC on the GUI thread only; its timer also lets Ctrl+C through
    reporter.parent = window
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: window.close())
    if not window.isVisible():
        return 0
    ctx = None
    try:
        ctx = _context(paths, reporter)
        window.attach(ctx)
        window.servers.start(demo=demo)
        log.info("GUI started (demo=%s, data under %s)", demo, paths.config.parent)
        await closed.wait()
    finally:
        if ctx is not None:
            await ctx.aclose()
    return 0


def _context(paths: AppPaths, reporter: Any) -> AppContext:
    """What the shell did not need: the app icon, the HTTP client and the stores (httpx, keyring)."""
    from PySide6.QtWidgets import QApplication

    from mmoauth_gui.services.http import make_http_client
    from mmoauth_gui.ui.context import AppContext
    from mmoauth_gui.ui.kit.icons import app_icon

    QApplication.setWindowIcon(app_icon())
    ctx = AppContext(paths, make_http_client())
    ctx.error_reporter = reporter
    ctx.tasks.unhandled_error.connect(reporter.report)
    return ctx
