"""Validate all, run again and again, keeps nothing of one run once the next has ended: no callback or Qt timer
of the event loop, no Qt object, no task; the results themselves are kept (the last one per connection)."""

from __future__ import annotations

import asyncio
import gc
from collections import Counter
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from mmoauth_gui.ui.connections.controller import ConnectionsController

RUNS = 4


def census(page: ConnectionsController, loop: asyncio.AbstractEventLoop) -> Counter[str]:
    gc.collect()
    live = Counter(type(o).__name__ for o in gc.get_objects())
    return Counter(
        {
            "loop callbacks": sum(1 for o in gc.get_objects() if isinstance(o, asyncio.Handle) and o._loop is loop),
            "tasks": len(asyncio.all_tasks(loop)),
            "Qt objects of the page": len(page.view.findChildren(QObject)) + len(page.findChildren(QObject)),
            "widgets": len(QApplication.allWidgets()),
            "futures": live["Future"] + live["Task"],
            "results": live["ValidationResult"],
            "badges": live["Badge"],
        }
    )


def test_runs_of_validate_all_leave_nothing_behind(qtbot: Any, page: ConnectionsController, loop: Any) -> None:
    def validate_all() -> None:
        with qtbot.waitSignal(page.bulk_finished):
            page.view.validate_all_action.trigger()
        qtbot.waitUntil(lambda: not page.ctx.tasks.busy)

    validate_all()  # the first run fills what is made once (the HTTP connections, icons, the stored results)
    before = census(page, loop)
    for _ in range(RUNS):
        validate_all()
    after = census(page, loop)
    assert after == before
