"""The app's event loop (qasync's, with two changes): a timed callback that is cancelled gives its Qt timer
back at once instead of when it would have fired, and blocking calls reuse an idle worker thread."""

from __future__ import annotations

import asyncio
import gc
import threading
from typing import Any

from PySide6.QtWidgets import QApplication
from support.ui_helpers import run

from mmoauth_gui.ui.runtime.event_loop import AppEventLoop


def handles_of(loop: asyncio.AbstractEventLoop) -> int:
    """How many callbacks of ``loop`` are still alive (scheduled, or kept by the loop after cancelling)."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, asyncio.Handle) and o._loop is loop)


def test_deadlines_left_before_they_expire_leave_nothing_behind(qtbot: Any, loop: AppEventLoop) -> None:
    async def requests(n: int) -> None:
        for _ in range(n):
            async with asyncio.timeout(60):  # as every request to a server: left as soon as the answer comes
                await asyncio.sleep(0)

    run(qtbot, requests(5))
    before = handles_of(loop)
    run(qtbot, requests(500))
    assert handles_of(loop) == before  # qasync alone kept all 500, and their Qt timers, for the whole minute
    assert len(loop.timers) <= 2


def test_timed_callbacks_run_in_time_order_and_a_cancelled_one_never(qtbot: Any, loop: AppEventLoop) -> None:
    ran: list[str] = []
    loop.call_later(0.06, ran.append, "later")
    loop.call_soon(ran.append, "soon")
    dropped = loop.call_later(0.01, ran.append, "cancelled")
    loop.call_at(loop.time() + 0.03, ran.append, "at")
    dropped.cancel()
    qtbot.waitUntil(lambda: len(ran) == 3)
    dropped.cancel()  # twice, and after the others ran: harmless
    qtbot.wait(50)
    assert ran == ["soon", "at", "later"]


def test_a_closed_loop_runs_nothing_it_had_scheduled(qtbot: Any, qapp: QApplication) -> None:
    other = AppEventLoop(qapp)
    ran: list[int] = []
    other.call_later(0.01, ran.append, 1)
    other.close()
    qtbot.wait(60)
    assert ran == [] and len(other.timers) == 0


def test_blocking_calls_one_after_another_reuse_an_idle_worker_thread(qtbot: Any, loop: AppEventLoop) -> None:
    async def threads() -> set[int]:
        return {await asyncio.to_thread(threading.get_ident) for _ in range(12)}

    # qasync's executor handed them round-robin to 10 threads. A second (rarely a third) thread may start when
    # the next call comes before the last thread has marked itself idle, just after handing over its result.
    assert len(run(qtbot, threads())) <= 3


def test_blocking_calls_at_once_still_run_side_by_side(qtbot: Any, loop: AppEventLoop) -> None:
    together = threading.Barrier(3, timeout=5)

    async def three() -> list[int]:
        return list(await asyncio.gather(*(asyncio.to_thread(together.wait) for _ in range(3))))

    assert sorted(run(qtbot, three())) == [0, 1, 2]  # a keyring call that blocks does not hold up a file write
