"""A question with several answers, opened with ``open()`` and awaited (never ``exec()`` in a coroutine)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from mmoauth_gui.ui.runtime.tasks import alive

T = TypeVar("T")


async def ask_choice(
    parent: QWidget | None,
    title: str,
    text: str,
    choices: Sequence[tuple[str, T]],
    *,
    informative: str = "",
    cancel_text: str = "Cancel",
    object_name: str = "choice",
) -> T | None:
    """The value of the button clicked; None for ``cancel_text`` (also Esc). Cancelling the coroutine closes it."""
    box = QMessageBox(parent)
    box.setObjectName(object_name)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setAccessibleName(title)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    values: dict[QPushButton, T] = {}
    for label, value in choices:
        button = box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
        button.setAccessibleName(label)
        values[button] = value
    cancel = box.addButton(cancel_text, QMessageBox.ButtonRole.RejectRole)
    cancel.setAccessibleName(cancel_text)
    box.setEscapeButton(cancel)
    if values:
        box.setDefaultButton(next(iter(values)))

    future: asyncio.Future[T | None] = asyncio.get_running_loop().create_future()

    def finished(_result: int) -> None:
        if not future.done():
            clicked = box.clickedButton()
            future.set_result(values.get(clicked) if isinstance(clicked, QPushButton) else None)
        box.deleteLater()

    box.finished.connect(finished)
    box.open()
    try:
        return await future
    except asyncio.CancelledError:
        if alive(box) and box.isVisible():
            box.reject()
        raise
