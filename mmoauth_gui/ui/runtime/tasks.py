"""Async actions tied to the widgets that started them.

Every coroutine the UI runs goes through ``Tasks.start``: the task is kept, its button is disabled
while it runs, it is cancelled when its owner widget goes away, and an unexpected error reaches the
owner's handler or the error dialog instead of vanishing in the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeGuard

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton

from mmoauth_gui.services.mattermost.errors import NotAuthenticated

log = logging.getLogger(__name__)

Control = QAbstractButton | QAction


def alive(obj: QObject | None) -> bool:
    return obj is not None and shiboken6.isValid(obj)


def is_running(task: asyncio.Task[Any] | None) -> TypeGuard[asyncio.Task[Any]]:
    """A task was started and has not ended (finished, failed or cancelled)."""
    return task is not None and not task.done()


class Tasks(QObject):
    """The task registry of one window."""

    unhandled_error = Signal(object)  # BaseException with no on_error handler
    auth_lost = Signal(object)  # NotAuthenticated from any action: the server no longer takes the token
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._by_owner: dict[int, set[asyncio.Task[Any]]] = {}
        self._watched: set[int] = set()

    def start(
        self,
        coro: Coroutine[Any, Any, Any],
        *,
        owner: QObject,
        button: Control | None = None,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        name: str = "",
    ) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        if name:
            task.set_name(name)
        key = id(owner)
        was_busy = self.busy
        self._by_owner.setdefault(key, set()).add(task)
        if key not in self._watched:
            self._watched.add(key)
            owner.destroyed.connect(lambda *_: self._owner_gone(key))
        if button is not None:
            button.setEnabled(False)

        def done(t: asyncio.Task[Any]) -> None:
            tasks = self._by_owner.get(key)
            if tasks is not None:
                tasks.discard(t)
            if button is not None and alive(button):
                button.setEnabled(True)
            if not self.busy:
                self.busy_changed.emit(False)
            if t.cancelled():
                return
            exc = t.exception()
            if isinstance(exc, NotAuthenticated):
                self.auth_lost.emit(exc)
            if exc is None:
                if on_result is not None and alive(owner):
                    on_result(t.result())
                return
            if on_error is not None and alive(owner):
                on_error(exc)
            else:
                log.error("Action %s failed", t.get_name(), exc_info=exc)
                self.unhandled_error.emit(exc)

        task.add_done_callback(done)
        if not was_busy:
            self.busy_changed.emit(True)
        return task

    @property
    def busy(self) -> bool:
        return any(self._by_owner.values())

    def running(self, owner: QObject) -> list[asyncio.Task[Any]]:
        return [t for t in self._by_owner.get(id(owner), ()) if not t.done()]

    def cancel_owner(self, owner: QObject) -> None:
        for task in list(self._by_owner.get(id(owner), ())):
            task.cancel()

    def cancel_all(self) -> None:
        for tasks in list(self._by_owner.values()):
            for task in list(tasks):
                task.cancel()

    async def wait_idle(self) -> None:
        """Wait for every task (after ``cancel_all``) so nothing runs once the HTTP client closes."""
        pending = [t for tasks in self._by_owner.values() for t in tasks if not t.done()]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    def _owner_gone(self, key: int) -> None:
        self._watched.discard(key)
        for task in self._by_owner.pop(key, set()):
            task.cancel()
