"""The Add / Duplicate dialogs from the keyboard: Name has the focus when they open, Ctrl+S saves from any
field."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from support.ui_helpers import activate, answer, message_box, select

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.connection_form.form import SAVE_ANYWAY_TITLE
from mmoauth_gui.ui.connections.controller import ConnectionsController

CTRL = Qt.KeyboardModifier.ControlModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_add_opens_with_name_focused(qtbot: Any, page: ConnectionsController) -> None:
    activate(qtbot, page.view)
    qtbot.mouseClick(page.view.add_button, Qt.MouseButton.LeftButton)
    assert page.dialog is not None
    qtbot.waitUntil(page.dialog.isActiveWindow)
    qtbot.keyClicks(focused(), "Weather")
    assert page.dialog.form.name.text() == "Weather"
    page.dialog.done(0)


def test_duplicate_opens_with_name_focused(qtbot: Any, page: ConnectionsController) -> None:
    select(page, "Pager")
    activate(qtbot, page.view)
    page.view.duplicate_action.trigger()
    assert page.dialog is not None
    qtbot.waitUntil(page.dialog.isActiveWindow)
    qtbot.keyClicks(focused(), " 2")
    assert page.dialog.form.name.text() == "Copy of Pager 2"
    page.dialog.done(0)


def test_ctrl_s_saves_while_advanced_has_focus(qtbot: Any, page: ConnectionsController, sandbox: Sandbox) -> None:
    activate(qtbot, page.view)
    dialog = page.add()
    assert dialog is not None
    form = dialog.form
    qtbot.waitUntil(dialog.isActiveWindow)
    client = sandbox.demo_clients[0]
    qtbot.keyClicks(form.name, "Keyboard")
    qtbot.keyClicks(form.client_id, client["client_id"])
    qtbot.keyClicks(form.client_secret.edit, client["client_secret"])
    qtbot.keyClicks(form.token_url, sandbox.token_url)
    qtbot.keyClicks(form.audiences, "https://keyboard.example.com/*")
    form.advanced_toggle.setFocus()
    assert focused() is form.advanced_toggle
    qtbot.keyClick(form.advanced_toggle, Qt.Key.Key_S, CTRL)
    answer(qtbot, SAVE_ANYWAY_TITLE, "Cancel")  # not validated: Save asks first
    qtbot.waitUntil(lambda: message_box(title=SAVE_ANYWAY_TITLE) is None)
    activate(qtbot, dialog)
    qtbot.mouseClick(form.advanced_toggle, Qt.MouseButton.LeftButton)  # opened: the grant row shows
    form.grant.setFocus()
    qtbot.keyClick(form.grant, Qt.Key.Key_S, CTRL)
    answer(qtbot, SAVE_ANYWAY_TITLE, "Cancel")
    dialog.done(0)
