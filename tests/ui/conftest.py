"""Widget tests: a qasync loop on pytest-qt's QApplication, an in-process sandbox, an AppContext per test.

Any Qt warning fails a test (``qt_log_level_fail`` WARNING on every item here); the offscreen platform's
"does not support propagateSizeHints()" notice is the only message ignored.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

os.environ.setdefault("QT_API", "pyside6")

import pytest  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from ui_helpers import run  # noqa: E402

from mmoauth_gui.sandbox import Sandbox  # noqa: E402
from mmoauth_gui.services.http import make_http_client  # noqa: E402
from mmoauth_gui.storage.paths import app_paths  # noqa: E402
from mmoauth_gui.storage.profiles import Profile  # noqa: E402
from mmoauth_gui.ui.connections.controller import ConnectionsController  # noqa: E402
from mmoauth_gui.ui.connections.view import ConnectionsView  # noqa: E402
from mmoauth_gui.ui.context import AppContext  # noqa: E402
from mmoauth_gui.ui.runtime.gc_guard import MainThreadCollector  # noqa: E402

OFFSCREEN_NOTICE = r"This plugin does not support propagateSizeHints\(\)"
UI_DIR = os.path.dirname(__file__)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if str(item.path).startswith(UI_DIR):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOTICE))


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """An asyncio loop driven by Qt's (already_running: pytest-qt's waits spin it), garbage collected on the
    GUI thread as the app does."""
    collector = MainThreadCollector()
    event_loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    pending = [t for t in asyncio.all_tasks(event_loop) if not t.done()]
    for task in pending:
        task.cancel()
    for _ in range(200):
        if all(t.done() for t in pending):
            break
        qapp.processEvents()
    # qasync's stop() calls QApplication.exit(), which would make every later QEventLoop.exec() return at
    # once (pytest-qt's waitSignal uses one): mark the loop stopped without it.
    event_loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
    qapp.aboutToQuit.disconnect(event_loop._after_run_forever)
    asyncio.events._set_running_loop(None)
    event_loop.close()
    asyncio.set_event_loop(None)
    collector.stop()
    collector.deleteLater()


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed="demo") as sb:
        yield sb


@pytest.fixture
def ctx(qtbot: Any, loop: asyncio.AbstractEventLoop) -> Iterator[AppContext]:
    """An AppContext on this test's data dir, with its own AsyncClient; unhandled task errors fail the test."""
    context = AppContext(app_paths(), make_http_client(timeout=5.0))
    errors: list[BaseException] = []
    context.tasks.unhandled_error.connect(errors.append)
    yield context
    run(qtbot, context.aclose())
    assert not errors, f"unhandled errors in UI tasks: {errors!r}"


@pytest.fixture
def demo_ctx(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> AppContext:
    """``ctx`` signed in to the sandbox as its system admin (a temporary profile, nothing saved)."""
    run(qtbot, ctx.connect_to(Profile(name="Demo sandbox", url=sandbox.url), sandbox.admin_token, demo=True))
    return ctx


@pytest.fixture
def page(qtbot: Any, demo_ctx: AppContext) -> ConnectionsController:
    view = ConnectionsView()
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    controller = ConnectionsController(demo_ctx, view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 8 and not controller.loading)
    return controller
