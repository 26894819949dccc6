"""Confirmations and notices opened with ``open()`` (never ``exec()``), answered through callbacks.

A coroutine that needs an answer awaits :func:`ask_async`, which resolves a future from the box's
``finished`` signal, so the Qt loop keeps running while the question is up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QMessageBox, QWidget

from mmoauth_gui.ui.runtime.tasks import alive


def _box(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    informative: str = "",
    details: Sequence[str] = (),
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("confirmation")
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    if details:
        box.setDetailedText("\n".join(details))
    box.setAccessibleName(title)
    return box


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    accept_text: str,
    on_answer: Callable[[bool], None],
    *,
    informative: str = "",
    details: Sequence[str] = (),
    destructive: bool = False,
    cancel_text: str = "Cancel",
) -> QMessageBox:
    """Show a window-modal question; ``on_answer(True)`` when ``accept_text`` is chosen, else False."""
    box = _box(
        parent,
        title,
        text,
        informative=informative,
        details=details,
        icon=QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question,
    )
    accept = box.addButton(accept_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(cancel_text, QMessageBox.ButtonRole.RejectRole)
    accept.setAccessibleName(accept_text)
    cancel.setAccessibleName(cancel_text)
    box.setDefaultButton(cancel if destructive else accept)
    box.setEscapeButton(cancel)

    def finished(_result: int) -> None:
        on_answer(box.clickedButton() is accept)
        box.deleteLater()

    box.finished.connect(finished)
    box.open()
    return box


async def ask_async(
    parent: QWidget | None,
    title: str,
    text: str,
    accept_text: str,
    *,
    informative: str = "",
    details: Sequence[str] = (),
    destructive: bool = False,
    cancel_text: str = "Cancel",
) -> bool:
    """:func:`ask` for a coroutine. Cancelling the coroutine closes the box."""
    future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def answered(value: bool) -> None:
        if not future.done():
            future.set_result(value)

    box = ask(
        parent,
        title,
        text,
        accept_text,
        answered,
        informative=informative,
        details=details,
        destructive=destructive,
        cancel_text=cancel_text,
    )
    try:
        return await future
    except asyncio.CancelledError:
        if alive(box) and box.isVisible():
            box.reject()
        raise


DISCARD_TITLE = "Discard changes?"


async def ask_discard(parent: QWidget | None, text: str) -> bool:
    """True when the admin chose to drop what they typed (closing a form with unsaved changes)."""
    return await ask_async(parent, DISCARD_TITLE, text, "Discard changes", cancel_text="Keep editing", destructive=True)


def notify(parent: QWidget | None, title: str, text: str, *, informative: str = "", error: bool = True) -> QMessageBox:
    """A message the user acknowledges; opened window-modal, returns at once."""
    box = _box(
        parent,
        title,
        text,
        informative=informative,
        icon=QMessageBox.Icon.Critical if error else QMessageBox.Icon.Information,
    )
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.finished.connect(lambda _r: box.deleteLater())
    box.open()
    return box
