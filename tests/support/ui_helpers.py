"""Helpers for the widget tests: run a coroutine while Qt spins, answer a message box like a person."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from mmoauth_gui.core.model import GrantType
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.connection_form.password_prompt import PasswordPrompt
from mmoauth_gui.ui.connections.controller import ConnectionsController
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.pages import PageName
from mmoauth_gui.ui.preview.page import PreviewPage, create_page
from mmoauth_gui.ui.runtime.settings import ui_settings


def run(qtbot: Any, coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` on the (already running) loop and wait for it while Qt keeps processing events."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done)
    return task.result()


def message_box(parent: QWidget | None = None, title: str = "") -> QMessageBox | None:
    """The visible message box (confirmation) with ``title``, if any."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible() and (not title or widget.windowTitle() == title):
            return widget
    return None


def answer(qtbot: Any, title: str, button_text: str) -> QMessageBox:
    """Wait for the message box ``title`` and click its ``button_text`` button."""
    qtbot.waitUntil(lambda: message_box(title=title) is not None)
    box = message_box(title=title)
    assert box is not None
    button = next(b for b in box.buttons() if b.text() == button_text)
    button.click()
    return box


def activate(qtbot: Any, window: Any) -> None:
    """Keyboard shortcuts go to the active window only."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def window_with_preview(qtbot: Any, ctx: AppContext) -> tuple[MainWindow, PreviewPage]:
    """The main window with the Slash commands page (the preview that Delete and Edit ask), shown."""
    window = MainWindow(ctx, ui_settings(ctx.paths), with_pages=False)
    qtbot.addWidget(window)
    page = create_page(ctx, window)
    assert isinstance(page, PreviewPage)
    window.set_page(PageName.PREVIEW, page)
    window.resize(1200, 800)
    window.show()
    return window, page


def select(controller: ConnectionsController, name: str) -> None:
    conn = next(c for c in controller.model.connections() if c.name == name)
    controller.select(conn.id)
    assert controller.selected() == conn


def type_password_grant(qtbot: Any, form: Any, sandbox: Sandbox, name: str, audience: str) -> dict[str, Any]:
    """Type a connection for the sandbox's password-grant client into a connection form, up to choosing the
    password grant (username and password left to the test); returns that client."""
    client = next(c for c in sandbox.demo_clients if "password" in c["grant_types"])
    qtbot.keyClicks(form.name, name)
    qtbot.keyClicks(form.client_id, client["client_id"])
    qtbot.keyClicks(form.client_secret.edit, client["client_secret"])
    qtbot.keyClicks(form.token_url, sandbox.token_url)
    qtbot.keyClicks(form.audiences, audience)
    qtbot.mouseClick(form.advanced_toggle, Qt.MouseButton.LeftButton)
    form.grant.setCurrentIndex(form.grant.findData(GrantType.PASSWORD.value))
    return client


def finish_setup(qtbot: Any, dialog: Any) -> None:
    """After an Add: wait for the "Setup Successful" page and click Done, as a person would."""
    qtbot.waitUntil(lambda: dialog.showing_success)
    done = dialog.success.done_button
    qtbot.mouseClick(done, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def password_prompt() -> PasswordPrompt | None:
    """The visible "Password needed to validate" prompt, if any."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, PasswordPrompt) and widget.isVisible():
            return widget
    return None


def type_connection(qtbot: Any, form: Any, sandbox: Any, name: str, audiences: str, client_id: str) -> None:
    """Type a new connection for the sandbox's demo client ``client_id`` into an Add form, key by key."""
    client = sandbox.demo_client(client_id)
    qtbot.keyClicks(form.name, name)
    qtbot.keyClicks(form.client_id, client.client_id)
    qtbot.keyClicks(form.client_secret.edit, client.client_secret)
    qtbot.keyClicks(form.token_url, sandbox.token_url)
    qtbot.keyClicks(form.audiences, audiences)
