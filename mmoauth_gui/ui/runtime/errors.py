"""Unexpected errors: logged (redacted) and shown in a dialog, never lost in the event loop."""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from mmoauth_gui.core.plural import counted
from mmoauth_gui.logs import redact
from mmoauth_gui.ui.runtime.tasks import alive

log = logging.getLogger(__name__)


def user_text(exc: BaseException) -> str:
    """What to tell a person about ``exc``: its ``user_message`` when it has one."""
    message = getattr(exc, "user_message", None)
    if isinstance(message, str) and message:
        return message
    text = redact(str(exc)).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class ErrorReporter:
    """Shows one error dialog at a time; errors arriving meanwhile are counted in it."""

    def __init__(self, log_file: Path | None = None) -> None:
        self.log_file = log_file
        self.parent: QWidget | None = None
        self._box: QMessageBox | None = None
        self._extra = 0
        self._old_hook: Any = None
        self.shown: list[str] = []  # texts shown, for tests and --selftest

    def install(self) -> None:
        self._old_hook = sys.excepthook
        sys.excepthook = self._excepthook

    def uninstall(self) -> None:
        if self._old_hook is not None:
            sys.excepthook = self._old_hook
            self._old_hook = None

    def loop_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, BaseException):
            self.report(exc, context.get("message", ""))
        else:
            log.error("event loop: %s", redact(str(context.get("message", ""))))

    def _excepthook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        self.report(exc)

    def report(self, exc: BaseException, where: str = "") -> None:
        details = redact("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        log.error("Unexpected error%s:\n%s", f" ({where})" if where else "", details)
        text = user_text(exc)
        self.shown.append(text)
        if QApplication.instance() is None:
            print(details, file=sys.stderr)
            return
        if self._box is not None and alive(self._box) and self._box.isVisible():
            self._extra += 1
            self._box.setInformativeText(
                self._informative() + f"\n\n{counted(self._extra, 'more error', 'more errors')} happened since."
            )
            return
        self._extra = 0
        box = QMessageBox(self.parent if alive(self.parent) else None)
        box.setObjectName("errorDialog")
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Something went wrong")
        box.setText(text)
        box.setInformativeText(self._informative())
        box.setDetailedText(details)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setAccessibleName("Error")
        box.finished.connect(lambda _r: box.deleteLater())
        self._box = box
        box.open()

    def _informative(self) -> str:
        where = f" The details were written to {self.log_file}." if self.log_file else ""
        return f"The app keeps running; you can retry what you were doing.{where}"
