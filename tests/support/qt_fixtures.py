"""Widget-test fixtures: the app's event loop on pytest-qt's QApplication, an AppContext per test, signed in
to a sandbox when asked (``demo_ctx``), and a ``qtbot`` whose waits allow for a slow, loaded CI machine."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from support.ui_helpers import run

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.storage.paths import app_paths
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.runtime.event_loop import AppEventLoop
from mmoauth_gui.ui.runtime.gc_guard import MainThreadCollector

# what the offscreen platform cannot do (size hints; a popup menu's raise and keyboard grab), not faults
OFFSCREEN_NOTICE = r"This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)"


WAIT_MS = 30_000  # pytest-qt's default is 5 s: a sign-in and first sync can take longer on a busy CI machine


class PatientQtBot(QtBot):
    """pytest-qt's bot with ``WAIT_MS`` as the default of its waits: a wait still ends as soon as its condition
    holds, and a condition never met still fails the test (later)."""

    def waitUntil(self, callback: Any, *, timeout: int = WAIT_MS) -> None:  # noqa: N802 - pytest-qt's name
        super().waitUntil(callback, timeout=timeout)

    def waitSignal(self, signal: Any, *, timeout: int = WAIT_MS, **options: Any) -> Any:  # noqa: N802
        return super().waitSignal(signal, timeout=timeout, **options)


@pytest.fixture
def qtbot(qapp: QApplication, request: pytest.FixtureRequest) -> QtBot:
    return PatientQtBot(request)


def fail_on_qt_warnings(items: list[pytest.Item], where: str) -> None:
    """Any Qt warning fails the tests under ``where`` (the offscreen platform's notices aside)."""
    for item in items:
        if str(item.path).startswith(where):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOTICE))


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """An asyncio loop driven by Qt's (already_running: pytest-qt's waits spin it), garbage collected on the
    GUI thread as the app does."""
    collector = MainThreadCollector()
    event_loop = AppEventLoop(qapp, already_running=True)
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
