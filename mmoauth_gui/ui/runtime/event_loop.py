"""The asyncio loop the app runs on: qasync's, with cancelled timers dropped at once and a thread pool that
reuses an idle thread (docs/PERFORMANCE.md, "Memory growth over Validate all").

qasync gives every ``call_later``/``call_at`` a Qt timer of its own and keeps the callback until that timer
fires, cancelled or not. Every request arms timeouts (the Mattermost client's 60 s deadline, httpcore's
per-read ones) and cancels them when the answer comes, so each Validate all of 100 connections left a few
hundred dead timers behind for a minute. Here cancelling a callback kills its timer and forgets it.

qasync's executor starts ten threads and hands ``asyncio.to_thread`` calls to them in turn, so each thread
grows a malloc arena of its own; a ``ThreadPoolExecutor`` starts a thread only when none is idle.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextvars import Context
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimerEvent
from PySide6.QtWidgets import QApplication
from qasync import QEventLoop  # after PySide6: qasync binds to the Qt binding already imported

T = TypeVar("T")
WORKER_THREADS = 10  # at most, as qasync's executor; started one by one, only when none is idle


class _QtTimedHandle(asyncio.TimerHandle):
    __slots__ = ("timer_id",)
    timer_id: int


class QtTimers(QObject):
    """Runs each timed callback from a Qt timer of its own, and kills that timer when the callback is
    cancelled."""

    def __init__(self) -> None:
        super().__init__()
        self._handles: dict[int, _QtTimedHandle] = {}
        self._stopped = False

    def __len__(self) -> int:
        return len(self._handles)

    def add(self, handle: _QtTimedHandle, delay: float) -> None:
        handle.timer_id = self.startTimer(int(max(0.0, delay) * 1000))  # qasync's rounding, kept
        self._handles[handle.timer_id] = handle

    def drop(self, handle: _QtTimedHandle) -> None:
        if self._handles.get(handle.timer_id) is handle:
            del self._handles[handle.timer_id]
            self.killTimer(handle.timer_id)

    def stop(self) -> None:
        self._stopped = True
        for timer_id in self._handles:
            self.killTimer(timer_id)
        self._handles.clear()

    def timerEvent(self, event: QTimerEvent) -> None:  # noqa: N802 (Qt's name)
        timer_id = event.timerId()
        self.killTimer(timer_id)
        handle = self._handles.pop(timer_id, None)
        if handle is not None and not self._stopped and not handle.cancelled():
            handle._run()


class AppEventLoop(QEventLoop):  # type: ignore[misc]  # qasync has no type information
    """``qasync.QEventLoop`` whose timed callbacks (``call_soon`` included, as in qasync) are
    ``asyncio.TimerHandle``s that release their Qt timer when cancelled."""

    def __init__(self, app: QApplication | None = None, *, already_running: bool = False) -> None:
        self.timers = QtTimers()  # before qasync's own set-up, which may already schedule callbacks
        super().__init__(app, already_running=already_running)
        self.set_default_executor(ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix="mmoauth-worker"))

    def call_later(
        self, delay: float, callback: Callable[..., object], *args: Any, context: Context | None = None
    ) -> asyncio.TimerHandle:
        return self.call_at(self.time() + delay, callback, *args, context=context)

    def call_at(
        self, when: float, callback: Callable[..., object], *args: Any, context: Context | None = None
    ) -> asyncio.TimerHandle:
        self._check_callback(callback, "call_at")
        handle = _QtTimedHandle(when, callback, args, self, context)
        self.timers.add(handle, when - self.time())
        return handle

    def _timer_handle_cancelled(self, handle: asyncio.TimerHandle) -> None:
        if isinstance(handle, _QtTimedHandle):
            self.timers.drop(handle)

    def close(self) -> None:
        super().close()
        self.timers.stop()


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on an :class:`AppEventLoop` over the existing QApplication (as ``qasync.run``)."""
    with asyncio.Runner(loop_factory=AppEventLoop) as runner:
        return runner.run(main)
