"""Start the desktop app: QApplication first, then the asyncio loop (qasync) the whole UI runs on."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from typing import Any

log = logging.getLogger(__name__)

APP_NAME = "mmoauth-gui"
DISPLAY_NAME = "Mattermost OAuth Connections"


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window (``args.demo``: connected to an in-process sandbox) until it closes."""
    os.environ.setdefault("QT_API", "pyside6")  # qasync must bind to PySide6
    import qasync
    from PySide6.QtWidgets import QApplication

    from mmoauth_gui.logs import setup_logging
    from mmoauth_gui.storage.paths import app_paths
    from mmoauth_gui.ui.errors import ErrorReporter
    from mmoauth_gui.ui.icons import app_icon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(DISPLAY_NAME)
    app.setDesktopFileName(APP_NAME)
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)  # the coroutine decides when to stop, after cleaning up

    paths = app_paths()
    setup_logging(paths.log_file)
    reporter = ErrorReporter(paths.log_file)
    reporter.install()
    try:
        return int(qasync.run(_main(args, reporter)) or 0)
    finally:
        reporter.uninstall()


async def _main(args: argparse.Namespace, reporter: Any) -> int:
    from mmoauth_gui.services.http import make_http_client
    from mmoauth_gui.storage.paths import app_paths
    from mmoauth_gui.ui.context import AppContext
    from mmoauth_gui.ui.gc_guard import MainThreadCollector
    from mmoauth_gui.ui.main_window import MainWindow
    from mmoauth_gui.ui.settings import ui_settings

    loop = asyncio.get_running_loop()
    loop.set_exception_handler(reporter.loop_handler)
    paths = app_paths()
    ctx = AppContext(paths, make_http_client())
    ctx.error_reporter = reporter
    ctx.tasks.unhandled_error.connect(reporter.report)
    window = MainWindow(ctx, ui_settings(paths))
    MainThreadCollector(window)  # Python's GC on the GUI thread only; its timer also lets Ctrl+C through
    reporter.parent = window
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: window.close())
    window.show()
    window.servers.start(demo=bool(getattr(args, "demo", False)))
    log.info("GUI started (demo=%s, data under %s)", bool(getattr(args, "demo", False)), paths.config.parent)
    try:
        await closed.wait()
    finally:
        await ctx.aclose()
    return 0
